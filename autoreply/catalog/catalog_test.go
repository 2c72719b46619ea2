package catalog

import (
	"bytes"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/language"
)

func tags(s ...string) []language.Tag {
	out := make([]language.Tag, len(s))
	for i, x := range s {
		out[i] = language.MustParse(x)
	}
	return out
}

// greetings is a catalog with one key in the 12 starter languages, each text
// its own locale's name, so a test reads which locale answered.
func greetings(t *testing.T) *Catalog {
	t.Helper()
	c := New(language.English)
	for _, l := range starterLocales {
		require.NoError(t, c.Add("hello", language.MustParse(l), l))
	}
	return c
}

func TestCatalogChoosesLocale(t *testing.T) {
	t.Parallel()
	c := greetings(t)
	tests := []struct {
		name  string
		prefs []language.Tag
		want  string
	}{
		{"exact", tags("de"), "de"},
		{"region variant", tags("de-AT"), "de"},
		{"Hong Kong is Traditional", tags("zh-HK"), "zh-Hant"},
		{"Taiwan is Traditional", tags("zh-TW"), "zh-Hant"},
		{"Macau is Traditional", tags("zh-MO"), "zh-Hant"},
		{"explicit script wins over region", tags("zh-Hans-HK"), "zh-Hans"},
		{"plain Chinese is Simplified", tags("zh"), "zh-Hans"},
		{"mainland", tags("zh-CN"), "zh-Hans"},
		{"Singapore", tags("zh-SG"), "zh-Hans"},
		{"European Portuguese gets Brazilian", tags("pt-PT"), "pt-BR"},
		{"Latin American Spanish", tags("es-419"), "es"},
		{"Egyptian Arabic", tags("ar-EG"), "ar"},
		{"second preference when the first is missing", tags("ko", "fr"), "fr"},
		{"first preference wins", tags("ja", "fr"), "ja"},
		{"nothing matches: default", tags("ko", "nl"), "en"},
		{"no preferences: default", nil, "en"},
		{"undetermined: default", tags("und"), "en"},
		{"with extensions", tags("th-TH-u-nu-thai"), "th"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			text, lang, err := c.Render("hello", tt.prefs, nil)
			require.NoError(t, err)
			assert.Equal(t, tt.want, text)
			assert.Equal(t, tt.want, lang.String(), "the returned locale is one of the catalog's")
		})
	}
}

func TestCatalogFallsBackPerKey(t *testing.T) {
	t.Parallel()
	c := New(language.English)
	require.NoError(t, c.Add("k", language.English, "en"))
	require.NoError(t, c.Add("k", language.German, "de"))
	require.NoError(t, c.Add("only-en", language.English, "en only"))

	text, lang, err := c.Render("k", tags("fr", "de"), nil)
	require.NoError(t, err)
	assert.Equal(t, "de", text, "a key without the first language uses the next one it has")
	assert.Equal(t, language.German, lang)

	text, lang, err = c.Render("only-en", tags("de"), nil)
	require.NoError(t, err)
	assert.Equal(t, "en only", text)
	assert.Equal(t, language.English, lang)
	assert.Equal(t, tags("en", "de"), c.Locales("k"), "default first")
}

func TestCatalogTraditionalChineseWithoutHant(t *testing.T) {
	t.Parallel()
	c := New(language.English)
	require.NoError(t, c.Add("k", language.English, "en"))
	require.NoError(t, c.Add("k", language.MustParse("zh-Hans"), "简体"))
	text, _, err := c.Render("k", tags("zh-TW"), nil)
	require.NoError(t, err)
	assert.Equal(t, "简体", text, "with no Traditional text, Chinese in the other script beats a foreign language")
}

func TestCatalogUnknownKey(t *testing.T) {
	t.Parallel()
	c := greetings(t)
	_, _, err := c.Render("nope", tags("en"), nil)
	require.ErrorIs(t, err, ErrUnknownKey)
	assert.Contains(t, err.Error(), `"nope"`)
	_, err = c.Template("nope", nil)
	require.ErrorIs(t, err, ErrUnknownKey)
	_, err = c.Platform("nope", nil, nil)
	require.ErrorIs(t, err, ErrUnknownKey)
	assert.Nil(t, c.Locales("nope"))
}

