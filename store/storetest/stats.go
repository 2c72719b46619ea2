package storetest

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/autoreply"
	"github.com/switchboard-go/switchboard/channel"
)

const statsRules = `{"version": 1,
 "handoff": {"en": ["agent"]},
 "rules": [
  {"name": "refund", "priority": 5, "reply": "refund.policy", "keywords": {"en": ["refund"]}},
  {"name": "invoice", "priority": 4, "reply": "invoice.how", "keywords": {"en": ["invoice"]}}
 ]}`

// RunRuleStats runs the autoreply.StatsStore conformance suite: two
// engines (two instances) flush into one store, which sums them.
func RunRuleStats(t *testing.T, newStore func(t *testing.T) autoreply.StatsStore) {
	ctx := context.Background()
	t.Run("TwoInstancesSum", func(t *testing.T) {
		s := newStore(t)
		empty, err := s.LoadStats(ctx)
		require.NoError(t, err)
		require.True(t, empty.IsZero())
		rules, err := autoreply.LoadRules(strings.NewReader(statsRules))
		require.NoError(t, err)
		var flushers []*autoreply.StatsFlusher
		var engines []*autoreply.Engine
		for range 2 {
			e, err := autoreply.New(autoreply.Config{Rules: rules})
			require.NoError(t, err)
			engines = append(engines, e)
			flushers = append(flushers, autoreply.NewStatsFlusher(e, s))
		}
		say := func(e *autoreply.Engine, who, text string) {
			_, err := e.Decide(ctx, &channel.Message{From: channel.Address{Channel: channel.LINE, ID: who}, Text: text})
			require.NoError(t, err)
		}
		say(engines[0], "U1", "refund please")
		say(engines[0], "U2", "blue socks?")
		say(engines[1], "U3", "refund")
		say(engines[1], "U4", "invoice")
		say(engines[1], "U5", "blue socks?")
		for _, f := range flushers {
			require.NoError(t, f.Flush(ctx))
		}
		say(engines[0], "U6", "refund")
		require.NoError(t, flushers[0].Flush(ctx))
		require.NoError(t, flushers[0].Flush(ctx), "a flush with nothing new adds nothing")
		got, err := s.LoadStats(ctx)
		require.NoError(t, err)
		assert.EqualValues(t, 6, got.Messages)
		assert.Equal(t, []autoreply.RuleStats{{Rule: "invoice", Triggered: 1}, {Rule: "refund", Triggered: 3}}, got.Rules)
		require.Len(t, got.Misses, 1)
		assert.EqualValues(t, 2, got.Misses[0].Count)
		assert.EqualValues(t, 2, got.MissesTotal)
	})
}
