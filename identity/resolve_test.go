package identity

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/switchboard-go/switchboard/channel"
)

func TestResolveWithoutConsentIsAnonymous(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{})
	p, err := f.reg.Resolve(ctx, line("U1"), Hints{Name: "Chan Tai Man", Phone: "9123 4567", Email: "c@example.com"})
	require.NoError(t, err)
	assert.True(t, p.Anonymous)
	assert.Equal(t, []Link{{Channel: channel.LINE, ID: "U1"}}, p.Links)
	assert.Empty(t, p.Phones, "hints are ignored before consent")
	assert.Empty(t, p.Names)
	assert.Equal(t, 0, f.store.Len(), "nothing is stored before consent")

	again, err := f.reg.Resolve(ctx, line("U1"), Hints{})
	require.NoError(t, err)
	assert.Equal(t, p.ID, again.ID, "the anonymous id is keyed by the address")
	other, err := f.reg.Resolve(ctx, line("U2"), Hints{})
	require.NoError(t, err)
	assert.NotEqual(t, p.ID, other.ID)

	require.ErrorIs(t, f.reg.SetField(ctx, p.ID, Field{Name: "x", Value: "y"}), ErrNotFound)
}

func TestResolveAfterConsent(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{})
	id := f.customer(t, wa("85291234567"), Hints{Name: "Chan Tai Man"})

	p, err := f.reg.Resolve(ctx, wa("85291234567"), Hints{Email: " Chan@Example.com ", Language: "zh-Hant"})
	require.NoError(t, err)
	assert.Equal(t, id, p.ID)
	assert.False(t, p.Anonymous)
	assert.Equal(t, []string{"+852****4567"}, []string{p.Phones[0].E164}, "the wa_id is the phone, masked")
	assert.Equal(t, "+852****4567", p.Links[0].ID, "numeric wa_ids are masked too")
	assert.Equal(t, []string{"c***@example.com"}, p.Emails)

	raw := f.raw(t, id)
	assert.Equal(t, "+85291234567", raw.Phones[0].E164)
	assert.Equal(t, "85291234567", raw.Phones[0].Raw, "the raw input is kept")
	assert.Equal(t, []string{"chan@example.com"}, raw.Emails)
	assert.Equal(t, "zh-Hant", raw.Language)
	assert.Equal(t, "2026-01", raw.Consent.Version)
}

func TestResolveScopes(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{Scopes: map[channel.Kind]string{channel.LINE: "provider-A"}})
	a := f.customer(t, line("U1"), Hints{})
	p, err := f.reg.Resolve(ctx, line("U1"), Hints{})
	require.NoError(t, err)
	assert.Equal(t, a, p.ID)
	assert.Equal(t, "provider-A", p.Links[0].Scope)

	// The same user id under another provider is another identity.
	p, err = f.reg.Resolve(ctx, line("U1"), Hints{Scope: "provider-B"})
	require.NoError(t, err)
	assert.True(t, p.Anonymous)
}

func TestResolveLinksByExactHint(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		first Hints
		hint  Hints
	}{
		{"phone typed in national form", Hints{Name: "Chan Tai Man", Phone: "+852 9123 4567"}, Hints{Name: "CHAN Tai-man", Phone: "9123 4567"}},
		{"email", Hints{Name: "Mary Lee", Email: "mary@example.com"}, Hints{Email: "MARY@example.com"}},
		{"unionid link", Hints{Links: []Link{{Channel: channel.WeChat, Scope: "unionid", ID: "UNION1"}}},
			Hints{Name: "Someone Else", Links: []Link{{Channel: channel.WeChat, Scope: "unionid", ID: "UNION1"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, Config{})
			old := f.customer(t, fb("PSID1"), tt.first)
			young := f.customer(t, line("U1"), Hints{})
			p, err := f.reg.Resolve(ctx, line("U1"), tt.hint)
			require.NoError(t, err)
			assert.Equal(t, old, p.ID, "the older profile survives")
			assert.Len(t, p.Links, len(f.raw(t, old).Links))
			assert.Contains(t, p.Links, Link{Channel: channel.LINE, ID: "U1"})
			gone := f.raw(t, young)
			assert.Equal(t, old, gone.MergedInto)
			// Both addresses now resolve to the survivor.
			p2, err := f.reg.Resolve(ctx, fb("PSID1"), Hints{})
			require.NoError(t, err)
			assert.Equal(t, old, p2.ID)
		})
	}
}

func TestResolveOrderHint(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{})
	old := f.customer(t, fb("PSID1"), Hints{Name: "Mary Lee"})
	require.NoError(t, f.reg.AddOrder(ctx, old, Order{ID: "SO-1001", SKU: "MUG-1", At: f.clock.Now()}))
	f.customer(t, line("U1"), Hints{Name: "mary lee"})

	p, err := f.reg.Resolve(ctx, line("U1"), Hints{OrderID: "SO-1001"})
	require.NoError(t, err)
	assert.Equal(t, old, p.ID)

	p, err = f.reg.Resolve(ctx, fb("PSID1"), Hints{OrderID: "SO-404"})
	require.NoError(t, err)
	assert.Len(t, p.Orders, 1, "an unknown order number adds nothing")
}

