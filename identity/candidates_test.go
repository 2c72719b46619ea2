package identity

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func rules(c Candidate) []Rule {
	var out []Rule
	for _, e := range c.Evidence {
		out = append(out, e.Rule)
	}
	return out
}

func TestCandidates(t *testing.T) {
	t.Parallel()
	day := 24 * time.Hour
	type person struct {
		name, phone string
		sku         string
		ago         time.Duration
	}
	tests := []struct {
		name      string
		a, b      person
		want      bool
		wantRules []Rule
		wantScore float64
	}{
		{"typo in a name", person{name: "Maria Fernanda Souza"}, person{name: "Maria Fernanda Sousa"},
			true, []Rule{RuleName}, 1 - 1.0/18},
		{"reordered and full-width", person{name: "Chan Tai Man"}, person{name: "ＴＡＩ ＭＡＮ ＣＨＡＮ"},
			true, []Rule{RuleName}, 1},
		{"too different", person{name: "Maria Souza"}, person{name: "Mario Santos"}, false, nil, 0},
		{"exact short CJK name", person{name: "王小明"}, person{name: "王 小明"}, true, []Rule{RuleName}, 1},
		{"short CJK one edit, no evidence", person{name: "王小明"}, person{name: "王小名"}, false, nil, 0},
		{"short CJK one edit, same SKU within 90 days", person{name: "王小明", sku: "MUG", ago: 0},
			person{name: "王小名", sku: "MUG", ago: 80 * day}, true, []Rule{RuleNameNear, RuleSharedSKU}, 1 - 1.0/3},
		{"short CJK one edit, same SKU 100 days apart", person{name: "王小明", sku: "MUG", ago: 0},
			person{name: "王小名", sku: "MUG", ago: 100 * day}, false, nil, 0},
		{"short CJK one edit, phone prefix", person{name: "王小明", phone: "+8613800138000"},
			person{name: "王小名", phone: "+8613800138123"}, true, []Rule{RuleNameNear, RulePhonePrefix}, 1 - 1.0/3},
		{"4-char CJK one edit, no evidence", person{name: "欧阳小明"}, person{name: "欧阳晓明"}, false, nil, 0},
		{"same phone, different names", person{name: "Chan Mei Ling", phone: "+85291234567"},
			person{name: "Wong Ka Ho", phone: "+85291234567"}, true, []Rule{RuleSamePhone}, 1 - 8.0/11},
		{"similar name and shared SKU", person{name: "Somchai Jaidee", sku: "LAMP"},
			person{name: "Somchai Jaide", sku: "LAMP", ago: day}, true, []Rule{RuleName, RuleSharedSKU}, 1 - 1.0/13},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, Config{})
			ids := make([]string, 2)
			for i, p := range []person{tt.a, tt.b} {
				pr := Profile{Names: []string{p.name}, Consent: f.consent("c")}
				if p.phone != "" {
					pr.Phones = []Phone{{E164: p.phone}}
				}
				if p.sku != "" {
					pr.Orders = []Order{{ID: fmt.Sprint("o", i), SKU: p.sku, At: f.clock.Now().Add(-p.ago)}}
				}
				id, err := f.reg.Import(ctx, pr)
				require.NoError(t, err)
				ids[i] = id
			}
			for i, id := range ids {
				cs, err := f.reg.Candidates(ctx, id)
				require.NoError(t, err)
				if !tt.want {
					assert.Empty(t, cs)
					continue
				}
				require.Len(t, cs, 1)
				assert.Equal(t, ids[1-i], cs[0].ProfileID)
				assert.Equal(t, tt.wantRules, rules(cs[0]))
				assert.InDelta(t, tt.wantScore, cs[0].Score, 1e-9)
			}
		})
	}
}

func TestCandidatesSkipOversizedBlocks(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{MaxBlock: 3})
	var ids []string
	for i := range 5 { // same SKU, unrelated names: one block of 5
		id, err := f.reg.Import(ctx, Profile{Names: []string{fmt.Sprint("王", string(rune('一'+i)))},
			Orders: []Order{{SKU: "BESTSELLER", At: f.clock.Now()}}, Consent: f.consent("c")})
		require.NoError(t, err)
		ids = append(ids, id)
	}
	id, err := f.reg.Import(ctx, Profile{Names: []string{"王一"}, Consent: f.consent("c")})
	require.NoError(t, err)
	cs, err := f.reg.Candidates(ctx, id)
	require.NoError(t, err)
	require.Len(t, cs, 1, "the exact name is found by its own block")
	assert.Equal(t, ids[0], cs[0].ProfileID)
	cs, err = f.reg.Candidates(ctx, ids[1])
	require.NoError(t, err)
	assert.Empty(t, cs, "the SKU block is too big to count as evidence")
}

// TestScanAgainstAllPairs compares the blocked scan with the all-pairs
// comparison on a small random store: the scan lists only pairs the
// all-pairs comparison lists, every injected duplicate, and nearly all the
// rest (chance resemblances beyond the blocking budget may be missed).
func TestScanAgainstAllPairs(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{})
	rng := rand.New(rand.NewPCG(7, 7))
	gen := newPeopleGen(rng, f.clock.Now())
	var (
		all      []*Profile
		injected [][2]string
	)
	for i := range 240 {
		p := gen.person(i)
		if i%3 == 0 && i > 0 {
			orig := all[rng.IntN(len(all))]
			p = gen.duplicateOf(orig, i)
			injected = append(injected, [2]string{orig.ID, p.ID})
		}
		id, err := f.reg.Import(ctx, *p)
		require.NoError(t, err)
		all = append(all, f.raw(t, id))
	}
	pairs, err := f.reg.Scan(ctx)
	require.NoError(t, err)
	got := map[[2]string]bool{}
	for _, p := range pairs {
		require.Less(t, p.A, p.B)
		require.False(t, got[[2]string{p.A, p.B}], "listed twice")
		got[[2]string{p.A, p.B}] = true
	}
	want := allPairs(f.reg, all)
	for k := range got {
		assert.True(t, want[k], "%v is not a candidate pair", k)
	}
	for _, d := range injected {
		assert.True(t, got[d], "injected duplicate %v missed", d)
	}
	assert.GreaterOrEqual(t, float64(len(got))/float64(len(want)), 0.9)
	assert.Greater(t, len(want), len(injected))
}

// allPairs is the baseline: score every pair.
func allPairs(r *Registry, ps []*Profile) map[[2]string]bool {
	prep := make([]prepared, len(ps))
	for i, p := range ps {
		prep[i] = r.prepare(p)
	}
	out := map[[2]string]bool{}
	for i := range prep {
		for j := i + 1; j < len(prep); j++ {
			if _, ok := r.score(prep[i], prep[j]); ok {
				a, b := prep[i].ID, prep[j].ID
				if a > b {
					a, b = b, a
				}
				out[[2]string{a, b}] = true
			}
		}
	}
	return out
}
