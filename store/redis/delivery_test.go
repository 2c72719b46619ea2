package redis_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/autoreply"
	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/internal/testenv"
	"github.com/switchboard-go/switchboard/store/redis"
	"github.com/switchboard-go/switchboard/store/storetest"
)

// tripCounter counts round trips: a command or a whole pipeline is one.
type tripCounter struct{ n atomic.Int64 }

func (c *tripCounter) DialHook(next goredis.DialHook) goredis.DialHook { return next }
func (c *tripCounter) ProcessHook(next goredis.ProcessHook) goredis.ProcessHook {
	return func(ctx context.Context, cmd goredis.Cmder) error {
		if !setup(cmd) {
			c.n.Add(1)
		}
		return next(ctx, cmd)
	}
}
func (c *tripCounter) ProcessPipelineHook(next goredis.ProcessPipelineHook) goredis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []goredis.Cmder) error {
		if len(cmds) == 0 || !setup(cmds[0]) {
			c.n.Add(1)
		}
		return next(ctx, cmds)
	}
}

// setup reports whether cmd is part of a new connection's own setup.
func setup(cmd goredis.Cmder) bool {
	switch cmd.Name() {
	case "hello", "client", "auth", "select":
		return true
	}
	return false
}

// take returns the round trips counted since the last call.
func (c *tripCounter) take() int64 { return c.n.Swap(0) }

// now is the time of the deliveries these tests make: storetest.T0, in the
// future, because the server drops a key whose absolute expiry (the
// conversation's EXAT, from this clock) is behind its own clock. A fixed
// date in the past made these tests fail once the wall clock passed it.
var now = storetest.T0

// startDelivery does what channel.Dedupe does before the handler: puts e in
// the context as a delivery and claims it on s at e.Time with a 1 min lease.
func startDelivery(s *redis.Store, e channel.Event) (context.Context, string, channel.ClaimStatus, error) {
	ctx := channel.WithDelivery(context.Background(), &channel.Delivery{Event: e})
	key := channel.DedupeKey(e.Channel, e.ID)
	st, err := s.Dedupe().Claim(ctx, key, e.Time, time.Minute)
	return ctx, key, st, err
}

// countedStore is a Store under a fresh prefix whose client counts its
// round trips, and a plain Store on the same keys to look from outside.
func countedStore(t *testing.T) (*redis.Store, *redis.Store, *tripCounter) {
	t.Helper()
	outside := storetest.Redis(t)
	opt, err := goredis.ParseURL(testenv.RedisURL(t))
	require.NoError(t, err)
	c := goredis.NewClient(opt)
	t.Cleanup(func() { c.Close() })
	trips := &tripCounter{}
	c.AddHook(trips)
	s, err := redis.New(c, outside.Prefix())
	require.NoError(t, err)
	return s, outside, trips
}