func TestResolveGuards(t *testing.T) {
	t.Parallel()

	t.Run("shared number with another name goes to review", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, Config{})
		mum := f.customer(t, fb("PSID1"), Hints{Name: "Chan Mei Ling", Phone: "9123 4567"})
		son := f.customer(t, line("U1"), Hints{Name: "Wong Ka Ho"})
		p, err := f.reg.Resolve(ctx, line("U1"), Hints{Phone: "91234567"})
		require.NoError(t, err)
		assert.Equal(t, son, p.ID, "not merged")
		assert.Empty(t, f.raw(t, son).Phones, "not linked either")
		assert.Empty(t, f.raw(t, mum).MergedInto)
		rs := f.reviews(t)
		require.Len(t, rs, 1)
		assert.Equal(t, ReviewSharedIdentifier, rs[0].Kind)
		assert.ElementsMatch(t, []string{son, mum}, rs[0].Profiles)
		assert.Equal(t, []string{"+852****4567"}, rs[0].Values, "masked in the review view")
	})

	t.Run("short CJK names must match exactly", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, Config{})
		f.customer(t, fb("PSID1"), Hints{Name: "王小明", Phone: "9123 4567"})
		b := f.customer(t, line("U1"), Hints{Name: "王小名"})
		p, err := f.reg.Resolve(ctx, line("U1"), Hints{Phone: "91234567"})
		require.NoError(t, err)
		assert.Equal(t, b, p.ID)
	})

	t.Run("at most MaxPhones phones", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, Config{MaxPhones: 2})
		id := f.customer(t, line("U1"), Hints{})
		for _, ph := range []string{"9123 4567", "9123 4568", "9123 4569"} {
			_, err := f.reg.Resolve(ctx, line("U1"), Hints{Phone: ph})
			require.NoError(t, err)
		}
		assert.Len(t, f.raw(t, id).Phones, 2)
		assert.Equal(t, []ReviewKind{ReviewTooMany}, f.reviewKinds(t))
	})

	t.Run("merge that would exceed limits goes to review", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, Config{MaxPhones: 2})
		a := f.customer(t, line("U1"), Hints{Phone: "9123 4567"})
		_, err := f.reg.Resolve(ctx, line("U1"), Hints{Phone: "9123 4568"})
		require.NoError(t, err)
		b := f.customer(t, fb("P1"), Hints{Phone: "9123 4569", Email: "x@example.com"})
		_, err = f.reg.Resolve(ctx, line("U1"), Hints{Email: "x@example.com"})
		require.NoError(t, err)
		assert.Empty(t, f.raw(t, b).MergedInto)
		assert.Len(t, f.raw(t, a).Phones, 2)
		assert.Equal(t, []ReviewKind{ReviewTooMany}, f.reviewKinds(t))
	})

	t.Run("blocked and invalid values are ignored", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, Config{BlockedPhones: []string{"+852 2345 6789"}, BlockedEmails: []string{"test@shop.example"}})
		id := f.customer(t, line("U1"), Hints{})
		for _, h := range []Hints{{Phone: "2345 6789"}, {Phone: "+1 555 000 0000"}, {Phone: "+0000 0000"},
			{Phone: "not a phone"}, {Email: "TEST@shop.example"}, {Email: "nope"}} {
			_, err := f.reg.Resolve(ctx, line("U1"), h)
			require.NoError(t, err)
		}
		p := f.raw(t, id)
		assert.Empty(t, p.Phones)
		assert.Empty(t, p.Emails)
	})

	t.Run("bad address", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, Config{})
		_, err := f.reg.Resolve(ctx, channel.Address{Channel: channel.LINE}, Hints{})
		require.ErrorIs(t, err, ErrInvalidAddress)
	})
}

func TestNewValidates(t *testing.T) {
	t.Parallel()
	_, err := New(Config{BlockedPhones: []string{"12"}, DefaultRegion: "HK"})
	require.ErrorIs(t, err, ErrInvalidPhone)
	_, err = New(Config{Threshold: 1.5})
	require.Error(t, err)
	_, err = New(Config{MaxPhones: -1})
	require.Error(t, err)
	_, err = New(Config{Threshold: 0.55})
	require.Error(t, err, "below 0.6 the name join cannot promise completeness")
	_, err = New(Config{})
	require.NoError(t, err)
}

func TestConcurrentResolve(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{})
	id := f.customer(t, line("U1"), Hints{Name: "Mary Lee"})
	done := make(chan struct{})
	for g := range 4 {
		go func() {
			defer func() { done <- struct{}{} }()
			for i := range 50 {
				p, err := f.reg.Resolve(ctx, line("U1"), Hints{Language: "en", Name: "Mary Lee"})
				if err != nil || p.ID != id {
					t.Errorf("goroutine %d round %d: %v", g, i, err)
					return
				}
				_ = f.reg.AddInteraction(ctx, id, Interaction{At: time.Unix(int64(i), 0), Summary: "hi"})
			}
		}()
	}
	for range 4 {
		<-done
	}
	assert.Len(t, f.raw(t, id).History, 200)
}

func TestWhatsAppConsentLinksKnownPhone(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{})
	crm, err := f.reg.Import(ctx, Profile{Names: []string{"Chan Tai Man"}, Phones: []Phone{{Raw: "9123 4567", Source: "crm"}},
		Consent: f.consent("web"), Created: f.clock.Now().Add(-24 * time.Hour)})
	require.NoError(t, err)
	p, err := f.reg.RecordConsent(ctx, wa("85291234567"), f.consent("wamid.1"), Hints{Name: "Chan Tai Man"})
	require.NoError(t, err)
	assert.Equal(t, crm, p.ID, "the wa_id's number finds the shop's customer")
	assert.Len(t, f.raw(t, crm).Links, 1)
	assert.Len(t, f.raw(t, crm).Phones, 1)
}
