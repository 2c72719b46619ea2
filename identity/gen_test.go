package identity

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// peopleGen makes synthetic customers for tests and benchmarks: romanized
// names built from syllables (so that 1,000,000 names are mostly distinct,
// as real customer names are), 3-character Chinese names, Hong Kong mobile
// numbers, orders of a catalogue of SKUs.
type peopleGen struct {
	rng   *rand.Rand
	now   time.Time
	sylls []string
	han   []rune
	skus  int
}

func newPeopleGen(rng *rand.Rand, now time.Time) *peopleGen {
	g := &peopleGen{rng: rng, now: now, skus: 20000}
	for _, c := range []string{"b", "ch", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "sh", "t", "v", "w", "y", "z"} {
		for _, v := range []string{"a", "e", "i", "o", "u", "ai", "ou", "an", "en", "in"} {
			g.sylls = append(g.sylls, c+v)
		}
	}
	for r := rune(0x4E00); r < 0x4E00+2000; r += 3 {
		g.han = append(g.han, r)
	}
	return g
}

func (g *peopleGen) word(n int) string {
	var b strings.Builder
	for range n {
		b.WriteString(g.sylls[g.rng.IntN(len(g.sylls))])
	}
	s := b.String()
	return strings.ToUpper(s[:1]) + s[1:]
}

func (g *peopleGen) name() string {
	if g.rng.IntN(5) == 0 {
		return string([]rune{g.han[g.rng.IntN(len(g.han))], g.han[g.rng.IntN(len(g.han))], g.han[g.rng.IntN(len(g.han))]})
	}
	return g.word(2+g.rng.IntN(2)) + " " + g.word(2+g.rng.IntN(2))
}

func (g *peopleGen) phone() string {
	for {
		p := fmt.Sprintf("+852%d%07d", []int{6, 9}[g.rng.IntN(2)], g.rng.IntN(10000000))
		if _, err := NormalizePhone(p, ""); err == nil {
			return p
		}
	}
}

func (g *peopleGen) order(i int) Order {
	return Order{ID: fmt.Sprintf("SO-%d-%d", i, g.rng.Int()), SKU: fmt.Sprintf("SKU-%d", g.rng.IntN(g.skus)),
		At: g.now.Add(-time.Duration(g.rng.IntN(365*24)) * time.Hour), Amount: int64(g.rng.IntN(100000)), Currency: "HKD"}
}

// person returns a new customer; its phones are E.164 already.
func (g *peopleGen) person(i int) *Profile {
	return &Profile{
		ID:      fmt.Sprintf("p%07d", i),
		Names:   []string{g.name()},
		Phones:  []Phone{{E164: g.phone(), Source: "import"}},
		Emails:  []string{fmt.Sprintf("c%d@example.com", i)},
		Links:   []Link{{Channel: "line", Scope: "prov", ID: fmt.Sprintf("U%032d", i)}},
		Orders:  []Order{g.order(i), g.order(i)},
		Consent: Consent{Version: "v1", At: g.now.Add(-time.Hour)},
	}
}

// duplicateOf returns the same customer as seen again: the name with a
// typo, reordered or re-cased, a new phone (sometimes one digit off), a new
// email, and for Chinese names (where a typo drops below the threshold) a
// purchase of the same SKU within weeks.
func (g *peopleGen) duplicateOf(p *Profile, i int) *Profile {
	d := g.person(i)
	name := []rune(p.Names[0])
	switch {
	case len(name) <= 4: // CJK: a homophone typo, evidence through a shared SKU
		if g.rng.IntN(2) == 0 {
			name[g.rng.IntN(len(name))] = g.han[g.rng.IntN(len(g.han))]
		}
		o := g.order(i)
		o.SKU = p.Orders[0].SKU
		o.At = p.Orders[0].At.Add(time.Duration(g.rng.IntN(60*24)) * time.Hour)
		d.Orders[0] = o
	default:
		switch g.rng.IntN(4) {
		case 0: // substitution
			name[g.rng.IntN(len(name))] = rune('a' + g.rng.IntN(26))
		case 1: // deletion
			j := g.rng.IntN(len(name))
			name = append(name[:j], name[j+1:]...)
		case 2: // reordered tokens, upper case
			parts := strings.Fields(string(name))
			name = []rune(strings.ToUpper(parts[len(parts)-1] + " " + strings.Join(parts[:len(parts)-1], " ")))
		case 3: // insertion
			j := g.rng.IntN(len(name))
			name = append(name[:j], append([]rune{rune('a' + g.rng.IntN(26))}, name[j:]...)...)
		}
	}
	d.Names = []string{string(name)}
	if g.rng.IntN(2) == 0 {
		ph := []byte(p.Phones[0].E164)
		ph[len(ph)-1] = '0' + byte(g.rng.IntN(10))
		if _, err := NormalizePhone(string(ph), ""); err == nil {
			d.Phones[0].E164 = string(ph)
		}
	}
	return d
}
