package tracking

import (
	"fmt"
	"time"
)

// Default stale thresholds: a parcel nobody scanned for 72 hours, or that sat
// at one location for 48 hours, deserves a look (carriers normally update
// about every 30 minutes, up to 90 at peak season).
const (
	DefaultNoUpdate     = 72 * time.Hour
	DefaultSameLocation = 48 * time.Hour
)

// StaleRules decide when a shipment that is not terminal has stalled. The
// zero value uses the defaults; a negative duration disables that rule.
// StaleRules is a value and safe for concurrent use.
type StaleRules struct {
	// NoUpdate: no carrier update (LastUpdate) for this long. 0 = 72 h.
	NoUpdate time.Duration
	// SameLocation: every event for this long at the current location.
	// 0 = 48 h.
	SameLocation time.Duration
}

// StaleReason says why a shipment is stale.
type StaleReason uint8

// Stale reasons.
const (
	NotStale          StaleReason = iota
	StaleNoUpdate                 // no carrier update for StaleRules.NoUpdate
	StaleSameLocation             // at one location for StaleRules.SameLocation
)

// String names the reason ("no_update").
func (r StaleReason) String() string {
	switch r {
	case NotStale:
		return "not_stale"
	case StaleNoUpdate:
		return "no_update"
	case StaleSameLocation:
		return "same_location"
	}
	return fmt.Sprintf("stale_reason(%d)", uint8(r))
}

// Staleness is the verdict of StaleRules.Evaluate: an exception flag with its
// reason.
type Staleness struct {
	// Reason is why the shipment is stale; StaleNone when it is not.
	Reason StaleReason
	// Since is the last carrier update (StaleNoUpdate) or the first event at
	// the current location (StaleSameLocation).
	Since time.Time
	// For is how long it has been, as of the evaluation.
	For time.Duration
	// Location is the location the parcel is stuck at (StaleSameLocation).
	Location Location
}

// Stale reports whether the verdict is an exception to raise.
func (s Staleness) Stale() bool { return s.Reason != NotStale }

// String explains the verdict in one line, for logs and agents.
func (s Staleness) String() string {
	switch s.Reason {
	case StaleNoUpdate:
		return fmt.Sprintf("no carrier update for %v (last at %s)", s.For.Truncate(time.Minute), s.Since.Format(time.RFC3339))
	case StaleSameLocation:
		return fmt.Sprintf("at %s for %v (since %s)", s.Location, s.For.Truncate(time.Minute), s.Since.Format(time.RFC3339))
	}
	return "not stale"
}

func (r StaleRules) limits() (noUpdate, sameLoc time.Duration) {
	noUpdate, sameLoc = r.NoUpdate, r.SameLocation
	if noUpdate == 0 {
		noUpdate = DefaultNoUpdate
	}
	if sameLoc == 0 {
		sameLoc = DefaultSameLocation
	}
	return noUpdate, sameLoc
}

// Evaluate judges s at now. A terminal shipment, or one with no carrier
// update at all (nothing to judge), is never stale. The no-update rule is
// checked first. Events must be newest first, as adapters return them; events
// without a location do not count as a move. Evaluate does not allocate.
func (r StaleRules) Evaluate(s *Shipment, now time.Time) Staleness {
	if s == nil || s.Status.Terminal() {
		return Staleness{}
	}
	noUpdate, sameLoc := r.limits()
	last := s.LastUpdate
	if last.IsZero() && len(s.Events) > 0 {
		last = s.Events[0].Time
	}
	if last.IsZero() {
		return Staleness{}
	}
	if noUpdate > 0 {
		if d := now.Sub(last); d >= noUpdate {
			return Staleness{Reason: StaleNoUpdate, Since: last, For: d}
		}
	}
	if sameLoc <= 0 || len(s.Events) == 0 {
		return Staleness{}
	}
	cur := s.Location
	for i := 0; cur.IsZero() && i < len(s.Events); i++ {
		cur = s.Events[i].Location // newest event that says where
	}
	if cur.IsZero() {
		return Staleness{}
	}
	var since time.Time
	for i := range s.Events {
		e := &s.Events[i]
		if !e.Location.IsZero() && e.Location != cur {
			break
		}
		since = e.Time
	}
	if since.IsZero() {
		return Staleness{}
	}
	if d := now.Sub(since); d >= sameLoc {
		return Staleness{Reason: StaleSameLocation, Since: since, For: d, Location: cur}
	}
	return Staleness{}
}
