package autoreply_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/autoreply"
)

// winner is what Match's first hit says: a rule name, "handoff", or "".
func winner(hits []autoreply.Hit) string {
	if len(hits) == 0 {
		return ""
	}
	if hits[0].Handoff {
		return "handoff"
	}
	return hits[0].Rule
}

func TestMatchLanguages(t *testing.T) {
	t.Parallel()
	e, _, _ := newTestEngine(t, nil)
	tests := []struct {
		lang, text, want string
	}{
		{"en", "Where is my order??", "where_is_my_order"},
		{"en", "I'd like a REFUND please", "refund"},
		{"en", "has it been refunded yet", "refund"},
		{"en", "what size is it?", "size"},
		{"en", "this jacket is oversized", ""},
		{"en", "Tracking number pls", "where_is_my_order"},
		{"en", "my parcels never came", "where_is_my_order"},
		{"en", "HI!", "greeting"},
		{"en", "hi there, quick question", ""},
		{"en", "can I talk to a real person", "handoff"},
		{"en", "cancel my order and give me my money back", "cancel"},
		{"es", "¿Dónde está mi pedido?", "where_is_my_order"},
		{"es", "quiero un reembolso", "refund"},
		{"es", "¿qué talla es?", "size"},
		{"es", "¡Hola!", "greeting"},
		{"es", "quiero hablar con un operador", "handoff"},
		{"pt", "cadê meu pedido???", "where_is_my_order"},
		{"pt", "quero o estorno", "refund"},
		{"pt", "tem tamanho M?", "size"},
		{"th", "พัสดุของฉันอยู่ไหนคะ", "where_is_my_order"},
		{"th", "ขอคืนเงินค่ะ", "refund"},
		{"th", "ยกเลิกออเดอร์ได้ไหม", "cancel"},
		{"th", "ขอคุยกับเจ้าหน้าที่หน่อย", "handoff"},
		{"th", "ขนาดเท่าไหร่", "size"},
		{"zh-Hans", "我的订单到哪了", "where_is_my_order"},
		{"zh-Hans", "我要退款", "refund"},
		{"zh-Hans", "转人工", "handoff"},
		{"zh-Hans", "尺码偏大吗", "size"},
		{"zh-Hant", "我的訂單在哪裡", "where_is_my_order"},
		{"zh-Hant", "尺寸多大", "size"},
		{"zh-Hant", "可以退錢嗎", "refund"},
		{"ja", "荷物がまだ届かないんですが", "where_is_my_order"},
		{"ja", "返金してください", "refund"},
		{"ja", "サイズは？", "size"},
		{"ja", "ｻｲｽﾞは?", "size"},
		{"ja", "オペレーターと話したい", "handoff"},
		{"vi", "đơn hàng của mình giao tới đâu rồi", "where_is_my_order"},
		{"vi", "ĐƠN HÀNG 58201937", "where_is_my_order"},
		{"vi", "shop hoàn tiền giúp mình", "refund"},
		{"vi", "kích thước bao nhiêu", "size"},
		{"id", "resi pesanan saya mana", "where_is_my_order"},
		{"id", "ukuran berapa kak", "size"},
		{"id", "bisa dana kembali?", "refund"},
		{"ar", "وين طلبي؟", "where_is_my_order"},
		{"ar", "أريد استرداد المبلغ", "refund"},
		{"ar", "كم مقاس هذا", "size"},
		{"ar", "أبي أكلم موظف", "handoff"},
		{"full-width", "ＷＨＥＲＥ　ＩＳ　ＭＹ　ＯＲＤＥＲ？", "where_is_my_order"},
		{"full-width", "ＲＥＦＵＮＤ", "refund"},
		{"mixed", "iPhone手机size多少", "size"},
		{"mixed", "我要refund", "refund"},
		{"mixed", "sizeable", ""},
		{"mixed", "tamanhos", ""},
		{"mixed", "ขอ refund ค่ะ", "refund"},
		{"none", "thanks a lot!", ""},
		{"none", "", ""},
		{"none", "   ", ""},
	}
	for _, tt := range tests {
		t.Run(tt.lang+"/"+tt.text, func(t *testing.T) {
			t.Parallel()
			hits := e.Match(tt.text)
			assert.Equal(t, tt.want, winner(hits), "hits: %+v", hits)
		})
	}
}

func TestMatchFoldDiacritics(t *testing.T) {
	t.Parallel()
	plain, _, _ := newTestEngine(t, nil)
	folding, _, _ := newTestEngine(t, func(c *autoreply.Config) { c.FoldDiacritics = true })
	for _, text := range []string{"donde esta mi pedido", "don hang cua toi", "cade meu pedido"} {
		assert.Empty(t, plain.Match(text), text)
		assert.Equal(t, "where_is_my_order", winner(folding.Match(text)), text)
	}
	// Thai keeps its marks, so ยกเลิก still matches only itself.
	assert.Equal(t, "cancel", winner(folding.Match("ยกเลิก")))
	assert.Empty(t, folding.Match("ยกลก"))
}

