package files

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"codeberg.org/go-pdf/fpdf"
)

// Invoice is what RenderInvoice draws.
type Invoice struct {
	Number   string    // the invoice number, printed in the heading
	Date     time.Time // the issue date, printed as YYYY-MM-DD
	Seller   Party     // the shop
	Buyer    Party     // the customer
	Lines    []Line    // the items, in print order
	Currency string    // ISO 4217, printed beside every amount
	// Language picks the labels: "en", "zh", "ja", "th" (others fall back
	// to English).
	Language string
}

// Party is a seller or a buyer.
type Party struct {
	Name    string   // the legal name, printed first
	Address []string // one element per printed line
	TaxID   string   // VAT or tax number; empty leaves the line out
}

// Line is one invoice line. Amounts are in the currency's minor unit
// (cents), so nothing is lost to floating point.
type Line struct {
	Description string // what was sold, as printed
	Quantity    int    // how many units
	UnitPrice   int64  // one unit's price, in the minor unit
}

// Total is the sum of every line.
func (inv Invoice) Total() int64 {
	var t int64
	for _, l := range inv.Lines {
		t += int64(l.Quantity) * l.UnitPrice
	}
	return t
}

// Fonts are the TrueType fonts a Renderer embeds (as subsets): one for
// Latin (and everything else), one for Chinese and Japanese, one for Thai.
// They are the shop's configuration; Debian's fonts-noto-core
// (NotoSans-Regular.ttf, NotoSansThai-Regular.ttf) and fonts-droid-fallback
// (DroidSansFallbackFull.ttf) serve.
type Fonts struct {
	// Latin, CJK and Thai are the contents of TrueType (.ttf) files:
	// give all three, or none for the PDF core fonts (Latin text only).
	Latin, CJK, Thai []byte
}

// LoadFonts reads the three font files.
func LoadFonts(latin, cjk, thai string) (Fonts, error) {
	var f Fonts
	var err error
	for _, x := range []struct {
		path string
		dst  *[]byte
	}{{latin, &f.Latin}, {cjk, &f.CJK}, {thai, &f.Thai}} {
		if *x.dst, err = os.ReadFile(x.path); err != nil {
			return Fonts{}, fmt.Errorf("files: font: %w", err)
		}
	}
	return f, nil
}

// ErrInvoice: the invoice cannot be rendered (no number, no lines, a line
// with a negative quantity, missing fonts).
var ErrInvoice = errors.New("files: invalid invoice")

// Renderer renders invoices. It is safe for concurrent use.
type Renderer struct {
	fonts Fonts
	core  bool       // no fonts given: PDF's built-in Helvetica, Latin text only
	mu    sync.Mutex // one document at a time keeps memory flat under load
}

// NewRenderer returns a Renderer embedding fonts: either all three, or
// none — then invoices use the PDF viewer's built-in Helvetica (nothing
// embedded, Western European text only) and an invoice with Chinese,
// Japanese or Thai text is refused with ErrInvoice.
func NewRenderer(fonts Fonts) (*Renderer, error) {
	n := 0
	for _, f := range [][]byte{fonts.Latin, fonts.CJK, fonts.Thai} {
		if len(f) > 0 {
			n++
		}
	}
	switch n {
	case 0:
		return &Renderer{core: true}, nil
	case 3:
		return &Renderer{fonts: fonts}, nil
	}
	return nil, fmt.Errorf("%w: give Latin, CJK and Thai fonts, or none", ErrInvoice)
}

var labels = map[string][7]string{
	"en": {"INVOICE", "Invoice no.", "Date", "Description", "Qty", "Unit price", "Total"},
	"zh": {"发票", "发票号码", "日期", "描述", "数量", "单价", "合计"},
	"ja": {"請求書", "請求書番号", "日付", "品名", "数量", "単価", "合計"},
	"th": {"ใบแจ้งหนี้", "เลขที่", "วันที่", "รายการ", "จำนวน", "ราคาต่อหน่วย", "รวม"},
}

