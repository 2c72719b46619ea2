package catalog

import (
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/language"

	"github.com/switchboard-go/switchboard/channel"
)

func utf16Len(s string) int { return len(utf16.Encode([]rune(s))) }

func TestForChannel(t *testing.T) {
	t.Parallel()
	sentence := "Your parcel is on its way and should arrive soon. "
	cjk := strings.Repeat("您的包裹正在派送中，请保持电话畅通。", 200) // 3 bytes a rune
	emoji := strings.Repeat("📦 ", 1500)              // 2 UTF-16 units a parcel
	tests := []struct {
		name    string
		kind    channel.Kind
		text    string
		measure func(string) int
		limit   int
	}{
		{"whatsapp runes", channel.WhatsApp, strings.Repeat(sentence, 200), utf8.RuneCountInString, WhatsAppTextLimit},
		{"messenger utf16", channel.Messenger, emoji, utf16Len, MessengerTextLimit},
		{"line utf16", channel.LINE, strings.Repeat(emoji, 3), utf16Len, LINETextLimit},
		{"wechat bytes latin", channel.WeChat, strings.Repeat(sentence, 100), func(s string) int { return len(s) }, WeChatTextLimit},
		{"wechat bytes chinese", channel.WeChat, cjk, func(s string) int { return len(s) }, WeChatTextLimit},
		{"wechat bytes emoji", channel.WeChat, emoji, func(s string) int { return len(s) }, WeChatTextLimit},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Greater(t, tt.measure(tt.text), tt.limit, "the input must need cutting")
			parts := ForChannel(tt.kind, tt.text)
			require.Greater(t, len(parts), 1)
			var joined strings.Builder
			for i, p := range parts {
				assert.LessOrEqual(t, tt.measure(p), tt.limit, "part %d", i)
				assert.True(t, utf8.ValidString(p), "part %d is valid UTF-8", i)
				assert.NotEmpty(t, strings.TrimSpace(p))
				joined.WriteString(p)
			}
			strip := func(s string) string { return strings.Join(strings.Fields(s), "") }
			assert.Equal(t, strip(tt.text), strip(joined.String()), "nothing lost but whitespace at the cuts")
		})
	}
}

func TestForChannelCutsOnBoundaries(t *testing.T) {
	t.Parallel()
	para := strings.Repeat("word ", 300) + "end."
	text := para + "\n\n" + para
	parts := ForChannel(channel.Messenger, text)
	require.Len(t, parts, 2, "two paragraphs of about 1500 characters make two messages")
	assert.Equal(t, para, parts[0])
	assert.Equal(t, para, parts[1])
}

func TestForChannelShortAndUnknown(t *testing.T) {
	t.Parallel()
	for _, kind := range channel.Kinds() {
		assert.Equal(t, []string{"hi"}, ForChannel(kind, "hi"), kind)
		assert.Nil(t, ForChannel(kind, ""), kind)
		assert.Positive(t, TextLimit(kind), kind)
	}
	long := strings.Repeat("x", 10000)
	assert.Equal(t, []string{long}, ForChannel("sms", long), "unknown kinds are not cut")
	assert.Zero(t, TextLimit("sms"))
	assert.Equal(t, []string{strings.Repeat("é", 1024)}, ForChannel(channel.WeChat, strings.Repeat("é", 1024)), "2048 bytes fit")
}

func TestRenderFor(t *testing.T) {
	t.Parallel()
	c := New(language.English)
	require.NoError(t, c.Add("long", language.English, strings.Repeat("{{word}} ", 600)))
	parts, lang, err := c.RenderFor(channel.Messenger, "long", nil, Vars{"word": "parcel"})
	require.NoError(t, err)
	assert.Equal(t, language.English, lang)
	require.Len(t, parts, 3, "4200 characters make 3 Messenger messages")
	for _, p := range parts {
		assert.LessOrEqual(t, utf16Len(p), MessengerTextLimit)
	}
	_, _, err = c.RenderFor(channel.Messenger, "long", nil, nil)
	require.ErrorIs(t, err, ErrMissingVar)
	_, _, err = c.RenderFor(channel.LINE, "nope", nil, nil)
	require.ErrorIs(t, err, ErrUnknownKey)
}

// FuzzForChannel checks that every part fits its platform's limit, counted
// the platform's way, and that only whitespace at the cuts is lost.
func FuzzForChannel(f *testing.F) {
	for _, s := range []string{"Your parcel is on its way. ", "您的包裹正在派送中。", "📦 ", "ที่นี่", "e\u0301\u0301 ", "a\xffb "} {
		f.Add(s, uint16(700))
	}
	units := map[channel.Kind]channel.LengthUnit{
		channel.WhatsApp: channel.CodePoints, channel.Messenger: channel.UTF16Units,
		channel.LINE: channel.UTF16Units, channel.WeChat: channel.UTF8Bytes,
	}
	f.Fuzz(func(t *testing.T, s string, reps uint16) {
		if s == "" {
			return
		}
		text := strings.Repeat(s, min(int(reps)+1, 24000/len(s)+1))
		for kind, unit := range units {
			var kept strings.Builder
			for i, p := range ForChannel(kind, text) {
				if n := channel.TextLen(p, unit); n > TextLimit(kind) {
					t.Fatalf("%s part %d is %d long, limit %d", kind, i, n, TextLimit(kind))
				}
				kept.WriteString(p)
			}
			strip := func(s string) string { return strings.Join(strings.Fields(s), "") }
			if strip(kept.String()) != strip(text) {
				t.Fatalf("%s: content lost", kind)
			}
		}
	})
}
