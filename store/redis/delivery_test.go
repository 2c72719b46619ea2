package redis_test

import (
	"context"
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

// TestDeliveryTakesThreeRoundTrips follows one webhook delivery through the
// calls the shop's handler makes, counting round trips, and checks from a
// second Store that every write lands.
func TestDeliveryTakesThreeRoundTrips(t *testing.T) {
	s, outside, trips := countedStore(t)
	bg := context.Background()
	now := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	from := channel.Address{Channel: channel.WhatsApp, ID: "85291234567"}
	before := autoreply.Conversation{Await: "order_number", AwaitRule: "where_is_my_order"}
	require.NoError(t, outside.Conversations().Save(bg, from, before, now.Add(time.Hour)))

	e := channel.Event{Type: channel.EventMessage, Channel: channel.WhatsApp, ID: "wamid.1", From: from, Time: now,
		Message: &channel.Message{ID: "wamid.1", From: from, Text: "48213957", Time: now}}
	ctx := channel.WithDelivery(bg, &channel.Delivery{Event: e})
	key := channel.DedupeKey(e.Channel, e.ID)

	st, err := s.Dedupe().Claim(ctx, key, now, time.Minute)
	require.NoError(t, err)
	require.Equal(t, channel.ClaimNew, st)
	require.EqualValues(t, 1, trips.take(), "claim, window touch and conversation read: one round trip")

	require.NoError(t, s.Windows().Touch(ctx, from, now, 24*time.Hour))
	conv, ok, err := s.Conversations().Load(ctx, from, now)
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, before, conv)
	after := autoreply.Conversation{Misses: 1, Triggered: map[string]int{"where_is_my_order": 1}}
	require.NoError(t, s.Conversations().Save(ctx, from, after, now.Add(time.Hour)))
	require.EqualValues(t, 0, trips.take(), "touch, load and save wait for the next round trip")
	seen, ok, err := outside.Windows().LastSeen(bg, from)
	require.NoError(t, err)
	require.True(t, ok, "the claim's round trip touched the window")
	require.True(t, seen.Equal(now))

	wait, err := s.RecipientLimits().Take(ctx, from, now, 6*time.Second, 1)
	require.NoError(t, err)
	require.Zero(t, wait)
	require.EqualValues(t, 1, trips.take(), "the take carries the save")
	got, ok, err := outside.Conversations().Load(bg, from, now)
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, after, got, "saved before the reply goes out")

	require.NoError(t, s.Conversations().Delete(ctx, from))
	require.NoError(t, s.Dedupe().Complete(ctx, key, now, 24*time.Hour))
	require.EqualValues(t, 1, trips.take(), "the completion carries the delete")
	_, ok, err = outside.Conversations().Load(bg, from, now)
	require.NoError(t, err)
	require.False(t, ok)
	st, err = outside.Dedupe().Claim(bg, key, now, time.Minute)
	require.NoError(t, err)
	require.Equal(t, channel.ClaimDone, st)

	// A write after the delivery ended (a goroutine the handler left
	// behind) goes out at once instead of waiting for a call that never comes.
	require.NoError(t, s.Conversations().Save(ctx, from, before, now.Add(time.Hour)))
	require.EqualValues(t, 1, trips.take())
	got, ok, err = outside.Conversations().Load(bg, from, now)
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, before, got)
}

// TestDeliveryReadsItsOwnWrites: a Load after a Save in the same delivery
// sees the save (the read travels with the waiting write).
func TestDeliveryReadsItsOwnWrites(t *testing.T) {
	s, _, trips := countedStore(t)
	now := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	from := channel.Address{Channel: channel.Messenger, ID: "psid-7"}
	e := channel.Event{Type: channel.EventMessage, Channel: channel.Messenger, ID: "m.1", From: from, Time: now}
	ctx := channel.WithDelivery(context.Background(), &channel.Delivery{Event: e})
	_, err := s.Dedupe().Claim(ctx, channel.DedupeKey(e.Channel, e.ID), now, time.Minute)
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
	now := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	from := channel.Address{Channel: channel.WhatsApp, ID: "6281234567890"}
	e := channel.Event{Type: channel.EventMessage, Channel: channel.WhatsApp, ID: "wamid.9", From: from, Time: now}
	ctx := channel.WithDelivery(context.Background(), &channel.Delivery{Event: e})
	_, err := s.Dedupe().Claim(ctx, channel.DedupeKey(e.Channel, e.ID), now, time.Minute)
	require.NoError(t, err)
	require.NoError(t, s.Conversations().Save(ctx, from, autoreply.Conversation{Misses: 2}, now.Add(time.Hour)))
	require.NoError(t, s.Client().Close())
	_, err = s.RecipientLimits().Take(ctx, from, now, time.Second, 1)
	require.ErrorIs(t, err, goredis.ErrClosed)
}
