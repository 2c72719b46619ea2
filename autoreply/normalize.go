package autoreply

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
	"golang.org/x/text/width"
)

// Normalization, in one pass over the message:
//
//  1. width folding, NFKC, full case folding, NFKC again (the NFKC_Casefold
//     recipe of UAX #31, with golang.org/x/text): "ＷＨＥＲＥ" → "where",
//     "Straße" → "strasse", "ﾊﾟｽ" → "パス";
//  2. digits of every script (\p{Nd}: Thai ๑๒๓, Arabic-Indic ٤٢, Devanagari,
//     full-width) become ASCII digits, so extractors see "123";
//  3. white space and control characters collapse to one ASCII space, and
//     leading and trailing space is dropped; format characters (zero-width
//     space, joiners, soft hyphen, BOM) are removed;
//  4. optionally (Config.FoldDiacritics) Latin letters lose their diacritics
//     ("é" → "e", "đ" → "d", "ờ" → "o"), and Arabic text its optional vowel
//     marks (harakat U+064B–U+0652: fatha, damma, kasra, their tanwin forms,
//     shadda, sukun), the superscript alef U+0670 and the tatweel U+0640,
//     which writers add or leave out at will ("أرجّع" → "أرجع"); Thai and
//     Devanagari marks are part of the spelling and stay (ยกเลิก stays
//     ยกเลิก), so do the hamza and madda that compose with alef;
//  5. each byte of invalid UTF-8 becomes U+FFFD;
//  6. typographic apostrophes (’ ‘ ʼ ＇, see isApostrophe) become the ASCII
//     apostrophe, so "hasn’t" matches the keyword "hasn't".
//
// The cost is in step 1, which x/text does at about 1.5 µs per short message
// (BenchmarkNormalize/xtext). The fast path gets the same result while
// calling x/text for almost no rune:
//
//   - ASCII is lower-cased byte by byte;
//   - every other BMP rune has a precomputed class (runekinds.go, generated
//     from x/text by TestRuneKinds -update, 16 KiB): unchanged, lower-cased
//     with unicode.ToLower, a digit, or "general"; the first three are
//     written at once, and they cover CJK, kana, Hangul, Thai consonants and
//     vowels, Arabic, Cyrillic, Greek and the precomposed Latin letters of
//     Spanish, Portuguese and Vietnamese; emoji and CJK extensions are
//     unchanged too;
//   - full-width ASCII, the ideographic space and Thai and Lao SARA AM are
//     mapped directly; Thai tone and vowel marks and Arabic harakat are
//     written as they come while they are in canonical order;
//   - for the rest, norm.NFKC.QuickSpanString finds the stretch that is
//     already NFKC, whose runes only need case folding (fastFold), and what
//     remains (a combining mark that composes with the letter before it,
//     compatibility characters) goes through x/text one normalization
//     segment at a time, restarting from the last starter.
//
// The result is the same as the plain pipeline's: tests compare the two on
// every rune, on the corpus and by fuzzing (FuzzNormalize).

// normWriter accumulates normalized output.
type normWriter struct {
	out           []byte
	pendingSpace  bool  // a space is owed before the next visible rune
	prevLatin     bool  // last rune written was a Latin letter (diacritic folding)
	ccc           uint8 // combining class of the last mark written since the last starter; 255 = unknown
	foldDiacritic bool
}

// checkpoint is the writer's state before a normalization starter, so that a
// combining rune found later can redo the segment through x/text.
type checkpoint struct {
	in, out      int
	pendingSpace bool
	prevLatin    bool
}

func (w *normWriter) save(in int) checkpoint {
	w.ccc = 0
	return checkpoint{in: in, out: len(w.out), pendingSpace: w.pendingSpace, prevLatin: w.prevLatin}
}

func (w *normWriter) restore(c checkpoint) {
	w.out = w.out[:c.out]
	w.pendingSpace = c.pendingSpace
	w.prevLatin = c.prevLatin
}

