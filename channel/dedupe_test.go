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

func (s failingStore) Claim(context.Context, string, time.Time, time.Duration) (channel.ClaimStatus, error) {
	return 0, s.err
}
func (s failingStore) Complete(context.Context, string, time.Time, time.Duration) error { return s.err }
func (s failingStore) Release(context.Context, string) error                            { return s.err }

func TestDedupeStoreErrorFailsTheDelivery(t *testing.T) {
	t.Parallel()
	boom := errors.New("redis down")
	called := false
	h := channel.Dedupe(channel.HandlerFunc(func(context.Context, channel.Event) error {
		called = true
		return nil
	}), channel.DedupeConfig{Store: failingStore{boom}})
	err := h.HandleEvent(context.Background(), ev("m"))
	assert.ErrorIs(t, err, boom)
	assert.ErrorIs(t, err, channel.ErrUnavailable)
	assert.False(t, called, "the platform will redeliver; nothing is lost")
}

// TestDedupeRedeliveryDuringSlowFailingHandler is the case the in-flight
// state exists for: a redelivery arrives while the first delivery is still
// being handled, and the first handling then fails. The redelivery must not
// be acknowledged (it gets ErrInFlight, so the adapter answers 503 and the
// platform tries again), and the next redelivery, after the failure, is
// handled: the message is handled successfully exactly once.
func TestDedupeRedeliveryDuringSlowFailingHandler(t *testing.T) {
	t.Parallel()
	var ok atomic.Int64
	entered, fail := make(chan struct{}), make(chan struct{})
	first := true
	h := channel.Dedupe(channel.HandlerFunc(func(context.Context, channel.Event) error {
		if first {
			first = false
			close(entered)
			<-fail
			return errors.New("handler failed")
		}
		ok.Add(1)
		return nil
	}), channel.DedupeConfig{})
	ctx := context.Background()
	done := make(chan error)
	go func() { done <- h.HandleEvent(ctx, ev("m")) }()
	<-entered
	err := h.HandleEvent(ctx, ev("m"))
	require.ErrorIs(t, err, channel.ErrInFlight, "not acknowledged while in flight")
	close(fail)
	require.Error(t, <-done)
	require.NoError(t, h.HandleEvent(ctx, ev("m")), "the next redelivery is handled")
	require.NoError(t, h.HandleEvent(ctx, ev("m")), "and later ones acknowledged")
	assert.EqualValues(t, 1, ok.Load())
}

// TestDedupeWaitsForInFlightOutcome: with Wait set, a redelivery waits for
// the first handling: it is acknowledged when that succeeds, and handled
// itself when that fails.
func TestDedupeWaitsForInFlightOutcome(t *testing.T) {
	t.Parallel()
	for _, firstFails := range []bool{false, true} {
		t.Run(fmt.Sprint("firstFails=", firstFails), func(t *testing.T) {
			t.Parallel()
			var calls, ok atomic.Int64
			entered, finish := make(chan struct{}), make(chan struct{})
			h := channel.Dedupe(channel.HandlerFunc(func(context.Context, channel.Event) error {
				if calls.Add(1) == 1 {
					close(entered)
					<-finish
					if firstFails {
						return errors.New("handler failed")
					}
				}
				ok.Add(1)
				return nil
			}), channel.DedupeConfig{Wait: 10 * time.Second})
			ctx := context.Background()
			go func() { _ = h.HandleEvent(ctx, ev("m")) }()
			<-entered
			second := make(chan error)
			go func() { second <- h.HandleEvent(ctx, ev("m")) }()
			close(finish)
			require.NoError(t, <-second)
			assert.EqualValues(t, 1, ok.Load(), "handled successfully exactly once")
		})
	}
}

// TestDedupeLeaseExpiry: a claim whose holder died (no Complete, no
// Release) can be taken again once its lease runs out, and not before; the
// taker learns it takes over.
func TestDedupeLeaseExpiry(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := channel.NewMemoryDedupeStore(16)
	st, err := s.Claim(ctx, "k", t0, time.Minute)
	require.NoError(t, err)
	require.Equal(t, channel.ClaimNew, st)
	st, _ = s.Claim(ctx, "k", t0.Add(59*time.Second), time.Minute)
	assert.Equal(t, channel.ClaimInFlight, st)
	st, _ = s.Claim(ctx, "k", t0.Add(time.Minute), time.Minute)
	assert.Equal(t, channel.ClaimTakenOver, st, "lease ran out")
	require.NoError(t, s.Complete(ctx, "k", t0.Add(time.Minute), time.Hour))
	require.NoError(t, s.Release(ctx, "k"))
	st, _ = s.Claim(ctx, "k", t0.Add(2*time.Minute), time.Minute)
	assert.Equal(t, channel.ClaimDone, st, "release does not undo a done claim")
	st, _ = s.Claim(ctx, "k", t0.Add(time.Minute+time.Hour), time.Minute)
	assert.Equal(t, channel.ClaimNew, st, "done claims expire after the TTL")
}

