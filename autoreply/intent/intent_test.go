package intent_test

import (
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/autoreply/intent"
)

// shopExamples is a small training set in English and Arabic.
var shopExamples = []intent.Example{
	{"where is my parcel", "shipping_status"},
	{"my package has not arrived yet", "shipping_status"},
	{"tracking shows no update", "shipping_status"},
	{"I want my money back", "refund"},
	{"when will I get the refund", "refund"},
	{"refund my payment please", "refund"},
	{"thanks a lot", "none"},
	{"hello, good morning", "none"},
	{"great, thank you so much", "none"},
	{"وين الطرد حقي", "shipping_status"},
	{"الشحنة ما وصلت", "shipping_status"},
	{"ابي فلوسي ترجع", "refund"},
	{"متى يرجع المبلغ", "refund"},
	{"شكرا جزيلا", "none"},
	{"مرحبا", "none"},
}

func train(t testing.TB, cfg intent.Config) *intent.Model {
	t.Helper()
	m, err := intent.Train(shopExamples, cfg)
	require.NoError(t, err)
	return m
}

func TestTrainErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		examples []intent.Example
		cfg      intent.Config
	}{
		{"no examples", nil, intent.Config{}},
		{"only empty texts", []intent.Example{{" ", "none"}, {"?!", "refund"}}, intent.Config{}},
		{"no none example", []intent.Example{{"refund please", "refund"}}, intent.Config{}},
		{"none label renamed", shopExamples, intent.Config{NoneLabel: "smalltalk"}},
		{"normalize empties everything", shopExamples, intent.Config{Normalize: func(string) string { return "" }}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := intent.Train(tt.examples, tt.cfg)
			require.ErrorIs(t, err, intent.ErrNoExamples)
		})
	}
}

func TestClassify(t *testing.T) {
	t.Parallel()
	m := train(t, intent.Config{Normalize: strings.ToLower, MinConfidence: 0.6})
	assert.Equal(t, []string{"shipping_status", "refund", "none"}, m.Labels())
	tests := []struct {
		text, want string
	}{
		// Messages not in the training set.
		{"my parcel still has not arrived", "shipping_status"},
		{"any update on the tracking?", "shipping_status"},
		{"i want the refund of my money", "refund"},
		{"thanks, good morning!", "none"},
		{"الطرد ما وصل", "shipping_status"},
		{"ابي المبلغ يرجع", "refund"},
		{"شكرا", "none"},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			t.Parallel()
			got, p := m.Classify(tt.text)
			assert.Equal(t, tt.want, got)
			assert.Greater(t, p, 1.0/3, "the best of three labels")
			assert.LessOrEqual(t, p, 1.0)
		})
	}
}

func TestClassifyNothingKnown(t *testing.T) {
	t.Parallel()
	m := train(t, intent.Config{})
	for _, text := range []string{"", "   ", "?!…", "😀👍", "qqqq zzzz"} {
		label, p := m.Classify(text)
		assert.Equal(t, "none", label, "%q", text)
		assert.Equal(t, 1.0, p, "%q", text)
		assert.Empty(t, m.Intent(text), "%q", text)
	}
}

func TestIntent(t *testing.T) {
	t.Parallel()
	// A message that touches two labels, so that p is well below 1.
	text := "my parcel has not arrived, when will I get the refund"
	label, p := train(t, intent.Config{}).Classify(text)
	require.Contains(t, []string{"shipping_status", "refund"}, label)
	require.Less(t, p, 0.999)

	t.Run("confident enough", func(t *testing.T) {
		t.Parallel()
		assert.Equal(t, label, train(t, intent.Config{MinConfidence: p}).Intent(text))
	})
	t.Run("not confident enough", func(t *testing.T) {
		t.Parallel()
		assert.Empty(t, train(t, intent.Config{MinConfidence: p + (1-p)/2}).Intent(text))
	})
	t.Run("none is never an intent", func(t *testing.T) {
		t.Parallel()
		m := train(t, intent.Config{MinConfidence: 0.01})
		label, _ := m.Classify("thanks a lot, good morning")
		require.Equal(t, "none", label)
		assert.Empty(t, m.Intent("thanks a lot, good morning"))
	})
}

func TestNeedsNoAnswer(t *testing.T) {
	t.Parallel()
	small := "thanks a lot, good morning"
	label, p := train(t, intent.Config{}).Classify(small)
	require.Equal(t, "none", label)
	require.Less(t, p, 1.0)
	assert.False(t, train(t, intent.Config{}).NeedsNoAnswer(small), "0 means never")
	assert.True(t, train(t, intent.Config{NoneConfidence: p}).NeedsNoAnswer(small))
	assert.False(t, train(t, intent.Config{NoneConfidence: p + (1-p)/2}).NeedsNoAnswer(small), "not sure enough")
	assert.False(t, train(t, intent.Config{NoneConfidence: 0.01}).NeedsNoAnswer("where is my parcel"), "another label wins")
}

// pooledExamples has more request labels than shopExamples, so that
// pooling them matters.
var pooledExamples = []intent.Example{
	{"where is my refund", "refund"},
	{"refund not received yet", "refund"},
	{"I want a refund", "refund"},
	{"where is my parcel", "shipping_status"},
	{"parcel not delivered yet", "shipping_status"},
	{"send me the invoice", "invoice"},
	{"I need an invoice", "invoice"},
	{"what size is it", "product_specs"},
	{"is it waterproof", "product_specs"},
	{"thank you so much", "none"},
	{"it came through, thank you", "none"},
	{"all good, it arrived", "none"},
	{"hello", "none"},
	{"the parcel came, thank you", "none"},
}

