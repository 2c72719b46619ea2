package insightstest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/insights"
)

// TestLog runs the behaviour every insights.Log must have. open returns a
// new, empty log for each subtest (and cleans it up through t.Cleanup).
func TestLog(t *testing.T, open func(t *testing.T) insights.Log) {
	ctx := context.Background()
	t0 := time.Date(2026, 11, 23, 1, 0, 0, 0, time.UTC)
	collect := func(t *testing.T, l insights.Log, from, to time.Time) []insights.Event {
		t.Helper()
		var out []insights.Event
		require.NoError(t, l.Range(ctx, from, to, func(e insights.Event) error {
			out = append(out, e)
			return nil
		}))
		return out
	}

	t.Run("round trip keeps every field", func(t *testing.T) {
		l := open(t)
		e := insights.Event{Time: t0.Add(123456789 * time.Nanosecond / 1000 * 1000), Kind: insights.Rating,
			Conversation: "conv-1", Channel: channel.LINE, Customer: "p-9", Language: "zh-Hans", Team: "sea",
			Agent: "ann", Rule: "where", Text: "包裹 'quoted' \"x\"", Score: 4, FileKind: "invoice"}
		require.NoError(t, l.Append(ctx, e))
		got := collect(t, l, t0, t0.Add(time.Hour))
		require.Len(t, got, 1)
		assert.True(t, e.Time.Equal(got[0].Time), "time %v, want %v", got[0].Time, e.Time)
		got[0].Time = e.Time
		assert.Equal(t, e, got[0])
	})

	t.Run("range is half open and in time order, ties in append order", func(t *testing.T) {
		l := open(t)
		require.NoError(t, l.Append(ctx,
			insights.Event{Time: t0.Add(2 * time.Minute), Kind: insights.MessageIn, Conversation: "b"},
			insights.Event{Time: t0, Kind: insights.MessageIn, Conversation: "a"},
		))
		// Older than the newest: merged in.
		require.NoError(t, l.Append(ctx, insights.Event{Time: t0.Add(time.Minute), Kind: insights.BotAnswer, Conversation: "a1"}))
		require.NoError(t, l.Append(ctx, insights.Event{Time: t0.Add(time.Minute), Kind: insights.BotAnswer, Conversation: "a2"}))
		require.NoError(t, l.Append(ctx, insights.Event{Time: t0.Add(3 * time.Minute), Kind: insights.Resolved, Conversation: "c"}))
		ids := func(es []insights.Event) []string {
			var s []string
			for _, e := range es {
				s = append(s, e.Conversation)
			}
			return s
		}
		assert.Equal(t, []string{"a", "a1", "a2", "b", "c"}, ids(collect(t, l, t0, t0.Add(time.Hour))))
		assert.Equal(t, []string{"a1", "a2", "b"}, ids(collect(t, l, t0.Add(time.Minute), t0.Add(3*time.Minute))))
		assert.Empty(t, collect(t, l, t0.Add(time.Hour), t0.Add(2*time.Hour)))
	})

	t.Run("invalid events are rejected and nothing of the call is kept", func(t *testing.T) {
		l := open(t)
		for name, bad := range map[string]insights.Event{
			"zero time":    {Kind: insights.MessageIn},
			"unknown kind": {Time: t0, Kind: "gossip"},
			"rating 0":     {Time: t0, Kind: insights.Rating},
			"rating 6":     {Time: t0, Kind: insights.Rating, Score: 6},
		} {
			err := l.Append(ctx, insights.Event{Time: t0, Kind: insights.MessageIn}, bad)
			assert.ErrorIs(t, err, insights.ErrInvalidEvent, name)
		}
		assert.Empty(t, collect(t, l, t0.Add(-time.Hour), t0.Add(time.Hour)))
	})

	t.Run("range stops at fn's error", func(t *testing.T) {
		l := open(t)
		require.NoError(t, l.Append(ctx,
			insights.Event{Time: t0, Kind: insights.MessageIn},
			insights.Event{Time: t0.Add(time.Second), Kind: insights.MessageIn}))
		stop := errors.New("stop")
		n := 0
		err := l.Range(ctx, t0, t0.Add(time.Hour), func(insights.Event) error { n++; return stop })
		assert.ErrorIs(t, err, stop)
		assert.Equal(t, 1, n)
	})

	t.Run("cancelled context", func(t *testing.T) {
		l := open(t)
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		assert.Error(t, l.Append(cctx, insights.Event{Time: t0, Kind: insights.MessageIn}))
	})

	t.Run("fixture", func(t *testing.T) {
		CheckFixture(t, open(t))
	})

	t.Run("generated log equals the in-memory analysis", func(t *testing.T) {
		l := open(t)
		from, to := Week()
		events := Generate(20000, 1, from)
		require.NoError(t, l.Append(ctx, events...))
		got, err := insights.Compute(ctx, l, from, to, FixtureOptions())
		require.NoError(t, err)
		want, err := insights.Analyze(events, from, to, FixtureOptions())
		require.NoError(t, err)
		assert.Equal(t, want.Summary, got.Summary)
		assert.Equal(t, want.HeatMap, got.HeatMap)
		assert.Equal(t, want.HotWords, got.HotWords)
	})
}