func TestMemoryDedupeStoreIsBoundedOldestFirst(t *testing.T) {
	t.Parallel()
	s := channel.NewMemoryDedupeStore(640)
	ctx := context.Background()
	for i := range 10_000 {
		st, err := s.Claim(ctx, fmt.Sprint("k", i), t0, time.Hour)
		require.NoError(t, err)
		require.Equal(t, channel.ClaimNew, st)
		require.NoError(t, s.Complete(ctx, fmt.Sprint("k", i), t0, time.Hour))
	}
	assert.Equal(t, 640, s.Len())
	for i := 10_000 - 640; i < 10_000; i++ {
		st, _ := s.Claim(ctx, fmt.Sprint("k", i), t0, time.Hour)
		require.Equal(t, channel.ClaimDone, st, "k%d is among the newest 640", i)
	}
	st, _ := s.Claim(ctx, fmt.Sprint("k", 10_000-641), t0, time.Hour)
	assert.Equal(t, channel.ClaimNew, st, "the oldest were evicted")
	// A released key claimed again gets a new ring slot; evicting its old
	// slot does not drop the new claim.
	_, _ = s.Claim(ctx, "r", t0, time.Hour)
	require.NoError(t, s.Release(ctx, "r"))
	st, _ = s.Claim(ctx, "r", t0, time.Hour)
	require.Equal(t, channel.ClaimNew, st)
	for i := range 639 {
		_, _ = s.Claim(ctx, fmt.Sprint("x", i), t0, time.Hour)
	}
	st, _ = s.Claim(ctx, "r", t0, time.Hour)
	assert.Equal(t, channel.ClaimInFlight, st)
}

// TestDedupeKeysAgreeWithStore: a caller claiming an event's key in
// DedupeKey's form directly shares the claim with Dedupe; other keys, and
// channels beyond the four, are their own.
func TestDedupeKeysAgreeWithStore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := channel.NewMemoryDedupeStore(0)
	var handled atomic.Int64
	h := channel.Dedupe(channel.HandlerFunc(func(context.Context, channel.Event) error {
		handled.Add(1)
		return nil
	}), channel.DedupeConfig{Store: store, Clock: func() time.Time { return t0 }})

	st, err := store.Claim(ctx, channel.DedupeKey(channel.LINE, "m1"), t0, time.Hour)
	require.NoError(t, err)
	require.Equal(t, channel.ClaimNew, st)
	require.ErrorIs(t, h.HandleEvent(ctx, ev("m1")), channel.ErrInFlight)
	assert.Zero(t, handled.Load(), "claimed directly first")

	custom := channel.Event{Type: channel.EventMessage, Channel: "viber", ID: "m1"}
	require.NoError(t, h.HandleEvent(ctx, custom))
	require.NoError(t, h.HandleEvent(ctx, custom))
	assert.EqualValues(t, 1, handled.Load(), "a fifth channel is deduplicated too")
	for _, k := range []string{"m1", "line\x00m2", "\x00m1", "line\x00"} {
		st, _ = store.Claim(ctx, k, t0, time.Hour)
		assert.Equal(t, channel.ClaimNew, st, "%q is a key of its own", k)
	}
}

// TestDedupeTakeover: a redelivery after the holder of its claim stopped
// mid-way reaches the handler with Delivery.TakenOver, and GuardTakeover
// turns its replies into unknown deliveries instead of second copies;
// sends outside such a delivery go out.
func TestDedupeTakeover(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := channel.NewMemoryDedupeStore(16)
	clock := channeltest.NewClock(t0)
	var sent []string
	out := channel.GuardTakeover()(channel.SenderFunc(func(_ context.Context, m *channel.Message) (channel.Receipt, error) {
		sent = append(sent, m.Text)
		return channel.Receipt{}, nil
	}))
	var taken []bool
	var sendErrs []error
	h := channel.Dedupe(channel.HandlerFunc(func(ctx context.Context, e channel.Event) error {
		taken = append(taken, channel.DeliveryFrom(ctx).TakenOver)
		_, err := out.Send(ctx, &channel.Message{To: e.From, Text: "reply to " + e.ID})
		sendErrs = append(sendErrs, err)
		return nil
	}), channel.DedupeConfig{Store: store, Clock: clock.Now, Lease: time.Minute})
	e := channel.Event{Type: channel.EventMessage, Channel: channel.LINE, ID: "ev1", From: channel.Address{Channel: channel.LINE, ID: "U1"}}

	// An instance claimed ev1 and stopped: no Complete, no Release.
	st, err := store.Claim(ctx, channel.DedupeKey(e.Channel, e.ID), t0, time.Minute)
	require.NoError(t, err)
	require.Equal(t, channel.ClaimNew, st)
	clock.Set(t0.Add(time.Minute))
	require.NoError(t, h.HandleEvent(ctx, e))
	require.Equal(t, []bool{true}, taken)
	require.ErrorIs(t, sendErrs[0], channel.ErrTakenOver)
	require.ErrorIs(t, sendErrs[0], channel.ErrDeliveryUnknown)
	assert.Equal(t, channel.OutboxUnknown, channel.OutboxStateOf(sendErrs[0]))
	assert.Empty(t, sent, "nothing sent blindly a second time")
	require.NoError(t, h.HandleEvent(ctx, e), "the taken-over delivery completed")
	require.Len(t, taken, 1, "and is not handled again")

	e.ID = "ev2"
	require.NoError(t, h.HandleEvent(ctx, e))
	assert.Equal(t, []bool{true, false}, taken)
	assert.NoError(t, sendErrs[1])
	assert.Equal(t, []string{"reply to ev2"}, sent)
}
