package identity

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers"
	"golang.org/x/text/unicode/norm"
)

// Errors returned by NormalizePhone and NormalizeWAID. They are sentinels:
// test them with errors.Is. The returned errors never contain the number.
var (
	// ErrEmptyPhone: the input holds no digits at all.
	ErrEmptyPhone = errors.New("identity: empty phone number")
	// ErrUnknownRegion: the number has no international prefix and the
	// default region is not a known ISO 3166-1 region code.
	ErrUnknownRegion = errors.New("identity: unknown default region")
	// ErrInvalidPhone: the input does not parse, or parses to a number that
	// is not valid for any region (wrong length, unassigned range, +0000…).
	ErrInvalidPhone = errors.New("identity: invalid phone number")
)

// maxPhoneInput caps the input read by NormalizePhone; libphonenumber itself
// refuses inputs over 250 characters, real numbers are far shorter.
const maxPhoneInput = 64

// NormalizePhone parses a phone number as a customer or a shop typed it and
// returns its E.164 form ("+85291234567"), the key profiles are indexed by.
//
// It accepts international forms ("+852 9123 4567", "00852 9123 4567"),
// national forms with the shop's defaultRegion (an ISO 3166-1 code such as
// "TW": "0912 345 678"), a national number prefixed by the region's country
// code without a plus ("(852) 91234567" with "HK"), full-width digits and
// punctuation ("＋８５２ ９１２３ ４５６７"), and the usual separators.
// Parsing is lenient, so the result is always validated against the
// numbering plan: a number that is not valid is ErrInvalidPhone. An input
// with no digits is ErrEmptyPhone; a national number with an unknown
// defaultRegion is ErrUnknownRegion. For a WhatsApp wa_id (country code and
// number, no plus) use NormalizeWAID.
//
// NormalizePhone is safe for concurrent use.
func NormalizePhone(raw, defaultRegion string) (string, error) {
	s, err := cleanPhoneInput(raw)
	if err != nil {
		return "", err
	}
	region := strings.ToUpper(strings.TrimSpace(defaultRegion))
	if !strings.HasPrefix(s, "+") && !strings.HasPrefix(s, "00") && !knownRegion(region) {
		return "", ErrUnknownRegion
	}
	if !knownRegion(region) {
		// Unknown region: only international forms parse; "00" is the
		// ITU-recommended international prefix most regions use.
		return parseE164(international(s), "ZZ")
	}
	e, err := parseE164(s, region)
	if err != nil && strings.HasPrefix(s, "00") {
		// The region's own exit code is not 00 (US: 011, HK: 001) or the
		// library reads "00" as a national prefix: try the international
		// reading, as a customer abroad types it.
		if e2, err2 := parseE164(international(s), "ZZ"); err2 == nil {
			return e2, nil
		}
	}
	return e, err
}

// international reads a leading "00" as the ITU international prefix.
func international(s string) string {
	if rest, ok := strings.CutPrefix(s, "00"); ok {
		return "+" + rest
	}
	return s
}

// NormalizeWAID returns the E.164 form of a WhatsApp wa_id: the country code
// and national number as digits without a plus ("85291234567"), which is how
// the WhatsApp Cloud API identifies a customer in contacts[].wa_id. Anything
// but ASCII or full-width digits is ErrInvalidPhone, and the number must be
// valid like in NormalizePhone.
//
// NormalizeWAID is safe for concurrent use.
func NormalizeWAID(waID string) (string, error) {
	s, err := cleanPhoneInput(waID)
	if err != nil {
		return "", err
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return "", fmt.Errorf("%w: a wa_id holds digits only", ErrInvalidPhone)
		}
	}
	return parseE164("+"+s, "ZZ")
}

// cleanPhoneInput folds width (NFKC turns "＋８５２" into "+852"), trims, and
// rejects inputs that are empty or absurdly long.
func cleanPhoneInput(raw string) (string, error) {
	if len(raw) > 4*maxPhoneInput || utf8.RuneCountInString(raw) > maxPhoneInput {
		return "", fmt.Errorf("%w: longer than %d characters", ErrInvalidPhone, maxPhoneInput)
	}
	if !utf8.ValidString(raw) {
		return "", fmt.Errorf("%w: not UTF-8", ErrInvalidPhone)
	}
	s := strings.TrimSpace(norm.NFKC.String(raw))
	// Other scripts' decimal digits (Arabic-Indic "٠٥٠", Devanagari…)
	// become ASCII: NFKC leaves them alone.
	s = strings.Map(asciiDigit, s)
	digits := 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			digits++
		}
	}
	if digits == 0 {
		return "", ErrEmptyPhone
	}
	return s, nil
}

// asciiDigit maps a decimal digit of any script to its ASCII form: Unicode
// lays out each script's digits 0–9 as one contiguous run.
func asciiDigit(r rune) rune {
	if r < 0x80 || !unicode.Is(unicode.Nd, r) {
		return r
	}
	zero := r
	for zero > r-9 && unicode.Is(unicode.Nd, zero-1) {
		zero--
	}
	return '0' + (r-zero)%10
}

func knownRegion(region string) bool {
	return len(region) == 2 && phonenumbers.GetCountryCodeForRegion(region) != 0
}

// parseE164 parses with libphonenumber and validates. The library is a port
// of Google's libphonenumber; a panic on a pathological input must not reach
// the caller, so it is turned into ErrInvalidPhone.
func parseE164(s, region string) (e164 string, err error) {
	defer func() {
		if recover() != nil {
			e164, err = "", fmt.Errorf("%w: unparseable", ErrInvalidPhone)
		}
	}()
	num, perr := phonenumbers.Parse(s, region)
	if perr != nil {
		return "", fmt.Errorf("%w: %s", ErrInvalidPhone, phoneParseReason(perr))
	}
	if !phonenumbers.IsValidNumber(num) {
		return "", fmt.Errorf("%w: not a valid number in its numbering plan", ErrInvalidPhone)
	}
	return phonenumbers.Format(num, phonenumbers.E164), nil
}

// phoneParseReason turns the library's error into a short reason that never
// echoes the input.
func phoneParseReason(err error) string {
	switch {
	case errors.Is(err, phonenumbers.ErrInvalidCountryCode):
		return "invalid country code"
	case errors.Is(err, phonenumbers.ErrNotANumber):
		return "not a number"
	case errors.Is(err, phonenumbers.ErrTooShortNSN), errors.Is(err, phonenumbers.ErrTooShortAfterIDD):
		return "too short"
	case errors.Is(err, phonenumbers.ErrNumTooLong):
		return "too long"
	default:
		return "unparseable"
	}
}