// space records white space.
func (w *normWriter) space() {
	if len(w.out) > 0 {
		w.pendingSpace = true
	}
	w.prevLatin = false
}

// ascii writes an already lower-cased, visible ASCII byte.
func (w *normWriter) ascii(c byte) {
	if w.pendingSpace {
		w.out = append(w.out, ' ')
		w.pendingSpace = false
	}
	w.out = append(w.out, c)
	w.prevLatin = c >= 'a' && c <= 'z'
}

// emit writes a rune that is already NFKC and case folded, applying steps 2
// to 4 of the normalization.
func (w *normWriter) emit(r rune) {
	if r < utf8.RuneSelf {
		if r <= ' ' || r == 0x7f {
			w.space()
			return
		}
		w.ascii(byte(r))
		return
	}
	switch {
	case isApostrophe(r):
		w.ascii('\'')
		return
	case w.foldDiacritic && isArabicVowelMark(r):
		return
	case unicode.IsSpace(r) || unicode.Is(unicode.Cc, r):
		w.space()
		return
	case unicode.Is(unicode.Cf, r):
		return
	case unicode.Is(unicode.Nd, r):
		if d, ok := digitValue(r); ok {
			w.ascii('0' + byte(d))
			return
		}
	}
	if w.foldDiacritic {
		if w.prevLatin && unicode.Is(unicode.Mn, r) && unicode.Is(unicode.Inherited, r) {
			return // a combining diacritic on a Latin letter
		}
		if unicode.Is(unicode.Latin, r) {
			if b := latinBase(r); b != 0 {
				w.ascii(b)
				return
			}
			w.write(r)
			w.prevLatin = true
			return
		}
	}
	w.write(r)
	w.prevLatin = false
}

func (w *normWriter) write(r rune) {
	if w.pendingSpace {
		w.out = append(w.out, ' ')
		w.pendingSpace = false
	}
	w.out = utf8.AppendRune(w.out, r)
}

// slowSegment normalizes seg with x/text and writes the result.
func (w *normWriter) slowSegment(seg string) {
	for _, r := range pipeline(seg) {
		w.emit(r)
	}
}

// pipeline is step 1 of the normalization, done by x/text. It allocates.
func pipeline(s string) string {
	s = width.Fold.String(s)
	s = norm.NFKC.String(s)
	s = cases.Fold().String(s)
	return norm.NFKC.String(s)
}

