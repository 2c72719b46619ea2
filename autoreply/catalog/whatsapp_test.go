package catalog

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/language"

	"github.com/switchboard-go/switchboard/channel"
)

func staleCatalog(t *testing.T, wa WhatsApp) *Catalog {
	t.Helper()
	c := New(language.English)
	require.NoError(t, c.Add("tracking.stale", language.English, "No news on {{tracking_number}} since {{updated_at|date}}."))
	require.NoError(t, c.Add("tracking.stale", language.German, "Seit {{updated_at|date}} nichts Neues zu {{tracking_number}}."))
	require.NoError(t, c.Add("tracking.stale", language.MustParse("zh-Hant"), "{{tracking_number}} 自 {{updated_at|date}} 起沒有更新。"))
	require.NoError(t, c.SetWhatsApp("tracking.stale", wa))
	return c
}

func TestPlatform(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	vars := Vars{"tracking_number": "JD0146", "updated_at": at}
	c := staleCatalog(t, WhatsApp{Name: "parcel_no_update", Params: []string{"tracking_number", "updated_at|date"}})
	tests := []struct {
		name  string
		prefs []language.Tag
		want  channel.Template
	}{
		{"english", tags("en-GB"), channel.Template{Name: "parcel_no_update", Language: "en", Params: []string{"JD0146", "Nov 20, 2026"}}},
		{"german formats in german", tags("de-CH"), channel.Template{Name: "parcel_no_update", Language: "de", Params: []string{"JD0146", "20.11.2026"}}},
		{"hong kong", tags("zh-HK"), channel.Template{Name: "parcel_no_update", Language: "zh_TW", Params: []string{"JD0146", "2026年11月20日"}}},
		{"fallback", tags("ko"), channel.Template{Name: "parcel_no_update", Language: "en", Params: []string{"JD0146", "Nov 20, 2026"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := c.Platform("tracking.stale", tt.prefs, vars)
			require.NoError(t, err)
			assert.Equal(t, tt.want, *got)
			m := channel.Message{To: channel.Address{Channel: channel.WhatsApp, ID: "15551234567"}, Template: got}
			assert.NoError(t, m.Validate())
		})
	}
}

func TestPlatformLanguagesAndNamed(t *testing.T) {
	t.Parallel()
	vars := Vars{"tracking_number": "JD\t0146\n", "updated_at": time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)}
	c := staleCatalog(t, WhatsApp{
		Name:      "parcel_no_update",
		Params:    []string{"tracking_number", "updated_at|date"},
		Named:     true,
		Languages: map[language.Tag]string{language.German: "de", language.English: "en_US"},
	})
	got, err := c.Platform("tracking.stale", tags("zh-TW"), vars)
	require.NoError(t, err)
	assert.Equal(t, "en_US", got.Language, "zh-Hant has a text but no approved template: default")
	assert.Nil(t, got.Params)
	assert.Equal(t, map[string]string{"tracking_number": "JD 0146", "updated_at": "Nov 20, 2026"}, got.NamedParams)

	got, err = c.Platform("tracking.stale", tags("de"), vars)
	require.NoError(t, err)
	assert.Equal(t, "de", got.Language)

	wa, ok := c.WhatsAppTemplate("tracking.stale")
	require.True(t, ok)
	assert.Equal(t, "parcel_no_update", wa.Name)
	wa.Params[0] = "changed"
	wa2, _ := c.WhatsAppTemplate("tracking.stale")
	assert.Equal(t, "tracking_number", wa2.Params[0], "WhatsAppTemplate returns a copy")
}

