package redis

import (
	"context"

	goredis "github.com/redis/go-redis/v9"
)

// Pipelines made at the same time by different deliveries are sent
// together, as one pipeline: on a busy server most of a small pipeline's
// cost is its system calls and the server's reads and writes, not its
// commands. A pipeline that finds fewer than maxInflight batches on the
// wire leads one: it takes every pipeline queued so far, sends them as one,
// hands each its own commands' answers, and passes the lead to the first
// pipeline queued meanwhile. A lone pipeline goes out at once, as before.
// Commands keep their order within each pipeline; pipelines of one
// delivery are never in the same batch (its calls are sequential). A batch
// is sent without its leader's cancellation, so that a leader going away
// does not fail the others' commands; go-redis's timeouts still apply.

// maxInflight bounds the batches on the wire at once.
const maxInflight = 2

// A pipe is one caller's pipeline waiting for, or in, a batch.
type pipe struct {
	fill func(goredis.Pipeliner)
	cmds []goredis.Cmder
	// batch is set, before wake, on the pipe that is to lead it.
	batch []*pipe
	// wake says the pipe's batch was answered, or (batch set) that it
	// leads the next one.
	wake chan struct{}
}

// exec sends the commands fill adds, in a batch, and returns them answered
// (each with its own error, as Pipelined's).
func (s *Store) exec(ctx context.Context, fill func(goredis.Pipeliner)) []goredis.Cmder {
	r := &pipe{fill: fill, wake: make(chan struct{}, 1)}
	s.batchMu.Lock()
	if s.inflight < maxInflight {
		s.inflight++
		batch := append(s.queue, r)
		s.queue = nil
		s.batchMu.Unlock()
		s.lead(ctx, r, batch)
		return r.cmds
	}
	s.queue = append(s.queue, r)
	s.batchMu.Unlock()
	<-r.wake
	if r.batch != nil {
		s.lead(ctx, r, r.batch)
	}
	return r.cmds
}

// lead sends batch (self's pipe among them) as one pipeline, then hands
// the pipes queued meanwhile to the first of them to lead.
func (s *Store) lead(ctx context.Context, self *pipe, batch []*pipe) {
	p := s.rdb.Pipeline()
	n := make([]int, len(batch))
	for i, r := range batch {
		before := p.Len()
		r.fill(p)
		n[i] = p.Len() - before
	}
	cmds, _ := p.Exec(context.WithoutCancel(ctx)) // each command carries its error
	for i, r := range batch {
		r.cmds, cmds = cmds[:n[i]:n[i]], cmds[n[i]:]
		if r != self {
			r.wake <- struct{}{}
		}
	}

	s.batchMu.Lock()
	next := s.queue
	s.queue = nil
	if len(next) == 0 {
		s.inflight--
	}
	s.batchMu.Unlock()
	if len(next) > 0 {
		next[0].batch = next
		next[0].wake <- struct{}{}
	}
}
