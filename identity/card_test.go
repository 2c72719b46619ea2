package identity

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCard(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{})
	id := f.customer(t, wa("85291234567"), Hints{Name: "Ada Wong", Email: "ada@example.com", Language: "en"})
	now := f.clock.Now()
	day := 24 * time.Hour
	require.NoError(t, f.reg.SetTier(ctx, id, "Gold", "wholesale"))
	require.NoError(t, f.reg.SetContactPrefs(ctx, id, "no contact at weekends"))
	require.NoError(t, f.reg.AddInteraction(ctx, id, Interaction{At: now.Add(-40 * day), Summary: "asked about returns"}))
	require.NoError(t, f.reg.AddInteraction(ctx, id, Interaction{At: now.Add(-10 * day), Summary: "parcel late", Complaint: true}))
	require.NoError(t, f.reg.AddInteraction(ctx, id, Interaction{At: now.Add(-100 * day), Summary: "old", Complaint: true}))

	var asked time.Time
	lookup := OrderLookupFunc(func(_ context.Context, p *Profile, since time.Time) ([]OrderInfo, error) {
		asked = since
		assert.Equal(t, "+85291234567", p.Phones[0].E164, "the lookup sees the unmasked profile")
		return []OrderInfo{
			{ID: "48213957", At: now.Add(-2 * day), Amount: 129900, Currency: "HKD", Status: "shipped"},
			{ID: "48000001", At: now.Add(-30 * day), Amount: 50000, Currency: "HKD", Status: "delivered", ReturnedAt: now.Add(-20 * day)},
			{ID: "47000002", At: now.Add(-60 * day), Amount: 2000, Currency: "USD", Status: "refunded", ReturnedAt: now.Add(-50 * day)},
			{ID: "46000003", At: now.Add(-200 * day), Amount: 99900, Currency: "HKD", Status: "delivered"},
		}, nil
	})
	c, err := f.reg.Card(ctx, id, lookup)
	require.NoError(t, err)
	assert.Equal(t, now.Add(-365*day), asked)
	assert.False(t, c.Revealed)
	assert.Equal(t, []string{"A** W***"}, c.Names)
	assert.Equal(t, []string{"+852****4567"}, c.Phones)
	assert.Equal(t, []string{"a***@example.com"}, c.Emails)
	assert.Equal(t, "Gold", c.Tier)
	assert.Equal(t, "en", c.Language)
	assert.Equal(t, []string{"no contact at weekends"}, c.ContactPrefs)
	assert.Equal(t, []string{"tier:gold", TagRepeatBuyer, TagPriority, "wholesale"}, c.Tags)
	require.Len(t, c.Orders, 3, "the latest three")
	assert.Equal(t, "****3957", c.Orders[0].ID)
	assert.Equal(t, "shipped", c.Orders[0].Status)
	assert.Equal(t, 1, c.Complaints90d)
	assert.Equal(t, 2, c.Returns90d)
	assert.Equal(t, []Money{{"HKD", 179900}, {"USD", 2000}}, c.Spend180d)
	require.Len(t, c.PastIssues, 3)
	assert.Equal(t, "parcel late", c.PastIssues[0].Summary)
	audit, err := f.reg.Accesses(ctx, id)
	require.NoError(t, err)
	assert.Empty(t, audit, "a masked card is not a reveal")

	_, err = f.reg.RevealCard(ctx, id, lookup, Reason{Actor: "agent:7"})
	require.ErrorIs(t, err, ErrNoReason)
	full, err := f.reg.RevealCard(ctx, id, lookup, Reason{Actor: "agent:7", Purpose: "refund, ticket 12"})
	require.NoError(t, err)
	assert.True(t, full.Revealed)
	assert.Equal(t, []string{"Ada Wong"}, full.Names)
	assert.Equal(t, "48213957", full.Orders[0].ID)
	audit, err = f.reg.Accesses(ctx, id)
	require.NoError(t, err)
	require.Len(t, audit, 1)
	assert.Equal(t, "agent:7", audit[0].Actor)

	assert.Equal(t, []string{
		"customer card (masked): A** W*** · tier Gold · language en",
		"tags: tier:gold, repeat-buyer, priority, wholesale",
		"order ****3957 21/11 HKD 1,299.00 shipped",
		"order ****0001 24/10 HKD 500.00 delivered (returned 3/11)",
		"order ****0002 24/9 USD 20.00 refunded (returned 4/10)",
		"past issue 13/11: parcel late",
		"past issue 14/10: asked about returns",
		"past issue 15/8: old",
		"complaints 90 days: 1 · returns 90 days: 2 · spend 180 days: HKD 1,799.00, USD 20.00",
		"contact: no contact at weekends",
	}, c.Lines(nil))
}

func TestCardWithoutLookup(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{})
	id := f.customer(t, line("U1"), Hints{Name: "王小明"})
	require.NoError(t, f.reg.AddOrder(ctx, id, Order{ID: "SO-1", SKU: "MUG", At: f.clock.Now(), Amount: 1500, Currency: "JPY"}))
	c, err := f.reg.Card(ctx, id, nil)
	require.NoError(t, err)
	assert.Equal(t, []string{"王**"}, c.Names)
	assert.Empty(t, c.Tags)
	assert.Equal(t, "JPY 1,500", c.Spend180d[0].String())

	boom := errors.New("order system down")
	_, err = f.reg.Card(ctx, id, OrderLookupFunc(func(context.Context, *Profile, time.Time) ([]OrderInfo, error) { return nil, boom }))
	require.ErrorIs(t, err, boom)
	_, err = f.reg.Card(ctx, "nobody", nil)
	require.ErrorIs(t, err, ErrNotFound)
}
