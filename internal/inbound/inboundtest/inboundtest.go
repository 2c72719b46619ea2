// Package inboundtest holds the test doubles the four adapters' webhook
// tests share: a handler whose first handling of an event is slow and fails,
// a DedupeStore that reports when a claim is found in flight, and one that
// always fails, InFlightRedelivery, the redelivery check of the adapters
// that answer 503 at once, RefuseFlood, the too-many-events check of the
// JSON adapters, and the table runners of their parser tests (ParseFiles,
// Malformed). Everything here is safe for concurrent
// use.
package inboundtest

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/channel"
)

// ErrFirstTry is what SlowFail returns for the first handling of an event.
var ErrFirstTry = errors.New("inboundtest: first handling failed")

// SlowFail is a channel.Handler whose first handling of each event id
// blocks until the test calls Fail (or the request ends) and then fails
// with ErrFirstTry (or, made by NewSlowSucceed, succeeds); every later
// handling succeeds. Successes are counted.
type SlowFail struct {
	// Entered receives the id of each first handling once it has begun.
	Entered chan string

	succeedFirst bool

	mu        sync.Mutex
	started   map[string]bool
	release   map[string]chan struct{}
	succeeded map[string]int
}

// NewSlowFail returns a SlowFail ready for use.
func NewSlowFail() *SlowFail {
	return &SlowFail{
		Entered: make(chan string, 16), started: map[string]bool{},
		release: map[string]chan struct{}{}, succeeded: map[string]int{},
	}
}

// NewSlowSucceed returns a SlowFail whose first handling succeeds once
// released by Fail.
func NewSlowSucceed() *SlowFail {
	h := NewSlowFail()
	h.succeedFirst = true
	return h
}

// HandleEvent implements channel.Handler.
func (h *SlowFail) HandleEvent(ctx context.Context, e channel.Event) error {
	h.mu.Lock()
	if h.started[e.ID] {
		h.succeeded[e.ID]++
		h.mu.Unlock()
		return nil
	}
	h.started[e.ID] = true
	ch := h.gate(e.ID)
	h.mu.Unlock()
	h.Entered <- e.ID
	select {
	case <-ch:
	case <-ctx.Done():
		return ctx.Err()
	}
	if h.succeedFirst {
		h.mu.Lock()
		h.succeeded[e.ID]++
		h.mu.Unlock()
		return nil
	}
	return ErrFirstTry
}

func (h *SlowFail) gate(id string) chan struct{} {
	ch, ok := h.release[id]
	if !ok {
		ch = make(chan struct{})
		h.release[id] = ch
	}
	return ch
}

// Fail lets the first handling of id return (with its error, or success
// for NewSlowSucceed).
func (h *SlowFail) Fail(id string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	close(h.gate(id))
}

// Succeeded is how many times id was handled successfully.
func (h *SlowFail) Succeeded(id string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.succeeded[id]
}

// WatchStore wraps a DedupeStore and sends the key of every Claim that finds
// its key in flight to InFlight (without blocking when nobody listens).
type WatchStore struct {
	channel.DedupeStore
	InFlight chan string
}

// NewWatchStore wraps a fresh MemoryDedupeStore.
func NewWatchStore() *WatchStore {
	return &WatchStore{DedupeStore: channel.NewMemoryDedupeStore(1024), InFlight: make(chan string, 64)}
}

// Claim implements channel.DedupeStore.
func (s *WatchStore) Claim(ctx context.Context, key string, now time.Time, lease time.Duration) (channel.ClaimStatus, error) {
	st, err := s.DedupeStore.Claim(ctx, key, now, lease)
	if st == channel.ClaimInFlight {
		select {
		case s.InFlight <- key:
		default:
		}
	}
	return st, err
}

// ErrStoreDown is what DownStore answers.
var ErrStoreDown = errors.New("inboundtest: store down")

// DownStore is a DedupeStore that never answers.
type DownStore struct{}

// Claim implements channel.DedupeStore.
func (DownStore) Claim(context.Context, string, time.Time, time.Duration) (channel.ClaimStatus, error) {
	return 0, ErrStoreDown
}

// Complete implements channel.DedupeStore.
func (DownStore) Complete(context.Context, string, time.Time, time.Duration) error {
	return ErrStoreDown
}

// Release implements channel.DedupeStore.
func (DownStore) Release(context.Context, string) error { return ErrStoreDown }

// Counter is a channel.Handler that counts its calls.
type Counter struct {
	mu sync.Mutex
	n  int
}

// HandleEvent implements channel.Handler.
func (c *Counter) HandleEvent(context.Context, channel.Event) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n++
	return nil
}

// N is how many events were handled.
func (c *Counter) N() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

// Retry models a platform retrying a delivery whose first attempt timed out
// (so that attempt's answer is lost): it calls deliver until one answers
// 200 or attempts run out, and returns the last status. A 200 ends the
// platform's interest in the event, whether or not anyone handled it.
func Retry(deliver func() int, attempts int) int {
	status := 0
	for range attempts {
		if status = deliver(); status == 200 {
			break
		}
	}
	return status
}