// appendNormalized appends the normalization of s to dst. It never fails and
// never panics: invalid UTF-8 bytes become U+FFFD.
func appendNormalized(dst []byte, s string, foldDiacritics bool) []byte {
	w := normWriter{out: dst, foldDiacritic: foldDiacritics}
	base := len(dst)
	cp := checkpoint{in: 0, out: base}
	stableEnd := 0 // s[:stableEnd] is known to be NFKC already
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			cp = w.save(i)
			switch {
			case c <= ' ' || c == 0x7f:
				w.space()
			case c >= 'A' && c <= 'Z':
				w.ascii(c + 'a' - 'A')
			default:
				w.ascii(c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			cp = w.save(i)
			w.emit(utf8.RuneError)
			i++
			continue
		}
		if isApostrophe(r) {
			cp = w.save(i)
			w.ascii('\'')
			i += size
			continue
		}
		if w.foldDiacritic && isArabicVowelMark(r) {
			// Dropped: it composes with nothing, so what precedes it
			// is unaffected (see emit).
			i += size
			continue
		}
		if k := runeKind(r); k != kindGeneral && !(w.foldDiacritic && (w.prevLatin || latinRange(r))) {
			cp = w.save(i)
			switch k {
			case kindInert:
				w.write(r)
			case kindLower:
				w.write(unicode.ToLower(r))
			default:
				d, _ := digitValue(r)
				w.ascii('0' + byte(d))
			}
			w.prevLatin = false
			i += size
			continue
		}
		if c := orderedMarkCCC(r); c != 0 && c >= w.ccc && !(w.foldDiacritic && w.prevLatin) {
			// A Thai or Arabic mark in canonical order: NFKC keeps it.
			w.write(r)
			w.ccc = c
			i += size
			continue
		}
		if i < stableEnd {
			w.ccc = 255
			if f := fastFold(r); f >= 0 {
				w.emit(f)
			} else {
				w.slowSegment(s[i : i+size])
			}
			i += size
			continue
		}
		switch {
		case r >= 0xFF01 && r <= 0xFF5E: // full-width ASCII
			cp = w.save(i)
			c := byte(r - 0xFEE0)
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			w.ascii(c)
			i += size
			continue
		case r == 0x3000: // ideographic space
			cp = w.save(i)
			w.space()
			i += size
			continue
		case r == 0x0E33 || r == 0x0EB3:
			// THAI CHARACTER SARA AM ≡ NIKHAHIT (U+0E4D) + SARA AA (U+0E32),
			// LAO VOWEL SIGN AM ≡ NIGGAHITA (U+0ECD) + AA (U+0EB2): the
			// same offsets in both blocks.
			cp = w.save(i)
			w.write(r + 0x1A)
			w.write(r - 1)
			w.prevLatin = false
			i += size
			continue
		}
		p := norm.NFKC.PropertiesString(s[i:])
		if !p.BoundaryBefore() {
			// r combines with what came before: redo from the last starter.
			end := i + size
			if end < len(s) {
				if n := norm.NFKC.NextBoundaryInString(s[end:], true); n > 0 {
					end += n
				}
			}
			w.restore(cp)
			w.slowSegment(s[cp.in:end])
			w.ccc = 255
			i = end
			continue
		}
		cp = w.save(i)
		if n := norm.NFKC.QuickSpanString(s[i:]); n > 0 {
			stableEnd = i + n
			continue // handled by the stable branch above
		}
		end := len(s)
		if n := norm.NFKC.NextBoundaryInString(s[i:], true); n > 0 {
			end = i + n
		}
		w.slowSegment(s[i:end])
		w.ccc = 255
		i = end
	}
	return w.out
}

// isApostrophe reports whether r is a typographic apostrophe that
// normalization writes as the ASCII apostrophe: RIGHT and LEFT SINGLE
// QUOTATION MARK (’ ‘, what phone keyboards type in "don’t"), MODIFIER
// LETTER APOSTROPHE (ʼ) and the full-width apostrophe (＇, which NFKC
// already maps to ').
func isApostrophe(r rune) bool {
	return r == 0x2019 || r == 0x2018 || r == 0x02BC || r == 0xFF07
}

// isArabicVowelMark reports whether r is an optional Arabic vowel mark or
// the tatweel, which diacritic folding removes (step 4).
func isArabicVowelMark(r rune) bool {
	return r >= 0x064B && r <= 0x0652 || r == 0x0670 || r == 0x0640
}

// fastFold returns the full case folding of r, a rune of NFKC text, or -1
// when r needs x/text (its folding is not unicode.ToLower).
func fastFold(r rune) rune {
	if slowFold(r) {
		return -1
	}
	if unicode.IsUpper(r) || unicode.IsTitle(r) {
		return unicode.ToLower(r)
	}
	return r
}

// slowFold lists the runes whose full case folding is not unicode.ToLower
// (found by TestFastFoldMatchesXText, which checks every rune).
func slowFold(r rune) bool {
	switch {
	case r < 0x00DF:
		return false
	case r == 0x00DF, r == 0x0130, r == 0x0149, r == 0x01F0, r == 0x0345,
		r == 0x0390, r == 0x03B0, r == 0x03C2, r == 0x0587:
		return true
	case r >= 0x03D0 && r <= 0x03F5:
		return true
	case r >= 0x13F8 && r <= 0x13FD, r >= 0xAB70 && r <= 0xABBF: // Cherokee folds to upper case
		return true
	case r >= 0x1C80 && r <= 0x1C88:
		return true
	case r >= 0x1E96 && r <= 0x1E9E:
		return true
	case r >= 0x1F50 && r <= 0x1F56, r >= 0x1F80 && r <= 0x1FFF:
		return true
	case r >= 0xFB00 && r <= 0xFB17:
		return true
	}
	return false
}

