package channel_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/channel/channeltest"
)

func ev(id string) channel.Event {
	return channel.Event{Type: channel.EventMessage, Channel: channel.LINE, ID: id}
}

func TestDedupeDropsRedeliveries(t *testing.T) {
	t.Parallel()
	clk := channeltest.NewClock(t0)
	var handled, dups atomic.Int64
	h := channel.Dedupe(channel.HandlerFunc(func(context.Context, channel.Event) error {
		handled.Add(1)
		return nil
	}), channel.DedupeConfig{TTL: time.Hour, Clock: clk.Now,
		OnDuplicate: func(context.Context, channel.Event) { dups.Add(1) }})
	ctx := context.Background()
	require.NoError(t, h.HandleEvent(ctx, ev("m1")))
	require.NoError(t, h.HandleEvent(ctx, ev("m1")))
	other := ev("m1")
	other.Channel = channel.WhatsApp
	require.NoError(t, h.HandleEvent(ctx, other), "same id on another channel is another event")
	require.NoError(t, h.HandleEvent(ctx, ev("")))
	require.NoError(t, h.HandleEvent(ctx, ev("")), "no id: nothing to dedupe on")
	assert.EqualValues(t, 4, handled.Load())
	assert.EqualValues(t, 1, dups.Load())

	clk.Advance(time.Hour)
	require.NoError(t, h.HandleEvent(ctx, ev("m1")))
	assert.EqualValues(t, 5, handled.Load(), "forgotten after the TTL")
}

func TestDedupeConcurrentDeliveriesReachHandlerOnce(t *testing.T) {
	t.Parallel()
	var handled atomic.Int64
	h := channel.Dedupe(channel.HandlerFunc(func(context.Context, channel.Event) error {
		handled.Add(1)
		time.Sleep(time.Millisecond)
		return nil
	}), channel.DedupeConfig{})
	for round := range 20 {
		var wg sync.WaitGroup
		start := make(chan struct{})
		for range 8 {
			wg.Go(func() {
				<-start
				_ = h.HandleEvent(context.Background(), ev(fmt.Sprint("id", round)))
			})
		}
		close(start)
		wg.Wait()
	}
	assert.EqualValues(t, 20, handled.Load())
}

func TestDedupeFailedHandlingIsRetried(t *testing.T) {
	t.Parallel()
	boom := errors.New("db down")
	calls := 0
	h := channel.Dedupe(channel.HandlerFunc(func(context.Context, channel.Event) error {
		calls++
		if calls == 1 {
			return boom
		}
		return nil
	}), channel.DedupeConfig{})
	ctx := context.Background()
	require.ErrorIs(t, h.HandleEvent(ctx, ev("m")), boom)
	require.NoError(t, h.HandleEvent(ctx, ev("m")), "the redelivery is handled")
	require.NoError(t, h.HandleEvent(ctx, ev("m")), "and then deduped")
	assert.Equal(t, 2, calls)
}

type failingStore struct{ err error }

func (s failingStore) Claim(context.Context, string, time.Time, time.Duration) (bool, error) {
	return false, s.err
}
func (s failingStore) Release(context.Context, string) error { return s.err }

func TestDedupeStoreErrorFailsTheDelivery(t *testing.T) {
	t.Parallel()
	boom := errors.New("redis down")
	called := false
	h := channel.Dedupe(channel.HandlerFunc(func(context.Context, channel.Event) error {
		called = true
		return nil
	}), channel.DedupeConfig{Store: failingStore{boom}})
	assert.ErrorIs(t, h.HandleEvent(context.Background(), ev("m")), boom)
	assert.False(t, called, "the platform will redeliver; nothing is lost")
}

func TestMemoryDedupeStoreIsBounded(t *testing.T) {
	t.Parallel()
	s := channel.NewMemoryDedupeStore(640)
	ctx := context.Background()
	for i := range 10_000 {
		ok, err := s.Claim(ctx, fmt.Sprint("k", i), t0, time.Hour)
		require.NoError(t, err)
		require.True(t, ok)
	}
	assert.LessOrEqual(t, s.Len(), 640)
	ok, _ := s.Claim(ctx, "k9999", t0, time.Hour)
	assert.False(t, ok, "recent keys are kept")
	ok, _ = s.Claim(ctx, "k0", t0, time.Hour)
	assert.True(t, ok, "the oldest were evicted")
	// Release then re-claim.
	require.NoError(t, s.Release(ctx, "k9999"))
	ok, _ = s.Claim(ctx, "k9999", t0, time.Hour)
	assert.True(t, ok)
}

// TestMemoryDedupeStoreRemembersHalf: a store of maxKeys keys remembers
// at least the last maxKeys/2 claims of each shard; a quarter of maxKeys,
// spread over the shards by the hash, are all remembered.
func TestMemoryDedupeStoreRemembersHalf(t *testing.T) {
	t.Parallel()
	const maxKeys = 1 << 16
	s := channel.NewMemoryDedupeStore(maxKeys)
	ctx := context.Background()
	for i := range 3 * maxKeys {
		ok, err := s.Claim(ctx, fmt.Sprint("k", i), t0, time.Hour)
		require.NoError(t, err)
		require.True(t, ok, "k%d is new", i)
	}
	assert.LessOrEqual(t, s.Len(), maxKeys)
	for i := 3*maxKeys - maxKeys/4; i < 3*maxKeys; i++ {
		ok, _ := s.Claim(ctx, fmt.Sprint("k", i), t0, time.Hour)
		require.False(t, ok, "k%d is among the last quarter", i)
	}
	// A key dropped with its generation can be claimed again; one that
	// expired too, even in the current generation.
	ok, _ := s.Claim(ctx, "k0", t0, time.Hour)
	assert.True(t, ok)
	ok, _ = s.Claim(ctx, "k0", t0.Add(time.Hour), time.Hour)
	assert.True(t, ok, "expired")
}

// TestMemoryDedupeStoreKeysAgreeWithDedupe: a MemoryDedupeStore hashes an
// event without building its key string, and a caller claiming the key in
// Dedupe's form (channel, NUL, id) directly gets the same answer; other
// keys, and channels beyond the four, are their own.
func TestMemoryDedupeStoreKeysAgreeWithDedupe(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := channel.NewMemoryDedupeStore(0)
	var handled atomic.Int64
	h := channel.Dedupe(channel.HandlerFunc(func(context.Context, channel.Event) error {
		handled.Add(1)
		return nil
	}), channel.DedupeConfig{Store: store, Clock: func() time.Time { return t0 }})

	ok, err := store.Claim(ctx, "line\x00m1", t0, time.Hour)
	require.NoError(t, err)
	require.True(t, ok)
	require.NoError(t, h.HandleEvent(ctx, ev("m1")))
	assert.Zero(t, handled.Load(), "claimed directly first")

	custom := channel.Event{Type: channel.EventMessage, Channel: "viber", ID: "m1"}
	require.NoError(t, h.HandleEvent(ctx, custom))
	require.NoError(t, h.HandleEvent(ctx, custom))
	assert.EqualValues(t, 1, handled.Load(), "a fifth channel is deduplicated too")
	ok, _ = store.Claim(ctx, "viber\x00m1", t0, time.Hour)
	assert.False(t, ok)
	for _, k := range []string{"m1", "line\x00m2", "\x00m1", "line\x00"} {
		ok, _ = store.Claim(ctx, k, t0, time.Hour)
		assert.True(t, ok, "%q is a key of its own", k)
	}
}
