package autoreply_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/autoreply"
	"github.com/switchboard-go/switchboard/channel"
)

func TestParseKeyword(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in       string
		wantText string
		wantMode autoreply.Mode
		wantErr  bool
	}{
		{"size", "size", autoreply.Auto, false},
		{"~size", "size", autoreply.Contains, false},
		{"refund*", "refund", autoreply.Prefix, false},
		{"=hi", "hi", autoreply.Exact, false},
		{`\~x`, "~x", autoreply.Auto, false},
		{`\=x`, "=x", autoreply.Auto, false},
		{`c\*`, "c*", autoreply.Auto, false},
		{`\\x`, `\x`, autoreply.Auto, false},
		{"พัสดุ", "พัสดุ", autoreply.Auto, false},
		{`\~tilde*`, "~tilde", autoreply.Prefix, false},
		{`~x\*`, "x*", autoreply.Contains, false},
		{`=\x`, `\x`, autoreply.Exact, false},
		{"", "", 0, true},
		{"~", "", 0, true},
		{"*", "", 0, true},
		{"=", "", 0, true},
		{"  ", "", 0, true},
		{"ref*und", "", 0, true},
		{"~refund*", "", 0, true},
		{"=hi*", "", 0, true},
		{"bad\xff", "", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			k, err := autoreply.ParseKeyword(tt.in, "en")
			if tt.wantErr {
				require.ErrorIs(t, err, autoreply.ErrInvalidKeyword)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.wantText, k.Text)
			assert.Equal(t, tt.wantMode, k.Mode)
			assert.Equal(t, "en", k.Lang)
			back, err := autoreply.ParseKeyword(k.String(), "en")
			require.NoError(t, err)
			assert.Equal(t, k, back, "String round trip")
		})
	}
}

func TestLoadRules(t *testing.T) {
	t.Parallel()
	rs := loadTestRules(t)
	require.Len(t, rs.Rules, 5)
	r := rs.Rules[0]
	assert.Equal(t, "where_is_my_order", r.Name)
	assert.Equal(t, 10, r.Priority)
	assert.Equal(t, []string{"shipping_status"}, r.Tags)
	assert.Equal(t, &autoreply.Step{Ask: "shipping.ask_order", Await: "order_number", Then: "shipping.status", Lookup: "track"}, r.Next)
	// Languages come in sorted order, keywords in file order within one.
	assert.Equal(t, autoreply.Keyword{Text: "وين طلبي", Lang: "ar"}, r.Keywords[0])
	assert.Contains(t, r.Keywords, autoreply.Keyword{Text: "track", Lang: "en", Mode: autoreply.Prefix})
	assert.Contains(t, r.Keywords, autoreply.Keyword{Text: "parcel", Lang: "en", Mode: autoreply.Contains})
	assert.Len(t, rs.Handoff, 12)
}

func TestLoadRulesErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, json, wantInErr string
	}{
		{"not json", `{`, "unexpected EOF"},
		{"wrong version", `{"version":2,"rules":[]}`, "version 2"},
		{"unknown field", `{"version":1,"rules":[{"name":"a","reply":"x","keyword":{}}]}`, "unknown field"},
		{"bad keyword", `{"version":1,"rules":[{"name":"returns","reply":"x","keywords":{"en":["ret*urn"]}}]}`, `rule "returns"`},
		{"empty keyword", `{"version":1,"rules":[{"name":"returns","reply":"x","keywords":{"en":[""]}}]}`, `rule "returns"`},
		{"bad hand-off keyword", `{"version":1,"handoff":{"en":["~"]},"rules":[]}`, "handoff"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := autoreply.LoadRules(strings.NewReader(tt.json))
			require.ErrorIs(t, err, autoreply.ErrInvalidRules)
			assert.Contains(t, err.Error(), tt.wantInErr)
		})
	}
}

func TestNewErrors(t *testing.T) {
	t.Parallel()
	ok := func(name string, k ...string) autoreply.Rule {
		return autoreply.Rule{Name: name, Keywords: kw(k...), Reply: "x"}
	}
	tests := []struct {
		name      string
		rs        *autoreply.RuleSet
		wantInErr string
	}{
		{"duplicate keyword in a rule", rules(ok("refund", "refund", "REFUND")), `rule "refund": keyword "REFUND" duplicates "refund" of rule "refund"`},
		{"duplicate across rules", rules(ok("refund", "money back"), ok("returns", "Money  Back")), `rule "returns": keyword "Money  Back" duplicates "money back" of rule "refund"`},
		{"duplicate full-width", rules(ok("a", "size"), ok("b", "ＳＩＺＥ")), `rule "b"`},
		{"duplicate across modes", rules(ok("a", "size"), ok("b", "~size")), `rule "b"`},
		{"duplicate of a hand-off keyword", &autoreply.RuleSet{Handoff: kw("agent"), Rules: []autoreply.Rule{ok("agents", "Agent")}}, `rule "agents": keyword "Agent" duplicates "agent" of handoff`},
		{"empty after normalization", rules(ok("blank", "\u200b\u200b")), `rule "blank": keyword "\u200b\u200b" is empty`},
		{"exact of punctuation only", rules(ok("bang", "=!!!")), `rule "bang"`},
		{"empty keyword text", rules(autoreply.Rule{Name: "empty", Keywords: []autoreply.Keyword{{Text: ""}}, Reply: "x"}), `rule "empty"`},
		{"invalid mode", rules(autoreply.Rule{Name: "mode", Keywords: []autoreply.Keyword{{Text: "x", Mode: 42}}, Reply: "x"}), `rule "mode": keyword "x": invalid mode`},
		{"prefix in Han", rules(ok("han", "退*")), `rule "han": prefix keyword`},
		{"no keywords", rules(autoreply.Rule{Name: "mute", Reply: "x"}), `rule "mute" has no keywords`},
		{"no reply", rules(autoreply.Rule{Name: "silent", Keywords: kw("x")}), `rule "silent" has neither`},
		{"no name", rules(autoreply.Rule{Keywords: kw("x"), Reply: "x"}), `rule #1 (unnamed)`},
		{"duplicate name", rules(ok("a", "x"), ok("a", "y")), `rule "a": name used twice`},
		{"unknown extractor", rules(autoreply.Rule{Name: "ex", Keywords: kw("x"), Reply: "x", Extract: []string{"phone"}}), `rule "ex": unknown extractor "phone"`},
		{"missing lookup", rules(autoreply.Rule{Name: "track", Keywords: kw("x"), Next: &autoreply.Step{Ask: "a", Await: "order_number", Then: "t", Lookup: "nope"}}), `rule "track": lookup "nope"`},
		{"next without await", rules(autoreply.Rule{Name: "half", Keywords: kw("x"), Next: &autoreply.Step{Ask: "a", Then: "t"}}), `rule "half": next needs await`},
		{"nil rule set", nil, "no rule set"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := autoreply.New(autoreply.Config{Rules: tt.rs})
			require.ErrorIs(t, err, autoreply.ErrInvalidRules)
			assert.Contains(t, err.Error(), tt.wantInErr)
		})
	}
}

func TestNewAcceptsLookup(t *testing.T) {
	t.Parallel()
	lookup := func(context.Context, channel.Address, string) (map[string]string, error) { return nil, errors.New("x") }
	_, err := autoreply.New(autoreply.Config{
		Rules:   rules(autoreply.Rule{Name: "track", Keywords: kw("x"), Next: &autoreply.Step{Ask: "a", Await: "order_number", Then: "t", Lookup: "track"}}),
		Lookups: map[string]autoreply.LookupFunc{"track": lookup},
	})
	require.NoError(t, err)
}
