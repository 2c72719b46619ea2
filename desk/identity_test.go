package desk_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/desk"
	"github.com/switchboard-go/switchboard/identity"
)

func TestCardFromIdentity(t *testing.T) {
	ic := &identity.Card{Names: []string{"M*** C***"}, Phones: []string{"+852****0003"}, Tier: "gold",
		Tags: []string{identity.TierTag("gold"), identity.TagPriority}, ContactPrefs: []string{"no calls"}, Language: "zh-HK",
		Orders:     []identity.OrderInfo{{ID: "****1234"}, {ID: "****5678"}},
		PastIssues: []identity.Interaction{{Summary: "late parcel"}, {}},
		Spend180d:  []identity.Money{{Currency: "HKD", Amount: 129900}}}
	c := desk.CardFromIdentity(ic)
	assert.Equal(t, "M*** C***", c.Name)
	assert.Equal(t, "+852****0003", c.Contact)
	assert.Equal(t, 2, c.Orders)
	assert.Equal(t, int64(129900), c.Spend)
	assert.Equal(t, []string{"late parcel"}, c.PastIssues)
	assert.Equal(t, []string{"no calls", "language zh-HK"}, c.Preferences)
	assert.False(t, c.VIP)
	assert.Equal(t, desk.Card{}, desk.CardFromIdentity(nil))

	// identity's priority tag makes a priority conversation.
	f := newFixture(t, func(cfg *desk.Config) {
		cfg.Cards = desk.CardFunc(func(context.Context, channel.Address) (desk.Card, error) { return c, nil })
	})
	conv, err := f.desk.Handoff(context.Background(), desk.Handoff{Customer: wa("1")})
	require.NoError(t, err)
	assert.Equal(t, desk.PriorityHigh, conv.Priority)
	assert.True(t, desk.CardFromIdentity(&identity.Card{Tier: "VIP"}).VIP)
}
