package autoreply_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/autoreply"
	"github.com/switchboard-go/switchboard/autoreply/intent"
	"github.com/switchboard-go/switchboard/channel"
)

// guesser is a Classifier that answers from a table and records what it
// was asked.
type guesser struct {
	mu      sync.Mutex
	answers map[string]string // normalized text → intent
	asked   []string
}

func (g *guesser) Intent(normalized string) string {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.asked = append(g.asked, normalized)
	return g.answers[normalized]
}

// fallbackRules has a plain rule, a two-step rule and two rules sharing a
// first tag.
func fallbackRules() *autoreply.RuleSet {
	kw := func(s string) []autoreply.Keyword { return []autoreply.Keyword{{Text: s, Lang: "en"}} }
	return &autoreply.RuleSet{
		Handoff: kw("human please"),
		Rules: []autoreply.Rule{
			{Name: "refund", Tags: []string{"refund"}, Keywords: kw("refund"), Reply: "refund.status"},
			{Name: "refund_late", Tags: []string{"refund", "late"}, Keywords: kw("refund late"), Reply: "refund.late"},
			{Name: "where", Tags: []string{"shipping_status"}, Keywords: kw("where is my order"), Reply: "shipping.status",
				Next: &autoreply.Step{Ask: "shipping.ask_order", Await: autoreply.ExtractOrderNumber, Then: "shipping.status"}},
		},
	}
}

func newFallbackEngine(t *testing.T, fb autoreply.Classifier) *autoreply.Engine {
	t.Helper()
	eng, err := autoreply.New(autoreply.Config{Rules: fallbackRules(), Fallback: fb, FoldDiacritics: true})
	require.NoError(t, err)
	return eng
}

func TestFallback(t *testing.T) {
	t.Parallel()
	answers := map[string]string{
		"money back please":        "refund",
		"has my parcel moved?":     "shipping_status",
		"can i talk to someone":    autoreply.HandoffIntent,
		"a tag no rule has":        "invoice",
		"refund, thanks":           "shipping_status", // a keyword matches: not asked
		"order 48213957 is late":   "refund",
		"sure, sounds good thanks": "",
	}
	tests := []struct {
		name   string
		text   string
		want   autoreply.Decision
		nAsked int
	}{
		{"chooses a rule by its first tag", "Money back please", autoreply.Decision{
			Action: autoreply.Reply, Rule: "refund", Intent: "refund", Template: "refund.status"}, 1},
		{"a two-step rule asks", "Has my parcel moved?", autoreply.Decision{
			Action: autoreply.Ask, Rule: "where", Intent: "shipping_status", Template: "shipping.ask_order"}, 1},
		{"hands off", "Can I talk to someone", autoreply.Decision{
			Action: autoreply.Handoff, Reason: autoreply.Requested}, 1},
		{"a tag no rule has is a miss", "a tag no rule has", autoreply.Decision{Action: autoreply.NoMatch}, 1},
		{"no intent is a miss", "sure, sounds good thanks", autoreply.Decision{Action: autoreply.NoMatch}, 1},
		{"keywords come first", "Refund, thanks", autoreply.Decision{
			Action: autoreply.Reply, Rule: "refund", Intent: "refund", Template: "refund.status"}, 0},
		{"hand-off keywords come first", "human please", autoreply.Decision{
			Action: autoreply.Handoff, Reason: autoreply.Requested}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			g := &guesser{answers: answers}
			eng := newFallbackEngine(t, g)
			d, err := eng.Decide(context.Background(), &channel.Message{From: channel.Address{Channel: channel.LINE, ID: "u1"}, Text: tt.text})
			require.NoError(t, err)
			assert.Equal(t, tt.want.Action, d.Action)
			assert.Equal(t, tt.want.Reason, d.Reason)
			assert.Equal(t, tt.want.Rule, d.Rule)
			assert.Equal(t, tt.want.Intent, d.Intent)
			assert.Equal(t, tt.want.Template, d.Template)
			assert.Len(t, g.asked, tt.nAsked)
			if tt.nAsked > 0 {
				assert.Equal(t, eng.Normalize(tt.text), g.asked[0], "the classifier gets the normalized text")
			}
		})
	}

	t.Run("counts as a trigger of the rule, not a miss", func(t *testing.T) {
		t.Parallel()
		eng := newFallbackEngine(t, &guesser{answers: answers})
		_, err := eng.Decide(context.Background(), &channel.Message{From: channel.Address{Channel: channel.LINE, ID: "u2"}, Text: "money back please"})
		require.NoError(t, err)
		st := eng.Stats()
		assert.Empty(t, st.Misses)
		require.Equal(t, "refund", st.Rules[0].Rule)
		assert.EqualValues(t, 1, st.Rules[0].Triggered)
	})
	t.Run("an awaited value comes first", func(t *testing.T) {
		t.Parallel()
		g := &guesser{answers: answers}
		eng := newFallbackEngine(t, g)
		from := channel.Address{Channel: channel.LINE, ID: "u3"}
		d, err := eng.Decide(context.Background(), &channel.Message{From: from, Text: "where is my order"})
		require.NoError(t, err)
		require.Equal(t, autoreply.Ask, d.Action)
		d, err = eng.Decide(context.Background(), &channel.Message{From: from, Text: "order 48213957 is late"})
		require.NoError(t, err)
		assert.Equal(t, autoreply.Reply, d.Action)
		assert.Equal(t, "where", d.Rule)
		assert.Equal(t, "48213957", d.Vars[autoreply.ExtractOrderNumber])
		assert.Empty(t, g.asked)
	})
	t.Run("without a fallback a paraphrase is a miss", func(t *testing.T) {
		t.Parallel()
		eng := newFallbackEngine(t, nil)
		d, err := eng.Decide(context.Background(), &channel.Message{From: channel.Address{Channel: channel.LINE, ID: "u4"}, Text: "money back please"})
		require.NoError(t, err)
		assert.Equal(t, autoreply.NoMatch, d.Action)
	})
}

