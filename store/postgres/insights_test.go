package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/insights"
	"github.com/switchboard-go/switchboard/insights/insightstest"
	"github.com/switchboard-go/switchboard/store/storetest"
)

func TestInsightsLog(t *testing.T) {
	insightstest.TestLog(t, func(t *testing.T) insights.Log { return storetest.Postgres(t).InsightsLog() })
}

// TestInsightsLogSharedByInstances: two instances (pools) on one schema
// append concurrently and both read every event.
func TestInsightsLogSharedByInstances(t *testing.T) {
	ctx := context.Background()
	a := storetest.Postgres(t)
	from, to := insightstest.Week()
	events := insightstest.Generate(2000, 3, from)
	half := len(events) / 2
	errs := make(chan error, 2)
	go func() { errs <- a.InsightsLog().Append(ctx, events[:half]...) }()
	go func() { errs <- a.InsightsLog().Append(ctx, events[half:]...) }()
	require.NoError(t, <-errs)
	require.NoError(t, <-errs)
	n := 0
	var last time.Time
	require.NoError(t, a.InsightsLog().Range(ctx, from, to.AddDate(0, 0, 30), func(e insights.Event) error {
		assert.False(t, e.Time.Before(last), "in time order")
		last = e.Time
		n++
		return nil
	}))
	want := 0
	for _, e := range events {
		if !e.Time.Before(from) {
			want++
		}
	}
	assert.Equal(t, want, n)
}

// TestInsightsMillionEvents computes a generated week of 1,000,000 events
// read from PostgreSQL (100,000 under -race) and logs the time it took; the
// result must equal the in-memory analysis.
func TestInsightsMillionEvents(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	n := 1_000_000
	if raceEnabled {
		n = 100_000
	}
	ctx := context.Background()
	from, to := insightstest.Week()
	log := storetest.Postgres(t).InsightsLog()
	events := insightstest.Generate(n, 42, from)
	start := time.Now()
	for i := 0; i < len(events); i += 100_000 {
		require.NoError(t, log.Append(ctx, events[i:min(i+100_000, len(events))]...))
	}
	t.Logf("appended %d events in %v", len(events), time.Since(start))
	start = time.Now()
	m, err := insights.Compute(ctx, log, from, to, insightstest.FixtureOptions())
	require.NoError(t, err)
	t.Logf("%d events (%d conversations) computed from PostgreSQL in %v", len(events), m.Conversations, time.Since(start))
	want, err := insights.Analyze(events, from, to, insightstest.FixtureOptions())
	require.NoError(t, err)
	assert.Equal(t, want.Summary, m.Summary)
}
