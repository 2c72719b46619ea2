package catalog_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/currency"
	"golang.org/x/text/language"

	"github.com/switchboard-go/switchboard/autoreply/catalog"
	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/channel/channeltest"
)

func ExampleParse() {
	t, err := catalog.Parse("Parcel {{tracking_number}} is on its way. Type {{{{help}}}} for options.")
	if err != nil {
		fmt.Println(err)
		return
	}
	text, err := t.Render(catalog.Vars{"tracking_number": "1Z999AA10123456784"})
	fmt.Println(text, err)

	_, err = t.Render(catalog.Vars{})
	fmt.Println(err)

	_, err = catalog.Parse("Hello {{name")
	fmt.Println(err)
	// Output:
	// Parcel 1Z999AA10123456784 is on its way. Type {{help}} for options. <nil>
	// missing variable "tracking_number"
	// template:1:7: unclosed {{ (no }} before the end of the text)
}

func ExampleParseLocale() {
	at := time.Date(2026, 3, 5, 14, 7, 0, 0, time.UTC)
	texts := []struct {
		lang language.Tag
		src  string
	}{
		{language.English, "{{days|plural:one=# day,other=# days}}, {{at|datetime}}, {{total|money}}"},
		{language.German, "{{days|plural:one=# Tag,other=# Tage}}, {{at|datetime}}"},
		{language.Japanese, "{{days|plural:other=#日}}、{{at|datetime}}、{{total|money}}"},
	}
	for _, x := range texts {
		t, err := catalog.ParseLocale(x.lang, x.src)
		if err != nil {
			fmt.Println(err)
			return
		}
		for _, days := range []int{1, 3} {
			text, err := t.Render(catalog.Vars{"days": days, "at": at, "total": currency.EUR.Amount(1234.5)})
			fmt.Printf("%s: %s %v\n", x.lang, text, err)
		}
	}
	// Output:
	// en: 1 day, Mar 5, 2026, 2:07 PM, €1,234.50 <nil>
	// en: 3 days, Mar 5, 2026, 2:07 PM, €1,234.50 <nil>
	// de: 1 Tag, 05.03.2026, 14:07 <nil>
	// de: 3 Tage, 05.03.2026, 14:07 <nil>
	// ja: 1日、2026年3月5日 14:07、€1,234.50 <nil>
	// ja: 3日、2026年3月5日 14:07、€1,234.50 <nil>
}

const shopCatalog = `{
  "default_locale": "en",
  "templates": {
    "tracking.stale": {
      "texts": {
        "en": "No update on {{tracking_number}} since {{updated_at|date}}.",
        "zh-Hant": "包裹 {{tracking_number}} 自 {{updated_at|date}} 起沒有更新。"
      },
      "whatsapp": {"name": "parcel_no_update", "params": ["tracking_number", "updated_at|date"]}
    }
  }
}`

func ExampleCatalog_Render() {
	cat, err := catalog.Load(strings.NewReader(shopCatalog))
	if err != nil {
		fmt.Println(err)
		return
	}
	vars := catalog.Vars{"tracking_number": "SF1234567890", "updated_at": time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)}
	for _, prefs := range [][]language.Tag{
		{language.MustParse("zh-HK")},                           // Hong Kong reads Traditional Chinese
		{language.MustParse("ko"), language.MustParse("zh-TW")}, // the second choice
		{language.MustParse("fr")},                              // no French: the shop's default
	} {
		text, lang, err := cat.Render("tracking.stale", prefs, vars)
		fmt.Println(lang, text, err)
	}
	_, _, err = cat.Render("tracking.lost", nil, vars)
	fmt.Println(errors.Is(err, catalog.ErrUnknownKey))
	// Output:
	// zh-Hant 包裹 SF1234567890 自 2026年11月20日 起沒有更新。 <nil>
	// zh-Hant 包裹 SF1234567890 自 2026年11月20日 起沒有更新。 <nil>
	// en No update on SF1234567890 since Nov 20, 2026. <nil>
	// true
}

// A reply outside WhatsApp's 24-hour window must be an approved template:
// the same key gives one, sent here through the in-memory fake channel.
func ExampleCatalog_Platform() {
	cat, err := catalog.Load(strings.NewReader(shopCatalog))
	if err != nil {
		fmt.Println(err)
		return
	}
	vars := catalog.Vars{"tracking_number": "SF1234567890\n", "updated_at": time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)}
	tmpl, err := cat.Platform("tracking.stale", []language.Tag{language.MustParse("zh-TW")}, vars)
	if err != nil {
		fmt.Println(err)
		return
	}
	fake := channeltest.New(channeltest.Config{})
	to := channel.Address{Channel: channel.WhatsApp, ID: "85291234567"}
	if _, err := fake.Send(context.Background(), &channel.Message{To: to, Template: tmpl}); err != nil {
		fmt.Println(err)
		return
	}
	sent := fake.SentTo(to)[0].Template
	fmt.Printf("%s %s %q\n", sent.Name, sent.Language, sent.Params)
	// Output:
	// parcel_no_update zh_TW ["SF1234567890" "2026年11月20日"]
}

func ExampleForChannel() {
	long := strings.Repeat("Your parcel is on its way. ", 100) // 2700 characters
	for _, kind := range []channel.Kind{channel.WhatsApp, channel.Messenger} {
		parts := catalog.ForChannel(kind, long)
		fmt.Println(kind, len(parts), "messages, the first ends with", fmt.Sprintf("%q", parts[0][len(parts[0])-10:]))
	}
	// Output:
	// whatsapp 1 messages, the first ends with " its way. "
	// messenger 2 messages, the first ends with "n its way."
}

// The shop bot's starter replies, in the 12 languages it ships with.
func Example_starterReplies() {
	f, err := os.Open("../../examples/shopbot/data/replies.json")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close()
	cat, err := catalog.Load(f)
	if err != nil {
		fmt.Println(err)
		return
	}
	vars := catalog.Vars{
		"tracking_number": "JD014600003828427190",
		"days":            4,
		"updated_at":      time.Date(2026, 11, 20, 9, 5, 0, 0, time.UTC),
	}
	for _, lang := range []string{"en", "es", "zh-Hant", "ar"} {
		text, _, err := cat.Render("tracking.stale", []language.Tag{language.MustParse(lang)}, vars)
		if err != nil {
			fmt.Println(err)
			return
		}
		end := strings.IndexAny(text, ")）") // the first sentence, up to the time
		_, size := utf8.DecodeRuneInString(text[end:])
		fmt.Println(text[:end+size])
	}
	// Output:
	// There's been no tracking update for JD014600003828427190 in 4 days (last update: Nov 20, 2026, 9:05 AM)
	// El envío JD014600003828427190 no tiene novedades desde hace 4 días (última actualización: 20 nov 2026, 9:05)
	// 包裹 JD014600003828427190 已經 4 天沒有物流更新了（最後更新：2026年11月20日 09:05）
	// لا يوجد أي تحديث لتتبع الشحنة JD014600003828427190 منذ ٤ أيام (آخر تحديث: ٢٠‏/١١‏/٢٠٢٦، ٩:٠٥ ص)
}
