package metatest

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/channel"
)

// ErrHandler is what Recorder returns for an event it was told to fail.
var ErrHandler = errors.New("metatest: handler failed")

// Recorder is a channel.Handler that records the id of every event it is
// given and fails on demand. Set FailOn before use; safe for concurrent use.
type Recorder struct {
	// FailOn maps an event id to how many more times handling it fails with
	// ErrHandler (each failure is recorded too).
	FailOn map[string]int

	mu   sync.Mutex
	seen []string
}

// HandleEvent records e.ID and returns ErrHandler while FailOn[e.ID] > 0.
func (r *Recorder) HandleEvent(_ context.Context, e channel.Event) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.seen = append(r.seen, e.ID)
	if r.FailOn[e.ID] > 0 {
		r.FailOn[e.ID]--
		return ErrHandler
	}
	return nil
}

// IDs returns the ids of the events handled so far, in order.
func (r *Recorder) IDs() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.seen...)
}

// AssertJSONSubset checks that every field of want (a JSON document)
// appears in got with the same value: objects recursively, arrays element by
// element and of the same length. A field want names must be present in
// got (a null in want matches only a null). Fields of got that want does
// not name are ignored.
func AssertJSONSubset(t testing.TB, want string, got []byte) {
	t.Helper()
	var w, g any
	require.NoError(t, json.Unmarshal([]byte(want), &w))
	require.NoError(t, json.Unmarshal(got, &g))
	var walk func(path string, w, g any)
	walk = func(path string, w, g any) {
		switch wv := w.(type) {
		case map[string]any:
			gv, ok := g.(map[string]any)
			if !assert.True(t, ok, "%s: want an object in %s", path, got) {
				return
			}
			for k, v := range wv {
				gvk, present := gv[k]
				if !assert.True(t, present, "%s.%s: missing in %s", path, k, got) {
					continue
				}
				walk(path+"."+k, v, gvk)
			}
		case []any:
			gv, ok := g.([]any)
			if !assert.True(t, ok, "%s: want an array", path) || !assert.Len(t, gv, len(wv), path) {
				return
			}
			for i := range wv {
				walk(path, wv[i], gv[i])
			}
		default:
			assert.Equal(t, w, g, "%s in %s", path, got)
		}
	}
	walk("$", w, g)
}
