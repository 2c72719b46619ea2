package lang

import (
	"runtime"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/language"
)

func TestNew(t *testing.T) {
	t.Parallel()
	d, err := New(Config{})
	require.NoError(t, err)
	assert.Equal(t, DefaultLanguages(), d.Languages())

	_, err = New(Config{Languages: []language.Tag{English, language.MustParse("ru")}})
	require.ErrorIs(t, err, ErrUnsupported)
	assert.Contains(t, err.Error(), "ru")

	// Only script languages: no model is trained.
	d, err = New(Config{Languages: []language.Tag{Thai, TraditionalChinese}})
	require.NoError(t, err)
	assert.Nil(t, d.m)
	assert.Equal(t, TraditionalChinese, d.Detect("我想问一下").Lang, "the only Chinese configured")
	assert.Equal(t, language.Und, d.Detect("hello").Lang, "no Latin-script language configured")
}

func TestDetect(t *testing.T) {
	t.Parallel()
	d, err := New(Config{})
	require.NoError(t, err)
	tests := []struct {
		text   string
		want   language.Tag
		method Method
	}{
		{"ขอบคุณครับ", Thai, Script},
		{"شكرا لكم", Arabic, Script},
		{"ありがとう", Japanese, Script},
		{"注文を確認したい", Japanese, Script}, // kanji with kana
		{"这个多少钱", SimplifiedChinese, Script},
		{"這個多少錢", TraditionalChinese, Script},
		{"可以用Apple Pay付款嗎", TraditionalChinese, Script}, // a brand among Han
		{"my order 这个", English, Statistical},           // more Latin than Han
		{"where is my parcel", English, Statistical},
		{"dónde está mi pedido", Spanish, Statistical},
		{"onde esta meu pedido", BrazilianPortugese, Statistical},
		{"où est ma commande", French, Statistical},
		{"wo ist meine Bestellung", German, Statistical},
		{"pesanan saya di mana kak", Indonesian, Statistical},
		{"đơn hàng của tôi đâu rồi", Vietnamese, Statistical},
		{"don hang cua toi dau roi", Vietnamese, Statistical}, // no diacritics
		{"WHERE IS MY PARCEL", English, Statistical},
		{"", language.Und, None},
		{"👍🙏 12345 !!", language.Und, None},
		{"안녕하세요", language.Und, None}, // Korean is not among the default languages
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			t.Parallel()
			got := d.Detect(tt.text)
			assert.Equal(t, tt.want, got.Lang)
			assert.Equal(t, tt.method, got.Method)
			assert.GreaterOrEqual(t, got.Confidence, 0.0)
			assert.LessOrEqual(t, got.Confidence, 1.0)
		})
	}
}

func TestDetectKorean(t *testing.T) {
	t.Parallel()
	d, err := New(Config{Languages: []language.Tag{English, Korean}})
	require.NoError(t, err)
	got := d.Detect("주문 취소해 주세요")
	assert.Equal(t, Result{Lang: Korean, Confidence: 1, Method: Script}, got)
}

func TestDetectIn(t *testing.T) {
	t.Parallel()
	d, err := New(Config{})
	require.NoError(t, err)
	tests := []struct {
		name   string
		text   string
		ctx    Context
		want   language.Tag
		method Method
	}{
		{"emoji takes the conversation's language", "👍", Context{Recent: []language.Tag{Thai}}, Thai, Prior},
		{"emoji takes the profile's language without a conversation", "👍", Context{Profile: German}, German, Prior},
		{"nothing to go on", "👍", Context{}, language.Und, None},
		{"an unconfigured prior is ignored", "👍", Context{Recent: []language.Tag{Korean}}, language.Und, None},
		{"ambiguous Han follows the conversation", "好的", Context{Recent: []language.Tag{TraditionalChinese}}, TraditionalChinese, Prior},
		{"ambiguous Han follows the profile", "好的", Context{Profile: TraditionalChinese}, TraditionalChinese, Prior},
		{"ambiguous Han without context", "好的", Context{}, SimplifiedChinese, Script},
		{"telling Han overrides the conversation", "謝謝", Context{Recent: []language.Tag{SimplifiedChinese}}, TraditionalChinese, Script},
		{"a short shared word follows the conversation", "ok", Context{Recent: []language.Tag{Indonesian}}, Indonesian, Statistical},
		{"a long message overrides the conversation", "je voudrais savoir où est ma commande s'il vous plaît", Context{Recent: []language.Tag{English, English}, Profile: English}, French, Statistical},
		{"another script overrides the conversation", "ขอบคุณ", Context{Recent: []language.Tag{English}}, Thai, Script},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := d.DetectIn(tt.text, tt.ctx)
			assert.Equal(t, tt.want, got.Lang)
			assert.Equal(t, tt.method, got.Method)
		})
	}
}

func TestMethodString(t *testing.T) {
	t.Parallel()
	for m, want := range map[Method]string{None: "none", Script: "script", Statistical: "statistical", Prior: "prior", 9: "Method(9)"} {
		assert.Equal(t, want, m.String())
	}
}

