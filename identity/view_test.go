package identity

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/switchboard-go/switchboard/channel"
)

// TestViewsAreCurrentAndMasked: Resolve and Get hand out the stored view,
// masked, replaced as soon as the profile changes; a Clone is independent.
func TestViewsAreCurrentAndMasked(t *testing.T) {
	f := newFixture(t, Config{})
	id := f.customer(t, wa("85291234567"), Hints{Name: "Chan Tai Man"})
	require.NoError(t, f.reg.SetField(ctx, id, Field{Name: "address", Value: "1 Queen's Rd"}))

	v1, err := f.reg.Resolve(ctx, wa("85291234567"), Hints{})
	require.NoError(t, err)
	require.Equal(t, id, v1.ID)
	require.Equal(t, "+852****4567", v1.Phones[0].E164)
	require.Equal(t, "+852****4567", v1.Links[0].ID, "a wa_id is a phone number")
	addr, _ := v1.Field("address")
	require.Equal(t, "****", addr.Value)
	g, err := f.reg.Get(ctx, id)
	require.NoError(t, err)
	require.Same(t, v1, g, "Get and Resolve share the view")

	// A deep copy may be changed freely.
	c := v1.Clone()
	c.Names[0], c.Tier = "someone else", "gold"
	c.Phones = append(c.Phones, Phone{E164: "+1"})
	v2, err := f.reg.Resolve(ctx, wa("85291234567"), Hints{})
	require.NoError(t, err)
	require.Equal(t, []string{"Chan Tai Man"}, v2.Names)
	require.Empty(t, v2.Tier)
	require.Len(t, v2.Phones, 1)

	// A change replaces the view; the old one stays as it was.
	require.NoError(t, f.reg.SetTier(ctx, id, "gold"))
	v3, err := f.reg.Resolve(ctx, wa("85291234567"), Hints{})
	require.NoError(t, err)
	require.Equal(t, "gold", v3.Tier)
	require.Empty(t, v1.Tier)

	// Views leave no capacity to append into.
	require.Equal(t, len(v3.Names), cap(v3.Names))
	require.Equal(t, len(v3.Phones), cap(v3.Phones))

	// The stored profile is untouched by masking.
	require.Equal(t, "+85291234567", f.raw(t, id).Phones[0].E164)
}

// TestViewFollowsMerges: the view of an address whose profile was merged
// away is the survivor's, and Unmerge brings the address's own back.
func TestViewFollowsMerges(t *testing.T) {
	f := newFixture(t, Config{})
	keep := f.customer(t, line("Ukeep"), Hints{Name: "Lee Ka Ho"})
	dup := f.customer(t, fb("psid-dup"), Hints{Name: "Lee Ka Ho"})
	_, err := f.reg.Merge(ctx, keep, dup)
	require.NoError(t, err)
	v, err := f.reg.Resolve(ctx, fb("psid-dup"), Hints{})
	require.NoError(t, err)
	require.Equal(t, keep, v.ID)
	g, err := f.reg.Get(ctx, dup)
	require.NoError(t, err)
	require.Equal(t, keep, g.ID)

	require.NoError(t, f.reg.Unmerge(ctx, dup))
	v, err = f.reg.Resolve(ctx, fb("psid-dup"), Hints{})
	require.NoError(t, err)
	require.Equal(t, dup, v.ID)
}

// TestSecondRegistryOnOneStore: only the first Registry's views are kept;
// a second one on the same store reads through the Store interface and
// masks with its own configuration.
func TestSecondRegistryOnOneStore(t *testing.T) {
	f := newFixture(t, Config{SensitiveFields: []string{"nickname"}})
	id := f.customer(t, line("U1"), Hints{})
	require.NoError(t, f.reg.SetField(ctx, id, Field{Name: "nickname", Value: "Ah Ho"}))
	require.NoError(t, f.reg.SetField(ctx, id, Field{Name: "address", Value: "1 Queen's Rd"}))

	other, err := New(Config{Store: f.store, SensitiveFields: []string{"address"}})
	require.NoError(t, err)
	require.Nil(t, other.mem)

	for _, c := range []struct {
		reg           *Registry
		nick, address string
	}{{f.reg, "****", "1 Queen's Rd"}, {other, "Ah Ho", "****"}} {
		p, err := c.reg.Resolve(ctx, line("U1"), Hints{})
		require.NoError(t, err)
		nick, _ := p.Field("nickname")
		addr, _ := p.Field("address")
		require.Equal(t, c.nick, nick.Value)
		require.Equal(t, c.address, addr.Value)
	}
}

