package identity

import (
	"fmt"
	"math/rand/v2"
	"slices"
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
		name, phone, email, address string
		sku                         string
		ago                         time.Duration
	}
	tests := []struct {
		name      string
		a, b      person
		want      Class // "" = not a candidate
		wantRules []Rule
		wantScore float64
	}{
		{"typo in a name, same email", person{name: "Maria Fernanda Souza", email: "mf@example.com"},
			person{name: "Maria Fernanda Sousa", email: "mf@example.com"}, ClassStrong, []Rule{RuleName, RuleSameEmail}, 1 - 1.0/18},
		{"typo in a name, nothing else: a name is not evidence", person{name: "Maria Fernanda Souza"},
			person{name: "Maria Fernanda Sousa"}, "", nil, 0},
		{"the same rare name, nothing else: name only", person{name: "Ada Wong"},
			person{name: "WONG, Ada"}, ClassNameOnly, []Rule{RuleName}, 1},
		{"reordered and full-width, phone prefix", person{name: "Chan Tai Man", phone: "+85291234567"},
			person{name: "ＴＡＩ ＭＡＮ ＣＨＡＮ", phone: "+85291234000"}, ClassProbable, []Rule{RuleName, RulePhonePrefix}, 1},
		{"too different, same SKU", person{name: "Maria Souza", sku: "MUG"}, person{name: "Mario Santos", sku: "MUG"}, "", nil, 0},
		{"exact short CJK name, same SKU", person{name: "王小明", sku: "MUG"}, person{name: "王 小明", sku: "MUG", ago: day},
			ClassProbable, []Rule{RuleName, RuleSharedSKU}, 1},
		{"short CJK one edit, same SKU: too weak", person{name: "王小明", sku: "MUG"},
			person{name: "王小名", sku: "MUG", ago: 80 * day}, "", nil, 0},
		{"short CJK one edit, phone prefix", person{name: "王小明", phone: "+8613800138000"},
			person{name: "王小名", phone: "+8613800138123"}, ClassProbable, []Rule{RuleNameNear, RulePhonePrefix}, 1 - 1.0/3},
		{"short CJK one edit, same address", person{name: "王小明", address: "Flat 3A, 12 Nathan Road"},
			person{name: "王小名", address: "FLAT 3A 12 NATHAN ROAD"}, ClassProbable, []Rule{RuleNameNear, RuleSameAddress}, 1 - 1.0/3},
		{"same phone, different names", person{name: "Chan Mei Ling", phone: "+85291234567"},
			person{name: "Wong Ka Ho", phone: "+85291234567"}, ClassSharedIdentifier, []Rule{RuleSamePhone}, 1 - 8.0/11},
		{"similar name and shared SKU", person{name: "Somchai Jaidee", sku: "LAMP"},
			person{name: "Somchai Jaide", sku: "LAMP", ago: day}, ClassProbable, []Rule{RuleName, RuleSharedSKU}, 1 - 1.0/13},
		{"similar name, same SKU 100 days apart", person{name: "Somchai Jaidee", sku: "LAMP"},
			person{name: "Somchai Jaide", sku: "LAMP", ago: 100 * day}, "", nil, 0},
		{"Jonathan Smith / Jonothan Smyth (0.846), shared SKU", person{name: "Jonathan Smith", sku: "LAMP"},
			person{name: "Jonothan Smyth", sku: "LAMP", ago: day}, ClassProbable, []Rule{RuleName, RuleSharedSKU}, 1 - 2.0/13},
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
				if p.email != "" {
					pr.Emails = []string{p.email}
				}
				if p.address != "" {
					pr.Fields = []Field{{Name: "address", Value: p.address}}
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
				if tt.want == "" {
					assert.Empty(t, cs)
					continue
				}
				require.Len(t, cs, 1)
				assert.Equal(t, ids[1-i], cs[0].ProfileID)
				assert.Equal(t, tt.want, cs[0].Class)
				assert.Equal(t, tt.want == ClassStrong, cs[0].AutoMerge())
				assert.Equal(t, tt.wantRules, rules(cs[0]))
				assert.InDelta(t, tt.wantScore, cs[0].Score, 1e-9)
			}
			pairs, err := f.reg.Scan(ctx)
			require.NoError(t, err)
			if tt.want == "" {
				assert.Empty(t, pairs)
			} else {
				require.Len(t, pairs, 1)
				assert.Equal(t, tt.want, pairs[0].Class)
			}
		})
	}
}

