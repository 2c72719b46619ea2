package desk

import (
	"fmt"
	"slices"
	"time"
)

// Interval is a span of working time within a day, as wall-clock minutes
// after midnight in the calendar's time zone. End ≤ Start wraps past
// midnight: {22*60, 2*60} is 22:00 until 02:00 the next day. Start == End
// is a whole 24 h.
type Interval struct {
	// Start is the first minute of the interval (0–1439).
	Start int
	// End is the minute after the last (0–1440); at or before Start it is
	// on the next day.
	End int
}

// Hours builds an Interval from "HH:MM" strings, for readable configuration:
// Hours("09:00", "18:00").
func Hours(start, end string) (Interval, error) {
	s, err := parseHHMM(start)
	if err != nil {
		return Interval{}, err
	}
	e, err := parseHHMM(end)
	if err != nil {
		return Interval{}, err
	}
	return Interval{Start: s, End: e}, nil
}

func parseHHMM(s string) (int, error) {
	t, err := time.Parse("15:04", s)
	if err != nil {
		return 0, fmt.Errorf("%w: time of day %q: want HH:MM", ErrInvalid, s)
	}
	return t.Hour()*60 + t.Minute(), nil
}

// Calendar is a shop's business hours: several intervals per weekday in one
// time zone, and holidays. SLA timers count only the time inside its
// intervals. Wall-clock times are taken in Location, so a daylight-saving
// change shortens or lengthens the day as the clocks on the wall do. An
// interval belongs to the day it starts on: a holiday removes the intervals
// starting that day, including the part of a wrapping interval after
// midnight.
//
// A nil *Calendar is open all the time. A Calendar is a plain value, safe for
// concurrent use once built.
type Calendar struct {
	// Location is the shop's time zone, in which intervals and holidays are
	// read; nil means UTC.
	Location *time.Location
	// Week lists each weekday's working intervals; a weekday absent or
	// empty has no business hours.
	Week map[time.Weekday][]Interval
	// Holidays are dates ("2026-12-25") with no business hours.
	Holidays []string
}

// spans returns the working spans that start on the local day of day.
func (c *Calendar) spans(y int, m time.Month, d int) [][2]time.Time {
	loc := c.loc()
	day := time.Date(y, m, d, 0, 0, 0, 0, loc)
	if slices.Contains(c.Holidays, day.Format(time.DateOnly)) {
		return nil
	}
	var out [][2]time.Time
	for _, iv := range c.Week[day.Weekday()] {
		s := time.Date(y, m, d, iv.Start/60, iv.Start%60, 0, 0, loc)
		ed := d
		if iv.End <= iv.Start {
			ed++
		}
		e := time.Date(y, m, ed, iv.End/60, iv.End%60, 0, 0, loc)
		if e.After(s) {
			out = append(out, [2]time.Time{s, e})
		}
	}
	slices.SortFunc(out, func(a, b [2]time.Time) int { return a[0].Compare(b[0]) })
	return out
}

func (c *Calendar) loc() *time.Location {
	if c.Location == nil {
		return time.UTC
	}
	return c.Location
}

func (c *Calendar) hasHours() bool {
	for _, ivs := range c.Week {
		if len(ivs) > 0 {
			return true
		}
	}
	return false
}

// maxScanDays bounds how far Add looks for business hours (a calendar with
// every day a holiday must not loop for ever).
const maxScanDays = 3 * 366

// Add returns the instant d of business time after start: the due time of an
// SLA target started at start. A calendar with no intervals at all (or
// holidays for over three years) returns the zero time: never due.
func (c *Calendar) Add(start time.Time, d time.Duration) time.Time {
	if c == nil {
		return start.Add(d)
	}
	if !c.hasHours() {
		return time.Time{}
	}
	local := start.In(c.loc())
	// Begin a day early: an interval of yesterday may wrap into today.
	y, m, day := local.AddDate(0, 0, -1).Date()
	// cursor is the end of the time counted so far: overlapping intervals
	// (yesterday's wrap and today's first) count once.
	cursor := start
	for i := 0; i < maxScanDays; i++ {
		for _, sp := range c.spans(y, m, day+i) {
			s, e := sp[0], sp[1]
			if !e.After(cursor) {
				continue
			}
			if s.Before(cursor) {
				s = cursor
			}
			cursor = e
			if avail := e.Sub(s); d <= avail {
				return s.Add(d)
			} else {
				d -= avail
			}
		}
	}
	return time.Time{}
}

// Between returns the business time from a to b (0 when b is not after a).
func (c *Calendar) Between(a, b time.Time) time.Duration {
	if !b.After(a) {
		return 0
	}
	if c == nil {
		return b.Sub(a)
	}
	local := a.In(c.loc())
	y, m, day := local.AddDate(0, 0, -1).Date()
	var total time.Duration
	cursor := a
	for i := 0; i < maxScanDays; i++ {
		for _, sp := range c.spans(y, m, day+i) {
			s, e := sp[0], sp[1]
			if !s.Before(b) {
				return total
			}
			if s.Before(cursor) {
				s = cursor
			}
			if e.After(cursor) {
				cursor = e
			}
			if e.After(b) {
				e = b
			}
			if e.After(s) {
				total += e.Sub(s)
			}
		}
		if !time.Date(y, m, day+i+1, 0, 0, 0, 0, c.loc()).Before(b) {
			return total
		}
	}
	return total
}

// Open reports whether t falls inside business hours.
func (c *Calendar) Open(t time.Time) bool {
	if c == nil {
		return true
	}
	local := t.In(c.loc())
	y, m, d := local.AddDate(0, 0, -1).Date()
	for i := 0; i < 2; i++ {
		for _, sp := range c.spans(y, m, d+i) {
			if !t.Before(sp[0]) && t.Before(sp[1]) {
				return true
			}
		}
	}
	return false
}
