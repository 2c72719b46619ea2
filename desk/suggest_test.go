package desk_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/language"

	"github.com/switchboard-go/switchboard/autoreply"
	"github.com/switchboard-go/switchboard/autoreply/catalog"
	"github.com/switchboard-go/switchboard/desk"
)

func testFAQ(t *testing.T) *desk.FAQ {
	t.Helper()
	rules := &autoreply.RuleSet{Version: 1, Rules: []autoreply.Rule{
		{Name: "refund", Tags: []string{"refund"}, Reply: "refund.policy", Keywords: []autoreply.Keyword{
			{Text: "refund", Lang: "en"}, {Text: "reembolso", Lang: "es"}, {Text: "คืนเงิน", Lang: "th"}}},
		{Name: "size", Tags: []string{"specs"}, Reply: "specs.size", Keywords: []autoreply.Keyword{{Text: "size", Lang: "en"}, {Text: "talla", Lang: "es"}}},
	}}
	eng, err := autoreply.New(autoreply.Config{Rules: rules})
	require.NoError(t, err)
	cat := catalog.New(language.English)
	require.NoError(t, cat.Add("refund.policy", language.English, "Refunds reach your card within 5 working days."))
	require.NoError(t, cat.Add("refund.policy", language.Spanish, "El reembolso llega a tu tarjeta en 5 días hábiles."))
	require.NoError(t, cat.Add("refund.policy", language.Thai, "เงินคืนเข้าบัตรภายใน 5 วันทำการ"))
	require.NoError(t, cat.Add("specs.size", language.English, "Size {{size}} fits chest {{chest}} cm."))
	return &desk.FAQ{Engine: eng, Rules: rules, Catalog: cat}
}

func TestSuggestions(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, func(c *desk.Config) { c.Suggester = testFAQ(t) })
	tests := []struct {
		lang, text string
		want       []string
	}{
		{"es", "quiero un reembolso", []string{"El reembolso llega a tu tarjeta en 5 días hábiles."}},
		{"th", "ขอคืนเงินค่ะ", []string{"เงินคืนเข้าบัตรภายใน 5 วันทำการ"}},
		{"es", "qué talla", []string{"Size {{size}} fits chest {{chest}} cm."}},
		{"en", "hello there", nil},
	}
	for i, tc := range tests {
		c := f.handoff(t, wa(string(rune('a'+i))), "", tc.lang, tc.text)
		got, err := f.desk.Suggestions(ctx, c.ID)
		require.NoError(t, err)
		var texts []string
		for _, s := range got {
			texts = append(texts, s.Text)
		}
		assert.Equal(t, tc.want, texts, tc.text)
	}
}
