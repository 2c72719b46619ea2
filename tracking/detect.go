package tracking

import "strings"

// Normalize removes the spaces and dashes people type inside tracking numbers
// and upper-cases letters: " 1z 999-aa1 0123456784 " → "1Z999AA10123456784".
func Normalize(number string) string {
	var b strings.Builder
	b.Grow(len(number))
	for i := 0; i < len(number); i++ {
		c := number[i]
		switch {
		case c == ' ' || c == '-' || c == '\t':
			continue
		case 'a' <= c && c <= 'z':
			b.WriteByte(c - 'a' + 'A')
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// Detect guesses which carriers may own number, most likely first, from its
// format alone. It is a best effort, not a validation: formats overlap (a
// 12-digit number may be FedEx Express or DHL Paket) and carriers add new
// ones, so callers should try the candidates in order and fall back to asking
// the customer. The rules:
//
//   - "1Z" + 16 letters or digits: UPS.
//   - 10 digits: DHL Express waybill.
//   - "JJD", "JVGL" or "JD" + digits, or 20 digits starting "003": DHL
//     (Paket / eCommerce).
//   - 12 digits: FedEx Express, then DHL Paket.
//   - 15 digits: FedEx Ground; 20 or 22 digits: FedEx, then 17TRACK.
//   - UPU S10 ("RR123456785CN") with a valid check digit, or "SF" + 12-15
//     digits (SF Express): 17TRACK, the aggregator for postal and Asian
//     carriers.
//   - anything else of 8 to 40 letters and digits: 17TRACK.
//
// Detect returns nil when number cannot be a tracking number.
func Detect(number string) []Carrier {
	n := Normalize(number)
	if len(n) < 8 || len(n) > 40 || !alnum(n) {
		return nil
	}
	digits := allDigits(n)
	switch {
	case len(n) == 18 && strings.HasPrefix(n, "1Z"):
		return []Carrier{UPS}
	case digits && len(n) == 10:
		return []Carrier{DHL}
	case strings.HasPrefix(n, "JJD") || strings.HasPrefix(n, "JVGL") ||
		(strings.HasPrefix(n, "JD") && allDigits(n[2:])):
		return []Carrier{DHL}
	case digits && len(n) == 20 && strings.HasPrefix(n, "003"):
		return []Carrier{DHL}
	case digits && len(n) == 12:
		return []Carrier{FedEx, DHL}
	case digits && len(n) == 15:
		return []Carrier{FedEx}
	case digits && (len(n) == 20 || len(n) == 22):
		return []Carrier{FedEx, SeventeenTrack}
	case isS10(n):
		return []Carrier{SeventeenTrack}
	case strings.HasPrefix(n, "SF") && len(n) >= 14 && len(n) <= 17 && allDigits(n[2:]):
		return []Carrier{SeventeenTrack}
	}
	return []Carrier{SeventeenTrack}
}

// isS10 reports whether n is a UPU S10 item identifier (two letters, eight
// digits, a check digit, a two-letter country) with a valid check digit.
func isS10(n string) bool {
	if len(n) != 13 || !letters(n[:2]) || !allDigits(n[2:11]) || !letters(n[11:]) {
		return false
	}
	weights := [8]int{8, 6, 4, 2, 3, 5, 9, 7}
	sum := 0
	for i, w := range weights {
		sum += int(n[2+i]-'0') * w
	}
	check := 11 - sum%11
	switch check {
	case 10:
		check = 0
	case 11:
		check = 5
	}
	return int(n[10]-'0') == check
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func letters(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

func alnum(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'A' || c > 'Z') {
			return false
		}
	}
	return true
}