// TestDeliveryTakesTwoRoundTrips follows one webhook delivery through the
// calls the shop's handler makes, counting round trips, and checks from a
// second Store that every write lands.
func TestDeliveryTakesTwoRoundTrips(t *testing.T) {
	s, outside, trips := countedStore(t)
	bg := context.Background()
	from := channel.Address{Channel: channel.WhatsApp, ID: "85291234567"}
	before := autoreply.Conversation{Await: "order_number", AwaitRule: "where_is_my_order"}
	require.NoError(t, outside.Conversations().Save(bg, from, before, now.Add(time.Hour)))

	// A first send on the channel tells the Store its per-recipient
	// allowance; a first delivery loads the scripts on the server.
	other := channel.Address{Channel: channel.WhatsApp, ID: "6281234567890"}
	_, err := s.RecipientLimits().Take(bg, other, now, 6*time.Second, 1)
	require.NoError(t, err)
	wctx, wkey, _, err := startDelivery(s, channel.Event{Type: channel.EventMessage, Channel: channel.WhatsApp, ID: "wamid.0", From: other, Time: now})
	require.NoError(t, err)
	require.NoError(t, s.Dedupe().Complete(wctx, wkey, now, time.Hour))
	trips.take()

	ctx, key, st, err := startDelivery(s, channel.Event{Type: channel.EventMessage, Channel: channel.WhatsApp, ID: "wamid.1", From: from, Time: now,
		Message: &channel.Message{ID: "wamid.1", From: from, Text: "48213957", Time: now}})
	require.NoError(t, err)
	require.Equal(t, channel.ClaimNew, st)
	require.EqualValues(t, 1, trips.take(), "claim, window touch, conversation read and the reply's charge: one round trip")
	wait, err := outside.RecipientLimits().Take(bg, from, now, 6*time.Second, 1)
	require.NoError(t, err)
	require.Equal(t, 6*time.Second, wait, "the claim charged the customer's allowance for the reply")

	require.NoError(t, s.Windows().Touch(ctx, from, now, 24*time.Hour))
	conv, ok, err := s.Conversations().Load(ctx, from, now)
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, before, conv)
	after := autoreply.Conversation{Misses: 1, Triggered: map[string]int{"where_is_my_order": 1}}
	require.NoError(t, s.Conversations().Save(ctx, from, after, now.Add(time.Hour)))
	wait, err = s.RecipientLimits().Take(ctx, from, now, 6*time.Second, 1)
	require.NoError(t, err)
	require.Zero(t, wait, "the reply uses the claim's charge")
	require.EqualValues(t, 0, trips.take(), "touch, load, save and take wait for the next round trip")
	seen, ok, err := outside.Windows().LastSeen(bg, from)
	require.NoError(t, err)
	require.True(t, ok, "the claim's round trip touched the window")
	require.True(t, seen.Equal(now))

	// A second reply to the same customer asks the server, and finds no room.
	wait, err = s.RecipientLimits().Take(ctx, from, now, 6*time.Second, 1)
	require.NoError(t, err)
	require.Equal(t, 6*time.Second, wait)
	require.EqualValues(t, 1, trips.take())
	got, ok, err := outside.Conversations().Load(bg, from, now)
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, after, got, "the take's round trip carried the save")

	require.NoError(t, s.Conversations().Delete(ctx, from))
	require.NoError(t, s.Dedupe().Complete(ctx, key, now, 24*time.Hour))
	require.EqualValues(t, 1, trips.take(), "the completion carries the delete")
	_, ok, err = outside.Conversations().Load(bg, from, now)
	require.NoError(t, err)
	require.False(t, ok)
	st, err = outside.Dedupe().Claim(bg, key, now, time.Minute)
	require.NoError(t, err)
	require.Equal(t, channel.ClaimDone, st)
	wait, err = outside.RecipientLimits().Take(bg, from, now, 6*time.Second, 1)
	require.NoError(t, err)
	require.Equal(t, 6*time.Second, wait, "a used charge is not given back")

	// A write after the delivery ended (a goroutine the handler left
	// behind) goes out at once instead of waiting for a call that never comes.
	require.NoError(t, s.Conversations().Save(ctx, from, before, now.Add(time.Hour)))
	require.EqualValues(t, 1, trips.take())
	got, ok, err = outside.Conversations().Load(bg, from, now)
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, before, got)
}

