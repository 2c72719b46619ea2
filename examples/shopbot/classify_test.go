package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/autoreply"
)

// devCorpus is the shared labelled corpus, outside this module's tree.
const devCorpus = "../../../shared/corpus/intents-dev.jsonl"

// The corpus languages and the labels that rules carry (the corpus README
// adds human_agent, from the hand-off keywords, and none).
var (
	corpusLangs = []string{"en", "es", "pt-BR", "fr", "de", "id", "vi", "th", "zh-Hans", "zh-Hant", "ja", "ar"}
	ruleLabels  = []string{"shipping_status", "delivery_time", "return_exchange", "refund", "payment_failed",
		"payment_methods", "product_specs", "invoice", "cancel_order"}
	// replyKeys are the template keys the starter catalog provides.
	replyKeys = []string{"shipping.ask_order", "shipping.status", "delivery.times", "returns.policy",
		"refund.status", "payment.failed", "payment.methods", "product.specs", "invoice.request",
		"order.cancel", "handoff.agent", "fallback.unknown"}
)

func TestRulesCompile(t *testing.T) {
	t.Parallel()
	rs, err := loadRules()
	require.NoError(t, err)
	_, err = newEngine(map[string]autoreply.LookupFunc{"track": noLookup})
	require.NoError(t, err, "the engine must compile the embedded rules")

	t.Run("lookup required", func(t *testing.T) {
		t.Parallel()
		_, err := newEngine(nil)
		require.ErrorIs(t, err, autoreply.ErrInvalidRules)
	})
	t.Run("every label has a rule", func(t *testing.T) {
		t.Parallel()
		var tags []string
		for _, r := range rs.Rules {
			require.NotEmpty(t, r.Tags, "rule %s", r.Name)
			tags = append(tags, r.Tags[0])
		}
		for _, l := range ruleLabels {
			assert.Contains(t, tags, l)
		}
		for _, tag := range tags {
			assert.Contains(t, ruleLabels, tag, "a rule's first tag must be a corpus label")
		}
	})
	t.Run("every rule speaks every language", func(t *testing.T) {
		t.Parallel()
		langsOf := func(ks []autoreply.Keyword) []string {
			var out []string
			for _, k := range ks {
				if !slices.Contains(out, k.Lang) {
					out = append(out, k.Lang)
				}
			}
			return out
		}
		assert.ElementsMatch(t, corpusLangs, langsOf(rs.Handoff), "handoff")
		for _, r := range rs.Rules {
			assert.ElementsMatch(t, corpusLangs, langsOf(r.Keywords), "rule %s", r.Name)
		}
	})
	t.Run("replies are catalog keys", func(t *testing.T) {
		t.Parallel()
		for _, r := range rs.Rules {
			assert.Contains(t, replyKeys, r.Reply, "rule %s", r.Name)
			if r.Next != nil {
				assert.Contains(t, replyKeys, r.Next.Ask, "rule %s", r.Name)
				assert.Contains(t, replyKeys, r.Next.Then, "rule %s", r.Name)
			}
		}
	})
}

// Targets of the starter rule set (issue 9).
const (
	minOverall   = 0.90
	minPerLang   = 0.80
	minNoneNoFAQ = 0.95
)

func TestAccuracyDev(t *testing.T) {
	t.Parallel()
	f, err := os.Open(devCorpus)
	if errors.Is(err, os.ErrNotExist) {
		t.Skipf("%s is absent", devCorpus)
	}
	require.NoError(t, err)
	defer f.Close()
	checkTargets(t, f, len(corpusLangs))
}

// TestAccuracyHeldOut scores messages the corpus does not contain, written
// for this test, with small talk in every language: the keywords must not
// only fit the messages they were measured on.
func TestAccuracyHeldOut(t *testing.T) {
	t.Parallel()
	f, err := os.Open(filepath.Join("testdata", "intents-heldout.jsonl"))
	require.NoError(t, err)
	defer f.Close()
	checkTargets(t, f, len(corpusLangs))
}