// Delivery is one event's webhook deliveries, for InFlightRedelivery.
type Delivery struct {
	// ID is the event id the handler sees (what SlowFail.Entered receives).
	ID string
	// First is the first delivery, whose answer the platform loses.
	First func() int
	// Again is a redelivery of the same event; it returns the status.
	Again func() int
}

// InFlightRedelivery checks the adapters' shared promise for a redelivery
// that arrives while the first delivery is still being handled, over rounds
// fresh events from next: the platform times out on a slow first delivery
// (h holds it) and redelivers; the redelivery gets 503, not an
// acknowledgement that would lose the event; the first handling then fails
// (500) and a later redelivery succeeds, so every event is handled
// successfully exactly once, and a still later duplicate is acknowledged
// without being handled again. h must come from NewSlowFail.
func InFlightRedelivery(t testing.TB, h *SlowFail, rounds int, next func() Delivery) {
	t.Helper()
	once := 0
	for i := range rounds {
		d := next()
		first := make(chan int, 1)
		go func() { first <- d.First() }() // the platform times out on it
		require.Equal(t, d.ID, <-h.Entered)
		status := d.Again()
		assert.Equal(t, http.StatusServiceUnavailable, status, "round %d: a redelivery during the first is refused, not acknowledged", i)
		h.Fail(d.ID)
		assert.Equal(t, http.StatusInternalServerError, <-first, "round %d", i)
		if status != http.StatusOK {
			status = Retry(d.Again, 3)
		}
		assert.Equal(t, http.StatusOK, status, "round %d", i)
		if h.Succeeded(d.ID) == 1 {
			once++
		}
		assert.Equal(t, http.StatusOK, d.Again(), "round %d: a later duplicate", i)
		assert.Equal(t, 1, h.Succeeded(d.ID), "round %d: the duplicate is not handled", i)
	}
	assert.Equal(t, rounds, once, "handled successfully exactly once")
	t.Logf("handled once: %d/%d", once, rounds)
}

// RefuseFlood builds a 1 MiB webhook body of the given shape, with as many
// empty JSON objects as fit where shape has "...", and checks that parse
// refuses it with an error wrapping tooMany (the adapter's
// ErrTooManyEvents) for under 1 MiB of allocation: the body's array
// elements are counted before it is decoded. It returns the body, for the
// caller to deliver too. Do not call it from a parallel test: it measures
// allocation process-wide.
func RefuseFlood(t *testing.T, shape string, parse func([]byte) ([]channel.Event, error), tooMany error) []byte {
	t.Helper()
	prefix, suffix, ok := strings.Cut(shape, "...")
	require.True(t, ok, "shape has no ...")
	n := (1<<20 - len(prefix) - len(suffix)) / 3
	flood := []byte(prefix + strings.Repeat("{},", n) + "{}" + suffix)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := parse(flood)
	runtime.ReadMemStats(&after)
	assert.ErrorIs(t, err, tooMany)
	alloc := after.TotalAlloc - before.TotalAlloc
	assert.Less(t, alloc, uint64(1<<20), "refusing the flood allocates under 1 MiB")
	t.Logf("1 MiB flood: refused after %d bytes of allocation", alloc)
	return flood
}

// Testdata returns the content of testdata/name, failing t when it cannot
// be read.
func Testdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return b
}

// ParseCase is one row of ParseFiles: a file under testdata/ and the
// summaries of the events a webhook parser must return for it, in order
// (nil: no event).
type ParseCase[G any] struct {
	// File is the payload's name under testdata/.
	File string
	// Want are the summaries, one per event.
	Want []G
}

// ParseFiles runs parse on each case's file, in a subtest named after it,
// and compares the summary of every event (summarize, which may assert
// what all events share) with the case's Want.
func ParseFiles[G any](t *testing.T, parse func([]byte) ([]channel.Event, error), summarize func(*testing.T, channel.Event) G, cases []ParseCase[G]) {
	t.Helper()
	for _, tt := range cases {
		t.Run(strings.TrimSuffix(tt.File, filepath.Ext(tt.File)), func(t *testing.T) {
			t.Parallel()
			events, err := parse(Testdata(t, tt.File))
			require.NoError(t, err)
			var got []G
			for _, e := range events {
				got = append(got, summarize(t, e))
			}
			assert.Equal(t, tt.Want, got)
		})
	}
}

// Malformed checks that parse refuses each named body with an error
// wrapping malformed (the adapter's ErrMalformedWebhook).
func Malformed(t *testing.T, parse func([]byte) ([]channel.Event, error), malformed error, bodies map[string]string) {
	t.Helper()
	for name, body := range bodies {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := parse([]byte(body))
			assert.ErrorIs(t, err, malformed)
		})
	}
}
