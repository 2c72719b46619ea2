package identity

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// IsAcceptance reports whether a customer's reply accepts the privacy
// notice: "agree", "I agree", "同意", "ยอมรับค่ะ", "Estoy de acuerdo"… in the
// twelve languages the shop bot serves (English, Spanish, Brazilian
// Portuguese, French, German, Indonesian, Vietnamese, Thai, Simplified and
// Traditional Chinese, Japanese, Arabic).
//
// The whole reply must be an acceptance: case, width, spaces, punctuation,
// emoji and Thai polite particles (ครับ, ค่ะ…) are ignored, but "I don't
// agree", "不同意" or "agree?" followed by a question are not acceptances.
// Consent must be explicit, so "ok" and "yes" alone are not either. Replies
// longer than 64 characters never are. IsAcceptance is safe for concurrent
// use.
func IsAcceptance(text string) bool {
	if utf8.RuneCountInString(text) > 64 {
		return false
	}
	s := cases.Fold().String(norm.NFKC.String(text))
	var b strings.Builder
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.In(r, unicode.Mn, unicode.Mc) {
			b.WriteRune(r)
		}
	}
	s = b.String()
	for {
		t := s
		for _, p := range []string{"ครับ", "ค่ะ", "คะ", "ค่า", "จ้ะ", "จ้า", "นะ", "ka", "krub", "khrap"} {
			if len(s) > len(p) {
				s = strings.TrimSuffix(s, p)
			}
		}
		if t == s {
			break
		}
	}
	switch s {
	case // en
		"agree", "iagree", "yesiagree", "agreed", "accept", "iaccept", "yesiaccept", "iconsent", "consent":
		return true
	case // es
		"acepto", "síacepto", "siacepto", "deacuerdo", "estoydeacuerdo", "aceptar":
		return true
	case // pt-BR
		"aceito", "euaceito", "simaceito", "concordo", "euconcordo", "simconcordo", "deacordo", "estoudeacordo":
		return true
	case // fr
		"jaccepte", "accepte", "ouijaccepte", "daccord", "jesuisdaccord", "ouidaccord":
		return true
	case // de
		"ichstimmezu", "jaichstimmezu", "zustimmen", "einverstanden", "ichbineinverstanden",
		"akzeptieren", "ichakzeptiere", "akzeptiert":
		return true
	case // id
		"setuju", "sayasetuju", "yasetuju", "terima", "sayaterima", "menerima", "sayamenerima":
		return true
	case // vi (with and without tone marks)
		"đồngý", "tôiđồngý", "vângtôiđồngý", "chấpnhận", "tôichấpnhận", "dongy", "toidongy", "chapnhan":
		return true
	case // th
		"ยอมรับ", "ฉันยอมรับ", "ผมยอมรับ", "ตกลง", "ยินยอม", "ตกลงยอมรับ", "ยอมรับเงื่อนไข":
		return true
	case // zh-Hans, zh-Hant
		"同意", "我同意", "接受", "我接受", "好的同意", "同意条款", "同意條款":
		return true
	case // ja
		"同意します", "同意する", "承諾します", "承諾", "はい同意します", "同意いたします":
		return true
	case // ar
		"أوافق", "اوافق", "موافق", "موافقة", "نعمأوافق", "أناموافق", "اناموافق", "أقبل", "اقبل", "قبول":
		return true
	}
	return false
}