// TestAccuracyFresh scores the fresh messages of issue 22, written per
// language and label by people who never saw the rules (see
// testdata/README.md, which has each round's figures). The tuning splits,
// which the rules and the fallback model learnt from, must meet the issue's
// targets, or where they never did, their score. The locked splits, never
// learnt from and their misses never read, are held to what they scored with
// the last round's build, so that a change cannot make them worse unnoticed;
// a floor that falls is lowered in the commit that lowers it, with the
// reason. Round 14 (whether a message asks as a model feature, the small-talk
// veto at 0.5, overruling rules whose keywords matched too, fresh-tune15 and
// 16 learnt) raised the locked splits 1–14 from 3,201 to 3,232 of 3,315 and
// fresh-locked-smalltalk from 150 to 166 of 185, and lowered fresh-locked
// (129 → 128 of 132: the overruling) and fresh-locked11's small talk (21 →
// 19 of 21, with fresh-tune15 learnt), fresh-tune12's (46 of 47 left
// unanswered) and fresh-tune13's (29 of 32). Its second part (fresh-tune17
// and 18 learnt, 60 keywords from fresh-tune17's misses, overruling at 0.99)
// raised them to 3,246 and 169 and lowered fresh-locked to 127 of 132,
// fresh-locked6 to 64 of 66 (a small-talk line answered) and
// fresh-locked12's pt-BR to 24 of 26. Its third part (fresh-tune19 learnt,
// 68 keywords from its misses) raised them to 3,252 and 172 and lowered
// fresh-locked5's German to 20 of 22, fresh-locked10's small talk to 26 of 27
// and fresh-locked11's Simplified Chinese to 32 of 34. Round 14's fresh
// batches, written before its changes: fresh-locked15 (271; first look with
// the round-13 build 96.3 %, small talk 28/29), fresh-locked-smalltalk2 (179;
// first look 79.3 %) and fresh-locked16 (298; never scored before the final
// build, which gives it 97.0 %, pt-BR 17/19 and zh-Hant 22/25 under 90 %,
// small talk 50/55). Its last part (fresh-tune20 learnt, 11 keywords from its
// misses) lowered fresh-locked14 to 389 of 402, fresh-locked11 to 391 of 396
// and fresh-locked-smalltalk to 171 of 185, and raised fresh-locked10,
// 12, 15 and smalltalk2. Written at its end and scored once, with the final
// build: fresh-locked17 (443; 95.9 %, fr 31/35 under 90 %, small talk 44/47;
// the round-13 build scores it 95.9 % too, en 39/45) and
// fresh-locked-smalltalk3 (212; 93.9 % left unanswered, the round-13 build
// 72.2 %). fresh-locked18 (548), written after the last change and scored
// once: 95.4 %, de 35/39 under 90 %, small talk 40/42 (the round-13 build
// 93.6 %, de, en and zh-Hant under 90 %). Round 15 (fresh-tune21 to 56
// learnt, 853 keywords, the invoice_correction rule, the pooled view of
// small talk; see ROUNDS.md) raised the locked splits 1–18 from 4,756 to
// 4,795 of 4,875 and lowered no locked floor but fresh-locked8's, 11's and
// 12's (two messages each) and fresh-locked10's weakest language (one);
// its own locked batches, written before its changes (21 and the small
// talk only before its last two) and scored at the end: fresh-locked19 (522; 94.1 → 96.6 %, vi 41/46), fresh-locked20 (462;
// 93.9 → 97.4 %, pt-BR 33/37), fresh-locked21 (899; 93.8 → 96.3 %) and
// fresh-locked-smalltalk4 and 5 (227 and 183, small talk only: 81.1 → 90.3
// and 80.3 → 94.0 % left unanswered). These floors record the goal
// where a single batch misses it (a language under 90 % by one message,
// hard small talk under 95 %); they are not targets.
func TestAccuracyFresh(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file             string
		langs            int
		overall, perLang float64
		noneNoFAQ        float64
	}{
		{"fresh-tune.jsonl", len(corpusLangs), 0.95, 0.9, 0.95},
		{"fresh-tune2.jsonl", len(corpusLangs), 0.95, 0.9, 0.95},
		{"fresh-tune3-ar.jsonl", 1, 0.95, 0.9, 0.95},
		{"fresh-tune4-ar.jsonl", 1, 0.95, 0.9, 0.95},
		{"fresh-tune5.jsonl", 2, 0.95, 0.9, 0.95},
		{"fresh-tune6.jsonl", 2, 0.95, 0.9, 0.95},
		{"fresh-tune7.jsonl", 2, 0.95, 0.9, 0.95},
		{"fresh-tune8.jsonl", 2, 0.95, 0.9, 0.95},
		{"fresh-tune9.jsonl", len(corpusLangs), 0.95, 0.9, 0.95},
		{"fresh-tune10.jsonl", len(corpusLangs), 0.95, 0.9, 0.95},
		{"fresh-tune12.jsonl", len(corpusLangs), 0.95, 0.9, 0.95},
		{"fresh-tune13.jsonl", len(corpusLangs), 0.95, 0.9, 0.95},
		{"fresh-tune14.jsonl", len(corpusLangs), 0.95, 0.9, 0.95},
		{"fresh-tune15a.jsonl", len(corpusLangs), 0.95, 0.9, 0.95},
		{"fresh-tune15b.jsonl", len(corpusLangs), 0.95, 0.9, 0.95},
		{"fresh-tune16.jsonl", len(corpusLangs), 0.95, 0.9, 0.95},
		{"fresh-tune17.jsonl", len(corpusLangs), 0.95, 0.846, 0}, // requests only
		{"fresh-tune18.jsonl", len(corpusLangs), 0.942, 0.75, 0.925},
		{"fresh-tune19.jsonl", len(corpusLangs), 0.95, 0.9, 0.95},
		{"fresh-tune20.jsonl", len(corpusLangs), 0.95, 0.9, 0.95},
		{"fresh-tune21.jsonl", 6, 0.95, 0.9, 0.95},
		{"fresh-tune22.jsonl", 6, 0.95, 0.9, 0.95},
		{"fresh-tune23.jsonl", 2, 0.95, 0.9, 0.95},
		{"fresh-tune24.jsonl", 2, 0.95, 0.9, 0.95},
		{"fresh-tune25.jsonl", 2, 0.95, 0.9, 0.95},
		{"fresh-tune26.jsonl", 2, 0.95, 0.9, 0.95},
		{"fresh-tune27.jsonl", 2, 0.95, 0.9, 0.95},
		{"fresh-tune28.jsonl", 2, 0.95, 0.9, 0.95},
		{"fresh-tune29.jsonl", 2, 0.95, 0.9, 0.95},
		{"fresh-tune30.jsonl", 2, 0.95, 0.9, 0.95},
		{"fresh-tune31.jsonl", 2, 0.95, 0.9, 0.95},
		{"fresh-tune32.jsonl", 2, 0.95, 0.9, 0.95},
		{"fresh-tune33.jsonl", 2, 0.95, 0.9, 0.95},
		{"fresh-tune34.jsonl", 2, 0.95, 0.9, 0.95},
		{"fresh-tune35.jsonl", 2, 0.95, 0.9, 0.95},
		{"fresh-tune36.jsonl", 2, 0.95, 0.9, 0.95},
		{"fresh-tune37.jsonl", 2, 0.95, 0.9, 0.95},
		{"fresh-tune38.jsonl", 2, 0.95, 0.9, 0.95},
		{"fresh-tune39.jsonl", 2, 0.95, 0.9, 0.95},
		{"fresh-tune40.jsonl", 2, 0.95, 0.9, 0.95},
		{"fresh-tune41.jsonl", 2, 0.95, 0.9, 0.95},
		{"fresh-tune42.jsonl", 2, 0.95, 0.9, 0.95},
		{"fresh-tune43.jsonl", 2, 0.95, 0.9, 0.95},
		{"fresh-tune44.jsonl", 2, 0.95, 0.9, 0.95},
		{"fresh-tune45.jsonl", 2, 0.95, 0.9, 0.95},
		{"fresh-tune46.jsonl", 2, 0.95, 0.9, 0.95},
		{"fresh-tune47.jsonl", 2, 0.95, 0.9, 0.95},
		{"fresh-tune48.jsonl", 2, 0.95, 0.9, 0.95},
		{"fresh-tune49.jsonl", 2, 0.95, 0.9, 0.95},
		{"fresh-tune50.jsonl", 2, 0.95, 0.9, 0.95},
		{"fresh-tune51.jsonl", 2, 0.95, 0.9, 0.95},
		{"fresh-tune52.jsonl", 2, 0.95, 0.9, 0.95},
		{"fresh-tune53.jsonl", 3, 0.95, 0.9, 0.95},
		{"fresh-tune54.jsonl", 3, 0.95, 0.9, 0.95},
		{"fresh-tune55.jsonl", 3, 0.95, 0.9, 0.95},
		{"fresh-tune56.jsonl", 3, 0.95, 0.9, 0.95},
		{"fresh-locked.jsonl", len(corpusLangs), 0.969, 0.818, 1},
		{"fresh-locked2.jsonl", 4, 1, 1, 1},
		{"fresh-locked3.jsonl", 2, 0.963, 0.954, 1},
		{"fresh-locked4.jsonl", 5, 1, 1, 1},
		{"fresh-locked5.jsonl", 6, 0.972, 0.931, 1},
		{"fresh-locked6.jsonl", 2, 0.984, 0.954, 1},
		{"fresh-locked7.jsonl", len(corpusLangs), 0.988, 0.909, 1},
		{"fresh-locked8.jsonl", len(corpusLangs), 0.989, 0.954, 1},
		{"fresh-locked9.jsonl", len(corpusLangs), 0.995, 0.972, 1},
		{"fresh-locked10.jsonl", len(corpusLangs), 0.98, 0.918, 1},
		{"fresh-locked11.jsonl", len(corpusLangs), 0.982, 0.941, 0.952},
		{"fresh-locked12.jsonl", len(corpusLangs), 0.988, 0.958, 1},
		{"fresh-locked13.jsonl", len(corpusLangs), 0.978, 0.935, 1},
		{"fresh-locked14.jsonl", len(corpusLangs), 0.982, 0.951, 1},
		{"fresh-locked15.jsonl", len(corpusLangs), 0.988, 0.952, 0.965},
		{"fresh-locked16.jsonl", len(corpusLangs), 0.989, 0.92, 1},
		{"fresh-locked17.jsonl", len(corpusLangs), 0.981, 0.933, 1},
		{"fresh-locked18.jsonl", len(corpusLangs), 0.976, 0.942, 0.976},
		{"fresh-locked19.jsonl", len(corpusLangs), 0.965, 0.891, 0.985},
		{"fresh-locked20.jsonl", len(corpusLangs), 0.974, 0.891, 1},
		{"fresh-locked21.jsonl", len(corpusLangs), 0.963, 0.922, 0.979},
		// Requests wrapped in thanks, written with fresh-tune53–56 (whose small
		// talk alone was learnt: see ROUNDS.md, round 15); never learnt.
		{"fresh-thanks-requests.jsonl", len(corpusLangs), 0.941, 0.8, 0},
		// Small talk only, most of it naming a shop word ("the refund arrived,
		// thanks"): the issue's unmet "no answer to a message that needs none".
		{"fresh-locked-smalltalk.jsonl", len(corpusLangs), 0.956, 0.8, 0.956},
		{"fresh-locked-smalltalk2.jsonl", len(corpusLangs), 0.955, 0.866, 0.955},
		{"fresh-locked-smalltalk3.jsonl", len(corpusLangs), 0.957, 0.85, 0.957},
		{"fresh-locked-smalltalk4.jsonl", len(corpusLangs), 0.903, 0.777, 0.903},
		{"fresh-locked-smalltalk5.jsonl", len(corpusLangs), 0.939, 0.764, 0.939},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			f, err := os.Open(filepath.Join("testdata", tt.file))
			require.NoError(t, err)
			defer f.Close()
			checkTargetsOf(t, f, tt.langs, tt.overall, tt.perLang, tt.noneNoFAQ)
		})
	}
}

