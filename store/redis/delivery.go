package redis

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/switchboard-go/switchboard/channel"
)

// A webhook delivery (a channel.Delivery in the context, put there by
// channel.Dedupe) costs two round trips, whatever its handler does with
// this Store's pieces of state:
//
//  1. the claim, whose script also touches the customer's window, in one
//     pipeline with the read of their conversation (both done whatever
//     the claim's answer: a touch keeps the later time, and a read changes
//     nothing). A claim the caller gets also charges, in the same script,
//     one send to the customer's per-recipient allowance: the reply's. The
//     reply's RecipientLimitStore.Take then uses that charge instead of a
//     round trip, and a charge no reply used is given back in the
//     completion.
//  2. the completion after the reply, carrying the writes still waiting
//     (the conversation's save): the done mark and the state the handler
//     left land together.
//
// The claim can charge only an allowance it knows: the Store learns it,
// per channel, from the first Take (so a process's first reply on a
// channel takes a round trip of its own). On a Redis Cluster client the
// claim never charges and the window is touched by a script of its own (a
// script may not touch keys in two slots). A charge that found no room
// charges nothing: the Take then asks the server. Calls made without a
// Delivery (a send outside a webhook, a test) each take their own round
// trip.
//
// The conversation's save reaches Redis after the reply is sent, one round
// trip (≈ 0.1 ms) later; a customer's answer to the reply takes hundreds
// of milliseconds to come back through the platform. If the process dies
// between the two, neither the done mark nor the save is written, and the
// redelivered message is handled again from the state it first met (as a
// takeover: see channel.GuardTakeover).

// deliveryWindowTTL is how long the window touched in the claim's round
// trip is kept: the longest window of any platform (WeChat's 48 h). The
// window's own length is Windows' business; the TTL only lets Redis forget.
const deliveryWindowTTL = 48 * time.Hour

// delivery is what a Store keeps for one channel.Delivery.
type delivery struct {
	mu sync.Mutex
	// from is the customer whose window the claim's round trip touched, at
	// touchedAt, and whose conversation it read.
	from      channel.Address
	touchedAt time.Time
	// conv is from's conversation as the claim's round trip read it (GET's
	// answer), until a Load uses it or a write replaces it.
	conv *goredis.StringCmd
	// charge is the customer allowance the claim charged for the reply, or
	// nil.
	charge *charge
	// pending are writes waiting for the delivery's next round trip.
	pending []func(context.Context, goredis.Pipeliner)
	// ended: the delivery was completed or released; a write made after
	// that (a goroutine the handler left) goes out at once.
	ended bool
}

type deliveryKey struct{ s *Store }

// delivery returns s's state for the delivery in ctx, or nil when ctx
// carries none.
func (s *Store) delivery(ctx context.Context) *delivery {
	d := channel.DeliveryFrom(ctx)
	if d == nil {
		return nil
	}
	// Called several times a delivery: make a delivery only the first time.
	if v := d.Value(deliveryKey{s}); v != nil {
		return v.(*delivery)
	}
	return d.LoadOrStore(deliveryKey{s}, &delivery{}).(*delivery)
}

// later queues a write for the delivery's next round trip; without a
// delivery in ctx it is done now, in its own.
func (s *Store) later(ctx context.Context, write func(context.Context, goredis.Pipeliner)) error {
	if d := s.delivery(ctx); d != nil {
		d.mu.Lock()
		queued := !d.ended
		if queued {
			d.pending = append(d.pending, write)
		}
		d.mu.Unlock()
		if queued {
			return nil
		}
	}
	return s.pipelined(ctx, func(p goredis.Pipeliner) { write(ctx, p) })
}

// pipelined runs the writes waiting in ctx's delivery, then cmds, in one
// round trip, and returns the first error other than a missing key
// (goredis.Nil, which the caller reads from its own command). Waiting
// writes whose round trip failed are dropped: their error is the caller's.
func (s *Store) pipelined(ctx context.Context, cmds func(goredis.Pipeliner)) error {
	return s.run(ctx, false, cmds)
}

// ending is pipelined for the last call of a delivery (its completion or
// release): writes queued after it go out at once.
func (s *Store) ending(ctx context.Context, cmds func(goredis.Pipeliner)) error {
	return s.run(ctx, true, cmds)
}

func (s *Store) run(ctx context.Context, end bool, cmds func(goredis.Pipeliner)) error {
	var pending []func(context.Context, goredis.Pipeliner)
	if d := s.delivery(ctx); d != nil {
		d.mu.Lock()
		pending, d.pending = d.pending, nil
		if c := d.charge; end && c != nil && !c.used {
			c.used = true
			pending = append(pending, c.refund)
		}
		d.ended = d.ended || end
		d.mu.Unlock()
	}
	done := s.exec(ctx, func(p goredis.Pipeliner) {
		for _, w := range pending {
			w(ctx, p)
		}
		cmds(p)
	})
	s.resend(ctx, done)
	for _, c := range done {
		if err := c.Err(); err != nil && !errors.Is(err, goredis.Nil) {
			return err
		}
	}
	return nil
}

// A prefetch is what a claim's round trip does for the customer the
// delivery is an interaction by: touch their window (at, Unix ns) and read
// their conversation (conv, set when the pipeline is built).
type prefetch struct {
	from channel.Address
	at   string
	t    time.Time
	conv *goredis.StringCmd
}

