package catalog

import (
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/currency"
	"golang.org/x/text/feature/plural"
	"golang.org/x/text/number"
)

// value formats the variable a placeholder names.
func (t *Template) value(n *node, vars Vars) (string, error) {
	v, ok := vars[n.name]
	if !ok || v == nil {
		return "", &VarError{Name: n.name, Err: ErrMissingVar}
	}
	switch n.verb {
	case verbNumber:
		if !isNumber(v) {
			return "", badValue(n.name, "number", v)
		}
		return t.number(n.name, v)
	case verbDate, verbTime, verbDateTime:
		tm, ok := v.(time.Time)
		if !ok {
			return "", badValue(n.name, "date", v)
		}
		return t.timeValue(n.name, tm, n.verb)
	case verbMoney:
		a, ok := v.(currency.Amount)
		if !ok {
			return "", badValue(n.name, "money", v)
		}
		return t.money(n.name, a)
	case verbPlural:
		return t.plural(n, v)
	}
	switch x := v.(type) {
	case string:
		if strings.TrimSpace(x) == "" {
			return "", &VarError{Name: n.name, Err: ErrMissingVar, Detail: "empty"}
		}
		return x, nil
	case time.Time:
		return t.timeValue(n.name, x, verbDateTime)
	case currency.Amount:
		return t.money(n.name, x)
	case int:
		return strconv.Itoa(x), nil
	case int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		return fmt.Sprint(x), nil
	case float32, float64:
		return t.number(n.name, x)
	case fmt.Stringer:
		if rv := reflect.ValueOf(x); rv.Kind() == reflect.Pointer && rv.IsNil() {
			return "", &VarError{Name: n.name, Err: ErrMissingVar, Detail: "nil"}
		}
		s := x.String()
		if strings.TrimSpace(s) == "" {
			return "", &VarError{Name: n.name, Err: ErrMissingVar, Detail: "empty"}
		}
		return s, nil
	}
	return "", badValue(n.name, "text", v)
}

func badValue(name, format string, v any) *VarError {
	return &VarError{Name: name, Err: ErrBadValue, Detail: fmt.Sprintf("%s format cannot show a %T", format, v)}
}

func isNumber(v any) bool {
	switch v.(type) {
	case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, float32, float64:
		return true
	}
	return false
}

// number formats v with the locale's digits, grouping and decimal separator.
func (t *Template) number(name string, v any) (string, error) {
	var f float64
	switch x := v.(type) {
	case float32:
		f = float64(x)
	case float64:
		f = x
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "", &VarError{Name: name, Err: ErrBadValue, Detail: "not a finite number"}
	}
	return t.printer.Sprint(number.Decimal(v)), nil
}

// plural picks the form for the integer v in the template's locale (CLDR
// cardinal rules) and puts the formatted number where the form has "#".
func (t *Template) plural(n *node, v any) (string, error) {
	var abs uint64
	switch x := v.(type) {
	case int:
		abs = absInt(int64(x))
	case int8:
		abs = absInt(int64(x))
	case int16:
		abs = absInt(int64(x))
	case int32:
		abs = absInt(int64(x))
	case int64:
		abs = absInt(x)
	case uint:
		abs = uint64(x)
	case uint8:
		abs = uint64(x)
	case uint16:
		abs = uint64(x)
	case uint32:
		abs = uint64(x)
	case uint64:
		abs = x
	default:
		return "", badValue(n.name, "plural", v)
	}
	// MatchPlural takes operands modulo 10,000,000 (its documentation).
	form := plural.Cardinal.MatchPlural(t.lang, int(abs%10_000_000), 0, 0, 0, 0)
	if !n.forms.has[form] {
		form = plural.Other
	}
	parts := n.forms.text[form]
	if len(parts) == 1 {
		return parts[0], nil
	}
	num := t.printer.Sprint(number.Decimal(v))
	return strings.Join(parts, num), nil
}

func absInt(x int64) uint64 {
	if x < 0 {
		return uint64(-(x + 1)) + 1
	}
	return uint64(x)
}

