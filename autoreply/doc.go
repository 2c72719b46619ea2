// Package autoreply answers the common questions of a shop's customers:
// shipping status, returns, payments, product specifications. It matches each
// message against the shop's rules, keeps a little state per conversation
// (a two-step question, misses), decides when to hand the conversation to a
// person, and counts how each rule performs. It sends nothing: Decide returns
// a Decision (reply with a template key and variables, ask for a value, hand
// off, no match) and the caller renders it with autoreply/catalog and sends
// it through any channel adapter.
//
//	rules, err := autoreply.LoadRules(f)
//	eng, err := autoreply.New(autoreply.Config{Rules: rules, Lookups: lookups})
//	d, err := eng.Decide(ctx, msg)
//	switch d.Action {
//	case autoreply.Reply, autoreply.Ask: // render d.Template with d.Vars, send
//	case autoreply.Handoff:              // notify a person
//	}
//
// # Normalization
//
// Messages and keywords go through the same normalization: width folding,
// NFKC, full case folding (golang.org/x/text), digits of every script as ASCII
// digits, white space collapsed, format characters removed, and optionally
// Latin diacritics removed. See the comment in normalize.go for the details
// and the fast path that makes it cost a fraction of a microsecond.
//
// # Matching
//
// All keywords of all rules compile into one Aho–Corasick automaton over the
// bytes of the normalized text; matching costs time in proportion to the
// message, not to the number of rules. A keyword's Mode then filters its
// occurrences:
//
//   - Contains accepts any occurrence; it is what Auto picks for Thai,
//     Chinese, Japanese and other scripts written without spaces.
//   - Word requires a word boundary at both ends; Prefix at the start only.
//     A boundary lies between two runes unless both are letters, digits or
//     marks of the same kind: both of scripts with spaces (Latin, Cyrillic,
//     Arabic...) or both of scripts without (Han, Thai, kana...). So "size"
//     matches "what size?" and "要size的" but not "oversized".
//   - Exact requires the keyword to be the whole message, give or take
//     surrounding spaces, punctuation and symbols (emoji).
//
// When several rules match, the winner is the rule with the highest
// priority, then the one whose matched keyword is longest (in runes of its
// normalized form), then the rule listed first. Hand-off keywords outrank all
// rules. Every hit is available in Decision.Hits and from Match.
//
// # Bad input
//
// No input makes the engine panic. Empty text and text of only spaces or
// punctuation match nothing and leave the conversation unchanged; each
// invalid UTF-8 byte reads as U+FFFD, which is a word boundary; a huge
// message is normalized and matched in linear time (about 20 ms of CPU for
// 1 MB dense with keywords, BenchmarkMatchHuge), every hit is reported, and
// only its first 256 bytes are kept in the miss statistics.
//
// # Performance
//
// Normalizing and matching a typical 50-byte message costs well under a
// microsecond of CPU and at most one allocation (the returned hits), with
// 100 or 10,000 rules alike; compiling 5,000 keywords takes about 10 ms. The
// benchmarks in bench_test.go measure this against the naive approach
// (strings.ToLower and strings.Contains per keyword) in one run.
package autoreply
