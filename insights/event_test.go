package insights_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/switchboard-go/switchboard/insights"
)

// TestKinds: Kinds lists the whole vocabulary, in the documented order,
// each once; every kind it lists is Valid and may be appended, and a kind
// outside it is not.
func TestKinds(t *testing.T) {
	t.Parallel()
	kinds := insights.Kinds()
	assert.Equal(t, []insights.Kind{
		insights.MessageIn, insights.BotAnswer, insights.Handoff, insights.AgentAssigned, insights.AgentReply,
		insights.Resolved, insights.Reopened, insights.Rating, insights.NoticeSent, insights.FileSent,
		insights.RuleMatched, insights.RuleMissed, insights.RuleRevised,
	}, kinds, "every Kind, in the order of the declarations")

	seen := map[insights.Kind]bool{}
	at := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	for _, k := range kinds {
		assert.False(t, seen[k], "%q listed twice", k)
		seen[k] = true
		assert.NotEmpty(t, k)
		assert.True(t, k.Valid(), "%q", k)
		assert.NoError(t, insights.Validate(insights.Event{Time: at, Kind: k, Conversation: "c1", Score: 4}), "%q", k)
	}

	for _, k := range []insights.Kind{"", "gossip", "Message_In", "message_in ", "handoffs"} {
		assert.False(t, k.Valid(), "%q", k)
		assert.ErrorIs(t, insights.Validate(insights.Event{Time: at, Kind: k, Conversation: "c1"}), insights.ErrInvalidEvent, "%q", k)
	}
}