// RenderInvoice draws inv as an A4 PDF. The output depends only on inv and
// the fonts (the creation date is the invoice date), so its content hash
// names it.
func (r *Renderer) RenderInvoice(inv Invoice) ([]byte, error) {
	if inv.Number == "" || len(inv.Lines) == 0 {
		return nil, fmt.Errorf("%w: a number and at least one line are needed", ErrInvoice)
	}
	for _, l := range inv.Lines {
		if l.Quantity < 0 {
			return nil, fmt.Errorf("%w: negative quantity", ErrInvoice)
		}
	}
	lab, ok := labels[strings.ToLower(strings.SplitN(inv.Language, "-", 2)[0])]
	if !ok {
		lab = labels["en"]
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCompression(true)
	pdf.SetCreationDate(inv.Date)
	pdf.SetModificationDate(inv.Date)
	pdf.SetCatalogSort(true)
	w := &writer{pdf: pdf, y: margin}
	if r.core {
		if err := latinOnly(inv, lab); err != nil {
			return nil, err
		}
		w.core = pdf.UnicodeTranslatorFromDescriptor("") // cp1252
	} else {
		pdf.AddUTF8FontFromBytes("latin", "", r.fonts.Latin)
		pdf.AddUTF8FontFromBytes("cjk", "", r.fonts.CJK)
		pdf.AddUTF8FontFromBytes("thai", "", r.fonts.Thai)
	}
	pdf.SetMargins(margin, margin, margin)
	pdf.SetAutoPageBreak(false, margin)
	pdf.AddPage()

	w.line(18, lab[0], 10)
	w.line(10, lab[1]+": "+inv.Number, 5)
	w.line(10, lab[2]+": "+inv.Date.Format("2006-01-02"), 9)
	top := w.y
	w.party(inv.Seller, margin, top)
	w.party(inv.Buyer, 110, top)
	w.y = max(w.y, top+30) + 4

	cols := []float64{94, 16, 32, 32} // description, qty, unit, total: 174 mm
	w.row(cols, []string{lab[3], lab[4], lab[5], lab[6]}, true)
	for _, l := range inv.Lines {
		w.row(cols, []string{l.Description, strconv.Itoa(l.Quantity),
			money(l.UnitPrice, inv.Currency), money(int64(l.Quantity)*l.UnitPrice, inv.Currency)}, false)
	}
	w.y += 3
	x := margin + cols[0] + cols[1]
	w.cell(x, cols[2], lab[6], true, false)
	w.cell(x+cols[2], cols[3], money(inv.Total(), inv.Currency), true, true)
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("files: render invoice: %w", err)
	}
	return buf.Bytes(), nil
}

// money formats minor units with two decimals and the currency code.
func money(minor int64, cur string) string {
	sign := ""
	if minor < 0 {
		sign, minor = "-", -minor
	}
	return fmt.Sprintf("%s%d.%02d %s", sign, minor/100, minor%100, cur)
}

const (
	margin   = 18.0  // mm, every side
	pageH    = 297.0 // A4
	rowH     = 7.0
	cellSize = 9.0 // pt
)

// writer draws text in runs, each in the font of its script, at positions
// it computes itself (no automatic wrapping: a description too long for its
// column ends with an ellipsis).
type writer struct {
	pdf  *fpdf.Fpdf
	y    float64             // top of the next line, mm
	core func(string) string // built-in Helvetica: UTF-8 to cp1252; nil with embedded fonts
}

// latinOnly refuses an invoice whose text needs a font the built-in one
// lacks.
func latinOnly(inv Invoice, lab [7]string) error {
	texts := append([]string{inv.Number, inv.Currency, inv.Seller.Name, inv.Seller.TaxID, inv.Buyer.Name, inv.Buyer.TaxID}, lab[:]...)
	texts = append(append(texts, inv.Seller.Address...), inv.Buyer.Address...)
	for _, l := range inv.Lines {
		texts = append(texts, l.Description)
	}
	for _, t := range texts {
		for _, r := range t {
			if fontFor(r) != "latin" || r > 0xff && r != '…' && r != '—' && r != '€' {
				return fmt.Errorf("%w: %q needs fonts (NewRenderer with Fonts)", ErrInvoice, string(r))
			}
		}
	}
	return nil
}