// vetoer is a guesser that also withholds keyword answers from a table.
type vetoer struct {
	guesser
	quiet map[string]bool // normalized text → needs no answer
	vetos []string
}

func (v *vetoer) NeedsNoAnswer(normalized string) bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.vetos = append(v.vetos, normalized)
	return v.quiet[normalized]
}

func TestVetoer(t *testing.T) {
	t.Parallel()
	quiet := map[string]bool{"thanks, the refund arrived": true, "human please, thanks": true, "order 48213957": true}
	tests := []struct {
		name   string
		texts  []string
		action autoreply.Action
		rule   string
		vetos  int
	}{
		{"withholds a keyword's answer", []string{"Thanks, the refund arrived"}, autoreply.NoMatch, "", 1},
		{"lets other keyword answers through", []string{"refund please"}, autoreply.Reply, "refund", 1},
		{"not asked about hand-off keywords", []string{"human please, thanks"}, autoreply.Handoff, "", 0},
		{"not asked about an awaited value", []string{"where is my order", "order 48213957"}, autoreply.Reply, "where", 1},
		{"not asked without a keyword", []string{"lovely weather"}, autoreply.NoMatch, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			v := &vetoer{quiet: quiet}
			eng := newFallbackEngine(t, v)
			d := decideAll(t, eng, tt.texts)
			assert.Equal(t, tt.action, d.Action)
			assert.Equal(t, tt.rule, d.Rule)
			assert.Len(t, v.vetos, tt.vetos)
		})
	}
	t.Run("a withheld answer is a miss", func(t *testing.T) {
		t.Parallel()
		eng := newFallbackEngine(t, &vetoer{quiet: quiet})
		d, err := eng.Decide(context.Background(), &channel.Message{From: channel.Address{Channel: channel.LINE, ID: "v2"}, Text: "thanks, the refund arrived"})
		require.NoError(t, err)
		assert.NotEmpty(t, d.Hits, "the keyword still matched")
		st := eng.Stats()
		assert.Len(t, st.Misses, 1)
		assert.EqualValues(t, 0, st.Rules[0].Triggered)
	})
}

// overruler is a Vetoer and Overruler that answers from tables and records
// what it was asked.
type overruler struct {
	vetoer
	mu     sync.Mutex
	others map[string]string // normalized text → the tag that answers instead
	asked  []string          // "text|tag" per Overrule call
}

func (o *overruler) Overrule(normalized, tag string) string {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.asked = append(o.asked, normalized+"|"+tag)
	return o.others[normalized]
}

