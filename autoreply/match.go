package autoreply

import (
	"unicode/utf8"
)

// rawHit is a hit before it is turned into a Hit for the caller.
type rawHit struct {
	pat        int32
	start, end int
}

// scratch is per-call working memory, pooled so that matching a message
// allocates nothing but the result.
type scratch struct {
	buf  []byte
	hits []rawHit
}

// maxPooledBytes keeps huge messages' buffers out of the pool.
const maxPooledBytes = 64 << 10

func (e *Engine) getScratch() *scratch {
	if s, ok := e.bufs.Get().(*scratch); ok {
		return s
	}
	return &scratch{buf: make([]byte, 0, 256), hits: make([]rawHit, 0, 16)}
}

func (e *Engine) putScratch(s *scratch) {
	if cap(s.buf) > maxPooledBytes || cap(s.hits) > 1024 {
		return
	}
	e.bufs.Put(s)
}

// collect appends to hits every keyword occurrence in the normalized text
// that satisfies its keyword's mode.
func (e *Engine) collect(text []byte, hits []rawHit) []rawHit {
	exactLo, exactHi := -1, -1
	e.ac.scan(text, func(pid int32, end int) {
		p := &e.patterns[pid]
		start := end - p.size
		if p.kw.Mode == Exact {
			if exactLo < 0 {
				exactLo, exactHi = trimBounds(text)
			}
			if start != exactLo || end != exactHi {
				return
			}
		} else {
			if p.checkStart && start > 0 {
				out, _ := utf8.DecodeLastRune(text[:start])
				in, _ := utf8.DecodeRune(text[start:])
				if !boundaryBetween(out, in) {
					return
				}
			}
			if p.checkEnd && end < len(text) {
				out, _ := utf8.DecodeRune(text[end:])
				in, _ := utf8.DecodeLastRune(text[:end])
				if !boundaryBetween(out, in) {
					return
				}
			}
		}
		hits = append(hits, rawHit{pat: pid, start: start, end: end})
	})
	return hits
}

// Match normalizes text and returns every keyword hit in it, best first:
// hand-off keywords, then by rule priority (higher first), keyword length in
// runes (longer first), rule order, and position. It ignores conversation
// state and changes no counter. It returns nil when nothing matches; empty
// text and text of only spaces match nothing; invalid UTF-8 bytes read as
// U+FFFD (a word boundary). Safe for concurrent use.
func (e *Engine) Match(text string) []Hit {
	sc := e.getScratch()
	defer e.putScratch(sc)
	sc.buf = appendNormalized(sc.buf[:0], text, e.fold)
	sc.hits = e.collect(sc.buf, sc.hits[:0])
	e.sortHits(sc.hits)
	return e.hitsOf(sc.hits)
}

func (e *Engine) hitsOf(raw []rawHit) []Hit {
	if len(raw) == 0 {
		return nil
	}
	out := make([]Hit, len(raw))
	for i, h := range raw {
		p := &e.patterns[h.pat]
		out[i] = Hit{Handoff: p.rule < 0, Keyword: p.kw, Start: h.start, End: h.end}
		if p.rule >= 0 {
			out[i].Rule = e.rules[p.rule].Name
		}
	}
	return out
}

// Extract normalizes text and runs the named extractor (ExtractOrderNumber,
// ExtractTrackingNumber, ExtractEmail) on it, reporting whether it found a
// value. Safe for concurrent use.
func (e *Engine) Extract(name, text string) (string, bool) {
	return extract(name, string(appendNormalized(nil, text, e.fold)))
}
