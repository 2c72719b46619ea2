package lang

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestProtect(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, text string
		spans          []string
	}{
		{"plain", "thanks a lot", "thanks a lot", nil},
		{"order number", "where is order 48213957?", "where is order ⟦0⟧?", []string{"48213957"}},
		{"hash order", "order #10492 please", "order ⟦0⟧ please", []string{"#10492"}},
		{"tracking numbers", "1Z999AA10123456784 and LX123456789CN", "⟦0⟧ and ⟦1⟧", []string{"1Z999AA10123456784", "LX123456789CN"}},
		{"dashed order", "ref SO-2024-00017 ok", "ref ⟦0⟧ ok", []string{"SO-2024-00017"}},
		{"short numbers stay", "size 42, 3 items, model a4b5", "size 42, 3 items, model a4b5", nil},
		{"url", "see https://shop.example/track?id=9&x=1.", "see ⟦0⟧.", []string{"https://shop.example/track?id=9&x=1"}},
		{"www", "www.example.com/returns, thanks", "⟦0⟧, thanks", []string{"www.example.com/returns"}},
		{"email", "write to help@shop.example", "write to ⟦0⟧", []string{"help@shop.example"}},
		{"template variable", "Hi {{name}}, order {{ .Order }} ships", "Hi ⟦0⟧, order ⟦1⟧ ships", []string{"{{name}}", "{{ .Order }}"}},
		{"price before", "it costs $12.50 or HK$ 399", "it costs ⟦0⟧ or ⟦1⟧", []string{"$12.50", "HK$ 399"}},
		{"price signs", "€9,99 £5 ฿250 R$ 49,90", "⟦0⟧ ⟦1⟧ ⟦2⟧ ⟦3⟧", []string{"€9,99", "£5", "฿250", "R$ 49,90"}},
		{"price codes", "Rp 150.000 or USD 20", "⟦0⟧ or ⟦1⟧", []string{"Rp 150.000", "USD 20"}},
		{"price after", "250 บาท, 1,200円, 99 USD, 150.000đ", "⟦0⟧, ⟦1⟧, ⟦2⟧, ⟦3⟧", []string{"250 บาท", "1,200円", "99 USD", "150.000đ"}},
		{"brackets in the text", "a ⟦0⟧ b", "a ⟦0⟧0⟦1⟧ b", []string{"⟦", "⟧"}},
		{"cjk", "订单48213957到哪了", "订单⟦0⟧到哪了", []string{"48213957"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := Protect(tt.in)
			assert.Equal(t, tt.text, p.Text)
			assert.Equal(t, tt.spans, p.Spans)
			back, err := p.Restore(p.Text)
			require.NoError(t, err)
			assert.Equal(t, tt.in, back)
		})
	}
}

func TestRestore(t *testing.T) {
	t.Parallel()
	p := Protect("order 48213957 costs $20")
	require.Equal(t, "order ⟦0⟧ costs ⟦1⟧", p.Text)
	tests := []struct {
		name, translated, want string
		err                    *PlaceholderError
	}{
		{"reordered", "⟦1⟧ kostet Bestellung ⟦0⟧", "$20 kostet Bestellung 48213957", nil},
		{"spaces inside brackets", "pedido ⟦ 0 ⟧ cuesta ⟦1 ⟧", "pedido 48213957 cuesta $20", nil},
		{"lost", "pedido cuesta ⟦1⟧", "", &PlaceholderError{Index: 0, Count: 0}},
		{"repeated", "⟦0⟧ ⟦0⟧ ⟦1⟧", "", &PlaceholderError{Index: 0, Count: 2}},
		{"invented", "⟦0⟧ ⟦1⟧ ⟦7⟧", "", &PlaceholderError{Index: 7, Count: -1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := p.Restore(tt.translated)
			if tt.err == nil {
				require.NoError(t, err)
				assert.Equal(t, tt.want, got)
				return
			}
			require.ErrorIs(t, err, ErrPlaceholders)
			var pe *PlaceholderError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, tt.err, pe)
			assert.NotEmpty(t, pe.Error())
		})
	}
}

// FuzzProtectRestore: restoring the protected text itself gives the input
// back, whatever it holds, and no span's digits leak into the text to
// translate.
func FuzzProtectRestore(f *testing.F) {
	for _, s := range []string{"order 48213957", "{{name}} https://x.y/z $5", "⟦0⟧⟧⟦", "a@b.c 1,200円", "\xff{{", strings.Repeat("9", 40), "⟦ 1 ⟧"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p := Protect(s)
		back, err := p.Restore(p.Text)
		if err != nil {
			t.Fatalf("%q: %v (text %q, spans %q)", s, err, p.Text, p.Spans)
		}
		if back != s {
			t.Fatalf("%q came back as %q", s, back)
		}
		// Placeholders are all the protected text has of its brackets
		// (counted as decoded runes: invalid bytes around a placeholder
		// do not make one).
		n := len(placeholder.FindAllStringIndex(p.Text, -1))
		if strings.Count(p.Text, "⟦") != n || strings.Count(p.Text, "⟧") != n {
			t.Fatalf("%q: stray bracket in %q", s, p.Text)
		}
		if utf8.ValidString(s) && !utf8.ValidString(p.Text) {
			t.Fatalf("%q: invalid UTF-8 out", s)
		}
		// A placeholder that went missing is reported.
		if len(p.Spans) > 0 {
			if _, err := p.Restore(placeholder.ReplaceAllString(p.Text, "")); err == nil {
				t.Fatalf("%q: lost placeholders not reported", s)
			}
		}
	})
}
