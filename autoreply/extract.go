package autoreply

import (
	"strings"
)

// Extractor names, for Rule.Extract and Step.Await.
const (
	// ExtractOrderNumber finds an order number: the first token of 4 to 20
	// digits ("#48213957", "order 482139", "订单号48213957").
	ExtractOrderNumber = "order_number"
	// ExtractTrackingNumber finds a parcel tracking number: a token of 10 to
	// 35 letters and digits with at least 6 digits and at least one letter
	// ("1Z999AA10123456784", "LX123456789CN"), or of 20 to 35 digits only.
	// The value is upper-cased.
	ExtractTrackingNumber = "tracking_number"
	// ExtractEmail finds an e-mail address (lower-cased by normalization).
	ExtractEmail = "email"
)

// Extractors work on normalized text, where every \p{Nd} digit (Thai ๔๘๒,
// Arabic-Indic ٤٨٢, full-width ４８２) is already an ASCII digit and letters
// are case folded. A token is a maximal run of ASCII letters and digits, so
// scripts without spaces still delimit it: "เลขที่48213957ค่ะ" → "48213957".
func knownExtractor(name string) bool {
	switch name {
	case ExtractOrderNumber, ExtractTrackingNumber, ExtractEmail:
		return true
	}
	return false
}

// extract runs the named extractor on normalized text.
func extract(name, text string) (string, bool) {
	switch name {
	case ExtractOrderNumber:
		return findToken(text, isOrderNumber)
	case ExtractTrackingNumber:
		v, ok := findToken(text, isTrackingNumber)
		return strings.ToUpper(v), ok
	case ExtractEmail:
		return findEmail(text)
	}
	return "", false
}

func isASCIIAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z'
}

// findToken returns the first token of text accepted by ok.
func findToken(text string, ok func(tok string) bool) (string, bool) {
	for i := 0; i < len(text); {
		if !isASCIIAlnum(text[i]) {
			i++
			continue
		}
		j := i
		for j < len(text) && isASCIIAlnum(text[j]) {
			j++
		}
		tok := text[i:j]
		if ok(tok) {
			return tok, true
		}
		i = j
	}
	return "", false
}

func countDigits(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			n++
		}
	}
	return n
}

func isOrderNumber(tok string) bool {
	return len(tok) >= 4 && len(tok) <= 20 && countDigits(tok) == len(tok)
}

func isTrackingNumber(tok string) bool {
	d := countDigits(tok)
	switch {
	case d == len(tok):
		return d >= 20 && d <= 35
	default:
		return len(tok) >= 10 && len(tok) <= 35 && d >= 6
	}
}

// findEmail returns the first local@domain.tld in text.
func findEmail(text string) (string, bool) {
	for at := strings.IndexByte(text, '@'); at >= 0; {
		start := at
		for start > 0 && isEmailLocal(text[start-1]) {
			start--
		}
		end := at + 1
		for end < len(text) && (isASCIIAlnum(text[end]) || text[end] == '-' || text[end] == '.') {
			end++
		}
		// Trailing dots belong to the sentence, not the address.
		for end > at+1 && text[end-1] == '.' {
			end--
		}
		dot := strings.LastIndexByte(text[:end], '.')
		if start < at && dot > at+1 && dot < end-2 {
			return text[start:end], true
		}
		next := strings.IndexByte(text[at+1:], '@')
		if next < 0 {
			break
		}
		at += 1 + next
	}
	return "", false
}

func isEmailLocal(c byte) bool {
	return isASCIIAlnum(c) || strings.IndexByte("._%+-", c) >= 0
}
