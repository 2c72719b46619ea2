package storetest

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/autoreply"
	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/wechat"
)

// TokenStore is a wechat.TokenStore whose fetch lease can be released
// after a failed fetch.
type TokenStore interface {
	wechat.TokenStore
	Release(ctx context.Context) error
}

// RunTokenStore runs the wechat.TokenStore conformance suite (with
// Release).
func RunTokenStore(t *testing.T, newStore func(t *testing.T) TokenStore) {
	ctx := context.Background()
	tok := func(v string, at time.Duration) wechat.Token {
		return wechat.Token{Value: v, ExpiresAt: T0.Add(at)}
	}
	t.Run("CompareAndSwap", func(t *testing.T) {
		s := newStore(t)
		got, err := s.Load(ctx)
		require.NoError(t, err)
		require.True(t, got.IsZero())
		steps := []struct {
			old, next wechat.Token
			want      bool
		}{
			{wechat.Token{}, tok("A", 2*time.Hour), true},
			{wechat.Token{}, tok("B", 2*time.Hour), false}, // not empty any more
			{tok("X", 0), tok("B", 2*time.Hour), false},    // not the current one
			{tok("A", 0), tok("B", 4*time.Hour), true},
		}
		for i, st := range steps {
			ok, err := s.Replace(ctx, st.old, st.next)
			require.NoError(t, err)
			assert.Equal(t, st.want, ok, "step %d", i)
		}
		got, err = s.Load(ctx)
		require.NoError(t, err)
		assert.Equal(t, "B", got.Value)
		assert.True(t, T0.Add(4*time.Hour).Equal(got.ExpiresAt), "expires %v", got.ExpiresAt)
	})
	t.Run("LeaseReplaceRelease", func(t *testing.T) {
		s := newStore(t)
		steps := []struct {
			name string
			do   func() (bool, error)
			want bool
		}{
			{"first lease", func() (bool, error) { return s.Lease(ctx, T0, 30*time.Second) }, true},
			{"held", func() (bool, error) { return s.Lease(ctx, T0.Add(29*time.Second), 30*time.Second) }, false},
			{"expired", func() (bool, error) { return s.Lease(ctx, T0.Add(30*time.Second), 30*time.Second) }, true},
			{"released", func() (bool, error) {
				if err := s.Release(ctx); err != nil {
					return false, err
				}
				return s.Lease(ctx, T0.Add(31*time.Second), 30*time.Second)
			}, true},
			{"replace ends it", func() (bool, error) {
				if ok, err := s.Replace(ctx, wechat.Token{}, tok("A", time.Hour)); err != nil || !ok {
					return false, err
				}
				return s.Lease(ctx, T0.Add(32*time.Second), 30*time.Second)
			}, true},
		}
		for _, st := range steps {
			ok, err := st.do()
			require.NoError(t, err, st.name)
			assert.Equal(t, st.want, ok, st.name)
		}
		got, err := s.Load(ctx)
		require.NoError(t, err)
		assert.Equal(t, "A", got.Value, "a lease leaves the token alone")
	})
	t.Run("OneLeaseAmongMany", func(t *testing.T) {
		s := newStore(t)
		var wins atomic.Int64
		var wg sync.WaitGroup
		for range 16 {
			wg.Go(func() {
				ok, err := s.Lease(ctx, T0, time.Minute)
				assert.NoError(t, err)
				if ok {
					wins.Add(1)
				}
			})
		}
		wg.Wait()
		assert.EqualValues(t, 1, wins.Load())
	})
}

// RunConversations runs the autoreply.StateStore conformance suite.
func RunConversations(t *testing.T, newStore func(t *testing.T) autoreply.StateStore) {
	ctx := context.Background()
	a := channel.Address{Channel: channel.LINE, ID: "U4af4980629"}
	c := autoreply.Conversation{Await: "order_number", AwaitRule: "where-is-my-order", LastQuestion: 1<<63 + 5,
		Misses: 2, Triggered: map[string]int{"where-is-my-order": 1, "refund": 3}}
	t.Run("SaveLoadExpireDelete", func(t *testing.T) {
		s := newStore(t)
		_, ok, err := s.Load(ctx, a, T0)
		require.NoError(t, err)
		require.False(t, ok)
		require.NoError(t, s.Save(ctx, a, c, T0.Add(time.Hour)))
		got, ok, err := s.Load(ctx, a, T0.Add(time.Hour-time.Millisecond))
		require.NoError(t, err)
		require.True(t, ok)
		assert.Equal(t, c, got)
		got.Triggered["refund"] = 99
		again, _, err := s.Load(ctx, a, T0)
		require.NoError(t, err)
		assert.Equal(t, 3, again.Triggered["refund"], "a loaded conversation is a copy")
		_, ok, err = s.Load(ctx, a, T0.Add(time.Hour))
		require.NoError(t, err)
		assert.False(t, ok, "expired")
		_, ok, err = s.Load(ctx, channel.Address{Channel: channel.WeChat, ID: a.ID}, T0)
		require.NoError(t, err)
		assert.False(t, ok, "another channel's customer")
		handed := c
		handed.HandedOff, handed.Await = true, ""
		require.NoError(t, s.Save(ctx, a, handed, T0.Add(2*time.Hour)))
		got, ok, err = s.Load(ctx, a, T0.Add(time.Hour))
		require.NoError(t, err)
		require.True(t, ok)
		assert.True(t, got.HandedOff)
		require.NoError(t, s.Delete(ctx, a))
		_, ok, err = s.Load(ctx, a, T0)
		require.NoError(t, err)
		assert.False(t, ok)
		require.NoError(t, s.Delete(ctx, a), "deleting a missing one is not an error")
	})
}