func checkTargets(t *testing.T, f *os.File, langs int) {
	t.Helper()
	checkTargetsOf(t, f, langs, minOverall, minPerLang, minNoneNoFAQ)
}

func checkTargetsOf(t *testing.T, f *os.File, langs int, minOverall, minPerLang, minNoneNoFAQ float64) {
	t.Helper()
	c, err := newClassifier()
	require.NoError(t, err)
	rep, err := score(context.Background(), c, f)
	require.NoError(t, err)
	var table bytes.Buffer
	require.NoError(t, rep.write(&table))
	t.Logf("%s:\n%s", f.Name(), table.String())

	require.Len(t, rep.byLang, langs)
	assert.GreaterOrEqual(t, rep.overall.share(), minOverall, "overall")
	for lang, tl := range rep.byLang {
		assert.GreaterOrEqual(t, tl.share(), minPerLang, "language %s", lang)
	}
	if minNoneNoFAQ == 0 {
		assert.Zero(t, rep.noneNoFAQ.total, "a file held to no small-talk floor has no small talk")
		return
	}
	require.NotZero(t, rep.noneNoFAQ.total, "no message labelled none")
	assert.GreaterOrEqual(t, rep.noneNoFAQ.share(), minNoneNoFAQ, "none without FAQ answer")
}

