package identity

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestErase(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{})
	keep, dup := twoCustomers(t, f)
	other := f.customer(t, fb("PSID9"), Hints{Name: "Someone Else"})
	// other was merged into keep once and unmerged: keep's record names it.
	_, err := f.reg.Merge(ctx, other, keep)
	require.NoError(t, err)
	require.NoError(t, f.reg.Unmerge(ctx, keep))
	_, err = f.reg.Merge(ctx, keep, dup)
	require.NoError(t, err)
	_, err = f.reg.Reveal(ctx, keep, Reason{Actor: "agent:1", Purpose: "refund"})
	require.NoError(t, err)
	require.NotEmpty(t, f.raw(t, other).Merges)

	require.NoError(t, f.reg.Erase(ctx, dup)) // via the merged-away id: the whole customer goes

	for _, id := range []string{keep, dup} {
		_, err := f.store.GetProfile(ctx, id)
		require.ErrorIs(t, err, ErrNotFound, id)
		recs, err := f.store.Merges(ctx, id)
		require.NoError(t, err)
		assert.Empty(t, recs, "no merge record names an erased profile")
	}
	for _, k := range []Key{{KeyPhone, "+85291234567"}, {KeyPhone, "+85261234567"}, {KeyEmail, "tm@example.com"},
		{KeyOrder, "SO-1"}, {KeyOrder, "SO-2"}, linkKeyOf(fb("PSID1")), linkKeyOf(line("U1"))} {
		ids, err := f.store.Lookup(ctx, k, 0)
		require.NoError(t, err)
		assert.Empty(t, ids, k)
	}
	o := f.raw(t, other)
	assert.Empty(t, o.Merges, "other profiles keep no reference")
	assert.Empty(t, f.reviews(t))
	acc, err := f.reg.Accesses(ctx, keep)
	require.NoError(t, err)
	assert.Len(t, acc, 1, "the reveal audit stays: it holds no data")

	// Replay: the same events bring nothing back.
	p, err := f.reg.Resolve(ctx, line("U1"), Hints{Name: "CHAN Tai-man", Phone: "6123 4567"})
	require.NoError(t, err)
	assert.True(t, p.Anonymous)
	_, err = f.reg.RecordConsent(ctx, line("U1"), Consent{Version: "2026-01", MessageID: "m-U1",
		Phrase: "agree", At: f.clock.Now().Add(-time.Minute)}, Hints{Phone: "6123 4567"})
	require.ErrorIs(t, err, ErrErased)
	_, err = f.reg.Import(ctx, Profile{Phones: []Phone{{Raw: "9123 4567"}},
		Consent: Consent{Version: "2026-01", At: f.clock.Now().Add(-time.Hour)}})
	require.ErrorIs(t, err, ErrErased)
	assert.Equal(t, 1, f.store.Len(), "only the other profile is left")

	// A new consent, given after the erasure, starts afresh.
	f.clock.Advance(time.Minute)
	p, err = f.reg.RecordConsent(ctx, line("U1"), f.consent("m-new"), Hints{Name: "Chan Tai Man"})
	require.NoError(t, err)
	assert.False(t, p.Anonymous)
	assert.Empty(t, f.raw(t, p.ID).Orders)

	require.ErrorIs(t, f.reg.Erase(ctx, keep), ErrNotFound)
}

func TestRevealAndMasking(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{})
	id := f.customer(t, line("U1"), Hints{Phone: "9123 4567", Email: "mary@example.com"})
	require.NoError(t, f.reg.SetField(ctx, id, Field{Name: "address", Value: "1 Queen's Road"}))
	require.NoError(t, f.reg.SetField(ctx, id, Field{Name: "card", Value: "4111 1111", Sensitive: true}))
	require.NoError(t, f.reg.SetField(ctx, id, Field{Name: "size", Value: "M"}))

	p, err := f.reg.Get(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, "+852****4567", p.Phones[0].E164)
	assert.Equal(t, "+852****4567", p.Phones[0].Raw)
	assert.Equal(t, "m***@example.com", p.Emails[0])
	for name, want := range map[string]string{"address": "****", "card": "****", "size": "M"} {
		got, _ := p.Field(name)
		assert.Equal(t, want, got.Value, name)
	}

	for _, why := range []Reason{{}, {Actor: "agent:1"}, {Purpose: "x"}, {Actor: " ", Purpose: " "}} {
		_, err = f.reg.Reveal(ctx, id, why)
		require.ErrorIs(t, err, ErrNoReason)
	}
	acc, err := f.reg.Accesses(ctx, id)
	require.NoError(t, err)
	assert.Empty(t, acc, "refused reveals are not access")

	f.clock.Advance(time.Minute)
	p, err = f.reg.Reveal(ctx, id, Reason{Actor: "agent:7", Purpose: "ship replacement, ticket 88"})
	require.NoError(t, err)
	assert.Equal(t, "+85291234567", p.Phones[0].E164)
	addr, _ := p.Field("address")
	assert.Equal(t, "1 Queen's Road", addr.Value)
	acc, err = f.reg.Accesses(ctx, id)
	require.NoError(t, err)
	require.Len(t, acc, 1)
	assert.Equal(t, Access{ProfileID: id, Actor: "agent:7", Purpose: "ship replacement, ticket 88", At: f.clock.Now()}, acc[0])
}

func TestImport(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{})
	c := f.consent("web-1")
	_, err := f.reg.Import(ctx, Profile{Names: []string{"x"}})
	require.ErrorIs(t, err, ErrNoConsent)
	_, err = f.reg.Import(ctx, Profile{Phones: []Phone{{Raw: "12"}}, Consent: c})
	require.ErrorIs(t, err, ErrInvalidPhone)

	id, err := f.reg.Import(ctx, Profile{Names: []string{"Mary Lee"}, Phones: []Phone{{Raw: "9123 4567", Source: "crm"}},
		Emails: []string{"Mary@Example.com"}, Links: []Link{{Channel: "line", ID: "U1"}}, Consent: c})
	require.NoError(t, err)
	p := f.raw(t, id)
	assert.Equal(t, "+85291234567", p.Phones[0].E164)
	assert.Equal(t, "9123 4567", p.Phones[0].Raw)
	assert.Equal(t, []string{"mary@example.com"}, p.Emails)
	r, err := f.reg.Resolve(ctx, line("U1"), Hints{})
	require.NoError(t, err)
	assert.Equal(t, id, r.ID)

	_, err = f.reg.Import(ctx, Profile{Links: []Link{{Channel: "line", ID: "U1"}}, Consent: c})
	require.ErrorIs(t, err, ErrLinkTaken)
	_, err = f.reg.Import(ctx, Profile{ID: id, Consent: c})
	require.Error(t, err)
}
