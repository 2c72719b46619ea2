package insights_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/insights"
	"github.com/switchboard-go/switchboard/insights/insightstest"
	"github.com/switchboard-go/switchboard/internal/testenv"
)

func TestMemoryLog(t *testing.T) {
	insightstest.TestLog(t, func(*testing.T) insights.Log { return insights.NewMemoryLog() })
}

func TestComputeRejectsEmptyPeriod(t *testing.T) {
	from, _ := insightstest.Week()
	_, err := insights.Compute(context.Background(), insights.NewMemoryLog(), from, from, insights.Options{})
	assert.ErrorIs(t, err, insights.ErrPeriod)
}

// TestMillionEvents computes a generated week of 1,000,000 events in
// memory within the budget of 2 s (under the race detector, which
// slows everything tenfold, 100,000 events in the same budget). On a shared machine wall time also counts waits for a core, so
// the budget holds for the smaller of wall and process CPU time.
func TestMillionEvents(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	from, to := insightstest.Week()
	n := 1_000_000
	if raceEnabled {
		n = 100_000
	}
	events := insightstest.Generate(n, 42, from)
	log := insights.NewMemoryLog()
	require.NoError(t, log.Append(context.Background(), events...))
	start, cpu0 := time.Now(), testenv.CPUTime()
	m, err := insights.Compute(context.Background(), log, from, to, insightstest.FixtureOptions())
	took, cpu := time.Since(start), testenv.CPUTime()-cpu0
	require.NoError(t, err)
	t.Logf("%d events (%d conversations) computed in %v wall, %v CPU", log.Len(), m.Conversations, took, cpu)
	if cpu > 0 {
		took = min(took, cpu)
	}
	assert.Less(t, took, 2*time.Second)
	assert.Greater(t, m.Conversations, n/20)
	assert.Greater(t, m.AutoHandled.Rate, 0.55)
	assert.Less(t, m.AutoHandled.Rate, 0.75)
	assert.InDelta(t, 240, m.FirstResponse.Wall.Median.Seconds(), 60)
	assert.Greater(t, len(m.HotWords), 90)
	// The generator's two slow agents (three times the others) are flagged.
	var slow []string
	for _, a := range m.Agents {
		if a.Slow {
			slow = append(slow, a.Agent)
		}
	}
	assert.ElementsMatch(t, []string{"agent-00", "agent-01"}, slow)
}

func BenchmarkCompute(b *testing.B) {
	from, to := insightstest.Week()
	log := insights.NewMemoryLog()
	require.NoError(b, log.Append(context.Background(), insightstest.Generate(100_000, 42, from)...))
	opts := insightstest.FixtureOptions()
	b.Run("metrics", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := insights.Compute(context.Background(), log, from, to, opts); err != nil {
				b.Fatal(err)
			}
		}
	})
	// The baseline: only reading the same events from the log, the floor
	// any computation over them pays.
	b.Run("baseline-range", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			n := 0
			if err := log.Range(context.Background(), from, to.Add(7*24*time.Hour), func(e insights.Event) error {
				n += len(e.Text)
				return nil
			}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
