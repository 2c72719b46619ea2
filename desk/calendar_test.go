package desk_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/desk"
)

func mustHours(t *testing.T, s, e string) desk.Interval {
	t.Helper()
	iv, err := desk.Hours(s, e)
	require.NoError(t, err)
	return iv
}

func TestCalendarAdd(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	bkk, err := time.LoadLocation("Asia/Bangkok")
	require.NoError(t, err)
	weekdays := func(ivs ...desk.Interval) map[time.Weekday][]desk.Interval {
		m := map[time.Weekday][]desk.Interval{}
		for d := time.Monday; d <= time.Friday; d++ {
			m[d] = ivs
		}
		return m
	}
	split := &desk.Calendar{Location: bkk, Week: weekdays(mustHours(t, "09:00", "12:00"), mustHours(t, "13:00", "18:00")),
		Holidays: []string{"2026-04-13"}}
	night := &desk.Calendar{Location: time.UTC, Week: map[time.Weekday][]desk.Interval{
		time.Monday: {mustHours(t, "22:00", "02:00")}, time.Tuesday: {mustHours(t, "22:00", "02:00")}}}
	nyCal := &desk.Calendar{Location: ny, Week: map[time.Weekday][]desk.Interval{
		time.Sunday: {mustHours(t, "00:00", "00:00")}, time.Saturday: {mustHours(t, "20:00", "04:00")}}}
	at := func(loc *time.Location, s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
		require.NoError(t, err)
		return v
	}
	tests := []struct {
		name  string
		cal   *desk.Calendar
		start time.Time
		d     time.Duration
		want  time.Time
	}{
		{"nil calendar is wall time", nil, at(time.UTC, "2026-03-07 10:00"), time.Hour, at(time.UTC, "2026-03-07 11:00")},
		{"inside one interval", split, at(bkk, "2026-04-06 09:30"), time.Hour, at(bkk, "2026-04-06 10:30")},
		{"across lunch", split, at(bkk, "2026-04-06 11:30"), time.Hour, at(bkk, "2026-04-06 13:30")},
		{"before opening", split, at(bkk, "2026-04-06 07:00"), 30 * time.Minute, at(bkk, "2026-04-06 09:30")},
		{"friday evening to monday", split, at(bkk, "2026-04-03 17:30"), time.Hour, at(bkk, "2026-04-06 09:30")},
		{"holiday skipped", split, at(bkk, "2026-04-10 17:30"), time.Hour, at(bkk, "2026-04-14 09:30")},
		{"8 h is a whole day", split, at(bkk, "2026-04-06 09:00"), 8 * time.Hour, at(bkk, "2026-04-06 18:00")},
		{"midnight wrap", night, at(time.UTC, "2026-03-02 23:00"), 2 * time.Hour, at(time.UTC, "2026-03-03 01:00")},
		{"wrap into next night", night, at(time.UTC, "2026-03-03 01:30"), time.Hour, at(time.UTC, "2026-03-03 22:30")},
		{"started after midnight inside yesterday's interval", night, at(time.UTC, "2026-03-03 00:30"), time.Hour, at(time.UTC, "2026-03-03 01:30")},
		// 2026-03-08 02:00 EST → 03:00 EDT: Sunday has 23 hours.
		{"DST spring forward: 23 h Sunday", nyCal, at(ny, "2026-03-08 00:00"), 23 * time.Hour, at(ny, "2026-03-09 00:00")},
		{"DST spring forward: wall clock jumps", nyCal, at(ny, "2026-03-08 01:30"), time.Hour, at(ny, "2026-03-08 03:30")},
		// 2026-11-01 02:00 EDT → 01:00 EST: Sunday has 25 hours.
		{"DST fall back: 25 h Sunday", nyCal, at(ny, "2026-11-01 00:00"), 25 * time.Hour, at(ny, "2026-11-02 00:00")},
		{"DST fall back in a wrapping interval", nyCal, at(ny, "2026-10-31 20:00"), 9 * time.Hour, at(ny, "2026-11-01 04:00")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.cal.Add(tc.start, tc.d)
			assert.True(t, tc.want.Equal(got), "want %v, got %v", tc.want, got.In(tc.want.Location()))
			assert.Equal(t, tc.d, tc.cal.Between(tc.start, got), "Between inverts Add")
		})
	}
	assert.True(t, split.Open(at(bkk, "2026-04-06 09:00")))
	assert.False(t, split.Open(at(bkk, "2026-04-06 12:30")))
	assert.False(t, split.Open(at(bkk, "2026-04-13 10:00")), "holiday")
	assert.True(t, night.Open(at(time.UTC, "2026-03-03 01:00")), "wrapped part of Monday's night")
	assert.True(t, (&desk.Calendar{}).Add(time.Now(), time.Hour).IsZero(), "no hours: never due")
}

func TestHoursInvalid(t *testing.T) {
	for _, s := range []string{"", "25:00", "9", "aa:bb"} {
		_, err := desk.Hours(s, "10:00")
		assert.ErrorIs(t, err, desk.ErrInvalid, s)
	}
	_, err := desk.New(desk.Config{Calendar: &desk.Calendar{Holidays: []string{"12/25"}}})
	assert.ErrorIs(t, err, desk.ErrInvalid)
}

