package identity

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// twoCustomers sets up two consented profiles with data of every kind.
func twoCustomers(t *testing.T, f fixture) (keep, dup string) {
	t.Helper()
	keep = f.customer(t, fb("PSID1"), Hints{Name: "Chan Tai Man", Phone: "9123 4567", Email: "tm@example.com"})
	dup = f.customer(t, line("U1"), Hints{Name: "CHAN Tai-man", Phone: "6123 4567", Language: "zh-Hant"})
	now := f.clock.Now()
	require.NoError(t, f.reg.AddOrder(ctx, keep, Order{ID: "SO-1", SKU: "MUG", At: now, Amount: 1999, Currency: "HKD"}))
	require.NoError(t, f.reg.AddOrder(ctx, dup, Order{ID: "SO-2", SKU: "LAMP", At: now, Amount: 4999, Currency: "HKD"}))
	require.NoError(t, f.reg.AddInteraction(ctx, keep, Interaction{At: now, MessageID: "m1", Summary: "asked for parcel status"}))
	require.NoError(t, f.reg.AddInteraction(ctx, dup, Interaction{At: now.Add(time.Minute), MessageID: "m2", Summary: "asked for refund"}))
	require.NoError(t, f.reg.SetTier(ctx, dup, "gold", "vip"))
	return keep, dup
}

// assertDupLeadsTo asserts that the identifiers twoCustomers gave dup, its
// LINE address and its order SO-2, lead to profile want.
func assertDupLeadsTo(t *testing.T, f fixture, want string) {
	t.Helper()
	p, err := f.reg.Resolve(ctx, line("U1"), Hints{})
	require.NoError(t, err)
	assert.Equal(t, want, p.ID, "by LINE address")
	hits, err := f.store.Lookup(ctx, Key{KeyOrder, "SO-2"}, 0)
	require.NoError(t, err)
	assert.Equal(t, []Hit{{ID: want}}, hits, "by order")
}

func withoutMergeHistory(p *Profile) *Profile {
	c := p.Clone()
	c.Merges = nil
	return c
}

func TestMergeMovesEverything(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{})
	keep, dup := twoCustomers(t, f)

	rec, err := f.reg.Merge(ctx, keep, dup)
	require.NoError(t, err)
	assert.Equal(t, keep, rec.Keep)
	assert.Equal(t, dup, rec.Dup)

	p := f.raw(t, keep)
	assert.Len(t, p.Links, 2)
	assert.ElementsMatch(t, []string{"+85291234567", "+85261234567"}, []string{p.Phones[0].E164, p.Phones[1].E164})
	assert.Len(t, p.Orders, 2)
	require.Len(t, p.History, 2)
	assert.Equal(t, "m1", p.History[0].MessageID, "history in time order")
	assert.Equal(t, "gold", p.Tier)
	assert.Equal(t, []string{"vip"}, p.Tags)
	assert.Equal(t, "zh-Hant", p.Language)
	assert.Equal(t, []string{"Chan Tai Man"}, p.Names, "names that normalize alike are one name")
	require.Len(t, p.Merges, 1)
	assert.True(t, p.Merges[0].Absorbed)

	gone := f.raw(t, dup)
	assert.Equal(t, keep, gone.MergedInto)
	assert.Empty(t, gone.Links)

	// Every identifier of dup now finds keep.
	assertDupLeadsTo(t, f, keep)
	g, err := f.reg.Get(ctx, dup)
	require.NoError(t, err)
	assert.Equal(t, keep, g.ID, "Get follows the merge")
}

