package files_test

import (
	"bytes"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/internal/testenv"
	"github.com/switchboard-go/switchboard/notify/files"
)

// fonts loads the Debian fonts the tests use, or skips.
func fonts(t testing.TB) files.Fonts {
	t.Helper()
	latin := testenv.File(t, "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf", "fonts-noto-core")
	thai := testenv.File(t, "/usr/share/fonts/truetype/noto/NotoSansThai-Regular.ttf", "fonts-noto-core")
	cjk := testenv.File(t, "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", "fonts-droid-fallback")
	f, err := files.LoadFonts(latin, cjk, thai)
	require.NoError(t, err)
	return f
}

var scripts = map[string]struct{ lang, item string }{
	"latin":    {"en", "Cotton T-shirt, navy, size M — Größe, café"},
	"chinese":  {"zh", "纯棉T恤 藏青色 M码"},
	"japanese": {"ja", "綿のTシャツ ネイビー Mサイズ"},
	"thai":     {"th", "เสื้อยืดผ้าฝ้าย สีกรมท่า ไซส์ M"},
}

func invoice(lang, item string, lines int) files.Invoice {
	inv := files.Invoice{Number: "INV-2026-001042", Date: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC), Currency: "USD",
		Language: lang,
		Seller:   files.Party{Name: "Switchboard Demo Shop", Address: []string{"1 Harbour Road", "Hong Kong"}, TaxID: "HK-123"},
		Buyer:    files.Party{Name: "Somchai / 王小明 / 山田", Address: []string{"99 Sukhumvit Rd", "Bangkok 10110"}}}
	for i := range lines {
		inv.Lines = append(inv.Lines, files.Line{Description: fmt.Sprintf("%s #%d", item, i+1), Quantity: 1 + i%3, UnitPrice: 1999 + int64(i)*100})
	}
	return inv
}

// TestRenderInvoiceScripts renders a 40-line invoice in each script: a PDF
// of at most 300 KB, the same bytes for the same invoice (so its hash names
// it), with the fonts embedded as subsets. Set SWITCHBOARD_PDF_DIR to keep
// the files for a look.
func TestRenderInvoiceScripts(t *testing.T) {
	r, err := files.NewRenderer(fonts(t))
	require.NoError(t, err)
	for name, s := range scripts {
		t.Run(name, func(t *testing.T) {
			inv := invoice(s.lang, s.item, 40)
			start := time.Now()
			pdf, err := r.RenderInvoice(inv)
			require.NoError(t, err)
			t.Logf("%s: %d bytes in %v", name, len(pdf), time.Since(start))
			assert.True(t, bytes.HasPrefix(pdf, []byte("%PDF-")))
			assert.LessOrEqual(t, len(pdf), 300<<10)
			again, err := r.RenderInvoice(inv)
			require.NoError(t, err)
			assert.Equal(t, pdf, again, "deterministic")
			assert.Contains(t, string(pdf), "/FontFile2", "fonts embedded")
			if dir := os.Getenv("SWITCHBOARD_PDF_DIR"); dir != "" {
				require.NoError(t, os.WriteFile(dir+"/invoice-"+name+".pdf", pdf, 0o644))
			}
		})
	}
}

func TestRenderInvoiceRefusesBadInvoices(t *testing.T) {
	r, err := files.NewRenderer(fonts(t))
	require.NoError(t, err)
	for _, inv := range []files.Invoice{
		{},
		{Number: "1"},
		{Number: "1", Lines: []files.Line{{Description: "x", Quantity: -1}}},
	} {
		_, err := r.RenderInvoice(inv)
		assert.ErrorIs(t, err, files.ErrInvoice)
	}
	_, err = files.NewRenderer(files.Fonts{Latin: []byte("x")})
	assert.ErrorIs(t, err, files.ErrInvoice, "all three fonts or none")
}

// TestRenderInvoiceBuiltInFont: without fonts, a Latin invoice renders with
// the viewer's Helvetica (nothing embedded) and a Thai one is refused.
func TestRenderInvoiceBuiltInFont(t *testing.T) {
	t.Parallel()
	r, err := files.NewRenderer(files.Fonts{})
	require.NoError(t, err)
	_, err = r.RenderInvoice(invoice("en", "Cotton T-shirt, navy, size M — café", 40))
	require.ErrorIs(t, err, files.ErrInvoice, "the buyer's name has CJK")
	inv := invoice("en", "Cotton T-shirt, navy, size M — café", 40)
	inv.Buyer.Name = "Ada Lovelace"
	pdf, err := r.RenderInvoice(inv)
	require.NoError(t, err)
	assert.True(t, bytes.HasPrefix(pdf, []byte("%PDF-")))
	assert.NotContains(t, string(pdf), "/FontFile2", "nothing embedded")
	assert.Less(t, len(pdf), 20<<10)
	_, err = r.RenderInvoice(invoice("th", "เสื้อยืด", 1))
	assert.ErrorIs(t, err, files.ErrInvoice)
}

// BenchmarkRenderInvoice is a warm render of a 40-line invoice per script
// (goal ≤ 200 ms); BenchmarkRenderInvoiceBaselineLatinCoreFont draws the
// same Latin invoice... with the embedded fonts too but a single line, the
// floor of font subsetting alone.
func BenchmarkRenderInvoice(b *testing.B) {
	r, err := files.NewRenderer(fonts(b))
	if err != nil {
		b.Fatal(err)
	}
	for name, s := range scripts {
		b.Run(name, func(b *testing.B) {
			inv := invoice(s.lang, s.item, 40)
			b.ReportAllocs()
			var size int
			for b.Loop() {
				pdf, err := r.RenderInvoice(inv)
				if err != nil {
					b.Fatal(err)
				}
				size = len(pdf)
			}
			b.ReportMetric(float64(size)/1024, "KB")
		})
	}
}

// BenchmarkRenderInvoiceBaselineOneLine is the floor: a one-line Latin
// invoice, mostly the fixed cost of parsing and subsetting three fonts.
func BenchmarkRenderInvoiceBaselineOneLine(b *testing.B) {
	r, err := files.NewRenderer(fonts(b))
	if err != nil {
		b.Fatal(err)
	}
	inv := invoice("en", "x", 1)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.RenderInvoice(inv); err != nil {
			b.Fatal(err)
		}
	}
}
