// Package catalog turns a reply decision into the text a customer reads, in
// the customer's language, and into the WhatsApp approved template a send
// outside the customer-service window needs.
//
// A Template is parsed once and rendered many times, concurrently:
//
//	t, err := catalog.ParseLocale(language.German, "Sendung {{tracking_number}} ist unterwegs.")
//	text, err := t.Render(catalog.Vars{"tracking_number": "1Z999AA10123456784"})
//
// A Catalog holds templates by key, each in several locales, chooses the
// locale with golang.org/x/text/language matching over the customer's
// preferred languages and falls back to the shop's default locale:
//
//	cat, err := catalog.Load(f) // the JSON below
//	text, lang, err := cat.Render("shipping.status", []language.Tag{customerLang}, vars)
//	tmpl, err := cat.Platform("shipping.status", prefs, vars) // *channel.Template
//	parts, lang, err := cat.RenderFor(channel.LINE, "delivery.times", prefs, nil) // within LINE's limit
//
// # Template syntax
//
// Text is copied as it is (no HTML escaping: this is chat). A placeholder is
// {{name}} or {{name|format}}; spaces inside the braces are ignored. A name
// starts with a letter or "_" and goes on with letters, digits, "_", "." or
// "-". A placeholder stays on one line.
//
// To write the braces themselves, double them: "{{{{" is a literal "{{" and
// "}}}}" a literal "}}" (so "{{{{name}}}}" shows "{{name}}"). A single "{" or
// "}" needs no escape. A "}}" outside a placeholder is an error, which
// catches the typo "{name}}".
//
// Formats, and the values each accepts in Vars:
//
//	{{x}}            string or fmt.Stringer as is; int types in plain digits
//	                 (identifiers: no grouping); floats as {{x|number}};
//	                 time.Time as {{x|datetime}}; currency.Amount as {{x|money}}
//	{{x|number}}     any int or float type, with the locale's digits and
//	                 separators: 1,234.5 (en), 1.234,5 (de), ١٬٢٣٤٫٥ (ar)
//	{{x|date}}       time.Time, the locale's medium date: Mar 5, 2026 (en),
//	                 05.03.2026 (de), 2026年3月5日 (zh, ja), 5 มี.ค. 2569 (th,
//	                 Buddhist era)
//	{{x|time}}       time.Time, the locale's short time: 3:04 PM (en), 15:04
//	{{x|datetime}}   time.Time, date and time
//	{{x|money}}      currency.Amount (golang.org/x/text/currency, for example
//	                 currency.EUR.Amount(12.5)), rounded to the currency's
//	                 digits, with the locale's symbol and its place: €12.50
//	                 (en), 12,50 € (de, fr, es), R$ 12,50 (pt)
//	{{x|plural:one=# day,other=# days}}
//	                 an int type; the form for the number's CLDR plural
//	                 category in the template's locale (zero, one, two, few,
//	                 many, other), "#" replaced by the number as {{x|number}}.
//	                 "other" is required; a missing category uses "other".
//	                 Inside the forms a backslash escapes the next character:
//	                 "\," "\#" "\\" "\}".
//
// Times are shown in their own location: convert with t.In(loc) first.
// Digits follow the locale's CLDR numbering system: "ar" writes
// Arabic-Indic digits (٣ أيام); a shop that prefers Western digits names
// its locale "ar-u-nu-latn", which customers' "ar-SA" or "ar" still match.
// Dates, times and money are laid out for the 12 shipped languages (en, es,
// pt, fr, de, id, vi, th, zh, ja, ar); other locales get ISO dates and a
// symbol before the amount, with x/text's digits and separators.
//
// A variable that is absent, nil, an empty or blank string, or a zero time
// is an error (a *VarError wrapping ErrMissingVar), so a customer never sees
// an empty hole or "<no value>". A malformed template is a *SyntaxError
// carrying the byte offset, line and column of the fault.
//
// # Catalog file
//
// Load and Save read and write JSON a shop can edit:
//
//	{
//	  "default_locale": "en",
//	  "templates": {
//	    "tracking.stale": {
//	      "note": "optional, for translators",
//	      "texts": {
//	        "en": "No news on {{tracking_number}} since {{updated_at|datetime}}.",
//	        "de": "Seit {{updated_at|datetime}} keine Neuigkeiten zu {{tracking_number}}."
//	      },
//	      "whatsapp": {
//	        "name": "parcel_no_update",
//	        "params": ["tracking_number", "updated_at|datetime"],
//	        "languages": {"en": "en_US", "de": "de"}
//	      }
//	    }
//	  }
//	}
//
// Every key needs a text in the default locale, and all locales of a key
// must use the same variables (Validate). "whatsapp" is optional: "params"
// lists the template's body parameters in order ({{1}}, {{2}}, ...), each a
// variable with an optional format; "named": true sends them as named
// parameters instead; "languages" maps the catalog locales the template is
// approved in to WhatsApp language codes (default: every locale, with the
// code from LanguageCode).
//
// # Choosing a locale
//
// The customer's languages (most preferred first, as from an
// Accept-Language header or a platform profile) are matched against the
// key's locales with a language.Matcher; the catalog takes the matcher's
// index into its own list, never the tag it returns (which carries the
// customer's region and extensions). Chinese for Hong Kong, Taiwan and Macau
// (zh-HK, zh-TW, zh-MO) is matched as Traditional Chinese (zh-Hant); zh,
// zh-CN and zh-SG as Simplified. When nothing matches, the default locale
// answers.
//
// # Channels
//
// ForChannel (and RenderFor, which renders first) cuts a text into messages
// within each platform's limit (WhatsApp 4096 characters, Messenger 2000, LINE 5000 UTF-16 units,
// WeChat 2048 bytes) on paragraph, line, sentence or word boundaries.
// Platform builds a *channel.Template whose parameters are sanitized the
// way Meta requires (SanitizeParam).
//
// Templates and Catalogs are safe for concurrent use.
package catalog
