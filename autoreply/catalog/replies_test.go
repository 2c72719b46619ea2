package catalog

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/language"

	"github.com/switchboard-go/switchboard/channel"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden and the starter catalog in canonical form")

// starterPath is the shop bot's starter reply catalog, shipped as data.
const starterPath = "../../examples/shopbot/data/replies.json"

// starterLocales are the 12 languages of the corpus README.
var starterLocales = []string{"en", "es", "pt-BR", "fr", "de", "id", "vi", "th", "zh-Hans", "zh-Hant", "ja", "ar"}

// starterKeys are the keys the shop bot's rules reference.
var starterKeys = []string{
	"shipping.ask_order", "shipping.status", "delivery.times", "returns.policy", "refund.status",
	"payment.failed", "payment.methods", "product.specs", "invoice.request", "order.cancel",
	"tracking.shipped", "tracking.customs", "tracking.out_for_delivery", "tracking.delivered",
	"tracking.stale", "tracking.exception", "handoff.agent", "fallback.unknown", "privacy.consent",
}

func loadStarter(t testing.TB) (*Catalog, []byte) {
	t.Helper()
	data, err := os.ReadFile(starterPath)
	require.NoError(t, err)
	c, err := Load(bytes.NewReader(data))
	require.NoError(t, err)
	return c, data
}

// starterVars fills every variable the starter catalog uses.
func starterVars() Vars {
	return Vars{
		"order_number":    "#100234",
		"carrier":         "DHL Express",
		"tracking_number": "JD014600003828427190",
		"status":          "In transit",
		"updated_at":      time.Date(2026, 11, 20, 9, 5, 0, 0, time.UTC),
		"delivered_at":    time.Date(2026, 11, 21, 16, 42, 0, 0, time.UTC),
		"signer":          "M. Rossi",
		"days":            3,
		"privacy_url":     "https://shop.example/privacy",
	}
}

func TestStarterCatalogCoversEveryKeyAndLocale(t *testing.T) {
	t.Parallel()
	c, _ := loadStarter(t)
	assert.Equal(t, language.English, c.Default())
	assert.ElementsMatch(t, starterKeys, c.Keys(), "the keys the rules reference, and no others")
	for _, key := range starterKeys {
		var want []string
		for i, loc := range starterLocales {
			tmpl, err := c.Template(key, []language.Tag{language.MustParse(loc)})
			require.NoError(t, err, key)
			require.Equal(t, loc, tmpl.Lang().String(), "%s has no %s text", key, loc)
			if i == 0 {
				want = tmpl.Variables()
				continue
			}
			assert.Equal(t, want, tmpl.Variables(), "%s in %s uses other variables than in en", key, loc)
		}
		assert.Len(t, c.Locales(key), len(starterLocales), key)
	}
}

func TestStarterCatalogWhatsAppTemplates(t *testing.T) {
	t.Parallel()
	c, _ := loadStarter(t)
	for _, key := range []string{"shipping.status", "tracking.stale"} {
		for _, loc := range starterLocales {
			tmpl, err := c.Platform(key, []language.Tag{language.MustParse(loc)}, starterVars())
			require.NoError(t, err, "%s %s", key, loc)
			assert.Equal(t, LanguageCode(language.MustParse(loc)), tmpl.Language)
			for _, p := range tmpl.Params {
				assert.NotContains(t, p, "\n")
				assert.NotEmpty(t, strings.TrimSpace(p))
			}
		}
	}
}

func TestStarterCatalogIsCanonical(t *testing.T) {
	if !*update { // -update rewrites the file other tests read
		t.Parallel()
	}
	c, data := loadStarter(t)
	var buf bytes.Buffer
	require.NoError(t, c.Save(&buf))
	if *update {
		require.NoError(t, os.WriteFile(starterPath, buf.Bytes(), 0o644))
		return
	}
	assert.Equal(t, string(data), buf.String(), "run go test -update to rewrite %s as Save writes it", starterPath)
}

// TestStarterGolden renders every key in every locale with the same values
// and compares with testdata/<locale>.golden.
func TestStarterGolden(t *testing.T) {
	t.Parallel()
	c, _ := loadStarter(t)
	for _, loc := range starterLocales {
		t.Run(loc, func(t *testing.T) {
			t.Parallel()
			var out strings.Builder
			for _, key := range c.Keys() {
				text, lang, err := c.Render(key, []language.Tag{language.MustParse(loc)}, starterVars())
				require.NoError(t, err, key)
				require.Equal(t, loc, lang.String())
				out.WriteString("== " + key + "\n" + text + "\n\n")
			}
			golden := filepath.Join("testdata", loc+".golden")
			if *update {
				require.NoError(t, os.WriteFile(golden, []byte(out.String()), 0o644))
				return
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err, "run go test -update to create it")
			assert.Equal(t, string(want), out.String())
		})
	}
}

func TestStarterTextsFitEveryChannel(t *testing.T) {
	t.Parallel()
	c, _ := loadStarter(t)
	for _, key := range c.Keys() {
		for _, loc := range starterLocales {
			text, _, err := c.Render(key, []language.Tag{language.MustParse(loc)}, starterVars())
			require.NoError(t, err)
			for _, kind := range []string{"whatsapp", "messenger", "line", "wechat"} {
				parts := ForChannel(channel.Kind(kind), text)
				assert.Equal(t, []string{text}, parts, "%s %s on %s should fit one message", key, loc, kind)
			}
			assert.False(t, slices.ContainsFunc([]string{"<no value>", "{{", "}}"}, func(s string) bool {
				return strings.Contains(text, s)
			}), "%s %s: %q", key, loc, text)
		}
	}
}