func TestClassify(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want []result
	}{
		{"empty input", "", nil},
		{"blank lines only", "\n  \n\r\n", nil},
		{"one per input", `{"lang":"en","text":"where is my parcel?"}` + "\n" +
			`{"lang":"zh-Hans","text":"我要退款"}` + "\n" +
			`{"lang":"th","text":"ขอคุยกับเจ้าหน้าที่ค่ะ"}` + "\n" +
			`{"lang":"es","text":"¡Muchas gracias!"}`, []result{
			{Intent: "shipping_status", Rule: "where_is_my_order"},
			{Intent: "refund", Rule: "refund"},
			{Intent: "human_agent", Handoff: true},
			{Intent: "none"},
		}},
		{"each message starts a fresh conversation", `{"lang":"en","text":"I want a human"}` + "\n" +
			`{"lang":"en","text":"track my order"}` + "\n" +
			`{"lang":"en","text":"track my order"}`, []result{
			{Intent: "human_agent", Handoff: true},
			{Intent: "shipping_status", Rule: "where_is_my_order"},
			{Intent: "shipping_status", Rule: "where_is_my_order"},
		}},
		{"order number in the first message", `{"lang":"de","text":"Wo ist meine Bestellung 48213957?"}`, []result{
			{Intent: "shipping_status", Rule: "where_is_my_order"},
		}},
		{"diacritics folded", `{"lang":"vi","text":"toi muon hoan tien"}`, []result{
			{Intent: "refund", Rule: "refund"},
		}},
		{"missing text is no answer", `{"lang":"en"}`, []result{{Intent: "none"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var out bytes.Buffer
			require.NoError(t, classify(context.Background(), strings.NewReader(tt.in), &out))
			assert.Equal(t, tt.want, decodeResults(t, out.String()))
		})
	}
}