// TestDeliveryChargeNotUsedIsGivenBack: a delivery that sends no reply
// gives the claim's charge back in its completion (or release); a claim
// that is not new charges nothing; a charge is only for its customer and
// its allowance.
func TestDeliveryChargeNotUsedIsGivenBack(t *testing.T) {
	s, outside, _ := countedStore(t)
	bg := context.Background()
	from := channel.Address{Channel: channel.LINE, ID: "U4af4980629"}
	_, err := s.RecipientLimits().Take(bg, channel.Address{Channel: channel.LINE, ID: "U0"}, now, time.Second, 2)
	require.NoError(t, err)
	used := func() time.Duration { // how far the customer's allowance is charged
		t.Helper()
		v, err := outside.Client().Get(bg, outside.Key("rl", from.String())).Int64()
		if errors.Is(err, goredis.Nil) {
			return 0
		}
		require.NoError(t, err)
		return time.Duration(v-now.UnixMicro()) * time.Microsecond
	}
	deliver := func(id string) (context.Context, string, channel.ClaimStatus) {
		t.Helper()
		ctx, key, st, err := startDelivery(s, channel.Event{Type: channel.EventMessage, Channel: channel.LINE, ID: id, From: from, Time: now})
		require.NoError(t, err)
		return ctx, key, st
	}

	ctx, key, st := deliver("m1")
	require.Equal(t, channel.ClaimNew, st)
	require.Equal(t, time.Second, used())
	_, _, st = deliver("m1") // a redelivery while the first is in flight
	require.Equal(t, channel.ClaimInFlight, st)
	require.Equal(t, time.Second, used(), "a claim that is not new charges nothing")
	// Another allowance, or another customer: the charge is not theirs.
	wait, err := s.RecipientLimits().Take(ctx, from, now, time.Second, 3)
	require.NoError(t, err)
	require.Zero(t, wait)
	require.Equal(t, 2*time.Second, used())
	require.NoError(t, s.Dedupe().Complete(ctx, key, now, time.Hour))
	require.Equal(t, time.Second, used(), "the completion gave the unused charge back")

	ctx, key, st = deliver("m2")
	require.Equal(t, channel.ClaimNew, st)
	require.Equal(t, 2*time.Second, used())
	require.NoError(t, s.Dedupe().Release(ctx, key))
	require.Equal(t, time.Second, used(), "so did the release")
	ctx, key, _ = deliver("m3")
	require.NoError(t, s.Dedupe().Complete(ctx, key, now, time.Hour))
	require.NoError(t, s.Dedupe().Complete(ctx, key, now, time.Hour))
	require.Equal(t, time.Second, used(), "given back once")
}

// TestDeliveryReadsItsOwnWrites: a Load after a Save in the same delivery
// sees the save (the read travels with the waiting write).
func TestDeliveryReadsItsOwnWrites(t *testing.T) {
	s, _, trips := countedStore(t)
	from := channel.Address{Channel: channel.Messenger, ID: "psid-7"}
	ctx, _, _, err := startDelivery(s, channel.Event{Type: channel.EventMessage, Channel: channel.Messenger, ID: "m.1", From: from, Time: now})
	require.NoError(t, err)
	_, ok, err := s.Conversations().Load(ctx, from, now)
	require.NoError(t, err)
	require.False(t, ok)
	conv := autoreply.Conversation{HandedOff: true}
	require.NoError(t, s.Conversations().Save(ctx, from, conv, now.Add(time.Hour)))
	trips.take()
	got, ok, err := s.Conversations().Load(ctx, from, now)
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, conv, got)
	require.EqualValues(t, 1, trips.take())
}

// TestDeliveryWriteFailureIsReported: a waiting write whose round trip
// fails makes that call fail, so it is never lost silently.
func TestDeliveryWriteFailureIsReported(t *testing.T) {
	s, _, _ := countedStore(t)
	from := channel.Address{Channel: channel.WhatsApp, ID: "6281234567890"}
	ctx, _, _, err := startDelivery(s, channel.Event{Type: channel.EventMessage, Channel: channel.WhatsApp, ID: "wamid.9", From: from, Time: now})
	require.NoError(t, err)
	require.NoError(t, s.Conversations().Save(ctx, from, autoreply.Conversation{Misses: 2}, now.Add(time.Hour)))
	require.NoError(t, s.Client().Close())
	_, err = s.RecipientLimits().Take(ctx, from, now, time.Second, 1)
	require.ErrorIs(t, err, goredis.ErrClosed)
}

// noScript answers NOSCRIPT, as a server that lost its scripts (a
// restart, SCRIPT FLUSH) does, to every EVALSHA of the next pipeline, and
// passes the rest on. Flushing the shared test server would disturb the
// other packages' tests.
type noScript struct{ armed atomic.Bool }

