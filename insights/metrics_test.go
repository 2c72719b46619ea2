package insights_test

import (
	"context"
	"encoding/json"
	"maps"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/insights"
	"github.com/switchboard-go/switchboard/insights/insightstest"
)

// TestDimensions: Dimensions lists each breakdown once, in report order,
// and they are exactly the keys of the Metrics.Groups that Compute fills
// (by the same names in JSON), each with groups for the fixture week,
// which names a channel, team, agent, language and rule.
func TestDimensions(t *testing.T) {
	t.Parallel()
	dims := insights.Dimensions()
	assert.Equal(t, []insights.Dimension{insights.ByChannel, insights.ByTeam, insights.ByAgent, insights.ByLanguage, insights.ByRule}, dims)
	assert.Len(t, slices.Compact(slices.Sorted(slices.Values(dims))), len(dims), "distinct")

	from, to := insightstest.Week()
	m, err := insights.Compute(context.Background(), fixtureLog(t), from, to, insightstest.FixtureOptions())
	require.NoError(t, err)
	assert.ElementsMatch(t, dims, slices.Collect(maps.Keys(m.Groups)), "Groups holds exactly the Dimensions")
	for _, d := range dims {
		assert.NotEmpty(t, m.Groups[d], "%s", d)
	}

	b, err := json.Marshal(m)
	require.NoError(t, err)
	var j struct {
		Groups map[string][]json.RawMessage `json:"groups"`
	}
	require.NoError(t, json.Unmarshal(b, &j))
	require.Len(t, j.Groups, len(dims))
	for _, d := range dims {
		assert.Len(t, j.Groups[string(d)], len(m.Groups[d]), "%s", d)
	}
}