func TestMergeFieldConflicts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		keep, dup   Field
		want        string
		wantReview  bool
		wantLoser   string
		wantKeepSrc string
	}{
		{"later dup wins", Field{Name: "size", Value: "M", Modified: 1000, Source: "crm"},
			Field{Name: "size", Value: "L", Modified: 2000, Source: "customer"}, "L", true, "M", "customer"},
		{"later keep wins", Field{Name: "size", Value: "M", Modified: 3000, Source: "crm"},
			Field{Name: "size", Value: "L", Modified: 2000, Source: "customer"}, "M", true, "L", "crm"},
		{"a millisecond decides", Field{Name: "size", Value: "M", Modified: 1700000000000},
			Field{Name: "size", Value: "L", Modified: 1700000000001}, "L", true, "M", ""},
		{"tie: keep wins", Field{Name: "size", Value: "M", Modified: 2000, Source: "crm"},
			Field{Name: "size", Value: "L", Modified: 2000, Source: "customer"}, "M", true, "L", "crm"},
		{"same value: no review", Field{Name: "size", Value: "M", Modified: 1000, Source: "crm"},
			Field{Name: "size", Value: "M", Modified: 2000, Source: "customer"}, "M", false, "", "customer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, Config{})
			keep, dup := twoCustomers(t, f)
			require.NoError(t, f.reg.SetField(ctx, keep, tt.keep))
			require.NoError(t, f.reg.SetField(ctx, dup, tt.dup))
			_, err := f.reg.Merge(ctx, keep, dup)
			require.NoError(t, err)
			got, ok := f.raw(t, keep).Field("size")
			require.True(t, ok)
			assert.Equal(t, tt.want, got.Value)
			assert.Equal(t, tt.wantKeepSrc, got.Source)
			rs := f.reviews(t)
			if !tt.wantReview {
				assert.Empty(t, rs)
				return
			}
			require.Len(t, rs, 1)
			assert.Equal(t, ReviewFieldConflict, rs[0].Kind)
			assert.Equal(t, []string{tt.want, tt.wantLoser}, rs[0].Values)
		})
	}

	t.Run("sensitive values are masked in review", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, Config{})
		keep, dup := twoCustomers(t, f)
		require.NoError(t, f.reg.SetField(ctx, keep, Field{Name: "address", Value: "1 Queen's Rd", Modified: 1}))
		require.NoError(t, f.reg.SetField(ctx, dup, Field{Name: "address", Value: "2 King's Rd", Modified: 2}))
		require.NoError(t, f.reg.SetField(ctx, keep, Field{Name: "card", Value: "4111", Modified: 1, Sensitive: true}))
		require.NoError(t, f.reg.SetField(ctx, dup, Field{Name: "card", Value: "5555", Modified: 2, Sensitive: true}))
		_, err := f.reg.Merge(ctx, keep, dup)
		require.NoError(t, err)
		rs := f.reviews(t)
		require.Len(t, rs, 2)
		for _, r := range rs {
			assert.Equal(t, []string{"****", "****"}, r.Values, r.Field)
		}
	})
}

func TestSetFieldLastModifiedWins(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{})
	id := f.customer(t, line("U1"), Hints{})
	require.NoError(t, f.reg.SetField(ctx, id, Field{Name: "size", Value: "L", Modified: 2000}))
	require.NoError(t, f.reg.SetField(ctx, id, Field{Name: "size", Value: "S", Modified: 1000}))
	got, _ := f.raw(t, id).Field("size")
	assert.Equal(t, "L", got.Value, "an older write does not overwrite")
	require.NoError(t, f.reg.SetField(ctx, id, Field{Name: "size", Value: "XL"}))
	got, _ = f.raw(t, id).Field("size")
	assert.Equal(t, "XL", got.Value)
	assert.Equal(t, f.clock.Now().UnixMilli(), got.Modified, "zero Modified is now, in ms")
}