func (h *noScript) DialHook(next goredis.DialHook) goredis.DialHook          { return next }
func (h *noScript) ProcessHook(next goredis.ProcessHook) goredis.ProcessHook { return next }
func (h *noScript) ProcessPipelineHook(next goredis.ProcessPipelineHook) goredis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []goredis.Cmder) error {
		if !h.armed.CompareAndSwap(true, false) {
			return next(ctx, cmds)
		}
		var rest []goredis.Cmder
		for _, c := range cmds {
			if c.Name() == "evalsha" {
				c.SetErr(errors.New("NOSCRIPT No matching script. Please use EVAL."))
				continue
			}
			rest = append(rest, c)
		}
		return next(ctx, rest)
	}
}

// TestDeliveryAfterScriptFlush: pipelines send scripts by SHA1; when the
// server has lost them the commands it answered NOSCRIPT are sent again
// with their bodies, and the calls' answers are right.
func TestDeliveryAfterScriptFlush(t *testing.T) {
	s, outside, trips := countedStore(t)
	lose := &noScript{}
	s.Client().AddHook(lose)
	bg := context.Background()
	from := channel.Address{Channel: channel.WeChat, ID: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"}
	_, err := s.RecipientLimits().Take(bg, from, now, time.Second, 1)
	require.NoError(t, err)
	trips.take()

	lose.armed.Store(true)
	ctx, key, st, err := startDelivery(s, channel.Event{Type: channel.EventMessage, Channel: channel.WeChat, ID: "m.1", From: from, Time: now})
	require.NoError(t, err)
	require.Equal(t, channel.ClaimNew, st)
	require.False(t, lose.armed.Load())
	require.EqualValues(t, 2, trips.take(), "the pipeline, then its scripts again with their bodies")
	wait, err := s.RecipientLimits().Take(ctx, from, now, time.Second, 1)
	require.NoError(t, err)
	require.Equal(t, time.Second, wait, "the claim found no room: the take asked the server")
	require.NoError(t, s.Dedupe().Complete(ctx, key, now, time.Hour))
	st, err = outside.Dedupe().Claim(bg, key, now, time.Minute)
	require.NoError(t, err)
	require.Equal(t, channel.ClaimDone, st)
	seen, ok, err := outside.Windows().LastSeen(bg, from)
	require.NoError(t, err)
	require.True(t, ok)
	require.True(t, seen.Equal(now))
}

// TestConcurrentDeliveriesShareRoundTrips: deliveries handled at the same
// time have their pipelines sent together, and each gets its own answers.
func TestConcurrentDeliveriesShareRoundTrips(t *testing.T) {
	s, outside, trips := countedStore(t)
	bg := context.Background()
	const n = 64
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			from := channel.Address{Channel: channel.WhatsApp, ID: fmt.Sprintf("8529000%04d", i)}
			ctx, key, st, err := startDelivery(s, channel.Event{Type: channel.EventMessage, Channel: channel.WhatsApp, ID: fmt.Sprintf("wamid.c%d", i), From: from, Time: now})
			if err == nil && st != channel.ClaimNew {
				err = fmt.Errorf("claim %d: %v", i, st)
			}
			if err == nil {
				err = s.Conversations().Save(ctx, from, autoreply.Conversation{Misses: i}, now.Add(time.Hour))
			}
			if err == nil {
				err = s.Dedupe().Complete(ctx, key, now, time.Hour)
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	rt := trips.take()
	t.Logf("%d deliveries, %d round trips", n, rt)
	require.Less(t, rt, int64(2*n), "pipelines of different deliveries went together")
	for i := range n {
		from := channel.Address{Channel: channel.WhatsApp, ID: fmt.Sprintf("8529000%04d", i)}
		got, ok, err := outside.Conversations().Load(bg, from, now)
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, i, got.Misses, "each delivery's own write")
		st, err := outside.Dedupe().Claim(bg, channel.DedupeKey(channel.WhatsApp, fmt.Sprintf("wamid.c%d", i)), now, time.Minute)
		require.NoError(t, err)
		require.Equal(t, channel.ClaimDone, st)
	}
}