// TestAdoptComputesViewsOfStoredProfiles: a Registry created on a store
// that already holds profiles serves their views.
func TestAdoptComputesViewsOfStoredProfiles(t *testing.T) {
	store := NewMemoryStore()
	p := &Profile{ID: "p1", Links: []Link{{Channel: channel.LINE, ID: "U1"}},
		Phones: []Phone{{E164: "+85291234567"}}, Consent: Consent{Version: "v1", At: newTestClock().Now()}}
	require.NoError(t, store.Put(ctx, p, []Entry{{Key: p.Links[0].key()}}))
	reg, err := New(Config{Store: store})
	require.NoError(t, err)
	require.NotNil(t, reg.mem)
	require.NotNil(t, store.viewByLink(p.Links[0]))
	v, err := reg.Resolve(ctx, line("U1"), Hints{})
	require.NoError(t, err)
	require.Equal(t, "p1", v.ID)
	require.Equal(t, "+852****4567", v.Phones[0].E164)
}

// TestLinkIndexMirrorsIndex drives a store with random puts and deletes of
// profiles sharing links, and checks after each step that the link index
// finds, for every link, the first profile the index lists under it.
func TestLinkIndexMirrorsIndex(t *testing.T) {
	t.Parallel()
	store := NewMemoryStore()
	_, err := New(Config{Store: store})
	require.NoError(t, err)
	r := rand.New(rand.NewPCG(3, 4))
	links := make([]Link, 12)
	for i := range links {
		links[i] = Link{Channel: channel.LINE, Scope: fmt.Sprint("prov", i%3), ID: fmt.Sprint("U", i)}
	}
	for step := range 5000 {
		id := fmt.Sprint("p", r.IntN(8))
		if r.IntN(4) == 0 {
			require.NoError(t, store.Delete(ctx, id))
		} else {
			p := &Profile{ID: id}
			var entries []Entry
			for range r.IntN(3) {
				l := links[r.IntN(len(links))]
				p.Links = append(p.Links, l)
				entries = append(entries, Entry{Key: l.key()})
			}
			require.NoError(t, store.Put(ctx, p, entries))
		}
		for _, l := range links {
			got := store.viewByLink(l)
			ps := store.index[l.key()]
			if len(ps) == 0 {
				require.Nil(t, got, "step %d: %v is linked to nobody", step, l)
				continue
			}
			require.Same(t, &store.recs[ps[0].slot].view, got, "step %d: %v", step, l)
		}
		require.LessOrEqual(t, store.links.Len(), len(links))
	}
}

// TestLinkIndexSharedFirstHalf: two link keys whose hashes share the first
// 64 bits (odds 2⁻⁶⁴ a pair, so simulated here) keep one entry; the other
// key is found through the index, and an entry is never removed on behalf
// of a key it does not belong to.
func TestLinkIndexSharedFirstHalf(t *testing.T) {
	f := newFixture(t, Config{})
	id := f.customer(t, line("U1"), Hints{})
	l := Link{Channel: channel.LINE, ID: "U1"}
	h1, h2 := f.store.linkHash(l)

	// Another key took the entry: U1 is found through the index.
	f.store.links.Lookup(h1).Value = linkRef{h2: h2 + 1}
	require.Nil(t, f.store.viewByLink(l))
	v, err := f.reg.Resolve(ctx, line("U1"), Hints{})
	require.NoError(t, err)
	require.Equal(t, id, v.ID)

	// U1 losing its last posting leaves the other key's entry alone.
	f.store.mu.Lock()
	delete(f.store.index, l.key())
	f.store.syncLink(l.key())
	f.store.mu.Unlock()
	require.NotNil(t, f.store.links.Lookup(h1), "the entry is the other key's")

	// U1 indexed again takes the entry over.
	f.store.mu.Lock()
	f.store.index[l.key()] = []posting{{slot: f.store.slot[id]}}
	f.store.syncLink(l.key())
	f.store.mu.Unlock()
	require.NotNil(t, f.store.viewByLink(l))
}