// TestPopularNameIsNoEvidence: six profiles of one name and nothing else
// form no pair; five do, as ClassNameOnly.
func TestPopularNameIsNoEvidence(t *testing.T) {
	t.Parallel()
	for _, n := range []int{MaxNameOnly, MaxNameOnly + 1} {
		f := newFixture(t, Config{})
		var ids []string
		for range n {
			id, err := f.reg.Import(ctx, Profile{Names: []string{"Chan Tai Man"}, Consent: f.consent("c")})
			require.NoError(t, err)
			ids = append(ids, id)
		}
		pairs, err := f.reg.Scan(ctx)
		require.NoError(t, err)
		cs, err := f.reg.Candidates(ctx, ids[0])
		require.NoError(t, err)
		if n > MaxNameOnly {
			assert.Empty(t, pairs)
			assert.Empty(t, cs)
			continue
		}
		assert.Len(t, pairs, n*(n-1)/2)
		assert.Len(t, cs, n-1)
		for _, p := range pairs {
			assert.Equal(t, ClassNameOnly, p.Class)
			assert.False(t, p.AutoMerge())
		}
	}
}

// TestScanFindsPairsInBestsellerGroups: 1,200 customers bought one SKU in
// the same week. Among them "Jonathan Smith" and "Jonothan Smyth" (0.846)
// meet the rule (a similar name and the same SKU within 90 days) and must
// be found, however big the group; unrelated names must not pair up.
func TestScanFindsPairsInBestsellerGroups(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{})
	rng := rand.New(rand.NewPCG(5, 5))
	gen := newPeopleGen(rng, f.clock.Now())
	at := f.clock.Now().Add(-10 * 24 * time.Hour)
	add := func(name string, i int) string {
		id, err := f.reg.Import(ctx, Profile{Names: []string{name}, Consent: f.consent("c"),
			Orders: []Order{{ID: fmt.Sprint("o", i), SKU: "BESTSELLER", At: at.Add(time.Duration(i) * time.Minute)}}})
		require.NoError(t, err)
		return id
	}
	for i := range 1200 {
		add(fmt.Sprintf("%s %s", gen.tail(latinSylls, 3, 4), gen.tail(latinSylls, 3, 4)), i)
	}
	a, b := add("Jonathan Smith", 2000), add("Jonothan Smyth", 2001)
	if a > b {
		a, b = b, a
	}
	pairs, err := f.reg.Scan(ctx)
	require.NoError(t, err)
	found := false
	for _, p := range pairs {
		if p.A == a && p.B == b {
			found = true
			assert.Equal(t, ClassProbable, p.Class)
			assert.InDelta(t, 1-2.0/13, p.Score, 1e-9)
		}
	}
	assert.True(t, found, "Jonathan Smith / Jonothan Smyth not found among %d pairs", len(pairs))
	cs, err := f.reg.Candidates(ctx, a)
	require.NoError(t, err)
	require.NotEmpty(t, cs)
	assert.Equal(t, b, cs[0].ProfileID)
}

