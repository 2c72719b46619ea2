package identity

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers"
	"github.com/switchboard-go/switchboard/channel"
)

// MaskPhone masks an E.164 number down to its country code and last four
// digits: "+85291234567" → "+852****4567". Anything else becomes "****".
// It is safe for concurrent use.
func MaskPhone(e164 string) string {
	if len(e164) < 8 || e164[0] != '+' {
		return "****"
	}
	cc := 1
	for n := 1; n <= 3; n++ {
		v, err := strconv.Atoi(e164[1 : 1+n])
		if err == nil && phonenumbers.GetRegionCodeForCountryCode(v) != "ZZ" {
			cc = n
			break
		}
	}
	return e164[:1+cc] + "****" + e164[len(e164)-4:]
}

// MaskEmail keeps the first character and the domain: "c***@example.com".
// It is safe for concurrent use.
func MaskEmail(email string) string {
	at := strings.LastIndexByte(email, '@')
	if at <= 0 {
		return "****"
	}
	_, n := utf8.DecodeRuneInString(email)
	return email[:n] + "***" + email[at:]
}

// mask replaces, in place, what the default view must not show: phone
// numbers, emails, numeric WhatsApp ids (which are phone numbers) and
// sensitive fields.
func (r *Registry) mask(p *Profile) {
	for i := range p.Phones {
		p.Phones[i].E164 = MaskPhone(p.Phones[i].E164)
		p.Phones[i].Raw = p.Phones[i].E164
	}
	for i := range p.Emails {
		p.Emails[i] = MaskEmail(p.Emails[i])
	}
	for i, l := range p.Links {
		if l.Channel == channel.WhatsApp && isDigits(l.ID) {
			p.Links[i].ID = MaskPhone("+" + l.ID)
		}
	}
	for i, f := range p.Fields {
		if f.Sensitive || r.sensitive[f.Name] {
			p.Fields[i].Value = "****"
		}
	}
}

func (r *Registry) maskValue(field, v string) string {
	switch {
	case field == "phone":
		return MaskPhone(v)
	case field == "email":
		return MaskEmail(v)
	case r.sensitive[field]:
		return "****"
	}
	return v
}

// isDigits reports whether s is a non-empty run of ASCII digits.
func isDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}