// prefetch returns the prefetch of a claim at now of the delivery in ctx,
// or nil when ctx carries no delivery or its event is no interaction.
func (s *Store) prefetch(ctx context.Context, now time.Time) *prefetch {
	cd := channel.DeliveryFrom(ctx)
	if cd == nil {
		return nil
	}
	from, ok := channel.Interaction(cd.Event)
	if !ok {
		return nil
	}
	at := cd.Event.Time
	if at.IsZero() {
		at = now
	}
	return &prefetch{from: from, at: strconv.FormatInt(at.UnixNano(), 10), t: at}
}

// prefetched notes in the delivery in ctx what pre did, for
// WindowStore.Touch and ConversationStore.Load, and the charge c (or nil)
// the claim made, for RecipientLimitStore.Take.
func (s *Store) prefetched(ctx context.Context, pre *prefetch, c *charge) {
	d := s.delivery(ctx)
	d.mu.Lock()
	d.from, d.touchedAt, d.conv = pre.from, pre.t, pre.conv
	if c != nil {
		d.charge = c
	}
	d.mu.Unlock()
}

// touchedBefore reports whether the delivery in ctx already touched a's
// window at at or later.
func (s *Store) touchedBefore(ctx context.Context, a channel.Address, at time.Time) bool {
	d := s.delivery(ctx)
	if d == nil {
		return false
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.from == a && !d.touchedAt.Before(at)
}

// takePrefetched returns, once, the answer to the read of a's
// conversation that the claim's round trip made, or nil.
func (s *Store) takePrefetched(ctx context.Context, a channel.Address) *goredis.StringCmd {
	d := s.delivery(ctx)
	if d == nil {
		return nil
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.conv == nil || d.from != a {
		return nil
	}
	c := d.conv
	d.conv = nil
	return c
}

// forget drops the prefetched conversation of a: a write replaced it.
func (s *Store) forget(ctx context.Context, a channel.Address) {
	if d := s.delivery(ctx); d != nil {
		d.mu.Lock()
		if d.from == a {
			d.conv = nil
		}
		d.mu.Unlock()
	}
}

// A charge is one send charged to a customer's allowance by a claim, for
// the delivery's reply.
type charge struct {
	to   channel.Address
	key  string // to's allowance
	with allowance
	at   time.Time
	// used: a Take took it, or the completion gave it back.
	used bool
}

// refund gives the charge back (p is the completion's pipeline).
func (c *charge) refund(ctx context.Context, p goredis.Pipeliner) {
	refundScript.EvalSha(ctx, p, []string{c.key}, c.at.UnixMicro(), c.with.every)
}

// chargeable returns the charge a claim at now should make for a reply to
// from, or nil when no Take on from's channel has told s its allowance.
func (s *Store) chargeable(from channel.Address, now time.Time) *charge {
	al, ok := s.limits.Load(from.Channel)
	if !ok {
		return nil
	}
	return &charge{to: from, key: s.limitKey(from), with: al.(allowance), at: now}
}

// reserved reports whether the delivery in ctx holds an unused charge of
// one send to a with al, and uses it.
func (s *Store) reserved(ctx context.Context, a channel.Address, al allowance) bool {
	d := s.delivery(ctx)
	if d == nil {
		return false
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	c := d.charge
	if c == nil || c.used || c.to != a || c.with != al {
		return false
	}
	c.used = true
	return true
}

// pipelineSources are the bodies of the scripts sent in pipelines, by
// SHA1.
var pipelineSources = map[string]string{}

// pipelineScript returns a script for pipelines: they send it by its SHA1
// (EVALSHA), so its body crosses the wire and is hashed by the server only
// when the server does not have it yet, and run's resend sends the body.
func pipelineScript(src string) *goredis.Script {
	sc := goredis.NewScript(src)
	pipelineSources[sc.Hash()] = src
	return sc
}

// resend sends again, as EVAL in one more round trip, the commands of done
// that the server answered NOSCRIPT (its script cache is empty after a
// restart or SCRIPT FLUSH), and puts their answers in their place, where
// run reads them. A command so answered did nothing.
func (s *Store) resend(ctx context.Context, done []goredis.Cmder) {
	var lost []*goredis.Cmd
	var evals [][]any
	for _, c := range done {
		cmd, ok := c.(*goredis.Cmd)
		if !ok || cmd.Err() == nil || !strings.HasPrefix(cmd.Err().Error(), "NOSCRIPT") {
			continue
		}
		args := cmd.Args() // evalsha, sha, numkeys, keys…, args…
		if src, ok := pipelineSources[fmt.Sprint(args[1])]; ok {
			lost = append(lost, cmd)
			evals = append(evals, append([]any{"eval", src}, args[2:]...))
		}
	}
	if len(lost) == 0 {
		return
	}
	again := make([]*goredis.Cmd, len(evals))
	_, _ = s.rdb.Pipelined(ctx, func(p goredis.Pipeliner) error {
		for i, e := range evals {
			again[i] = p.Do(ctx, e...)
		}
		return nil
	})
	for i, c := range lost {
		c.SetVal(again[i].Val())
		c.SetErr(again[i].Err())
	}
}
