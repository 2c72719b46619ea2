package lang

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Placeholders stand for the spans a translation must not touch: Protect
// replaces each with ⟦n⟧ (U+27E6, its index, U+27E7), which machine
// translation providers pass through as an opaque token, and Restore puts the
// spans back, checking that each placeholder came back exactly once.

// ErrPlaceholders is wrapped by a *PlaceholderError: a translation lost,
// repeated or invented a placeholder, so a protected span (an order number,
// a price) would be wrong in it.
var ErrPlaceholders = errors.New("lang: translation did not keep the protected spans")

// PlaceholderError says which placeholder a translation got wrong.
type PlaceholderError struct {
	// Index is the placeholder's number.
	Index int
	// Count is how many times it appeared (0 lost, 2 or more repeated; -1
	// for a number that was never handed out).
	Count int
}

func (e *PlaceholderError) Error() string {
	switch e.Count {
	case -1:
		return fmt.Sprintf("%v: unknown placeholder %d", ErrPlaceholders, e.Index)
	case 0:
		return fmt.Sprintf("%v: placeholder %d lost", ErrPlaceholders, e.Index)
	}
	return fmt.Sprintf("%v: placeholder %d appears %d times", ErrPlaceholders, e.Index, e.Count)
}

// Unwrap returns ErrPlaceholders.
func (e *PlaceholderError) Unwrap() error { return ErrPlaceholders }

// protected matches the spans Protect hides, leftmost first; each
// alternative is a group, so Protect knows which one matched:
//
//  1. template variables: {{name}}, {{ .Order }};
//  2. URLs: https://…, www.…;
//  3. e-mail addresses;
//  4. prices with the currency first: $12.50, HK$ 399, R$ 49,90, €9,99,
//     Rp 150.000, USD 20;
//  5. prices with the currency last: 250 บาท, 1,200円, 99 USD, 150.000đ;
//  6. order and tracking numbers: a token of 5 or more letters, digits and
//     dashes with at least 4 digits (48213957, 1Z999AA10123456784,
//     LX123456789CN, #10492, SO-2024-00017).
var protected = regexp.MustCompile(
	`(\{\{[^{}\n]{1,100}\}\})` +
		`|((?i:https?://|www\.)[^\s<>"]*[^\s<>".,;:!?)\]}'’])` +
		`|([\w.+-]+@[\w-]+(?:\.[\w-]+)+)` +
		`|((?:[A-Z]{0,2}\$|[€£¥₩₫฿₱₹]|\b(?i:rp|rm|usd|eur|hkd|sgd|twd|cny|rmb|jpy|thb|idr|vnd|brl)\.?)\s?\d(?:[\d.,]*\d)?)` +
		`|(\d(?:[\d.,]*\d)?\s?(?:[€£¥₩₫฿₱₹円元]|บาท|(?i:usd|eur|hkd|sgd|twd|cny|rmb|jpy|thb|idr|vnd|brl)\b|(?i:vnđ|đ)))` +
		`|(#?\b[A-Za-z]{0,4}-?\d[A-Za-z\d-]{3,}\b)`)

// orderGroup is the group of order and tracking numbers in protected.
const orderGroup = 6

// minOrderDigits is how many digits make a token an order or tracking
// number ("a4b5" is not one, "48213957" is).
const minOrderDigits = 4

// placeholder matches a placeholder in a translation, tolerating the spaces
// some providers put inside brackets.
var placeholder = regexp.MustCompile(`⟦\s*(\d{1,4})\s*⟧`)

// Protected is a text with its protected spans replaced by placeholders. A
// plain value.
type Protected struct {
	// Text is the text to translate.
	Text string
	// Spans are the hidden spans; placeholder n stands for Spans[n].
	Spans []string
}

// Protect hides the spans of text that a translation must not change (see
// protected). Placeholder brackets already in the text are hidden too, so
// Restore cannot confuse them with its own. It never fails.
func Protect(text string) Protected {
	var p Protected
	var b strings.Builder
	last := 0
	for _, m := range protected.FindAllStringSubmatchIndex(text, -1) {
		span := text[m[0]:m[1]]
		if m[2*orderGroup] >= 0 && digits(span) < minOrderDigits {
			continue
		}
		b.WriteString(hideBrackets(text[last:m[0]], &p))
		writePlaceholder(&b, len(p.Spans))
		p.Spans = append(p.Spans, span)
		last = m[1]
	}
	b.WriteString(hideBrackets(text[last:], &p))
	p.Text = b.String()
	return p
}

func digits(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			n++
		}
	}
	return n
}

// hideBrackets protects placeholder brackets that were already in the text.
func hideBrackets(s string, p *Protected) string {
	if !strings.ContainsAny(s, "⟦⟧") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == '⟦' || r == '⟧' {
			writePlaceholder(&b, len(p.Spans))
			p.Spans = append(p.Spans, s[i:i+n])
		} else {
			b.WriteString(s[i : i+n]) // invalid UTF-8 is kept as it is
		}
		i += n
	}
	return b.String()
}

func writePlaceholder(b *strings.Builder, i int) {
	b.WriteString("⟦")
	b.WriteString(strconv.Itoa(i))
	b.WriteString("⟧")
}

// Restore puts p's spans back into translated, the translation of p.Text.
// It returns an error wrapping ErrPlaceholders (a *PlaceholderError) when a
// placeholder is missing, repeated or unknown: the translation must not be
// used then.
func (p Protected) Restore(translated string) (string, error) {
	seen := make([]int, len(p.Spans))
	var bad *PlaceholderError
	out := placeholder.ReplaceAllStringFunc(translated, func(m string) string {
		i, err := strconv.Atoi(strings.TrimSpace(m[len("⟦") : len(m)-len("⟧")]))
		if err != nil || i >= len(p.Spans) {
			if bad == nil {
				bad = &PlaceholderError{Index: i, Count: -1}
			}
			return m
		}
		seen[i]++
		return p.Spans[i]
	})
	if bad != nil {
		return "", bad
	}
	for i, n := range seen {
		if n != 1 {
			return "", &PlaceholderError{Index: i, Count: n}
		}
	}
	return out, nil
}
