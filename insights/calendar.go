package insights

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// Interval is a stretch of a day, as offsets from midnight: {9 * time.Hour,
// 18 * time.Hour} is nine to six. End may be 24 h.
type Interval struct {
	// Start is the opening time as an offset from midnight (0 to 24 h).
	Start time.Duration
	// End is the closing time as an offset from midnight, after Start; at
	// most 24 h.
	End time.Duration
}

// Calendar says when the shop works: opening intervals per weekday in a time
// zone, and holidays. It measures durations in business hours. A Calendar
// is immutable after NewCalendar and safe for concurrent use; a nil
// *Calendar means always open (business time equals wall-clock time).
type Calendar struct {
	loc      *time.Location
	week     [7][]Interval // by time.Weekday
	holidays map[civilDate]bool
}

type civilDate struct {
	y int
	m time.Month
	d int
}

// ErrCalendar is wrapped by NewCalendar's errors.
var ErrCalendar = errors.New("insights: invalid calendar")

// NewCalendar returns a calendar in loc (nil means UTC) with week[d] the
// opening intervals of weekday d (week[time.Sunday] first, as time.Weekday
// counts) and the given holidays (their date in loc counts; the time of day
// is ignored). Intervals must lie within 0–24 h, have Start < End and not
// overlap; otherwise the error wraps ErrCalendar.
func NewCalendar(loc *time.Location, week [7][]Interval, holidays ...time.Time) (*Calendar, error) {
	if loc == nil {
		loc = time.UTC
	}
	c := &Calendar{loc: loc, holidays: map[civilDate]bool{}}
	for d, ivs := range week {
		ivs = slices.Clone(ivs)
		slices.SortFunc(ivs, func(a, b Interval) int { return int(a.Start - b.Start) })
		for i, iv := range ivs {
			if iv.Start < 0 || iv.End > 24*time.Hour || iv.Start >= iv.End {
				return nil, fmt.Errorf("%w: %s interval %v–%v", ErrCalendar, time.Weekday(d), iv.Start, iv.End)
			}
			if i > 0 && iv.Start < ivs[i-1].End {
				return nil, fmt.Errorf("%w: %s intervals overlap", ErrCalendar, time.Weekday(d))
			}
		}
		c.week[d] = ivs
	}
	for _, h := range holidays {
		y, m, d := h.In(loc).Date()
		c.holidays[civilDate{y, m, d}] = true
	}
	return c, nil
}

// WeekdayHours is a convenience: the same interval Monday to Friday.
func WeekdayHours(open, close time.Duration) [7][]Interval {
	var w [7][]Interval
	for d := time.Monday; d <= time.Friday; d++ {
		w[d] = []Interval{{open, close}}
	}
	return w
}

// Location returns the calendar's time zone (UTC for a nil Calendar).
func (c *Calendar) Location() *time.Location {
	if c == nil {
		return time.UTC
	}
	return c.loc
}

// Between returns the business time from a to b: the part of [a, b) that
// falls in opening intervals on days that are not holidays. It is 0 when b
// is not after a. A nil Calendar returns b − a.
func (c *Calendar) Between(a, b time.Time) time.Duration {
	if !b.After(a) {
		return 0
	}
	if c == nil {
		return b.Sub(a)
	}
	a, b = a.In(c.loc), b.In(c.loc)
	var total time.Duration
	y, m, d := a.Date()
	for day := time.Date(y, m, d, 0, 0, 0, 0, c.loc); day.Before(b); {
		next := time.Date(day.Year(), day.Month(), day.Day()+1, 0, 0, 0, 0, c.loc)
		if !c.holidays[civilDate{day.Year(), day.Month(), day.Day()}] {
			for _, iv := range c.week[day.Weekday()] {
				s := clockOn(day, iv.Start, c.loc)
				e := clockOn(day, iv.End, c.loc)
				if s.Before(a) {
					s = a
				}
				if e.After(b) {
					e = b
				}
				if e.After(s) {
					total += e.Sub(s)
				}
			}
		}
		day = next
	}
	return total
}

// clockOn is the wall-clock offset off on day (midnight in loc), robust to
// daylight-saving days: 9 h means 09:00 local, not midnight plus 9 hours.
func clockOn(day time.Time, off time.Duration, loc *time.Location) time.Time {
	h := int(off / time.Hour)
	rest := off - time.Duration(h)*time.Hour
	return time.Date(day.Year(), day.Month(), day.Day(), h, 0, 0, 0, loc).Add(rest)
}