func TestPlatformErrors(t *testing.T) {
	t.Parallel()
	c := staleCatalog(t, WhatsApp{Name: "parcel_no_update", Params: []string{"tracking_number", "updated_at|date"}})
	require.NoError(t, c.Add("plain", language.English, "hi"))

	_, err := c.Platform("plain", nil, nil)
	require.ErrorIs(t, err, ErrNoPlatformTemplate)
	_, ok := c.WhatsAppTemplate("plain")
	assert.False(t, ok)

	_, err = c.Platform("tracking.stale", nil, Vars{"tracking_number": "x"})
	require.ErrorIs(t, err, ErrMissingVar)
	assert.Contains(t, err.Error(), `"updated_at"`)
	assert.Contains(t, err.Error(), "parameter 2")

	_, err = c.Platform("tracking.stale", nil, Vars{"tracking_number": "\n\t\n", "updated_at": time.Now()})
	require.ErrorIs(t, err, ErrMissingVar, "blank is missing")

	_, err = c.Platform("tracking.stale", nil, Vars{"tracking_number": "x", "updated_at": "yesterday"})
	require.ErrorIs(t, err, ErrBadValue)

	require.ErrorIs(t, c.SetWhatsApp("nope", WhatsApp{Name: "x"}), ErrUnknownKey)
	require.ErrorIs(t, c.SetWhatsApp("plain", WhatsApp{Name: "x", Params: []string{"{{a}}"}}), ErrInvalidCatalog)
	require.ErrorIs(t, c.SetWhatsApp("plain", WhatsApp{Name: "x", Named: true, Params: []string{"Order-ID"}}), ErrInvalidCatalog)
	require.ErrorIs(t, c.SetWhatsApp("plain", WhatsApp{Name: "x", Named: true, Params: []string{"a", "a|number"}}), ErrInvalidCatalog)
	require.ErrorIs(t, c.SetWhatsApp("plain", WhatsApp{Name: "x", Languages: map[language.Tag]string{language.English: " "}}), ErrInvalidCatalog)
	require.ErrorIs(t, c.SetWhatsApp("plain", WhatsApp{Name: "x", Languages: map[language.Tag]string{}}), ErrInvalidCatalog, "no languages")

	require.NoError(t, c.SetWhatsApp("tracking.stale", WhatsApp{}), "a zero WhatsApp removes the mapping")
	_, err = c.Platform("tracking.stale", nil, nil)
	require.ErrorIs(t, err, ErrNoPlatformTemplate)
}

func TestAddKeepsWhatsAppMapping(t *testing.T) {
	t.Parallel()
	c := staleCatalog(t, WhatsApp{Name: "parcel_no_update", Params: []string{"tracking_number"}})
	require.NoError(t, c.Add("tracking.stale", language.French, "Rien de neuf pour {{tracking_number}} depuis le {{updated_at|date}}."))
	got, err := c.Platform("tracking.stale", tags("fr"), Vars{"tracking_number": "x"})
	require.NoError(t, err)
	assert.Equal(t, "fr", got.Language, "a locale added later is approved when Languages is nil")
}

func TestSanitizeParam(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("é", MaxParamLen+10)
	tests := []struct {
		name, in, want string
	}{
		{"plain", "JD0146", "JD0146"},
		{"newline", "line 1\nline 2", "line 1 line 2"},
		{"crlf and tabs", "a\r\n\tb", "a b"},
		{"four spaces kept", "a    b", "a    b"},
		{"five spaces cut to four", "a     b", "a    b"},
		{"many spaces", "a" + strings.Repeat(" ", 40) + "b", "a    b"},
		{"spaces then newline", "a  \n  b", "a b"},
		{"no-break space is whitespace", "12,50\u00a0€", "12,50 €"},
		{"trimmed", "  \n x \t", "x"},
		{"unicode kept", "包裹 ✅", "包裹 ✅"},
		{"exactly the limit", strings.Repeat("a", MaxParamLen), strings.Repeat("a", MaxParamLen)},
		{"too long is cut", long, strings.Repeat("é", MaxParamLen-1) + "…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := SanitizeParam(tt.in)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			assert.LessOrEqual(t, utf8.RuneCountInString(got), MaxParamLen)
			assert.NotContains(t, got, "     ")
			assert.NotContains(t, got, "\n")
			assert.NotContains(t, got, "\t")
		})
	}
	for _, blank := range []string{"", " ", "\n\t", "\u00a0"} {
		_, err := SanitizeParam(blank)
		require.ErrorIs(t, err, ErrMissingVar, "%q", blank)
	}
}

func TestLanguageCode(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"en": "en", "en-US": "en_US", "pt-BR": "pt_BR", "es": "es", "ar": "ar", "id": "id",
		"zh-Hans": "zh_CN", "zh": "zh_CN", "zh-CN": "zh_CN", "zh-Hant": "zh_TW", "zh-TW": "zh_TW",
		"zh-Hant-HK": "zh_HK", "zh-HK": "zh_HK", "zh-MO": "zh_HK",
	}
	for in, want := range tests {
		assert.Equal(t, want, LanguageCode(language.MustParse(in)), in)
	}
}
