package catalog

import (
	"golang.org/x/text/language"

	"github.com/switchboard-go/switchboard/channel"
)

// Text length limits of one text message, and how each platform counts.
const (
	// WhatsAppTextLimit: Cloud API text.body holds at most 4096 characters.
	WhatsAppTextLimit = 4096
	// MessengerTextLimit: Send API message.text "has a 2000 character
	// limit"; counted here in UTF-16 units, so an emoji counts two and a
	// text under the limit is under it however Meta counts.
	MessengerTextLimit = 2000
	// LINETextLimit: a LINE text message holds at most 5000 characters,
	// which LINE counts in UTF-16 code units.
	LINETextLimit = 5000
	// WeChatTextLimit: WeChat documents no limit for customer-service text,
	// but answers errcode 45002 "content size out of limit" above 2048
	// bytes of UTF-8 (the limit its passive-reply documentation states and
	// developers measured for custom/send), so a CJK character counts 3.
	WeChatTextLimit = 2048
)

// TextLimit returns the longest text kind accepts in one message, in the
// platform's own unit (see the constants), or 0 for an unknown kind.
func TextLimit(kind channel.Kind) int {
	switch kind {
	case channel.WhatsApp:
		return WhatsAppTextLimit
	case channel.Messenger:
		return MessengerTextLimit
	case channel.LINE:
		return LINETextLimit
	case channel.WeChat:
		return WeChatTextLimit
	}
	return 0
}

// ForChannel cuts text into messages that kind accepts, each within the
// platform's limit, preferring to cut between paragraphs, then lines, then
// sentences, then words, and never inside a character or a grapheme cluster
// (an emoji sequence, a Thai syllable). A text that fits comes back as the
// only part; an unknown kind gets text unchanged; an empty text gives nil.
// Safe for concurrent use.
func ForChannel(kind channel.Kind, text string) []string {
	if text == "" {
		return nil
	}
	switch kind {
	case channel.WhatsApp:
		return channel.SplitText(text, WhatsAppTextLimit, channel.CodePoints)
	case channel.Messenger:
		return channel.SplitText(text, MessengerTextLimit, channel.UTF16Units)
	case channel.LINE:
		return channel.SplitText(text, LINETextLimit, channel.UTF16Units)
	case channel.WeChat:
		return channel.SplitText(text, WeChatTextLimit, channel.UTF8Bytes)
	}
	return []string{text}
}

// RenderFor renders key as Render does and cuts the text into the messages
// kind accepts (ForChannel). Errors are as for Render.
func (c *Catalog) RenderFor(kind channel.Kind, key string, prefs []language.Tag, vars Vars) ([]string, language.Tag, error) {
	text, lang, err := c.Render(key, prefs, vars)
	if err != nil {
		return nil, lang, err
	}
	return ForChannel(kind, text), lang, nil
}