// TestRulePriorities pins how the rule set resolves messages that touch two
// inquiry types, and small talk that mentions a product word.
func TestRulePriorities(t *testing.T) {
	t.Parallel()
	c, err := newClassifier()
	require.NoError(t, err)
	tests := []struct {
		text, want string
	}{
		{"please cancel my order and refund me", "cancel_order"},
		{"my card was declined, can I pay with PayPal instead?", "payment_methods"},
		{"I returned the shoes, where is my refund?", "refund"},
		{"wrong size, can I exchange it?", "return_exchange"},
		{"can I change the colour before you ship it?", "cancel_order"},
		{"what's the processing time before it goes out?", "delivery_time"},
		{"how long does the battery last?", "product_specs"},
		{"how long does shipping take to Spain?", "delivery_time"},
		{"I haven't received my invoice", "invoice"},
		{"I haven't received my parcel", "shipping_status"},
		{"can I pay cash on delivery?", "payment_methods"},
		{"the courier could not find my address", "shipping_status"},
		{"I need to change my address", "cancel_order"},
		{"my address is wrong on the order, and I want to talk to a human", "human_agent"},
		{"love the colour, thanks!", "none"},
		{"the size is perfect, thank you", "none"},
		{"shipped fast, thanks a lot", "none"},
		{"出貨好快 謝謝", "none"},
		{"makasih kak, gak jadi, udah ketemu", "none"},
		// Issue 22: typographic apostrophes fold to ', priority
		// conflicts, paraphrases.
		{"my parcel hasn’t arrived", "shipping_status"},
		{"my parcel hasnʼt arrived", "shipping_status"},
		{"money back for the cancelled order please", "refund"},
		{"got the refund for the cancelled order, thanks", "none"},
		// Round 10: money back for an order that is already cancelled
		// wants the refund answer, the cancel request itself the
		// cancellation; another way to pay after a declined card wants
		// the payment methods, a plain decline the failed-payment answer.
		{"cancel it, it's been 3 weeks and still not here", "cancel_order"},
		{"my card keeps getting declined", "payment_failed"},
		{"¿cuándo me devuelven el dinero del pedido cancelado?", "refund"},
		{"cancelen mi pedido y devuélvanme el dinero", "cancel_order"},
		{"me rechazaron la tarjeta, ¿puedo pagar de otra forma?", "payment_methods"},
		{"me rechazaron la tarjeta otra vez", "payment_failed"},
		{"quando cai o estorno do pedido cancelado?", "refund"},
		{"quero cancelar o pedido e receber o dinheiro de volta", "cancel_order"},
		{"meu cartão foi recusado, posso pagar com pix?", "payment_methods"},
		{"meu cartão foi recusado de novo", "payment_failed"},
		{"wann bekomme ich das Geld für die stornierte Bestellung zurück?", "refund"},
		{"bitte Bestellung stornieren und Geld zurück", "cancel_order"},
		{"Karte wurde abgelehnt, kann ich stattdessen mit PayPal zahlen?", "payment_methods"},
		{"meine Karte wird immer abgelehnt", "payment_failed"},
		{"je n'ai toujours pas le remboursement de ma commande annulée", "refund"},
		{"annulez ma commande et remboursez-moi svp", "cancel_order"},
		{"ma carte a été refusée, je peux payer autrement ?", "payment_methods"},
		{"ma carte est encore refusée", "payment_failed"},
		{"已取消的订单退款什么时候到账", "refund"},
		{"帮我取消订单，把钱退给我", "cancel_order"},
		{"银行卡被拒了，可以换个方式付吗", "payment_methods"},
		{"银行卡一直被拒", "payment_failed"},
		{"キャンセルした注文の返金はまだですか", "refund"},
		{"注文をキャンセルして返金してください", "cancel_order"},
		{"カードが通らないので、別の支払い方法はありますか", "payment_methods"},
		{"カードが何度も拒否されます", "payment_failed"},
		{"متى يرجع مبلغ الطلب الملغي؟", "refund"},
		{"الغوا الطلب ورجعولي فلوسي", "cancel_order"},
		{"البطاقة انرفضت، في طريقة دفع ثانية؟", "payment_methods"},
		{"البطاقة مرفوضة كل مرة", "payment_failed"},
		{"kann ich die Bestellung rückgängig machen?", "cancel_order"},
		{"送得到台南嗎", "delivery_time"},
		{"ขอออกบิลด้วยค่ะ", "invoice"},
		{"quiero hablar con alguien de carne y hueso", "human_agent"},
		{"quero falar com alguém de verdade", "human_agent"},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			res, err := c.classify(context.Background(), tt.text)
			require.NoError(t, err)
			assert.Equal(t, tt.want, res.Intent)
		})
	}
}

