package sqlite_test

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/insights"
	"github.com/switchboard-go/switchboard/insights/insightstest"
	"github.com/switchboard-go/switchboard/internal/testenv"
	"github.com/switchboard-go/switchboard/store/storetest"
)

func TestInsightsLog(t *testing.T) {
	insightstest.TestLog(t, func(t *testing.T) insights.Log { return storetest.SQLite(t).InsightsLog() })
}

// TestInsightsMillionEvents computes a generated week of 1,000,000 events
// read from SQLite and logs the time against the budget of 5 s (CPU
// time, see the in-memory test); with SWITCHBOARD_BUDGETS=1 it fails above
// it. The budget is opt-in because it depends on the machine: on the 2-core
// CI machine of 2026-12-03 the same commit measured 4.9 s one session and
// 5.2–6.0 s the next, so `go test ./...` failed there for no change of
// code. Under -race, where the transpiled SQLite runs 20 times slower, it
// checks 20,000 events for equality only.
func TestInsightsMillionEvents(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	n := 1_000_000
	if s := os.Getenv("INSIGHTS_EVENTS"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	if raceEnabled {
		n = 20_000
	}
	ctx := context.Background()
	from, to := insightstest.Week()
	log := storetest.SQLite(t).InsightsLog()
	events := insightstest.Generate(n, 42, from)
	start := time.Now()
	for i := 0; i < len(events); i += 50_000 {
		require.NoError(t, log.Append(ctx, events[i:min(i+50_000, len(events))]...))
	}
	t.Logf("appended %d events in %v", len(events), time.Since(start))
	start, cpu0 := time.Now(), testenv.CPUTime()
	m, err := insights.Compute(ctx, log, from, to, insightstest.FixtureOptions())
	took, cpu := time.Since(start), testenv.CPUTime()-cpu0
	require.NoError(t, err)
	t.Logf("%d events (%d conversations) computed from SQLite in %v wall, %v CPU", len(events), m.Conversations, took, cpu)
	if cpu > 0 {
		took = min(took, cpu)
	}
	if !raceEnabled && os.Getenv("SWITCHBOARD_BUDGETS") == "1" {
		assert.Less(t, took, 5*time.Second)
	} else if took >= 5*time.Second {
		t.Logf("over the 5 s budget (SWITCHBOARD_BUDGETS=1 makes that a failure)")
	}
	want, err := insights.Analyze(events, from, to, insightstest.FixtureOptions())
	require.NoError(t, err)
	assert.Equal(t, want.Summary, m.Summary)
}