// orderedMarkCCC returns the canonical combining class of the Thai and
// Arabic marks that compose with nothing and are unchanged by NFKC when they
// follow a starter or a mark of lower or equal class; 0 for any other rune.
func orderedMarkCCC(r rune) uint8 {
	switch {
	case r >= 0x0E38 && r <= 0x0E39: // THAI SARA U, UU
		return 103
	case r == 0x0E3A: // THAI PHINTHU
		return 9
	case r >= 0x0E48 && r <= 0x0E4B: // Thai tone marks
		return 107
	case r >= 0x064B && r <= 0x0652: // Arabic fathatan … sukun
		return uint8(27 + r - 0x064B)
	}
	return 0
}

// digitValue returns the value of a decimal digit of any script. Unicode
// assigns every \p{Nd} digit in runs of ten starting at zero.
func digitValue(r rune) (int, bool) {
	for _, rg := range unicode.Nd.R16 {
		if r < rune(rg.Lo) {
			return 0, false
		}
		if r <= rune(rg.Hi) {
			return int(r-rune(rg.Lo)) % 10, true
		}
	}
	for _, rg := range unicode.Nd.R32 {
		if r < rune(rg.Lo) {
			return 0, false
		}
		if r <= rune(rg.Hi) {
			return int(r-rune(rg.Lo)) % 10, true
		}
	}
	return 0, false
}

// latinBase returns the ASCII base letter of a lower-case Latin letter with
// diacritics ("é" → 'e', "ờ" → 'o', "đ" → 'd'), or 0.
func latinBase(r rune) byte {
	switch r {
	case 'đ':
		return 'd'
	case 'ħ':
		return 'h'
	case 'ł':
		return 'l'
	case 'ø':
		return 'o'
	case 'ŧ':
		return 't'
	case 'ƀ':
		return 'b'
	case 'ɨ':
		return 'i'
	case 'ƶ':
		return 'z'
	case 'ǥ':
		return 'g'
	}
	var buf [utf8.UTFMax]byte
	n := utf8.EncodeRune(buf[:], r)
	d := norm.NFD.Properties(buf[:n]).Decomposition()
	if len(d) > 0 && d[0] < utf8.RuneSelf {
		return d[0]
	}
	return 0
}

// Fast-path classes of BMP runes, from runeKinds. A rune of class other than
// kindGeneral is NFKC by itself, starts a normalization segment (so what
// precedes it cannot change it) and is neither space, control nor format
// character.
const (
	kindGeneral = iota // anything else: take the general path
	kindInert          // unchanged by normalization
	kindLower          // normalizes to unicode.ToLower(r)
	kindDigit          // a \p{Nd} digit: becomes an ASCII digit
)

//go:generate go test -run TestRuneKinds -update

func runeKind(r rune) int {
	if r >= 0x10000 {
		// Emoji and pictographs; CJK extensions B to I.
		if r >= 0x1F252 && r <= 0x1FBEF || r >= 0x20000 && r <= 0x2F7FF {
			return kindInert
		}
		return kindGeneral
	}
	if int(r>>2) >= len(runeKinds) {
		return kindGeneral
	}
	return int(runeKinds[r>>2]>>(2*(r&3))) & 3
}

// latinRange holds the Latin letters of the BMP that diacritic folding
// handles; the fast path leaves them to emit when folding.
func latinRange(r rune) bool {
	return r <= 0x024F || r >= 0x1E00 && r <= 0x1EFF || r >= 0x2C60 && r <= 0x2C7F ||
		r >= 0xA720 && r <= 0xA7FF || r >= 0xAB30 && r <= 0xAB6F
}
