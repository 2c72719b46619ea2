package storetest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/channel"
)

// T0 is the fixed start of every conformance test's clock, in the future
// so that stores keeping absolute expiries (Redis PXAT) keep test data for
// the test's duration.
var T0 = time.Date(2030, 3, 1, 12, 0, 0, 0, time.UTC)

// RunDedupe runs the channel.DedupeStore conformance suite; newStore returns
// an empty store for the subtest it is given.
func RunDedupe(t *testing.T, newStore func(t *testing.T) channel.DedupeStore) {
	ctx := context.Background()
	const lease, ttl = time.Minute, time.Hour
	// claim claims k at T0+at with the lease.
	claim := func(t *testing.T, s channel.DedupeStore, k string, at time.Duration) channel.ClaimStatus {
		t.Helper()
		st, err := s.Claim(ctx, k, T0.Add(at), lease)
		require.NoError(t, err)
		return st
	}
	t.Run("ClaimLeaseExpiry", func(t *testing.T) {
		s := newStore(t)
		k := channel.DedupeKey(channel.WhatsApp, "wamid.1")
		tests := []struct {
			at   time.Duration
			want channel.ClaimStatus
		}{
			{0, channel.ClaimNew},
			{time.Second, channel.ClaimInFlight},
			{lease - time.Millisecond, channel.ClaimInFlight},
			{lease, channel.ClaimTakenOver}, // the lease ran out: taken again, from a holder that stopped
			{lease + time.Second, channel.ClaimInFlight},
		}
		for _, tt := range tests {
			assert.Equal(t, tt.want, claim(t, s, k, tt.at), "at +%v", tt.at)
		}
	})
	t.Run("TakeoverIsRemembered", func(t *testing.T) {
		s := newStore(t)
		k := channel.DedupeKey(channel.Messenger, "m.takeover")
		require.Equal(t, channel.ClaimNew, claim(t, s, k, 0))
		// After a holder that stopped, until TakeoverMemory past its lease.
		assert.Equal(t, channel.ClaimTakenOver, claim(t, s, k, lease+channel.TakeoverMemory-time.Second))
		// That claim stopped too; long after its lease, a claim is plain new.
		assert.Equal(t, channel.ClaimNew, claim(t, s, k, 2*lease+2*channel.TakeoverMemory))
		// Released or done claims are never taken over.
		require.NoError(t, s.Release(ctx, k))
		assert.Equal(t, channel.ClaimNew, claim(t, s, k, 3*channel.TakeoverMemory))
		require.NoError(t, s.Complete(ctx, k, T0.Add(3*channel.TakeoverMemory), ttl))
		assert.Equal(t, channel.ClaimNew, claim(t, s, k, 3*channel.TakeoverMemory+ttl))
	})
	t.Run("CompleteThenTTL", func(t *testing.T) {
		s := newStore(t)
		k := channel.DedupeKey(channel.LINE, "ev")
		require.Equal(t, channel.ClaimNew, claim(t, s, k, 0))
		require.NoError(t, s.Complete(ctx, k, T0.Add(time.Second), ttl))
		for _, at := range []time.Duration{2 * time.Second, 2 * lease, ttl} {
			assert.Equal(t, channel.ClaimDone, claim(t, s, k, at), "at +%v", at)
		}
		assert.Equal(t, channel.ClaimNew, claim(t, s, k, time.Second+ttl), "done claims are forgotten after their TTL")
	})
	t.Run("Release", func(t *testing.T) {
		s := newStore(t)
		k := channel.DedupeKey(channel.WeChat, "m1")
		require.Equal(t, channel.ClaimNew, claim(t, s, k, 0))
		require.NoError(t, s.Release(ctx, k))
		assert.Equal(t, channel.ClaimNew, claim(t, s, k, time.Second), "a released claim is taken again")
		require.NoError(t, s.Complete(ctx, k, T0.Add(time.Second), ttl))
		require.NoError(t, s.Release(ctx, k))
		assert.Equal(t, channel.ClaimDone, claim(t, s, k, 2*time.Second), "a done claim stays done after Release")
		require.NoError(t, s.Release(ctx, channel.DedupeKey(channel.WeChat, "never")), "releasing a missing key is not an error")
	})
	t.Run("CompleteWithoutClaim", func(t *testing.T) {
		s := newStore(t)
		k := channel.DedupeKey(channel.Messenger, "mid")
		require.NoError(t, s.Complete(ctx, k, T0, ttl))
		assert.Equal(t, channel.ClaimDone, claim(t, s, k, 0))
	})
	t.Run("KeysAreDistinct", func(t *testing.T) {
		s := newStore(t)
		for _, ch := range []channel.Kind{channel.WhatsApp, channel.Messenger, channel.LINE, channel.WeChat} {
			assert.Equal(t, channel.ClaimNew, claim(t, s, channel.DedupeKey(ch, "same-id"), 0), "%s", ch)
		}
	})
	t.Run("ConcurrentClaimsOneWinner", func(t *testing.T) {
		s := newStore(t)
		const n = 16
		var wg sync.WaitGroup
		got := make([]channel.ClaimStatus, n)
		errs := make([]error, n)
		for i := range n {
			wg.Go(func() { got[i], errs[i] = s.Claim(ctx, "race", T0, lease) })
		}
		wg.Wait()
		news := 0
		for i := range n {
			require.NoError(t, errs[i])
			if got[i] == channel.ClaimNew {
				news++
			} else {
				assert.Equal(t, channel.ClaimInFlight, got[i])
			}
		}
		assert.Equal(t, 1, news)
	})
}
