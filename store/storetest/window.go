package storetest

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/channel"
)

// RunWindows runs the channel.WindowStore conformance suite, directly and
// through two channel.Windows (two instances) sharing the store.
func RunWindows(t *testing.T, newStore func(t *testing.T) channel.WindowStore) {
	ctx := context.Background()
	wa := channel.Address{Channel: channel.WhatsApp, ID: "85212340003"}
	t.Run("LaterTimeWins", func(t *testing.T) {
		s := newStore(t)
		_, ok, err := s.LastSeen(ctx, wa)
		require.NoError(t, err)
		require.False(t, ok)
		steps := []struct {
			at   time.Duration
			want time.Duration
		}{{time.Minute, time.Minute}, {time.Second, time.Minute}, {time.Hour + time.Nanosecond, time.Hour + time.Nanosecond}}
		for _, st := range steps {
			require.NoError(t, s.Touch(ctx, wa, T0.Add(st.at), 24*time.Hour))
			got, ok, err := s.LastSeen(ctx, wa)
			require.NoError(t, err)
			require.True(t, ok)
			assert.True(t, T0.Add(st.want).Equal(got), "after touch at +%v: got %v", st.at, got)
		}
		other := channel.Address{Channel: channel.Messenger, ID: wa.ID}
		_, ok, err = s.LastSeen(ctx, other)
		require.NoError(t, err)
		assert.False(t, ok, "another channel's customer with the same id")
	})
	t.Run("SharedAcrossInstances", func(t *testing.T) {
		s := newStore(t)
		now := T0
		clock := func() time.Time { return now }
		a := channel.NewWindows(channel.WindowConfig{Store: s, Clock: clock})
		b := channel.NewWindows(channel.WindowConfig{Store: s, Clock: clock})
		var sent atomic.Int64
		send := b.Middleware()(channel.SenderFunc(func(context.Context, *channel.Message) (channel.Receipt, error) {
			sent.Add(1)
			return channel.Receipt{}, nil
		}))
		msg := &channel.Message{To: wa, Text: "hi"}
		_, err := send.Send(ctx, msg)
		require.ErrorIs(t, err, channel.ErrWindowClosed)
		require.NoError(t, a.ObserveContext(ctx, channel.Event{Type: channel.EventMessage, From: wa, Time: T0}))
		now = T0.Add(23 * time.Hour)
		_, err = send.Send(ctx, msg)
		require.NoError(t, err, "a window opened on one instance is open on the other")
		closes, ok, err := b.ClosesAtContext(ctx, wa)
		require.NoError(t, err)
		require.True(t, ok)
		assert.True(t, T0.Add(24*time.Hour).Equal(closes))
		now = T0.Add(24 * time.Hour)
		_, err = send.Send(ctx, msg)
		require.ErrorIs(t, err, channel.ErrWindowClosed)
		assert.EqualValues(t, 1, sent.Load())
	})
}

// RunRecipientLimits runs the channel.RecipientLimitStore conformance
// suite, directly and through PerRecipient middlewares sharing the store.
func RunRecipientLimits(t *testing.T, newStore func(t *testing.T) channel.RecipientLimitStore) {
	ctx := context.Background()
	wa := channel.Address{Channel: channel.WhatsApp, ID: "85212340003"}
	const every = 6 * time.Second
	t.Run("BurstThenEvery", func(t *testing.T) {
		s := newStore(t)
		steps := []struct {
			at   time.Duration
			wait time.Duration
		}{
			{0, 0}, {0, 0}, // burst 2
			{0, every}, // refused, nothing charged
			{time.Second, every - time.Second},
			{every, 0},                       // one allowance back
			{every, every},                   // and spent
			{10 * every, 0}, {10 * every, 0}, // full again after a long pause
		}
		for i, st := range steps {
			wait, err := s.Take(ctx, wa, T0.Add(st.at), every, 2)
			require.NoError(t, err)
			assert.Equal(t, st.wait, wait, "step %d at +%v", i, st.at)
		}
		other := channel.Address{Channel: channel.LINE, ID: wa.ID}
		wait, err := s.Take(ctx, other, T0, every, 1)
		require.NoError(t, err)
		assert.Zero(t, wait, "another recipient has its own allowance")
	})
	t.Run("SharedAndAtomicAcrossInstances", func(t *testing.T) {
		s := newStore(t)
		var sent atomic.Int64
		nop := channel.SenderFunc(func(context.Context, *channel.Message) (channel.Receipt, error) {
			sent.Add(1)
			return channel.Receipt{}, nil
		})
		clock := func() time.Time { return T0 }
		var instances []channel.Sender
		for range 3 {
			instances = append(instances, channel.PerRecipient(channel.RecipientLimitConfig{Every: every, Burst: 3, Store: s, Clock: clock})(nop))
		}
		var wg sync.WaitGroup
		var limited atomic.Int64
		for i := range 24 {
			wg.Go(func() {
				_, err := instances[i%3].Send(ctx, &channel.Message{To: wa, Text: "x"})
				if err != nil {
					assert.ErrorIs(t, err, channel.ErrRateLimited)
					limited.Add(1)
				}
			})
		}
		wg.Wait()
		assert.EqualValues(t, 3, sent.Load(), "the burst holds across instances")
		assert.EqualValues(t, 21, limited.Load())
	})
}