func TestClassifyOutputFormat(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	require.NoError(t, classify(context.Background(), strings.NewReader(`{"lang":"en","text":"Can I pay with PayPal?"}`), &out))
	assert.Equal(t, `{"intent":"payment_methods","rule":"payment_methods","handoff":false}`+"\n", out.String())
}

func TestClassifyBadInput(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		in       string
		wantLine string
		wantOut  int // lines written before the error
	}{
		{"not JSON", "{\"lang\":\"en\",\"text\":\"hi\"}\n\nnot json\n", "line 3", 1},
		{"truncated object", `{"lang":"en","text":"hi`, "line 1", 0},
		{"wrong type", `{"lang":"en","text":42}`, "line 1", 0},
		{"array", `["en","hi"]`, "line 1", 0},
		{"too long", `{"text":"` + strings.Repeat("a", maxLineBytes) + `"}`, "line 1", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var out bytes.Buffer
			err := classify(context.Background(), strings.NewReader(tt.in), &out)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantLine+":")
			assert.Len(t, decodeResults(t, out.String()), tt.wantOut)
		})
	}
}

func TestClassifyCanceled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out bytes.Buffer
	err := classify(ctx, strings.NewReader(`{"lang":"en","text":"refund"}`), &out)
	require.ErrorIs(t, err, context.Canceled)
	assert.Empty(t, out.String())
}