func TestSLAWarningAndBreachOnce(t *testing.T) {
	cal := &desk.Calendar{Location: time.UTC, Week: map[time.Weekday][]desk.Interval{
		time.Monday: {mustHours(t, "09:00", "17:00")}, time.Tuesday: {mustHours(t, "09:00", "17:00")}}}
	f := newFixture(t, func(c *desk.Config) {
		c.Calendar = cal
		c.Targets = map[desk.Priority]desk.Targets{desk.PriorityNormal: {FirstResponse: time.Hour, NextResponse: 30 * time.Minute, Resolution: 8 * time.Hour}}
		c.ReplyTimeout = -1
	})
	ctx := context.Background()
	events, stop := f.desk.Subscribe(100)
	defer stop()
	f.clock.Set(time.Date(2026, 3, 2, 16, 30, 0, 0, time.UTC)) // Monday 16:30, 30 min before closing
	c := f.handoff(t, wa("1"), "", "en", "hello")
	slas := func() []string {
		var out []string
		for len(events) > 0 {
			e := <-events
			if e.Type == desk.EventSLAWarning || e.Type == desk.EventSLABreach {
				out = append(out, string(e.Type)+" "+string(e.SLA)+" "+e.Due.Format("Mon 15:04"))
			}
		}
		return out
	}
	timers := f.desk.Timers(c)
	require.Len(t, timers, 2)
	assert.Equal(t, time.Date(2026, 3, 3, 9, 18, 0, 0, time.UTC), timers[0].Warn, "48 min of business time: 30 today, 18 tomorrow")
	assert.Equal(t, time.Date(2026, 3, 3, 9, 30, 0, 0, time.UTC), timers[0].Due)

	steps := []struct {
		at   time.Time
		want []string
	}{
		{time.Date(2026, 3, 3, 9, 17, 59, 0, time.UTC), nil},
		{time.Date(2026, 3, 3, 9, 18, 0, 0, time.UTC), []string{"sla_warning first_response Tue 09:18"}},
		{time.Date(2026, 3, 3, 9, 20, 0, 0, time.UTC), nil},
		{time.Date(2026, 3, 3, 9, 30, 0, 0, time.UTC), []string{"sla_breach first_response Tue 09:30"}},
		{time.Date(2026, 3, 3, 12, 0, 0, 0, time.UTC), nil},
	}
	for _, s := range steps {
		f.clock.Set(s.at)
		require.NoError(t, f.desk.Tick(ctx))
		require.NoError(t, f.desk.Tick(ctx), "a second tick fires nothing again")
		assert.Equal(t, s.want, slas(), "at %v", s.at)
	}
	// The agent answers; next response runs from the customer's next message.
	f.agent(t, desk.Agent{ID: "ann"}, true)
	_, err := f.desk.AssignQueued(ctx)
	require.NoError(t, err)
	_, err = f.desk.Reply(ctx, desk.Reply{ConversationID: c.ID, Agent: "ann", Text: "Hi"})
	require.NoError(t, err)
	_, _, err = f.desk.CustomerMessage(ctx, &channel.Message{From: wa("1"), Text: "and?"})
	require.NoError(t, err)
	f.clock.Advance(30 * time.Minute)
	require.NoError(t, f.desk.Tick(ctx))
	assert.Equal(t, []string{"sla_warning next_response Tue 12:24", "sla_breach next_response Tue 12:30"}, slas())
	// Resolution: 8 business hours from Monday 16:30 = Tuesday 16:30.
	f.clock.Set(time.Date(2026, 3, 3, 16, 30, 0, 0, time.UTC))
	require.NoError(t, f.desk.Tick(ctx))
	assert.Equal(t, []string{"sla_warning resolution Tue 14:54", "sla_breach resolution Tue 16:30"}, slas())
}

// TestSLAFiringLatency: 1,000 open conversations whose first-response
// targets fall due at once. Run ticks every Config.Tick (500 ms), so an event
// fires at most one tick plus one pass after its due time; the pass is
// measured here (moving the clock, not sleeping).
func TestSLAFiringLatency(t *testing.T) {
	f := newFixture(t, func(c *desk.Config) { c.ReplyTimeout = -1 })
	ctx := context.Background()
	const n = 1000
	for i := range n {
		f.handoff(t, wa(fmt.Sprint(i)), "", "en", "hello")
	}
	events, stop := f.desk.Subscribe(4 * n)
	defer stop()
	f.clock.Advance(time.Hour) // every first-response target (1 h) is due now
	start := time.Now()
	require.NoError(t, f.desk.Tick(ctx))
	pass := time.Since(start)
	warn, breach := 0, 0
	for len(events) > 0 {
		switch (<-events).Type {
		case desk.EventSLAWarning:
			warn++
		case desk.EventSLABreach:
			breach++
		}
	}
	t.Logf("%d conversations due at once: one timer pass %v (events fire ≤ Tick + pass after due)", n, pass)
	assert.Equal(t, n, warn)
	assert.Equal(t, n, breach)
	assert.Less(t, pass, time.Second)
}
