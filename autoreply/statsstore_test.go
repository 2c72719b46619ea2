package autoreply_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/autoreply"
	"github.com/switchboard-go/switchboard/channel"
)

// flakyStats records the deltas it is given and fails while down.
type flakyStats struct {
	down   bool
	deltas []autoreply.StatsSnapshot
}

func (f *flakyStats) AddStats(_ context.Context, d autoreply.StatsSnapshot) error {
	if f.down {
		return errors.New("down")
	}
	f.deltas = append(f.deltas, d)
	return nil
}

func (f *flakyStats) LoadStats(context.Context) (autoreply.StatsSnapshot, error) {
	return autoreply.StatsSnapshot{}, nil
}

func TestStatsFlusherLosesNothingWhenTheStoreFails(t *testing.T) {
	rules, err := autoreply.LoadRules(strings.NewReader(exampleRules))
	require.NoError(t, err)
	e, err := autoreply.New(autoreply.Config{Rules: rules, Lookups: map[string]autoreply.LookupFunc{
		"track": func(context.Context, channel.Address, string) (map[string]string, error) { return nil, nil },
	}})
	require.NoError(t, err)
	st := &flakyStats{}
	f := autoreply.NewStatsFlusher(e, st)
	ctx := context.Background()
	say := func(who, text string) {
		_, err := e.Decide(ctx, &channel.Message{From: channel.Address{Channel: channel.LINE, ID: who}, Text: text})
		require.NoError(t, err)
	}
	say("U1", "refund please")
	st.down = true
	require.Error(t, f.Flush(ctx))
	say("U2", "refund")
	say("U3", "blue socks")
	st.down = false
	require.NoError(t, f.Flush(ctx))
	require.NoError(t, f.Flush(ctx))
	require.Len(t, st.deltas, 1, "an empty delta is not sent")
	d := st.deltas[0]
	assert.EqualValues(t, 3, d.Messages)
	assert.Equal(t, []autoreply.RuleStats{{Rule: "refund", Triggered: 2}}, d.Rules, "unchanged rules are left out")
	assert.Equal(t, []autoreply.Miss{{Text: "blue socks", Count: 1}}, d.Misses)
}