func TestEvaluate(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, body string) string {
		t.Helper()
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(body), 0o600))
		return p
	}
	good := write("good.jsonl", strings.Join([]string{
		`{"lang":"en","intent":"refund","text":"When do I get my refund?"}`,
		`{"lang":"en","intent":"invoice","text":"Where is my parcel?"}`,
		`{"lang":"fr","intent":"none","text":"Merci beaucoup, bonne journée"}`,
		`{"lang":"fr","intent":"none","text":"Je veux parler à un conseiller"}`,
		`{"lang":"fr","intent":"none","text":"Quels sont vos moyens de paiement ?"}`,
	}, "\n"))

	t.Run("report", func(t *testing.T) {
		t.Parallel()
		var out bytes.Buffer
		require.NoError(t, evaluate(context.Background(), good, &out))
		got := collapse(out.String())
		for _, want := range []string{
			"language correct total accuracy\n",
			"label correct total accuracy\n",
			"\nen 1 2 50.0%\n",
			"\nfr 2 3 66.7%\n",
			"\ninvoice 0 1 0.0%\n",
			"\nnone 2 3 66.7%\n",
			"\nrefund 1 1 100.0%\n",
			"\noverall 3 5 60.0%\n",
			"\nnone without FAQ answer 2 3 66.7%\n",
		} {
			assert.Contains(t, got, want)
		}
	})
	t.Run("score", func(t *testing.T) {
		t.Parallel()
		c, err := newClassifier()
		require.NoError(t, err)
		f, err := os.Open(good)
		require.NoError(t, err)
		defer f.Close()
		rep, err := score(context.Background(), c, f)
		require.NoError(t, err)
		assert.Equal(t, tally{3, 5}, rep.overall)
		// A hand-off is not an FAQ answer; a payment answer is.
		assert.Equal(t, tally{2, 3}, rep.noneNoFAQ)
		assert.Equal(t, tally{1, 2}, *rep.byLang["en"])
		assert.Equal(t, tally{0, 1}, *rep.byLabel["invoice"])
	})

	bad := []struct {
		name, body, want string
	}{
		{"bad JSON", `{"lang":"en","intent":"refund","text":"refund"}` + "\n{oops}\n", "bad.jsonl: line 2:"},
		{"no label", `{"lang":"en","text":"refund"}`, `bad.jsonl: line 1: a labelled message needs "lang" and "intent"`},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := filepath.Join(t.TempDir(), "bad.jsonl")
			require.NoError(t, os.WriteFile(p, []byte(tt.body), 0o600))
			var out bytes.Buffer
			err := evaluate(context.Background(), p, &out)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.Empty(t, out.String(), "no table for a file that could not be read")
		})
	}
	t.Run("missing file", func(t *testing.T) {
		t.Parallel()
		err := evaluate(context.Background(), filepath.Join(dir, "absent.jsonl"), &bytes.Buffer{})
		require.ErrorIs(t, err, os.ErrNotExist)
	})
	t.Run("empty file", func(t *testing.T) {
		t.Parallel()
		var out bytes.Buffer
		require.NoError(t, evaluate(context.Background(), write("empty.jsonl", ""), &out))
		assert.Contains(t, collapse(out.String()), "\noverall 0 0 0.0%\n")
	})
}

