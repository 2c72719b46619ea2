package adaptertest

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/tracking"
)

// Fake is what Run needs of a trackingtest fake (every one of them has
// these methods).
type Fake interface {
	// Fail scripts the next n tracking calls to answer status.
	Fail(status, n int, retryAfter time.Duration)
	// Calls counts tracking calls; TokenCalls counts OAuth token calls.
	Calls() int
	TokenCalls() int
	// Expire revokes every token the fake issued.
	Expire()
}

// Adapter is one carrier adapter under test, for Run.
type Adapter struct {
	// Carrier is the carrier the adapter's shipments and errors name.
	Carrier tracking.Carrier
	// Number is a number the fake knows and has a visible step for; Unknown
	// is a well-formed number the fake does not know. Both are normalized.
	Number, Unknown string
	// OAuth is set for adapters that fetch client-credentials tokens.
	OAuth bool
	// NewEmpty calls the adapter's New with a required credential left
	// empty and returns its error.
	NewEmpty func() error
	// Start starts the adapter's fake and returns it with a client for it
	// that does not retry (Retry.MaxAttempts 1).
	Start func(t *testing.T) (Fake, tracking.Tracker)
	// Refused returns a client for a running fake whose credential the fake
	// does not accept, and the secret part of that credential.
	Refused func(t *testing.T) (tr tracking.Tracker, secret string)
}

// Run checks the behaviours every carrier adapter shares, each in a parallel
// subtest against a fresh fake: validation in New, the sentinels its errors
// wrap, Retry-After on 429, credentials kept out of error text, context
// cancellation, one request per Track (and one token for many callers), and
// the batch contract of a tracking.BatchTracker (skipped for other Trackers).
func Run(t *testing.T, a Adapter) {
	ctx := context.Background()
	t.Run("New refuses a missing credential", func(t *testing.T) {
		t.Parallel()
		assert.Error(t, a.NewEmpty())
	})
	t.Run("known number", func(t *testing.T) {
		t.Parallel()
		_, tr := a.Start(t)
		s, err := tr.Track(ctx, a.Number)
		require.NoError(t, err)
		assert.Equal(t, a.Carrier, s.Carrier)
		assert.Equal(t, a.Number, s.Number)
		assert.False(t, s.FetchedAt.IsZero(), "FetchedAt is stamped")
	})
	t.Run("unknown number", func(t *testing.T) {
		t.Parallel()
		_, tr := a.Start(t)
		_, err := tr.Track(ctx, a.Unknown)
		require.ErrorIs(t, err, tracking.ErrNotFound)
		var ae *tracking.APIError
		require.ErrorAs(t, err, &ae)
		assert.Equal(t, a.Carrier, ae.Carrier)
		assert.False(t, ae.Retryable())
	})
	t.Run("empty number", func(t *testing.T) {
		t.Parallel()
		srv, tr := a.Start(t)
		_, err := tr.Track(ctx, " - ")
		require.ErrorIs(t, err, tracking.ErrInvalidNumber)
		assert.Equal(t, 0, srv.Calls(), "nothing is sent")
	})
	t.Run("429 carries Retry-After", func(t *testing.T) {
		t.Parallel()
		srv, tr := a.Start(t)
		const wait = 30 * time.Second
		srv.Fail(http.StatusTooManyRequests, 1, wait)
		_, err := tr.Track(ctx, a.Number)
		require.ErrorIs(t, err, tracking.ErrRateLimited)
		d, ok := tracking.RetryAfter(err)
		assert.True(t, ok)
		assert.Equal(t, wait, d)
	})
	t.Run("503 is retryable", func(t *testing.T) {
		t.Parallel()
		srv, tr := a.Start(t)
		srv.Fail(http.StatusServiceUnavailable, 1, 0)
		_, err := tr.Track(ctx, a.Number)
		var ae *tracking.APIError
		require.ErrorAs(t, err, &ae)
		assert.Equal(t, http.StatusServiceUnavailable, ae.StatusCode)
		assert.True(t, ae.Retryable())
		assert.NotErrorIs(t, err, tracking.ErrNotFound)
	})
	t.Run("refused credentials", func(t *testing.T) {
		t.Parallel()
		tr, secret := a.Refused(t)
		_, err := tr.Track(ctx, a.Number)
		require.ErrorIs(t, err, tracking.ErrUnauthorized)
		assert.NotContains(t, err.Error(), secret)
	})
	t.Run("cancelled", func(t *testing.T) {
		t.Parallel()
		_, tr := a.Start(t)
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		_, err := tr.Track(cctx, a.Number)
		require.ErrorIs(t, err, context.Canceled)
	})
	t.Run("concurrent callers", func(t *testing.T) {
		t.Parallel()
		srv, tr := a.Start(t)
		const n = 8
		var wg sync.WaitGroup
		for range n {
			wg.Go(func() {
				_, err := tr.Track(ctx, a.Number)
				assert.NoError(t, err)
			})
		}
		wg.Wait()
		assert.Equal(t, n, srv.Calls(), "one request per Track")
		if a.OAuth {
			assert.Equal(t, 1, srv.TokenCalls(), "one token fetch for all callers")
		}
	})
	if a.OAuth {
		t.Run("401 fetches a fresh token once", func(t *testing.T) {
			t.Parallel()
			srv, tr := a.Start(t)
			_, err := tr.Track(ctx, a.Number)
			require.NoError(t, err)
			srv.Expire()
			_, err = tr.Track(ctx, a.Number)
			require.NoError(t, err)
			assert.Equal(t, 2, srv.TokenCalls())
		})
	}
	t.Run("batch", func(t *testing.T) {
		t.Parallel()
		srv, tr := a.Start(t)
		bt, ok := tr.(tracking.BatchTracker)
		if !ok {
			t.Skip("not a tracking.BatchTracker")
		}
		rs, err := bt.TrackBatch(ctx, nil)
		assert.NoError(t, err)
		assert.Empty(t, rs, "an empty batch asks nothing")
		_, err = bt.TrackBatch(ctx, make([]string, bt.MaxBatch()+1))
		assert.Error(t, err, "more than MaxBatch numbers")
		assert.Equal(t, 0, srv.Calls())

		rs, err = bt.TrackBatch(ctx, []string{a.Unknown, a.Number})
		require.NoError(t, err)
		require.Len(t, rs, 2, "one Result per number, in order")
		assert.Equal(t, a.Unknown, rs[0].Number)
		assert.ErrorIs(t, rs[0].Err, tracking.ErrNotFound)
		assert.Nil(t, rs[0].Shipment)
		assert.Equal(t, a.Number, rs[1].Number)
		require.NoError(t, rs[1].Err)
		assert.False(t, rs[1].Shipment.FetchedAt.IsZero())
		assert.Equal(t, 1, srv.Calls(), "one request for the batch")
	})
}