// TestStatementNoneConfidence: small talk that names a request's words
// loses to that request in the full model, but the pooled view (none
// against every request at once) can still withhold the answer, for a
// message that does not ask.
func TestStatementNoneConfidence(t *testing.T) {
	t.Parallel()
	trainPooled := func(stmt float64) *intent.Model {
		m, err := intent.Train(pooledExamples, intent.Config{NoneConfidence: 0.5, StatementNoneConfidence: stmt})
		require.NoError(t, err)
		return m
	}
	small := "refund arrived, thanks"
	label, _ := trainPooled(0).Classify(small)
	require.Equal(t, "refund", label, "the full model alone answers it")
	assert.False(t, trainPooled(0).NeedsNoAnswer(small), "0 means never")
	assert.True(t, trainPooled(0.5).NeedsNoAnswer(small))
	assert.False(t, trainPooled(0.99).NeedsNoAnswer(small), "not sure enough")
	assert.False(t, trainPooled(0.5).NeedsNoAnswer(small+"?"), "a question is never pooled")
	assert.False(t, trainPooled(0.5).NeedsNoAnswer("refund not received"), "a request stays one")
	label, _ = trainPooled(0.5).Classify(small)
	assert.Equal(t, "refund", label, "Classify is the full model's")

	answering := func(stmt float64) *intent.Model {
		m, err := intent.Train(pooledExamples, intent.Config{MinConfidence: 0.5, StatementNoneConfidence: stmt})
		require.NoError(t, err)
		return m
	}
	assert.Equal(t, "refund", answering(0).Intent(small))
	assert.Empty(t, answering(0.5).Intent(small), "Intent asks the pooled view too")
	assert.Equal(t, "refund", answering(0.5).Intent("refund not received"))

	m, err := intent.Train(pooledExamples, intent.Config{StatementNoneConfidence: 0.5})
	require.NoError(t, err)
	assert.True(t, m.NeedsNoAnswer(small), "the pooled view works without NoneConfidence")
	assert.True(t, m.NeedsNoAnswer("zzz qqq"), "no known word: none")
}

func TestOverrule(t *testing.T) {
	t.Parallel()
	text := "I want my money back for the parcel"
	label, p := train(t, intent.Config{}).Classify(text)
	require.Equal(t, "refund", label)
	require.Less(t, p, 1.0)
	assert.Empty(t, train(t, intent.Config{}).Overrule(text, "shipping_status"), "0 means never")
	assert.Equal(t, "refund", train(t, intent.Config{OverruleConfidence: p}).Overrule(text, "shipping_status"))
	assert.Empty(t, train(t, intent.Config{OverruleConfidence: p}).Overrule(text, "refund"), "the keyword's rule already")
	assert.Empty(t, train(t, intent.Config{OverruleConfidence: p + (1-p)/2}).Overrule(text, "shipping_status"), "not sure enough")
	small := "thanks a lot, good morning"
	label, p = train(t, intent.Config{}).Classify(small)
	require.Equal(t, "none", label)
	assert.Empty(t, train(t, intent.Config{OverruleConfidence: p}).Overrule(small, "refund"), "small talk is the Vetoer's")
}

// TestQuestionMark: whether a message asks is a feature of its own, so the
// same words lean towards an answer with a question mark and towards small
// talk without one; ? ¿ and ؟ are the same mark.
func TestQuestionMark(t *testing.T) {
	t.Parallel()
	m := train(t, intent.Config{})
	noneP := func(text string) float64 {
		label, p := m.Classify(text)
		if label != "none" {
			return 1 - p // at most the rest
		}
		return p
	}
	for _, words := range []string{"the refund arrived, thanks", "الطرد وصل شكرا"} {
		statement, question := noneP(words), noneP(words+"?")
		assert.Greater(t, statement, question, "%q", words)
		assert.Equal(t, question, noneP("¿"+words+"?"), "%q: two marks are one", words)
		assert.Equal(t, question, noneP(words+"؟"), "%q", words)
	}
}

// TestArabicFolding: the spellings chat mixes (ة/ه, ى/ي, أ/إ/آ/ا) are one
// feature, so they score the same.
func TestArabicFolding(t *testing.T) {
	t.Parallel()
	m := train(t, intent.Config{})
	for _, pair := range [][2]string{
		{"الفاتورة", "الفاتوره"},
		{"متى", "متي"},
		{"أين إرجاع آخر", "اين ارجاع اخر"},
	} {
		l1, p1 := m.Classify(pair[0])
		l2, p2 := m.Classify(pair[1])
		assert.Equal(t, l1, l2, "%q vs %q", pair[0], pair[1])
		assert.InDelta(t, p1, p2, 1e-12, "%q vs %q", pair[0], pair[1])
	}
}

func TestLabelsIsACopy(t *testing.T) {
	t.Parallel()
	m := train(t, intent.Config{})
	m.Labels()[0] = "changed"
	assert.Equal(t, "shipping_status", m.Labels()[0])
}

func TestConcurrentClassify(t *testing.T) {
	t.Parallel()
	m := train(t, intent.Config{})
	want, _ := m.Classify("where is my parcel")
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 100 {
				if got, _ := m.Classify("where is my parcel"); got != want {
					t.Errorf("got %q, want %q", got, want)
				}
			}
		})
	}
	wg.Wait()
}

func BenchmarkClassify(b *testing.B) {
	m := train(b, intent.Config{})
	for _, bm := range []struct{ name, text string }{
		{"en", "hi, my parcel still has not arrived, can you check the tracking?"},
		{"ar", "السلام عليكم الشحنة حقتي ما وصلت لين الحين وش السالفة"},
	} {
		b.Run(bm.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				m.Classify(bm.text)
			}
		})
	}
}
