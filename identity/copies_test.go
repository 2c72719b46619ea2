package identity

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReturnsCopies: what Resolve, Get and Reveal return belongs to the
// caller; changing it changes nothing stored, and each call returns a new
// copy.
func TestReturnsCopies(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{})
	id := f.customer(t, wa("85291234567"), Hints{Name: "Chan Tai Man"})
	require.NoError(t, f.reg.SetField(ctx, id, Field{Name: "address", Value: "1 Queen's Rd"}))

	v1, err := f.reg.Resolve(ctx, wa("85291234567"), Hints{})
	require.NoError(t, err)
	require.Equal(t, "+852****4567", v1.Phones[0].E164)
	require.Equal(t, "+852****4567", v1.Links[0].ID, "a wa_id is a phone number")
	addr, _ := v1.Field("address")
	require.Equal(t, "****", addr.Value)
	v1.Names[0], v1.Tier = "someone else", "gold"
	v1.Phones = append(v1.Phones, Phone{E164: "+1"})

	g, err := f.reg.Get(ctx, id)
	require.NoError(t, err)
	require.NotSame(t, v1, g)
	assert.Equal(t, []string{"Chan Tai Man"}, g.Names)
	assert.Empty(t, g.Tier)
	assert.Len(t, g.Phones, 1)

	full, err := f.reg.Reveal(ctx, id, Reason{Actor: "agent:1", Purpose: "test"})
	require.NoError(t, err)
	full.Phones[0].E164 = "+10000000000"
	assert.Equal(t, "+85291234567", f.raw(t, id).Phones[0].E164)
}

// TestRegistriesShareAStore: no store is bound to the first Registry made
// on it; each masks with its own configuration.
func TestRegistriesShareAStore(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{SensitiveFields: []string{"nickname"}})
	id := f.customer(t, line("U1"), Hints{Name: "Lee"})
	require.NoError(t, f.reg.SetField(ctx, id, Field{Name: "nickname", Value: "Kiki"}))
	other, err := New(Config{Store: f.store, SensitiveFields: []string{}})
	require.NoError(t, err)
	p, err := other.Resolve(ctx, line("U1"), Hints{})
	require.NoError(t, err)
	n, _ := p.Field("nickname")
	assert.Equal(t, "Kiki", n.Value, "the second registry's configuration")
	p, err = f.reg.Resolve(ctx, line("U1"), Hints{})
	require.NoError(t, err)
	n, _ = p.Field("nickname")
	assert.Equal(t, "****", n.Value)
}

// TestStoreParts: each part of the state can come from its own store.
func TestStoreParts(t *testing.T) {
	t.Parallel()
	main, journal := NewMemoryStore(), NewMemoryStore()
	reg, err := New(Config{Store: main, Journal: journal, Clock: newTestClock().Now})
	require.NoError(t, err)
	c := Consent{Version: "v1", Phrase: "agree", At: newTestClock().Now()}
	a, err := reg.RecordConsent(ctx, line("U1"), c, Hints{Name: "Lee Ka Ho"})
	require.NoError(t, err)
	b, err := reg.RecordConsent(ctx, fb("P1"), c, Hints{Name: "Lee Ka Ho"})
	require.NoError(t, err)
	_, err = reg.Merge(ctx, a.ID, b.ID)
	require.NoError(t, err)
	recs, err := journal.Merges(ctx, a.ID)
	require.NoError(t, err)
	assert.Len(t, recs, 1, "the merge went to the journal store")
	recs, err = main.Merges(ctx, a.ID)
	require.NoError(t, err)
	assert.Empty(t, recs)
}