func TestUnmergeRestoresExactly(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{})
	keep, dup := twoCustomers(t, f)
	require.NoError(t, f.reg.SetField(ctx, keep, Field{Name: "size", Value: "M", Modified: 1000}))
	require.NoError(t, f.reg.SetField(ctx, dup, Field{Name: "size", Value: "L", Modified: 2000}))
	beforeKeep, beforeDup := f.raw(t, keep), f.raw(t, dup)

	_, err := f.reg.Merge(ctx, keep, dup)
	require.NoError(t, err)
	f.clock.Advance(time.Hour)
	require.NoError(t, f.reg.Unmerge(ctx, dup))

	afterKeep, afterDup := f.raw(t, keep), f.raw(t, dup)
	assert.Equal(t, withoutMergeHistory(beforeKeep), withoutMergeHistory(afterKeep))
	assert.Equal(t, withoutMergeHistory(beforeDup), withoutMergeHistory(afterDup))
	require.Len(t, afterKeep.Merges, 1)
	assert.True(t, afterKeep.Merges[0].Undone)
	assert.True(t, afterDup.Merges[0].Undone)

	// The index follows: each address resolves to its own profile again.
	assertDupLeadsTo(t, f, dup)

	// The journal is append-only: the merge and its undoing.
	recs, err := f.store.Merges(ctx, dup)
	require.NoError(t, err)
	require.Len(t, recs, 2)
	assert.Equal(t, recs[0].ID, recs[1].Undoes)

	require.ErrorIs(t, f.reg.Unmerge(ctx, dup), ErrNotMerged)
	// It can be merged again.
	_, err = f.reg.Merge(ctx, keep, dup)
	require.NoError(t, err)
}

func TestUnmergeKeepsLaterChangesOnSurvivor(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{})
	keep, dup := twoCustomers(t, f)
	beforeDup := f.raw(t, dup)
	_, err := f.reg.Merge(ctx, keep, dup)
	require.NoError(t, err)
	require.NoError(t, f.reg.AddOrder(ctx, dup, Order{ID: "SO-3", SKU: "CUP", At: f.clock.Now()})) // via the merged id
	require.NoError(t, f.reg.SetField(ctx, keep, Field{Name: "note", Value: "prefers email"}))

	require.NoError(t, f.reg.Unmerge(ctx, dup))
	k := f.raw(t, keep)
	var orders []string
	for _, o := range k.Orders {
		orders = append(orders, o.ID)
	}
	assert.Equal(t, []string{"SO-1", "SO-3"}, orders, "SO-2 went back, SO-3 stays")
	_, ok := k.Field("note")
	assert.True(t, ok)
	assert.Equal(t, withoutMergeHistory(beforeDup), withoutMergeHistory(f.raw(t, dup)))
}

func TestMergeChains(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{})
	a := f.customer(t, line("A"), Hints{})
	b := f.customer(t, line("B"), Hints{})
	c := f.customer(t, line("C"), Hints{})

	_, err := f.reg.Merge(ctx, a, b)
	require.NoError(t, err)
	// Merging into b, which was merged into a, lands on a.
	rec, err := f.reg.Merge(ctx, b, c)
	require.NoError(t, err)
	assert.Equal(t, a, rec.Keep)
	assert.Equal(t, a, f.raw(t, c).MergedInto)

	// No cycles: a and b are one profile now.
	_, err = f.reg.Merge(ctx, b, a)
	require.ErrorIs(t, err, ErrSameProfile)
	_, err = f.reg.Merge(ctx, a, a)
	require.ErrorIs(t, err, ErrSameProfile)
	_, err = f.reg.Merge(ctx, a, "nobody")
	require.ErrorIs(t, err, ErrNotFound)

	// a into d, then unmerging b must wait until a is unmerged from d.
	d := f.customer(t, line("D"), Hints{})
	_, err = f.reg.Merge(ctx, d, a)
	require.NoError(t, err)
	require.ErrorIs(t, f.reg.Unmerge(ctx, b), ErrMergedSince)
	require.NoError(t, f.reg.Unmerge(ctx, a))
	require.NoError(t, f.reg.Unmerge(ctx, b))
	for addr, id := range map[string]string{"A": a, "B": b, "C": a, "D": d} {
		p, err := f.reg.Resolve(ctx, line(addr), Hints{})
		require.NoError(t, err)
		assert.Equal(t, id, p.ID, addr)
	}
}