// TestHanTables spot-checks the generated tables against characters whose
// forms every dictionary agrees on.
func TestHanTables(t *testing.T) {
	t.Parallel()
	in := func(table string, r rune) bool {
		i := r - hanLo
		return table[i/8]&(1<<(i%8)) != 0
	}
	for _, r := range "说话这国们见钱货运发吗谢没还订单" {
		assert.True(t, in(hanSimplified, r), "%c simplified", r)
		assert.False(t, in(hanTraditional, r), "%c traditional", r)
	}
	for _, r := range "說話這國們見錢貨運發嗎謝沒還訂單麼" {
		assert.True(t, in(hanTraditional, r), "%c traditional", r)
		assert.False(t, in(hanSimplified, r), "%c simplified", r)
	}
	for _, r := range "的我你好不是人大" {
		assert.False(t, in(hanSimplified, r) || in(hanTraditional, r), "%c is shared", r)
	}
}

// TestHanLean checks that characters both scripts have but one region's chat
// prefers decide a message with no peculiar character, and that a peculiar
// character outweighs a leaning one.
func TestHanLean(t *testing.T) {
	t.Parallel()
	d, err := New(Config{})
	require.NoError(t, err)
	for _, tc := range []struct {
		text string
		want language.Tag
	}{
		{"好喔", TraditionalChinese},
		{"之後再說吧", TraditionalChinese},
		{"好哦", SimplifiedChinese},
		{"什么时候", SimplifiedChinese},
		{"啥时候到", SimplifiedChinese},
		{"好喔 谢谢", SimplifiedChinese}, // 谢 is peculiar, 喔 only leans
		{"好的", SimplifiedChinese},    // nothing tells: the first configured
	} {
		assert.Equal(t, tc.want, d.Detect(tc.text).Lang, tc.text)
	}
	assert.Zero(t, hanLean('好'))
}

// TestMemory bounds what a Detector adds to the heap (issue 22: ≤ 40 MB).
func TestMemory(t *testing.T) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	d, err := New(Config{})
	require.NoError(t, err)
	runtime.GC()
	runtime.ReadMemStats(&after)
	added := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	t.Logf("a default Detector adds %.2f MB to the heap", float64(added)/(1<<20))
	assert.Less(t, added, int64(40<<20))
	runtime.KeepAlive(d)
}

func FuzzDetect(f *testing.F) {
	for _, s := range []string{"where is my parcel", "ขอบคุณ", "這個多少錢", "👍", "", "\xff\xfe", "a'b’c", strings.Repeat("é", 300)} {
		f.Add(s)
	}
	d, err := New(Config{})
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, s string) {
		for _, r := range []Result{d.Detect(s), d.DetectIn(s, Context{Recent: []language.Tag{English}, Profile: Thai})} {
			if r.Confidence < 0 || r.Confidence > 1 {
				t.Fatalf("confidence %v", r.Confidence)
			}
			if (r.Method == None) != (r.Lang == language.Und) {
				t.Fatalf("%+v", r)
			}
			if r.Lang != language.Und && !d.has[r.Lang] {
				t.Fatalf("unconfigured %v", r.Lang)
			}
		}
		if !utf8.ValidString(s) {
			return
		}
		// Upper case says nothing about the language of Latin text.
		if a, b := d.Detect(s), d.Detect(strings.ToUpper(s)); a.Method == Statistical && a.Lang != b.Lang && strings.ToLower(strings.ToUpper(s)) == s {
			t.Fatalf("%q: %v, upper case %v", s, a.Lang, b.Lang)
		}
	})
}

// benchMessages are short messages of every script.
var benchMessages = []string{
	"where is my parcel?? order 48213957",
	"¿cuánto tarda el envío a Sevilla?",
	"don hang cua minh dau roi shop",
	"ขอเปลี่ยนไซส์ได้ไหมคะ",
	"可以用LINE Pay付款嗎",
	"返品したいです😢",
	"wo bleibt mein Paket",
	"ok 👍",
}

// BenchmarkDetect is the cost of a detection; BenchmarkBaselineLower, of
// lower-casing and splitting the same messages, the least any detector
// reading them pays.
func BenchmarkDetect(b *testing.B) {
	d, err := New(Config{})
	require.NoError(b, err)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		_ = d.Detect(benchMessages[i%len(benchMessages)])
	}
}

func BenchmarkDetectIn(b *testing.B) {
	d, err := New(Config{})
	require.NoError(b, err)
	ctx := Context{Recent: []language.Tag{English, Spanish}, Profile: English}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		_ = d.DetectIn(benchMessages[i%len(benchMessages)], ctx)
	}
}

func BenchmarkBaselineLower(b *testing.B) {
	b.ReportAllocs()
	n := 0
	for i := 0; b.Loop(); i++ {
		n += len(strings.Fields(strings.ToLower(benchMessages[i%len(benchMessages)])))
	}
	_ = n
}

func BenchmarkNew(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := New(Config{}); err != nil {
			b.Fatal(err)
		}
	}
}
