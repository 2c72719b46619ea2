package autoreply

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// naiveHits finds the same hits as Engine.collect the slow way: every
// occurrence of every pattern with strings.Index, then the mode checks.
func naiveHits(e *Engine, text []byte) []rawHit {
	var out []rawHit
	s := string(text)
	lo, hi := trimBounds(text)
	for id := range e.patterns {
		p := &e.patterns[id]
		kwNorm := string(e.patternBytes(int32(id)))
		for off := 0; off <= len(s); {
			i := strings.Index(s[off:], kwNorm)
			if i < 0 {
				break
			}
			start := off + i
			end := start + len(kwNorm)
			off = start + 1
			ok := true
			switch {
			case p.kw.Mode == Exact:
				ok = start == lo && end == hi
			default:
				if p.checkStart && start > 0 {
					out, _ := utf8.DecodeLastRuneInString(s[:start])
					in, _ := utf8.DecodeRuneInString(s[start:])
					ok = boundaryBetween(out, in)
				}
				if ok && p.checkEnd && end < len(s) {
					out, _ := utf8.DecodeRuneInString(s[end:])
					in, _ := utf8.DecodeLastRuneInString(s[:end])
					ok = boundaryBetween(out, in)
				}
			}
			if ok {
				out = append(out, rawHit{pat: int32(id), start: start, end: end})
			}
		}
	}
	return out
}

func sortRaw(h []rawHit) {
	slices.SortFunc(h, func(a, b rawHit) int {
		if a.start != b.start {
			return a.start - b.start
		}
		return int(a.pat - b.pat)
	})
}

func fuzzEngine(tb testing.TB) *Engine {
	tb.Helper()
	rs := &RuleSet{Handoff: []Keyword{{Text: "agent"}, {Text: "人工"}}}
	add := func(name string, prio int, kws ...string) {
		r := Rule{Name: name, Priority: prio, Reply: name}
		for _, s := range kws {
			k, err := ParseKeyword(s, "")
			if err != nil {
				tb.Fatal(err)
			}
			r.Keywords = append(r.Keywords, k)
		}
		rs.Rules = append(rs.Rules, r)
	}
	add("order", 2, "where is my order", "order", "~ord", "track*", "注文", "พัสดุ", "đơn hàng")
	add("refund", 1, "refund*", "reembolso", "退款", "คืนเงิน", "استرداد", "=hi", "a", "~aa", "aaa")
	add("size", 0, "size", "ｓｉｚｅ表", "ขนาด", "iphone手机", "e\u0301", "ß")
	e, err := New(Config{Rules: rs})
	if err != nil {
		tb.Fatal(err)
	}
	return e
}

// FuzzMatch checks that matching never panics, that every hit lies inside
// the normalized text, and that the automaton finds exactly the hits a naive
// search finds.
func FuzzMatch(f *testing.F) {
	for _, s := range []string{
		"where is my order?", "ＷＨＥＲＥ ＩＳ ＭＹ ＯＲＤＥＲ", "refunded", "พัสดุของฉัน", "我要退款人工", "aaaa", "Hi!",
		"iphone手机size", "", "\xff\xfe", "e\u0301 café", "STRASSE ß", "ordorder",
	} {
		f.Add(s)
	}
	e := fuzzEngine(f)
	f.Fuzz(func(t *testing.T, s string) {
		hits := e.Match(s)
		normalized := string(appendNormalized(nil, s, false))
		for _, h := range hits {
			if h.Start < 0 || h.End > len(normalized) || h.Start >= h.End {
				t.Fatalf("hit %+v outside %q", h, normalized)
			}
		}
		got := e.collect([]byte(normalized), nil)
		want := naiveHits(e, []byte(normalized))
		sortRaw(got)
		sortRaw(want)
		if !slices.Equal(got, want) {
			t.Fatalf("text %q: automaton %v, naive %v", normalized, got, want)
		}
		if len(got) != len(hits) {
			t.Fatalf("Match gave %d hits, collect %d", len(hits), len(got))
		}
	})
}

// FuzzLoadRules checks that no rule file makes LoadRules or New panic, and
// that an engine built from one matches without panicking.
func FuzzLoadRules(f *testing.F) {
	f.Add(`{"version":1,"handoff":{"en":["agent"]},"rules":[{"name":"a","reply":"x","keywords":{"en":["size","~ship","refund*","=hi"]}}]}`, "what size?")
	f.Add(`{"version":1,"rules":[{"name":"a","reply":"x","keywords":{"th":["พัสดุ"]},"next":{"ask":"a","await":"order_number","then":"t"}}]}`, "พัสดุ ๑๒๓๔")
	f.Add(`{"version":1,"rules":[{"name":"a","reply":"x","keywords":{"en":["\\~x","x\\*"]}}]}`, "~x x*")
	f.Fuzz(func(t *testing.T, file, text string) {
		rs, err := LoadRules(strings.NewReader(file))
		if err != nil {
			return
		}
		e, err := New(Config{Rules: rs})
		if err != nil {
			return
		}
		_ = e.Match(text)
	})
}