func rules(rs ...autoreply.Rule) *autoreply.RuleSet {
	return &autoreply.RuleSet{Version: 1, Rules: rs}
}

func kw(texts ...string) []autoreply.Keyword {
	out := make([]autoreply.Keyword, len(texts))
	for i, s := range texts {
		k, err := autoreply.ParseKeyword(s, "en")
		if err != nil {
			panic(err)
		}
		out[i] = k
	}
	return out
}

func TestConflictOrder(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		rules *autoreply.RuleSet
		text  string
		want  []string // rules of the hits, best first
	}{
		{"priority wins", rules(
			autoreply.Rule{Name: "order", Priority: 1, Keywords: kw("order status"), Reply: "a"},
			autoreply.Rule{Name: "status", Priority: 2, Keywords: kw("status"), Reply: "b"},
		), "order status?", []string{"status", "order"}},
		{"then the longest keyword", rules(
			autoreply.Rule{Name: "short", Keywords: kw("status"), Reply: "a"},
			autoreply.Rule{Name: "long", Keywords: kw("order status"), Reply: "b"},
		), "order status?", []string{"long", "short"}},
		{"length counts runes, not bytes", rules(
			autoreply.Rule{Name: "latin", Keywords: kw("~abcd"), Reply: "a"},
			autoreply.Rule{Name: "han", Keywords: kw("退款啊"), Reply: "b"},
		), "abcd退款啊", []string{"latin", "han"}},
		{"then rule order", rules(
			autoreply.Rule{Name: "first", Keywords: kw("refund"), Reply: "a"},
			autoreply.Rule{Name: "second", Keywords: kw("return"), Reply: "b"},
		), "return or refund", []string{"first", "second"}},
		{"all occurrences, by position", rules(
			autoreply.Rule{Name: "r", Keywords: kw("refund"), Reply: "a"},
		), "refund refund", []string{"r", "r"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e, err := autoreply.New(autoreply.Config{Rules: tt.rules})
			require.NoError(t, err)
			var got []string
			for _, h := range e.Match(tt.text) {
				got = append(got, h.Rule)
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestMatchModes(t *testing.T) {
	t.Parallel()
	e, err := autoreply.New(autoreply.Config{Rules: rules(
		autoreply.Rule{Name: "word", Keywords: kw("size"), Reply: "a"},
		autoreply.Rule{Name: "contains", Keywords: kw("~ship"), Reply: "a"},
		autoreply.Rule{Name: "prefix", Keywords: kw("refund*"), Reply: "a"},
		autoreply.Rule{Name: "exact", Keywords: kw("=thanks"), Reply: "a"},
		autoreply.Rule{Name: "mixed", Keywords: kw("iphone手机"), Reply: "a"},
		autoreply.Rule{Name: "thai_word", Keywords: []autoreply.Keyword{{Text: "สี", Mode: autoreply.Word}}, Reply: "a"},
	)})
	require.NoError(t, err)
	tests := []struct {
		text string
		want string
	}{
		{"what size?", "word"},
		{"size", "word"},
		{"oversized", ""},
		{"sizes", ""},
		{"size-chart", "word"},
		{"shipping", "contains"},
		{"worship", "contains"},
		{"refunded", "prefix"},
		{"prerefund", ""},
		{"Thanks!!! 🙏", "exact"},
		{"thanks a lot", ""},
		{"new iphone手机壳", "mixed"},
		{"myiphone手机", ""},
		{"สี แดง", "thai_word"},
		{"สีแดง", ""},
		{"color สี", "thai_word"},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, winner(e.Match(tt.text)))
		})
	}
}

func TestMatchBadInput(t *testing.T) {
	t.Parallel()
	e, _, _ := newTestEngine(t, nil)
	t.Run("empty", func(t *testing.T) {
		t.Parallel()
		assert.Nil(t, e.Match(""))
	})
	t.Run("invalid UTF-8 is a boundary", func(t *testing.T) {
		t.Parallel()
		hits := e.Match("\xffrefund\xfe\xc3")
		require.Len(t, hits, 1)
		assert.Equal(t, "refund", hits[0].Rule)
		assert.Nil(t, e.Match("\xff\xfe\xfd"))
	})
	t.Run("1 MB", func(t *testing.T) {
		t.Parallel()
		big := strings.Repeat("blah ", 1<<20/5) + " where is my order"
		start := time.Now()
		hits := e.Match(big)
		require.Len(t, hits, 1)
		assert.Equal(t, "where_is_my_order", hits[0].Rule)
		assert.Less(t, time.Since(start), 20*time.Second, "matching must stay linear in the text")
	})
	t.Run("1 MB of invalid bytes", func(t *testing.T) {
		t.Parallel()
		assert.Nil(t, e.Match(strings.Repeat("\xff", 1<<20)))
	})
}
