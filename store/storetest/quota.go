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

// RunQuota runs the channel.QuotaStore conformance suite through
// channel.Quota middlewares sharing one store; newStore returns a store of
// one fresh quota.
func RunQuota(t *testing.T, newStore func(t *testing.T) channel.QuotaStore) {
	ctx := context.Background()
	addr := func(id string) *channel.Message {
		return &channel.Message{To: channel.Address{Channel: channel.WhatsApp, ID: id}, Text: "x"}
	}
	ok := channel.SenderFunc(func(context.Context, *channel.Message) (channel.Receipt, error) { return channel.Receipt{}, nil })
	fail := channel.SenderFunc(func(context.Context, *channel.Message) (channel.Receipt, error) {
		return channel.Receipt{}, channel.ErrInvalidRecipient
	})
	t.Run("RollingMessages", func(t *testing.T) {
		s := newStore(t)
		now := T0
		q := channel.NewQuota(channel.QuotaConfig{Limit: 2, Window: time.Hour, Store: s, Clock: func() time.Time { return now }})
		send, failing := q.Middleware()(ok), q.Middleware()(fail)
		_, err := send.Send(ctx, addr("1"))
		require.NoError(t, err)
		now = T0.Add(10 * time.Minute)
		_, err = failing.Send(ctx, addr("2"))
		require.ErrorIs(t, err, channel.ErrInvalidRecipient)
		_, err = send.Send(ctx, addr("2"))
		require.NoError(t, err, "the failed send was refunded")
		_, err = send.Send(ctx, addr("3"))
		require.ErrorIs(t, err, channel.ErrRateLimited)
		wait, _ := channel.RetryAfter(err)
		assert.Equal(t, 50*time.Minute, wait, "until the first send leaves the window")
		u, err := q.UsageContext(ctx)
		require.NoError(t, err)
		assert.Equal(t, 2, u.Used)
		now = T0.Add(time.Hour)
		_, err = send.Send(ctx, addr("3"))
		require.NoError(t, err, "the first send left the window")
	})
	t.Run("UniqueRecipientsAcrossInstances", func(t *testing.T) {
		s := newStore(t)
		clock := func() time.Time { return T0 }
		var sent atomic.Int64
		count := channel.SenderFunc(func(context.Context, *channel.Message) (channel.Receipt, error) {
			sent.Add(1)
			return channel.Receipt{}, nil
		})
		var inst []channel.Sender
		for range 3 {
			inst = append(inst, channel.NewQuota(channel.QuotaConfig{Limit: 3, Window: 24 * time.Hour, UniqueRecipients: true,
				Store: s, Clock: clock}).Middleware()(count))
		}
		var wg sync.WaitGroup
		var limited atomic.Int64
		for i := range 30 {
			wg.Go(func() {
				if _, err := inst[i%3].Send(ctx, addr(string(rune('a'+i%10)))); err != nil {
					assert.ErrorIs(t, err, channel.ErrRateLimited)
					limited.Add(1)
				}
			})
		}
		wg.Wait()
		used, err := s.Used(ctx, T0, 24*time.Hour)
		require.NoError(t, err)
		assert.Equal(t, 3, used, "three recipients counted across instances")
		assert.EqualValues(t, 30, sent.Load()+limited.Load())
		assert.EqualValues(t, 21, limited.Load(), "7 of 10 recipients refused, three times each")
	})
	t.Run("UniqueRecipientCountedAgainAfterTheWindow", func(t *testing.T) {
		s := newStore(t)
		a := channel.Address{Channel: channel.LINE, ID: "U1"}
		steps := []struct {
			at     time.Duration
			counts bool
		}{{0, true}, {time.Minute, false}, {time.Hour, true}, {time.Hour + time.Second, false}}
		for _, st := range steps {
			wait, ticket, err := s.Take(ctx, a, T0.Add(st.at), time.Hour, 5, true)
			require.NoError(t, err)
			require.Zero(t, wait)
			assert.Equal(t, st.counts, ticket != "", "at +%v", st.at)
		}
		used, err := s.Used(ctx, T0.Add(time.Hour+time.Second), time.Hour)
		require.NoError(t, err)
		assert.Equal(t, 1, used)
	})
}
