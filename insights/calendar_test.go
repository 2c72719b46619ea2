package insights_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/insights"
)

func TestCalendarBetween(t *testing.T) {
	hk := time.FixedZone("HKT", 8*3600)
	week := insights.WeekdayHours(9*time.Hour, 18*time.Hour)
	week[time.Saturday] = []insights.Interval{{10 * time.Hour, 12 * time.Hour}, {13 * time.Hour, 15 * time.Hour}}
	christmas := time.Date(2026, 12, 25, 0, 0, 0, 0, hk) // a Friday
	cal, err := insights.NewCalendar(hk, week, christmas)
	require.NoError(t, err)
	at := func(m time.Month, d, h, min int) time.Time { return time.Date(2026, m, d, h, min, 0, 0, hk) }
	for _, tc := range []struct {
		name string
		a, b time.Time
		want time.Duration
	}{
		{"inside one interval", at(11, 23, 10, 0), at(11, 23, 10, 5), 5 * time.Minute},
		{"before opening counts from 09:00", at(11, 23, 8, 0), at(11, 23, 9, 30), 30 * time.Minute},
		{"overnight", at(11, 23, 17, 51), at(11, 24, 9, 5), 14 * time.Minute},
		{"Friday evening to Monday: Saturday's two intervals", at(11, 27, 17, 0), at(11, 30, 9, 0), time.Hour + 4*time.Hour},
		{"Sunday is closed", at(11, 29, 10, 0), at(11, 29, 16, 0), 0},
		{"the holiday is closed", at(12, 25, 9, 0), at(12, 25, 18, 0), 0},
		{"a whole week", at(11, 23, 0, 0), at(11, 30, 0, 0), 5*9*time.Hour + 4*time.Hour},
		{"end before start", at(11, 23, 10, 0), at(11, 23, 9, 0), 0},
		{"other zones convert", at(11, 23, 10, 0).UTC(), at(11, 23, 11, 0).In(time.FixedZone("X", -5*3600)), time.Hour},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, cal.Between(tc.a, tc.b))
		})
	}
	var always *insights.Calendar
	assert.Equal(t, 90*time.Minute, always.Between(at(11, 29, 10, 0), at(11, 29, 11, 30)), "nil is always open")
}

func TestCalendarDaylightSaving(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no time zone database")
	}
	var week [7][]insights.Interval
	week[time.Sunday] = []insights.Interval{{0, 24 * time.Hour}}
	cal, err := insights.NewCalendar(ny, week)
	require.NoError(t, err)
	// 8 March 2026 is 23 hours long in New York.
	day := time.Date(2026, 3, 8, 0, 0, 0, 0, ny)
	assert.Equal(t, 23*time.Hour, cal.Between(day, day.AddDate(0, 0, 1)))
	// 09:00 local is 09:00 on the clock, not midnight plus nine hours.
	week[time.Sunday] = []insights.Interval{{9 * time.Hour, 10 * time.Hour}}
	cal, err = insights.NewCalendar(ny, week)
	require.NoError(t, err)
	assert.Equal(t, time.Hour, cal.Between(day, day.AddDate(0, 0, 1)))
	assert.Equal(t, 30*time.Minute, cal.Between(time.Date(2026, 3, 8, 9, 30, 0, 0, ny), day.AddDate(0, 0, 1)))
}

func TestNewCalendarRejectsBadIntervals(t *testing.T) {
	for name, iv := range map[string][]insights.Interval{
		"reversed":    {{10 * time.Hour, 9 * time.Hour}},
		"empty":       {{9 * time.Hour, 9 * time.Hour}},
		"past 24 h":   {{20 * time.Hour, 25 * time.Hour}},
		"negative":    {{-time.Hour, time.Hour}},
		"overlapping": {{9 * time.Hour, 12 * time.Hour}, {11 * time.Hour, 13 * time.Hour}},
	} {
		var week [7][]insights.Interval
		week[time.Monday] = iv
		_, err := insights.NewCalendar(nil, week)
		assert.ErrorIs(t, err, insights.ErrCalendar, name)
	}
}
