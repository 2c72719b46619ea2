package failover

import (
	"sort"
	"time"
)

// DayStats is one endpoint's calls (real calls and probes) on one UTC day.
type DayStats struct {
	Day      string // 2006-01-02, UTC
	Calls    int    // real calls and probes
	Failures int    // transport errors and 5xx
	Slow     int    // answered, but slower than Config.Slow
	// Latency is the total time of all calls; Latency/Calls is the mean.
	Latency time.Duration
	// Max is the slowest call.
	Max time.Duration
}

// Availability is the share of calls that did not fail (1 with no calls).
func (d DayStats) Availability() float64 {
	if d.Calls == 0 {
		return 1
	}
	return 1 - float64(d.Failures)/float64(d.Calls)
}

func (d *DayStats) add(failed, slow bool, elapsed time.Duration) {
	d.Calls++
	if failed {
		d.Failures++
	}
	if slow {
		d.Slow++
	}
	d.Latency += elapsed
	d.Max = max(d.Max, elapsed)
}

// maxDays is how many days of stats an endpoint keeps.
const maxDays = 400

func (e *endpoint) day(at time.Time) *DayStats {
	k := at.UTC().Format("2006-01-02")
	d, ok := e.stats[k]
	if !ok {
		if len(e.stats) >= maxDays {
			oldest := ""
			for day := range e.stats {
				if oldest == "" || day < oldest {
					oldest = day
				}
			}
			delete(e.stats, oldest)
		}
		d = &DayStats{Day: k}
		e.stats[k] = d
	}
	return d
}

// Stats returns endpoint name's daily stats from since on, oldest first
// (nil for an unknown name).
func (t *Transport) Stats(name string, since time.Time) []DayStats {
	t.mu.Lock()
	defer t.mu.Unlock()
	from := since.UTC().Format("2006-01-02")
	var out []DayStats
	for _, e := range t.eps {
		if e.Name != name {
			continue
		}
		for k, d := range e.stats {
			if k >= from {
				out = append(out, *d)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Day < out[j].Day })
	return out
}

// Month sums days into one DayStats (Day is the first day's month,
// 2006-01), for the monthly availability check (≥ 99.5 %).
func Month(days []DayStats) DayStats {
	var m DayStats
	for _, d := range days {
		if m.Day == "" && len(d.Day) >= 7 {
			m.Day = d.Day[:7]
		}
		m.Calls += d.Calls
		m.Failures += d.Failures
		m.Slow += d.Slow
		m.Latency += d.Latency
		m.Max = max(m.Max, d.Max)
	}
	return m
}
