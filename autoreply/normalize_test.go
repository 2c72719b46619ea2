package autoreply

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
)

// refNormalize is the normalization done the slow, obvious way: the whole
// x/text pipeline on the whole text, then the same per-rune steps.
func refNormalize(s string, fold bool) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			b.WriteRune(utf8.RuneError)
		} else {
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	w := normWriter{foldDiacritic: fold}
	for _, r := range pipeline(b.String()) {
		w.emit(r)
	}
	return string(w.out)
}

func normString(s string, fold bool) string { return string(appendNormalized(nil, s, fold)) }

func TestNormalize(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
		fold           bool
	}{
		{"typographic apostrophes", "hasn’t ‘n’ doesnʼt ｃａｎ＇ｔ", "hasn't 'n' doesn't can't", true},
		{"typographic apostrophes unfolded", "HASN’T", "hasn't", false},
		{"ascii", "  Where IS my\tORDER?? ", "where is my order??", false},
		{"empty", "", "", false},
		{"only spaces", " \t\r\n ", "", false},
		{"full-width", "ＷＨＥＲＥ　ＩＳ　ｍｙ　ＯＲＤＥＲ？１２３", "where is my order?123", false},
		{"half-width katakana", "ﾊﾟｽﾜｰﾄﾞ", "パスワード", false},
		{"german sharp s", "STRAßE", "strasse", false},
		{"turkish dotted I", "İstanbul", "i̇stanbul", false},
		{"greek final sigma", "ΟΔΟΣ", "οδοσ", false},
		{"ligature", "ﬁle", "file", false},
		{"thai kept", "ยกเลิกคำสั่งซื้อ", "ยกเลิกค\u0e4d\u0e32สั่งซื้อ", true},
		{"thai digits", "ออเดอร์๔๘๒๑๓", "ออเดอร์48213", false},
		{"arabic-indic digits", "رقم الطلب ٤٢٧", "رقم الطلب 427", false},
		{"persian digits", "۱۲۳", "123", false},
		{"devanagari digits", "आदेश १२३", "आदेश 123", false},
		{"combining accent composes", "Cafe\u0301", "café", false},
		{"diacritics folded", "Reembolsó ĐƠN HÀNG Ñandú", "reembolso don hang nandu", true},
		{"diacritics kept", "Reembolsó", "reembolsó", false},
		{"arabic vowel marks folded", "شُكْرًا أرجّع الـمنتج", "شكرا أرجع المنتج", true},
		{"arabic vowel marks kept without folding", "شُكْرًا", "شُكْرًا", false},
		{"arabic hamza kept when folding", "أإآ", "أإآ", true},
		{"zero width removed", "พัส\u200bดุ\ufeff", "พัสดุ", false},
		{"nbsp collapses", "a\u00a0\u00a0b", "a b", false},
		{"invalid utf-8", "ab\xffcd\xc3", "ab\ufffdcd\ufffd", false},
		{"vietnamese", "Đơn hàng của tôi ở đâu", "đơn hàng của tôi ở đâu", false},
		{"chinese unchanged", "我的訂單在哪裡", "我的訂單在哪裡", false},
		{"thai marks out of order", "ก\u0e48\u0e38", "ก\u0e38\u0e48", false},
		{"emoji", "OK 👍🏽", "ok 👍🏽", false},
		{"roman numeral", "Ⅻ", "xii", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := normString(tt.in, tt.fold)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, refNormalize(tt.in, tt.fold), got, "differs from the x/text pipeline")
			assert.Equal(t, got, normString(got, tt.fold), "not idempotent")
		})
	}
}

// TestNormalizeMatchesReference runs the fast path against the plain x/text
// pipeline on the corpus and on tricky mixtures.
func TestNormalizeMatchesReference(t *testing.T) {
	t.Parallel()
	inputs := []string{
		"e\u0301\u0323", "\u1100\u1161\u11a8", "가\u11a8", "ｶﾞｷﾞ", "ＡＢ\u0301", "x\u0300\u0301y", "ǅ", "ΐΰ",
		"ﬃ ﬄ", "㈱㌔", "①②", "½", "\u0e01\u0e33\u0e48", "น้ำ", "\u0e81\u0eb3\u0ec8", "ນ້ຳ", "ǰ", "ẞ", "\u0345", "Ω", "Å",
		"\u00a8\u0301", " \u0301", "\u0301start", "İI", "ꭰꭱ", "ᏸ", "…", "‼",
	}
	if msgs, ok := corpusMessages(); ok {
		inputs = append(inputs, msgs...)
	}
	for _, in := range inputs {
		for _, fold := range []bool{false, true} {
			if got, want := normString(in, fold), refNormalize(in, fold); got != want {
				t.Errorf("normalize(%q, fold=%v) = %q, x/text pipeline gives %q", in, fold, got, want)
			}
		}
	}
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"Where is my ORDER?", "ＷＨＥＲＥ", "e\u0301", "น้ำ", "ก\u0e48\u0e38", "ｶﾞ", "\xff", "İ", "가\u11a8"} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, s string, fold bool) {
		got := normString(s, fold)
		if !utf8.ValidString(got) {
			t.Fatalf("invalid UTF-8 output %q", got)
		}
		if want := refNormalize(s, fold); got != want {
			t.Fatalf("normalize(%q, %v) = %q, x/text pipeline gives %q", s, fold, got, want)
		}
	})
}
