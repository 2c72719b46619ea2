package tracking

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

var t0 = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

func shipmentAt(status Status, events ...Event) *Shipment {
	s := &Shipment{Status: status, Events: events}
	if len(events) > 0 {
		s.LastUpdate, s.Location = events[0].Time, events[0].Location
	}
	return s
}

func TestStaleRules(t *testing.T) {
	t.Parallel()
	hk := Location{City: "HONG KONG", CountryCode: "HK"}
	lej := Location{City: "LEIPZIG", CountryCode: "DE"}
	cases := []struct {
		name   string
		rules  StaleRules
		s      *Shipment
		now    time.Time
		reason StaleReason
		since  time.Time
	}{
		{"fresh", StaleRules{}, shipmentAt(StatusInTransit, Event{Time: t0, Location: lej}, Event{Time: t0.Add(-time.Hour), Location: hk}), t0.Add(time.Hour), NotStale, time.Time{}},
		{"no update 72h", StaleRules{}, shipmentAt(StatusInTransit, Event{Time: t0, Location: lej}), t0.Add(72 * time.Hour), StaleNoUpdate, t0},
		{"just under 72h but same place 48h", StaleRules{}, shipmentAt(StatusInTransit, Event{Time: t0, Location: lej}), t0.Add(71 * time.Hour), StaleSameLocation, t0},
		{"same location 48h despite scans", StaleRules{}, shipmentAt(StatusCustomsHeld,
			Event{Time: t0.Add(40 * time.Hour), Location: lej},
			Event{Time: t0.Add(20 * time.Hour), Location: lej},
			Event{Time: t0, Location: lej},
			Event{Time: t0.Add(-10 * time.Hour), Location: hk}), t0.Add(48 * time.Hour), StaleSameLocation, t0},
		{"same location 47h", StaleRules{}, shipmentAt(StatusInTransit, Event{Time: t0.Add(40 * time.Hour), Location: lej}, Event{Time: t0, Location: lej}), t0.Add(47 * time.Hour), NotStale, time.Time{}},
		{"events without location do not move", StaleRules{}, shipmentAt(StatusInTransit, Event{Time: t0.Add(30 * time.Hour)}, Event{Time: t0, Location: lej}, Event{Time: t0.Add(-time.Hour), Location: hk}), t0.Add(49 * time.Hour), StaleSameLocation, t0},
		{"terminal never stale", StaleRules{}, shipmentAt(StatusDelivered, Event{Time: t0, Location: lej}), t0.Add(1000 * time.Hour), NotStale, time.Time{}},
		{"no information", StaleRules{}, &Shipment{Status: StatusUnknown}, t0, NotStale, time.Time{}},
		{"custom thresholds", StaleRules{NoUpdate: 24 * time.Hour, SameLocation: -1}, shipmentAt(StatusInTransit, Event{Time: t0, Location: lej}), t0.Add(25 * time.Hour), StaleNoUpdate, t0},
		{"rules disabled", StaleRules{NoUpdate: -1, SameLocation: -1}, shipmentAt(StatusInTransit, Event{Time: t0, Location: lej}), t0.Add(500 * time.Hour), NotStale, time.Time{}},
		{"last update without events", StaleRules{}, &Shipment{Status: StatusInTransit, LastUpdate: t0}, t0.Add(73 * time.Hour), StaleNoUpdate, t0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := tc.rules.Evaluate(tc.s, tc.now)
			assert.Equal(t, tc.reason, got.Reason, got.String())
			assert.Equal(t, tc.reason != NotStale, got.Stale())
			assert.True(t, got.Since.Equal(tc.since), "since %v", got.Since)
			if got.Stale() {
				assert.Equal(t, tc.now.Sub(tc.since), got.For)
				assert.NotEqual(t, "not stale", got.String())
			}
		})
	}
	assert.Equal(t, NotStale, StaleRules{}.Evaluate(nil, t0).Reason)
}

// BenchmarkStaleEvaluate evaluates 1,000,000 shipments per op (issue target:
// ≤ 1 s per op). The baseline only reads each shipment's LastUpdate and
// compares it, the floor any evaluation must pay to touch the data.
func BenchmarkStaleEvaluate(b *testing.B) {
	const n = 1_000_000
	locs := []Location{{City: "HONG KONG", CountryCode: "HK"}, {City: "LEIPZIG", CountryCode: "DE"}, {City: "BERLIN", CountryCode: "DE"}}
	// 600 event histories (last scan 0 to 199 h ago, three location
	// patterns), shared by the million shipments to keep the fixture small.
	histories := make([][]Event, 600)
	for h := range histories {
		base := t0.Add(-time.Duration(h%200) * time.Hour)
		ev := make([]Event, 4)
		for j := range ev {
			ev[j] = Event{Time: base.Add(-time.Duration(j) * 10 * time.Hour), Location: locs[(h/200+j/2)%len(locs)], Status: StatusInTransit}
		}
		histories[h] = ev
	}
	ships := make([]Shipment, n)
	for i := range ships {
		ev := histories[i%len(histories)]
		ships[i] = Shipment{Status: Status(i % int(numStatuses)), Events: ev, LastUpdate: ev[0].Time, Location: ev[0].Location}
	}
	now := t0
	b.Run("evaluate_1M", func(b *testing.B) {
		b.ReportAllocs()
		var rules StaleRules
		for b.Loop() {
			stale := 0
			for i := range ships {
				if rules.Evaluate(&ships[i], now).Stale() {
					stale++
				}
			}
			if stale == 0 {
				b.Fatal("no stale shipment in the fixture")
			}
		}
	})
	b.Run("baseline_last_update_1M", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			stale := 0
			for i := range ships {
				if now.Sub(ships[i].LastUpdate) >= DefaultNoUpdate {
					stale++
				}
			}
			if stale == 0 {
				b.Fatal("no stale shipment in the fixture")
			}
		}
	})
}