func TestCatalogRenderMissingVariable(t *testing.T) {
	t.Parallel()
	c := New(language.English)
	require.NoError(t, c.Add("shipped", language.English, "Parcel {{tracking_number}} shipped."))
	_, lang, err := c.Render("shipped", nil, Vars{})
	require.ErrorIs(t, err, ErrMissingVar)
	assert.Equal(t, language.English, lang)
	assert.Contains(t, err.Error(), `"tracking_number"`)
	assert.Contains(t, err.Error(), `"shipped"`)
}

func TestCatalogAddErrors(t *testing.T) {
	t.Parallel()
	c := New(language.English)
	err := c.Add("k", language.English, "Hi {{name")
	var se *SyntaxError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, 4, se.Col)
	assert.Contains(t, err.Error(), `key "k" locale en`)
	require.ErrorIs(t, c.Add(" ", language.English, "x"), ErrInvalidCatalog)
	require.ErrorIs(t, c.Add("k", language.Und, "x"), ErrInvalidCatalog)
	assert.Empty(t, c.Keys(), "a failed Add adds nothing")
}

func TestCatalogValidate(t *testing.T) {
	t.Parallel()
	c := New(language.English)
	require.NoError(t, c.Add("ok", language.English, "{{a}} {{b}}"))
	require.NoError(t, c.Add("ok", language.German, "{{b}} {{a|number}}"))
	require.NoError(t, c.Add("no-default", language.German, "x"))
	require.NoError(t, c.Add("vars", language.English, "{{a}}"))
	require.NoError(t, c.Add("vars", language.French, "{{a}} {{b}}"))
	require.NoError(t, c.Add("kinds", language.English, "{{a|date}} {{n|plural:other=#}} {{m|money}}"))
	require.NoError(t, c.Add("kinds", language.German, "{{a|datetime}} {{n|number}} {{m|date}}"))
	require.NoError(t, c.SetWhatsApp("kinds", WhatsApp{Name: "t", Params: []string{"a|time", "n|money"}}))
	err := c.Validate()
	require.ErrorIs(t, err, ErrInvalidCatalog)
	assert.Contains(t, err.Error(), `key "no-default" has no text in the default locale en`)
	assert.Contains(t, err.Error(), `key "vars": locale fr uses variables [a b], default locale en uses [a]`)
	assert.Contains(t, err.Error(), `key "kinds": locale de formats "m" as a time, another placeholder as a money amount`)
	assert.Contains(t, err.Error(), `key "kinds": the whatsapp template formats "n" as a money amount, another placeholder as a number`)
	assert.NotContains(t, err.Error(), `"a" as`, "date, time and datetime all take a time")
	assert.NotContains(t, err.Error(), `"n" as a number`, "plural and number both take a number")
	assert.NotContains(t, err.Error(), `"ok"`)
}

const sampleFile = `{
  "default_locale": "en",
  "templates": {
    "tracking.stale": {
      "note": "for translators",
      "texts": {
        "de": "Seit {{updated_at|date}} nichts Neues zu {{tracking_number}}.",
        "en": "No news on {{tracking_number}} since {{updated_at|date}}."
      },
      "whatsapp": {
        "name": "parcel_no_update",
        "params": [
          "tracking_number",
          "updated_at|date"
        ],
        "languages": {
          "de": "de",
          "en": "en_US"
        }
      }
    },
    "x": {
      "texts": {
        "en": "<b>&</b> {{{{literal}}}}"
      }
    }
  }
}
`

func TestLoadSaveRoundTrip(t *testing.T) {
	t.Parallel()
	c, err := Load(strings.NewReader(sampleFile))
	require.NoError(t, err)
	var buf bytes.Buffer
	require.NoError(t, c.Save(&buf))
	assert.Equal(t, sampleFile, buf.String(), "Save writes what Load read, byte for byte")

	c2, err := Load(&buf)
	require.NoError(t, err)
	assert.Equal(t, c.Keys(), c2.Keys())
	text, _, err := c2.Render("x", nil, nil)
	require.NoError(t, err)
	assert.Equal(t, "<b>&</b> {{literal}}", text)
}

func TestLoadErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		json string
		want []string
	}{
		{"not JSON", `{"default_locale":`, []string{"unexpected EOF"}},
		{"trailing data", `{"default_locale":"en","templates":{}} {}`, []string{"data after the catalog object"}},
		{"unknown field", `{"default_locale":"en","templates":{"k":{"text":{"en":"x"}}}}`, []string{`unknown field "text"`}},
		{"missing default locale", `{"templates":{}}`, []string{`default_locale ""`}},
		{"bad default locale", `{"default_locale":"english!","templates":{}}`, []string{`default_locale "english!"`}},
		{"bad text locale", `{"default_locale":"en","templates":{"k":{"texts":{"en":"x","xx-!!":"y"}}}}`, []string{`locale "xx-!!"`}},
		{"malformed templates, all reported", `{"default_locale":"en","templates":{
			"a":{"texts":{"en":"Hi {{name"}},
			"b":{"texts":{"en":"ok","de":"x\n  {{y|bogus}}"}}}}`,
			[]string{`key "a" locale en: template:1:4: unclosed {{`, `key "b" locale de: template:2:7: unknown format "bogus"`}},
		{"key without default text", `{"default_locale":"en","templates":{"k":{"texts":{"de":"x"}}}}`, []string{"no text in the default locale"}},
		{"variables differ", `{"default_locale":"en","templates":{"k":{"texts":{"en":"{{a}}","de":"{{b}}"}}}}`, []string{"uses variables [b]"}},
		{"whatsapp without name", `{"default_locale":"en","templates":{"k":{"texts":{"en":"x"},"whatsapp":{"params":["a"]}}}}`, []string{"empty template name"}},
		{"whatsapp bad param", `{"default_locale":"en","templates":{"k":{"texts":{"en":"x"},"whatsapp":{"name":"t","params":["a b"]}}}}`, []string{`parameter 1 "a b"`}},
		{"whatsapp unknown language", `{"default_locale":"en","templates":{"k":{"texts":{"en":"x"},"whatsapp":{"name":"t","languages":{"fr":"fr"}}}}}`, []string{"language fr has no text"}},
		{"whatsapp bad language tag", `{"default_locale":"en","templates":{"k":{"texts":{"en":"x"},"whatsapp":{"name":"t","languages":{"!!":"fr"}}}}}`, []string{`locale "!!"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := Load(strings.NewReader(tt.json))
			require.ErrorIs(t, err, ErrInvalidCatalog)
			assert.Nil(t, c)
			for _, w := range tt.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
	t.Run("syntax error is reachable", func(t *testing.T) {
		t.Parallel()
		_, err := Load(strings.NewReader(`{"default_locale":"en","templates":{"a":{"texts":{"en":"{{"}}}}`))
		var se *SyntaxError
		require.ErrorAs(t, err, &se)
		assert.Equal(t, 0, se.Offset)
	})
	t.Run("too large", func(t *testing.T) {
		t.Parallel()
		_, err := Load(strings.NewReader(strings.Repeat(" ", MaxFileSize+1)))
		require.ErrorIs(t, err, ErrInvalidCatalog)
	})
	t.Run("read error", func(t *testing.T) {
		t.Parallel()
		_, err := Load(errReader{})
		require.Error(t, err)
		assert.ErrorIs(t, err, errBoom)
	})
}

var errBoom = errors.New("boom")

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errBoom }

func TestCatalogConcurrentUse(t *testing.T) {
	t.Parallel()
	c := greetings(t)
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for range 50 {
				text, _, err := c.Render("hello", tags("zh-HK"), nil)
				assert.NoError(t, err)
				assert.Equal(t, "zh-Hant", text)
			}
		}()
		go func() {
			defer wg.Done()
			for j := range 20 {
				assert.NoError(t, c.Add("other", language.English, strings.Repeat("x", i+j)))
				_ = c.Keys()
				var buf bytes.Buffer
				assert.NoError(t, c.Save(&buf))
			}
		}()
	}
	wg.Wait()
}