func TestOverruler(t *testing.T) {
	t.Parallel()
	others := map[string]string{
		"where is my order? the money should come back": "refund",
		"where is my order, i want a refund":            "refund",
		"where is my order, the refund late":            "refund",
		"refund? just get me a human":                   autoreply.HandoffIntent,
		"refund the shoes":                              "a tag no rule has",
		"thanks, the refund arrived":                    "refund",
		"order 48213957":                                "refund",
	}
	tests := []struct {
		name   string
		texts  []string
		action autoreply.Action
		rule   string
		asked  []string
	}{
		{"another rule answers", []string{"where is my order? The money should come back"}, autoreply.Reply, "refund",
			[]string{"where is my order? the money should come back|shipping_status"}},
		{"a rule whose keyword matched too", []string{"where is my order, I want a refund"}, autoreply.Reply, "refund",
			[]string{"where is my order, i want a refund|shipping_status"}},
		{"the chosen tag's best hit", []string{"where is my order, the refund late"}, autoreply.Reply, "refund_late",
			[]string{"where is my order, the refund late|shipping_status"}},
		{"keeps the keyword's rule", []string{"refund please"}, autoreply.Reply, "refund", []string{"refund please|refund"}},
		{"hands off", []string{"refund? just get me a human"}, autoreply.Handoff, "", []string{"refund? just get me a human|refund"}},
		{"a tag no rule has keeps the rule", []string{"refund the shoes"}, autoreply.Reply, "refund", []string{"refund the shoes|refund"}},
		{"not asked once vetoed", []string{"thanks, the refund arrived"}, autoreply.NoMatch, "", nil},
		{"not asked about an awaited value", []string{"where is my order", "order 48213957"}, autoreply.Reply, "where",
			[]string{"where is my order|shipping_status"}},
		{"not asked about hand-off keywords", []string{"human please, refund"}, autoreply.Handoff, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			o := &overruler{vetoer: vetoer{quiet: map[string]bool{"thanks, the refund arrived": true}}, others: others}
			eng := newFallbackEngine(t, o)
			d := decideAll(t, eng, tt.texts)
			assert.Equal(t, tt.action, d.Action)
			assert.Equal(t, tt.rule, d.Rule)
			if tt.action == autoreply.Handoff {
				assert.Equal(t, autoreply.Requested, d.Reason)
			}
			assert.Equal(t, tt.asked, o.asked)
		})
	}
}

// decideAll decides texts in order, in one conversation, and returns the
// last decision.
func decideAll(t *testing.T, eng *autoreply.Engine, texts []string) autoreply.Decision {
	t.Helper()
	var d autoreply.Decision
	for _, text := range texts {
		var err error
		d, err = eng.Decide(context.Background(), &channel.Message{From: channel.Address{Channel: channel.LINE, ID: "c"}, Text: text})
		require.NoError(t, err)
	}
	return d
}

func TestNormalizeMatchesEngine(t *testing.T) {
	t.Parallel()
	for _, fold := range []bool{false, true} {
		eng, err := autoreply.New(autoreply.Config{Rules: fallbackRules(), FoldDiacritics: fold})
		require.NoError(t, err)
		for _, s := range []string{"", "  Wo ist   MEIN Paket?", "ＲＥＦＵＮＤ ٤٢", "أرجّـع الفاتورة", "hasn’t arrived", "Reembolsó\u200b"} {
			assert.Equal(t, eng.Normalize(s), autoreply.Normalize(s, fold), "%q fold=%v", s, fold)
		}
	}
}

// BenchmarkFallback is the cost of deciding a message that no keyword
// matches, without a fallback (the baseline) and with an intent.Model
// trained on a few hundred examples; and of a message that a keyword
// matches, which a plain fallback never sees and a Vetoer (the same model
// with a NoneConfidence) judges before the keyword answers, and an
// Overruler (with an OverruleConfidence too) judges again after.
func BenchmarkFallback(b *testing.B) {
	var exs []intent.Example
	for i, label := range []string{"refund", "shipping_status", "none"} {
		for _, s := range []string{"money back", "where is it", "thanks", "parcel moved", "hello", "refund status", "tracking", "great"} {
			exs = append(exs, intent.Example{Text: strings.Repeat(s+" ", i+1) + label, Label: label})
		}
	}
	cfg := intent.Config{Normalize: func(s string) string { return autoreply.Normalize(s, true) }}
	m, err := intent.Train(exs, cfg)
	require.NoError(b, err)
	cfg.NoneConfidence = 0.9
	veto, err := intent.Train(exs, cfg)
	require.NoError(b, err)
	cfg.OverruleConfidence = 0.99
	over, err := intent.Train(exs, cfg)
	require.NoError(b, err)
	for _, bm := range []struct {
		name string
		fb   autoreply.Classifier
		text string
	}{
		{"miss/keywords only", nil, "hi, has my parcel moved at all since monday?"},
		{"miss/with fallback", m, "hi, has my parcel moved at all since monday?"},
		{"hit/keywords only", nil, "hi, where is my order? it is late"},
		{"hit/with fallback", m, "hi, where is my order? it is late"},
		{"hit/with vetoing fallback", veto, "hi, where is my order? it is late"},
		{"hit/with vetoing and overruling fallback", over, "hi, where is my order? it is late"},
	} {
		b.Run(bm.name, func(b *testing.B) {
			eng, err := autoreply.New(autoreply.Config{Rules: fallbackRules(), Fallback: bm.fb, FoldDiacritics: true, MaxMisses: -1})
			require.NoError(b, err)
			msg := &channel.Message{From: channel.Address{Channel: channel.LINE, ID: "bench"}, Text: bm.text}
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := eng.Decide(ctx, msg); err != nil {
					b.Fatal(err)
				}
				if err := eng.Release(ctx, msg.From); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