func FuzzClassify(f *testing.F) {
	f.Add([]byte(`{"lang":"en","text":"where is my order 48213957?"}` + "\n" + `{"lang":"th","text":"ยกเลิกออเดอร์"}`))
	f.Add([]byte("\n\n{\"text\":\"\\u0000\"}\n"))
	f.Add([]byte(`{"lang":"ar","text":"أين طلبي؟"}` + "\n[1,2]"))
	f.Add([]byte{0xff, 0xfe, '{', '}'})
	intents := append(slices.Clone(ruleLabels), intentHandoff, intentNone)
	c, err := newClassifier() // once: compiling the rules dominates a run
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, in []byte) {
		var out bytes.Buffer
		err := c.run(context.Background(), bytes.NewReader(in), &out)
		results := decodeResults(t, out.String())
		for _, r := range results {
			if !slices.Contains(intents, r.Intent) {
				t.Fatalf("unknown intent %q", r.Intent)
			}
			if r.Handoff != (r.Intent == intentHandoff) || (r.Rule != "") != slices.Contains(ruleLabels, r.Intent) {
				t.Fatalf("inconsistent result %+v", r)
			}
		}
		if err != nil {
			if !strings.HasPrefix(err.Error(), "line ") {
				t.Fatalf("error %q does not name its line", err)
			}
			return
		}
		inputs := 0
		sc := bufio.NewScanner(bytes.NewReader(in))
		sc.Buffer(nil, maxLineBytes)
		for sc.Scan() {
			if len(bytes.TrimSpace(sc.Bytes())) > 0 {
				inputs++
			}
		}
		if inputs != len(results) {
			t.Fatalf("%d inputs, %d results", inputs, len(results))
		}
	})
}

// collapse reduces the runs of spaces of a table to one space per cell
// boundary, keeping the lines.
func collapse(table string) string {
	lines := strings.Split(table, "\n")
	for i, l := range lines {
		lines[i] = strings.Join(strings.Fields(l), " ")
	}
	return strings.Join(lines, "\n")
}

// decodeResults parses classify output, one JSON object per line.
func decodeResults(t *testing.T, out string) []result {
	t.Helper()
	var rs []result
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	for dec.More() {
		var r result
		require.NoError(t, dec.Decode(&r))
		rs = append(rs, r)
	}
	return rs
}