// fontFor is the font of r's script; spaces go with the run they are in.
func fontFor(r rune) string {
	switch {
	case unicode.Is(unicode.Thai, r):
		return "thai"
	case unicode.Is(unicode.Han, r), unicode.Is(unicode.Hiragana, r), unicode.Is(unicode.Katakana, r),
		r >= 0x3000 && r <= 0x303f, r >= 0xff00 && r <= 0xffef:
		return "cjk"
	}
	return "latin"
}

// runs splits s into runs of one font.
func runs(s string) (out [][2]string) {
	cur, start := "", 0
	for i, r := range s {
		f := fontFor(r)
		if r == ' ' && cur != "" {
			continue
		}
		if f != cur {
			if i > start {
				out = append(out, [2]string{cur, s[start:i]})
			}
			cur, start = f, i
		}
	}
	if start < len(s) {
		out = append(out, [2]string{cur, s[start:]})
	}
	return out
}

// text draws s with its baseline at (x, y) and returns its width.
func (w *writer) text(x, y, size float64, s string) float64 {
	if w.core != nil {
		w.pdf.SetFont("Helvetica", "", size)
		w.pdf.Text(x, y, w.core(s))
		return w.pdf.GetStringWidth(w.core(s))
	}
	x0 := x
	for _, run := range runs(s) {
		w.pdf.SetFont(run[0], "", size)
		w.pdf.Text(x, y, run[1])
		x += w.pdf.GetStringWidth(run[1])
	}
	return x - x0
}

func (w *writer) width(size float64, s string) float64 {
	if w.core != nil {
		w.pdf.SetFont("Helvetica", "", size)
		return w.pdf.GetStringWidth(w.core(s))
	}
	total := 0.0
	for _, run := range runs(s) {
		w.pdf.SetFont(run[0], "", size)
		total += w.pdf.GetStringWidth(run[1])
	}
	return total
}

// fit shortens s with an ellipsis until it fits width mm at size.
func (w *writer) fit(size, width float64, s string) string {
	if w.width(size, s) <= width {
		return s
	}
	rs := []rune(s)
	for len(rs) > 0 && w.width(size, string(rs)+"…") > width {
		rs = rs[:len(rs)-1]
	}
	return string(rs) + "…"
}

// line draws a line of text at the left margin and moves down by advance mm.
func (w *writer) line(size float64, s string, advance float64) {
	w.text(margin, w.y+size*0.35, size, s)
	w.y += advance
}

// cell draws s in the box at (x, w.y) of width mm, shaded when header.
func (w *writer) cell(x, width float64, s string, header, right bool) {
	if header {
		w.pdf.SetFillColor(235, 238, 243)
		w.pdf.Rect(x, w.y, width, rowH, "F")
	}
	s = w.fit(cellSize, width-3, s)
	tx := x + 1.5
	if right {
		tx = x + width - 1.5 - w.width(cellSize, s)
	}
	w.text(tx, w.y+rowH-2.2, cellSize, s)
}

func (w *writer) row(cols []float64, cells []string, header bool) {
	if w.y+rowH > pageH-margin {
		w.pdf.AddPage()
		w.y = margin
	}
	x := margin
	for i, c := range cells {
		w.cell(x, cols[i], c, header, i > 0)
		x += cols[i]
	}
	w.y += rowH
	w.pdf.SetDrawColor(220, 223, 230)
	w.pdf.Line(margin, w.y, x, w.y)
}

func (w *writer) party(p Party, x, y float64) {
	lines := append([]string{p.Name}, p.Address...)
	if p.TaxID != "" {
		lines = append(lines, "Tax ID: "+p.TaxID)
	}
	for i, l := range lines {
		w.text(x, y+3.5+float64(i)*5, 9, w.fit(9, 85, l))
	}
	w.y = max(w.y, y+float64(len(lines))*5)
}
