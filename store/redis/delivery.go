package redis

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/switchboard-go/switchboard/channel"
)

// A webhook delivery (a channel.Delivery in the context, put there by
// channel.Dedupe) costs two round trips on the path to the reply, whatever
// its handler does with this Store's pieces of state:
//
//  1. the claim, in one pipeline with the customer's window touch and the
//     read of their conversation (both done whatever the claim's answer:
//     a touch keeps the later time, and a read changes nothing);
//  2. the per-recipient take before the reply, carrying the conversation's
//     save the rule engine made before it.
//
// The completion after the reply, carrying any write still waiting, is the
// third. Calls made without a Delivery (a send outside a webhook, a test)
// each take their own round trip, as before.

// deliveryWindowTTL is how long the window touched in the claim's round
// trip is kept: the longest window of any platform (WeChat's 48 h). The
// window's own length is Windows' business; the TTL only lets Redis forget.
const deliveryWindowTTL = 48 * time.Hour

// delivery is what a Store keeps for one channel.Delivery.
type delivery struct {
	mu sync.Mutex
	// touched is the customer whose window the claim's round trip touched,
	// at touchedAt.
	touched   channel.Address
	touchedAt time.Time
	// conv is the customer's conversation as the claim's round trip read it
	// (GET's answer), until a Load uses it or a write replaces it.
	conv    *goredis.StringCmd
	convFor channel.Address
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
		d.ended = d.ended || end
		d.mu.Unlock()
	}
	done, err := s.rdb.Pipelined(ctx, func(p goredis.Pipeliner) error {
		for _, w := range pending {
			w(ctx, p)
		}
		cmds(p)
		return nil
	})
	if err != nil && !errors.Is(err, goredis.Nil) {
		return err
	}
	for _, c := range done {
		if err := c.Err(); err != nil && !errors.Is(err, goredis.Nil) {
			return err
		}
	}
	return nil
}

// prefetch adds to p, the claim's pipeline, the touch of the window of the
// customer the delivery in ctx is an interaction by, and the read of their
// conversation, and notes both in the delivery for WindowStore.Touch and
// ConversationStore.Load.
func (s *Store) prefetch(ctx context.Context, p goredis.Pipeliner, now time.Time) {
	cd := channel.DeliveryFrom(ctx)
	if cd == nil {
		return
	}
	from, ok := channel.Interaction(cd.Event)
	if !ok {
		return
	}
	at := cd.Event.Time
	if at.IsZero() {
		at = now
	}
	d := s.delivery(ctx)
	touchScript.Eval(ctx, p, []string{s.windowKey(from)}, strconv.FormatInt(at.UnixNano(), 10), px(deliveryWindowTTL))
	conv := p.Get(ctx, s.convKey(from))
	d.mu.Lock()
	d.touched, d.touchedAt = from, at
	d.conv, d.convFor = conv, from
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
	return d.touched == a && !d.touchedAt.Before(at)
}

// prefetched returns, once, the answer to the read of a's conversation that
// the claim's round trip made, or nil.
func (s *Store) prefetched(ctx context.Context, a channel.Address) *goredis.StringCmd {
	d := s.delivery(ctx)
	if d == nil {
		return nil
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.conv == nil || d.convFor != a {
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
		if d.convFor == a {
			d.conv = nil
		}
		d.mu.Unlock()
	}
}
