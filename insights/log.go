package insights

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"
)

// Log is an append-only event log. Implementations are safe for concurrent
// use: MemoryLog here, store/sqlite and store/postgres for durable ones.
type Log interface {
	// Append adds events. An event with a zero Time or an invalid Kind is
	// rejected with ErrInvalidEvent and nothing of the call is appended.
	Append(ctx context.Context, events ...Event) error
	// Range calls fn for every event with from ≤ Time < to, in time order
	// (events with equal times in the order they were appended). It stops
	// at the first error fn returns and returns it. fn must not call Append
	// on the same log.
	Range(ctx context.Context, from, to time.Time, fn func(Event) error) error
}

// ErrInvalidEvent is returned by Append for an event with a zero Time, an
// unknown Kind or a Rating whose Score is outside 1–5.
var ErrInvalidEvent = errors.New("insights: invalid event")

// Validate returns an error wrapping ErrInvalidEvent when e cannot be
// appended.
func Validate(e Event) error {
	switch {
	case e.Time.IsZero():
		return fmt.Errorf("%w: zero time", ErrInvalidEvent)
	case !e.Kind.Valid():
		return fmt.Errorf("%w: kind %q", ErrInvalidEvent, e.Kind)
	case e.Kind == Rating && (e.Score < 1 || e.Score > 5):
		return fmt.Errorf("%w: rating score %d", ErrInvalidEvent, e.Score)
	}
	return nil
}

// MemoryLog is a Log in memory, for tests and single-process tools. The zero
// value is ready. It is safe for concurrent use; Range works on a snapshot,
// so an Append during a Range is not seen by it.
type MemoryLog struct {
	mu     sync.Mutex
	events []Event // sorted by Time, stable; never modified in place below len
}

// NewMemoryLog returns an empty MemoryLog.
func NewMemoryLog() *MemoryLog { return &MemoryLog{} }

// Append implements Log. Events in time order are appended in amortized
// constant time; an event older than the newest one is merged in, which
// copies the log once per call.
func (l *MemoryLog) Append(ctx context.Context, events ...Event) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	for _, e := range events {
		if err := Validate(e); err != nil {
			return err
		}
	}
	byTime := func(a, b Event) int { return a.Time.Compare(b.Time) }
	batch := slices.Clone(events)
	if !slices.IsSortedFunc(batch, byTime) {
		slices.SortStableFunc(batch, byTime)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(batch) == 0 {
		return nil
	}
	if n := len(l.events); n == 0 || !batch[0].Time.Before(l.events[n-1].Time) {
		l.events = append(l.events, batch...)
		return nil
	}
	// Merge into a new slice so snapshots held by Range stay intact.
	merged := make([]Event, 0, len(l.events)+len(batch)+len(l.events)/4)
	i := firstAfter(l.events, batch[0].Time)
	merged = append(merged, l.events[:i]...)
	old := l.events[i:]
	for len(old) > 0 && len(batch) > 0 {
		if batch[0].Time.Before(old[0].Time) {
			merged = append(merged, batch[0])
			batch = batch[1:]
		} else {
			merged = append(merged, old[0])
			old = old[1:]
		}
	}
	merged = append(merged, old...)
	l.events = append(merged, batch...)
	return nil
}

// Range implements Log.
func (l *MemoryLog) Range(ctx context.Context, from, to time.Time, fn func(Event) error) error {
	l.mu.Lock()
	snap := l.events
	l.mu.Unlock()
	lo := firstAtOrAfter(snap, from)
	hi := firstAtOrAfter(snap, to)
	for i := lo; i < hi; i++ {
		if i%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if err := fn(snap[i]); err != nil {
			return err
		}
	}
	return nil
}

// Len returns the number of events in the log.
func (l *MemoryLog) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.events)
}

func firstAtOrAfter(es []Event, t time.Time) int {
	i, _ := slices.BinarySearchFunc(es, t, func(e Event, t time.Time) int {
		if e.Time.Before(t) {
			return -1
		}
		return 1
	})
	return i
}

func firstAfter(es []Event, t time.Time) int {
	i, _ := slices.BinarySearchFunc(es, t, func(e Event, t time.Time) int {
		if e.Time.After(t) {
			return 1
		}
		return -1
	})
	return i
}
