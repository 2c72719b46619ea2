package intent_test

import (
	"testing"

	"github.com/switchboard-go/switchboard/autoreply/intent"
)

// FuzzClassify feeds customer text (outside input) to every method of a
// trained model: none may panic, a posterior lies in (0, 1], and the
// answers agree with Classify.
func FuzzClassify(f *testing.F) {
	m, err := intent.Train(pooledExamples, intent.Config{NoneConfidence: 0.5, StatementNoneConfidence: 0.8, OverruleConfidence: 0.9})
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{"", "?", "refund arrived, thanks", "where is my refund?", "¿dónde está?", "وين الطرد؟", "退款", "\xff\xfe", "a\x00b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		label, p := m.Classify(text)
		if p <= 0 || p > 1 {
			t.Fatalf("Classify(%q) = %q, %v: posterior out of (0, 1]", text, label, p)
		}
		if tag := m.Intent(text); tag != "" && tag != label {
			t.Fatalf("Intent(%q) = %q, Classify says %q", text, tag, label)
		}
		if other := m.Overrule(text, "refund"); other != "" && (other != label || other == "refund" || other == "none") {
			t.Fatalf("Overrule(%q) = %q, Classify says %q", text, other, label)
		}
		_ = m.NeedsNoAnswer(text)
	})
}