// TestScanAgainstAllPairs is the property test of the blocking: on random
// stores built to be dense in near names and shared evidence (a small
// alphabet, few SKUs, few phone prefixes, shared emails and addresses), the
// scan lists exactly the pairs that scoring every pair lists. Every pair at
// or above the threshold with the evidence the rule needs is found.
func TestScanAgainstAllPairs(t *testing.T) {
	t.Parallel()
	for _, seed := range []uint64{1, 2, 3} {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, Config{})
			rng := rand.New(rand.NewPCG(seed, 7))
			var all []*Profile
			hanzi := []rune("王李张小明名伟")
			for i := range 900 {
				p := Profile{ID: fmt.Sprintf("q%04d", i), Consent: f.consent("c")}
				var name []rune
				if rng.IntN(4) == 0 {
					for range 2 + rng.IntN(3) {
						name = append(name, hanzi[rng.IntN(len(hanzi))])
					}
				} else {
					name = randomWord(rng, 4, 16)
					if len(name) > 6 && rng.IntN(2) == 0 {
						name = append(name[:3:3], append([]rune{' '}, name[3:]...)...)
					}
				}
				p.Names = []string{string(name)}
				if rng.IntN(2) == 0 {
					p.Phones = []Phone{{E164: fmt.Sprintf("+8529123%04d", rng.IntN(3000))}}
				}
				if rng.IntN(5) == 0 {
					p.Emails = []string{fmt.Sprintf("e%d@example.com", rng.IntN(60))}
				}
				if rng.IntN(5) == 0 {
					p.Fields = []Field{{Name: "address", Value: fmt.Sprintf("%d Nathan Road", rng.IntN(40))}}
				}
				for range rng.IntN(3) {
					p.Orders = append(p.Orders, Order{SKU: fmt.Sprint("S", rng.IntN(12)),
						At: f.clock.Now().Add(-time.Duration(rng.IntN(400*24)) * time.Hour)})
				}
				id, err := f.reg.Import(ctx, p)
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
			require.NotEmpty(t, want)
			for k := range want {
				assert.True(t, got[k], "pair %v meets the rule but was not found", k)
			}
			for k := range got {
				_, ok := want[k]
				assert.True(t, ok, "%v is not a candidate pair", k)
			}
			// Candidates agrees with Scan for every profile.
			for _, p := range all[:150] {
				cs, err := f.reg.Candidates(ctx, p.ID)
				require.NoError(t, err)
				for _, c := range cs {
					a, b := p.ID, c.ProfileID
					if a > b {
						a, b = b, a
					}
					assert.Contains(t, want, [2]string{a, b})
				}
				n := 0
				for k := range want {
					if k[0] == p.ID || k[1] == p.ID {
						n++
					}
				}
				assert.Len(t, cs, n, p.ID)
			}
		})
	}
}

// allPairs is the baseline: score every pair by the rule, and every pair
// sharing a normalized name that at most MaxNameOnly profiles share as a
// possible ClassNameOnly pair.
func allPairs(r *Registry, ps []*Profile) map[[2]string]Class {
	prep := make([]prepared, len(ps))
	sharing := map[string]int{}
	for i, p := range ps {
		prep[i] = r.prepare(p)
		for _, n := range p.NormalizedNames {
			sharing[n]++
		}
	}
	rareForms := make([][]string, len(ps)) // the names few profiles share
	for i, p := range ps {
		for _, n := range p.NormalizedNames {
			if sharing[n] <= MaxNameOnly {
				rareForms[i] = append(rareForms[i], n)
			}
		}
	}
	rare := func(i, j int) bool {
		for _, n := range rareForms[i] {
			if slices.Contains(rareForms[j], n) {
				return true
			}
		}
		return false
	}
	out := map[[2]string]Class{}
	for i := range prep {
		for j := i + 1; j < len(prep); j++ {
			if c, ok := r.score(prep[i], prep[j], rare(i, j)); ok {
				a, b := prep[i].ID, prep[j].ID
				if a > b {
					a, b = b, a
				}
				out[[2]string{a, b}] = c.Class
			}
		}
	}
	return out
}

func TestQueueDuplicate(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{})
	p := Pair{A: "a", B: "b", Score: 1, Class: ClassNameOnly, Evidence: []Evidence{{Rule: RuleName, Score: 1}}}
	require.NoError(t, f.reg.QueueDuplicate(ctx, p))
	rs := f.reviews(t)
	require.Len(t, rs, 1)
	assert.Equal(t, ReviewPossibleDuplicate, rs[0].Kind)
	assert.Equal(t, []string{"a", "b"}, rs[0].Profiles)
	assert.Equal(t, []string{"name_only", "name"}, rs[0].Values)
}