// money formats a with the locale's number conventions, the currency's
// symbol in that locale (x/text/currency's CLDR symbols) and the symbol's
// place (CLDR currency patterns of the shipped locales).
func (t *Template) money(name string, a currency.Amount) (string, error) {
	code := a.Currency().String()
	// x/text formats an Amount as "<symbol> <number>", rounded to the
	// currency's standard digits; with the ISO "symbol" the number is
	// whatever follows the code.
	s := t.printer.Sprint(currency.ISO(a))
	num, ok := strings.CutPrefix(s, code+" ")
	if !ok || strings.Contains(num, "%!") || !strings.ContainsFunc(num, unicode.IsDigit) {
		// An Amount of something that is not a finite number prints as
		// "NaN", "∞" or a fmt error, with no digit.
		return "", &VarError{Name: name, Err: ErrBadValue, Detail: "not a currency amount"}
	}
	sym := t.printer.Sprint(currency.Symbol(a.Currency()))
	if sym == code {
		// CLDR has no symbol for this currency in this locale; its narrow
		// symbol (฿, ¥) still reads better than the ISO code.
		sym = t.printer.Sprint(currency.NarrowSymbol(a.Currency()))
	}
	const nbsp = "\u00a0"
	switch t.base {
	case "en", "zh", "ja", "th", "id":
		return sym + num, nil
	case "es", "fr", "de", "vi", "ar", "it", "ru", "pl", "nl", "tr":
		return num + nbsp + sym, nil
	}
	return sym + nbsp + num, nil
}

// Month abbreviations (CLDR, format context, abbreviated width).
func monthNames(base string) [12]string {
	switch base {
	case "es":
		return [12]string{"ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic"}
	case "pt":
		return [12]string{"jan.", "fev.", "mar.", "abr.", "mai.", "jun.", "jul.", "ago.", "set.", "out.", "nov.", "dez."}
	case "fr":
		return [12]string{"janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."}
	case "id":
		return [12]string{"Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"}
	case "th":
		return [12]string{"ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค."}
	}
	return [12]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}
}

// timeValue formats tm in its own location (convert with tm.In first) in the
// locale's medium date and short time layouts.
func (t *Template) timeValue(name string, tm time.Time, v verb) (string, error) {
	if tm.IsZero() {
		return "", &VarError{Name: name, Err: ErrMissingVar, Detail: "zero time"}
	}
	switch v {
	case verbDate:
		return t.date(tm), nil
	case verbTime:
		return t.clock(tm), nil
	}
	d, c := t.date(tm), t.clock(tm)
	switch t.base {
	case "en", "es", "fr", "de":
		return d + ", " + c, nil
	case "ar":
		return d + "، " + c, nil
	case "vi":
		return c + " " + d, nil
	}
	return d + " " + c, nil
}

// digits formats a date or time field with the locale's digits, no grouping,
// at least width digits.
func (t *Template) digits(v, width int) string {
	return t.printer.Sprint(number.Decimal(v, number.NoSeparator(), number.MinIntegerDigits(width)))
}

func (t *Template) date(tm time.Time) string {
	y, m, d := tm.Date()
	months := monthNames(t.base)
	switch t.base {
	case "en":
		return months[m-1] + " " + t.digits(d, 1) + ", " + t.digits(y, 1)
	case "es", "fr", "id":
		return t.digits(d, 1) + " " + months[m-1] + " " + t.digits(y, 1)
	case "pt":
		return t.digits(d, 1) + " de " + months[m-1] + " de " + t.digits(y, 1)
	case "th":
		// Thai dates count years in the Buddhist era (CLDR's calendar
		// preference for Thailand): 2026 CE is 2569 BE.
		return t.digits(d, 1) + " " + months[m-1] + " " + t.digits(y+543, 1)
	case "de":
		return t.digits(d, 2) + "." + t.digits(int(m), 2) + "." + t.digits(y, 1)
	case "vi":
		return t.digits(d, 2) + "/" + t.digits(int(m), 2) + "/" + t.digits(y, 1)
	case "zh", "ja":
		return t.digits(y, 1) + "年" + t.digits(int(m), 1) + "月" + t.digits(d, 1) + "日"
	case "ar":
		// U+200F keeps the day/month/year order when shown right to left.
		return t.digits(d, 1) + "\u200f/" + t.digits(int(m), 1) + "\u200f/" + t.digits(y, 1)
	}
	return t.digits(y, 4) + "-" + t.digits(int(m), 2) + "-" + t.digits(d, 2)
}

func (t *Template) clock(tm time.Time) string {
	h, mi := tm.Hour(), tm.Minute()
	switch t.base {
	case "en", "ar":
		h12 := h % 12
		if h12 == 0 {
			h12 = 12
		}
		am, pm := "AM", "PM"
		if t.base == "ar" {
			am, pm = "ص", "م"
		}
		mark := am
		if h >= 12 {
			mark = pm
		}
		return t.digits(h12, 1) + ":" + t.digits(mi, 2) + " " + mark
	case "id":
		return t.digits(h, 2) + "." + t.digits(mi, 2)
	case "es", "ja":
		return t.digits(h, 1) + ":" + t.digits(mi, 2)
	}
	return t.digits(h, 2) + ":" + t.digits(mi, 2)
}
