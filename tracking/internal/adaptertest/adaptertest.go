// Package adaptertest holds the test scaffolding the carrier adapters'
// tests share: reading testdata, carrier code → status tables, the
// invariant of a parsed batch, and the behaviours every adapter shows
// against its trackingtest fake (429 with Retry-After, refused
// credentials kept out of errors, concurrent callers). It is imported by
// _test files only.
package adaptertest

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/tracking"
)

// Testdata returns the contents of testdata/name in the calling package's
// directory, failing tb when it cannot be read.
func Testdata(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(tb, err)
	return b
}

// Statuses checks statusOf against a carrier code → status table, in one
// parallel subtest per code.
func Statuses(t *testing.T, statusOf func(code string) tracking.Status, want map[string]tracking.Status) {
	t.Helper()
	for code, status := range want {
		t.Run(code, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, status, statusOf(code))
		})
	}
}

// OneOfEach fails t unless every Result in a parsed batch holds exactly one
// of Shipment and Err (what wire.Collect relies on).
func OneOfEach(t *testing.T, got map[string]tracking.Result) {
	t.Helper()
	for n, r := range got {
		if (r.Shipment == nil) == (r.Err == nil) {
			t.Fatalf("%q: exactly one of Shipment and Err must be set", n)
		}
	}
}

// Failer is a trackingtest fake that can script failing answers.
type Failer interface {
	Fail(status, n int, retryAfter time.Duration)
}

// RateLimited scripts one 429 with Retry-After wait on srv, then checks that
// tr.Track(number) returns tracking.ErrRateLimited carrying wait.
func RateLimited(t *testing.T, srv Failer, tr tracking.Tracker, number string, wait time.Duration) {
	t.Helper()
	srv.Fail(http.StatusTooManyRequests, 1, wait)
	_, err := tr.Track(context.Background(), number)
	require.ErrorIs(t, err, tracking.ErrRateLimited)
	d, ok := tracking.RetryAfter(err)
	assert.True(t, ok)
	assert.Equal(t, wait, d)
}

// Refused checks that tr, configured with a credential the fake does not
// accept, fails to track number with tracking.ErrUnauthorized and an error
// text free of secret.
func Refused(t *testing.T, tr tracking.Tracker, number, secret string) {
	t.Helper()
	_, err := tr.Track(context.Background(), number)
	require.ErrorIs(t, err, tracking.ErrUnauthorized)
	assert.NotContains(t, err.Error(), secret)
}

// Concurrently tracks number from n goroutines at once and waits for them,
// asserting that every call succeeds.
func Concurrently(t *testing.T, n int, tr tracking.Tracker, number string) {
	t.Helper()
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			_, err := tr.Track(context.Background(), number)
			assert.NoError(t, err)
		})
	}
	wg.Wait()
}
