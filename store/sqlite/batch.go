package sqlite

import (
	"context"
)

// Group commit. SQLite has one writer, and in WAL mode most of a small
// write's cost is its commit: writing the pages it changed to the WAL. So
// the stores' statements (Exec, QueryRow) and transactions (Tx) run in
// shared transactions. A request that finds no batch running leads one: it
// takes every request queued so far, runs each in turn (a Tx inside a
// SAVEPOINT, so that its failure undoes only its own writes; a single
// statement that fails undoes only itself, as SQLite does), commits once,
// wakes the requests it ran, and hands the lead to the first request queued
// meanwhile. A request returns after the commit that holds its writes, so
// what it reports is as durable as a statement of its own; if the commit
// fails, every request of the batch gets the error.
//
// Inside a batch, statements run without their caller's cancellation: an
// interrupted write in SQLite rolls back the whole transaction, which would
// fail the other requests too. A request whose context is done before its
// turn is not run.

// A request is one caller's work waiting for, or in, a batch.
type request struct {
	ctx       context.Context
	f         func(context.Context, conn) error
	savepoint bool
	err       error
	// wake says the request's batch committed (false), or that it leads
	// the next batch (true).
	wake chan bool
}

// atomic runs f in a batch and returns its error, or the batch's.
func (d *DB) atomic(ctx context.Context, savepoint bool, f func(context.Context, conn) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	r := &request{ctx: ctx, f: f, savepoint: savepoint, wake: make(chan bool, 1)}
	d.batchMu.Lock()
	d.queue = append(d.queue, r)
	lead := !d.leading
	d.leading = true
	d.batchMu.Unlock()
	if lead || <-r.wake {
		d.lead(r)
	}
	return r.err
}

// lead runs the queued requests (self among them) as one batch, then
// hands the lead on.
func (d *DB) lead(self *request) {
	d.batchMu.Lock()
	batch := d.queue
	d.queue = nil
	d.batchMu.Unlock()

	d.commit(batch)
	d.prepareMissing()

	for _, r := range batch {
		if r != self {
			r.wake <- false
		}
	}
	d.batchMu.Lock()
	defer d.batchMu.Unlock()
	d.batches++
	if len(d.queue) == 0 {
		d.leading = false
		return
	}
	d.queue[0].wake <- true
}

// commit runs batch in one transaction.
func (d *DB) commit(batch []*request) {
	ctx := context.Background()
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		for _, r := range batch {
			r.err = err
		}
		return
	}
	c := conn{d: d, tx: tx}
	for _, r := range batch {
		r.err = r.run(c)
	}
	if err := tx.Commit(); err != nil {
		for _, r := range batch {
			if r.err == nil {
				r.err = err
			}
		}
	}
}

// run runs r on c, the batch's transaction.
func (r *request) run(c conn) error {
	if err := r.ctx.Err(); err != nil {
		return err
	}
	ctx := context.WithoutCancel(r.ctx)
	if !r.savepoint {
		return r.f(ctx, c)
	}
	if _, err := c.Exec(ctx, `SAVEPOINT request`); err != nil {
		return err
	}
	if err := r.f(ctx, c); err != nil {
		if _, rerr := c.Exec(ctx, `ROLLBACK TO request`); rerr != nil {
			return rerr
		}
		_, _ = c.Exec(ctx, `RELEASE request`)
		return err
	}
	_, err := c.Exec(ctx, `RELEASE request`)
	return err
}
