// Package adaptertest holds the test scaffolding the carrier adapters'
// tests share: reading testdata, carrier code → status tables, the
// invariant of a parsed batch, and Run, the behaviours every adapter shows
// against its trackingtest fake. It is imported by _test files only.
package adaptertest

import (
	"os"
	"path/filepath"
	"testing"

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
