package catalog

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/currency"
	"golang.org/x/text/language"
)

// mustParse parses src as a template for lang (language.Und: Parse) and
// stops the test on an error.
func mustParse(t *testing.T, lang language.Tag, src string) *Template {
	t.Helper()
	tmpl, err := ParseLocale(lang, src)
	require.NoError(t, err)
	return tmpl
}

func render(t *testing.T, lang, src string, vars Vars) string {
	t.Helper()
	s, err := mustParse(t, language.MustParse(lang), src).Render(vars)
	require.NoError(t, err)
	return s
}

func TestFormatsPerLocale(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 3, 5, 14, 7, 0, 0, time.UTC)
	const src = "{{n|number}} | {{at|date}} | {{at|time}} | {{at}} | {{eur|money}} | {{jpy}}"
	vars := Vars{"n": 1234567.5, "at": at, "eur": currency.EUR.Amount(1234.5), "jpy": currency.JPY.Amount(1200)}
	tests := []struct {
		lang string
		want string
	}{
		{"en", "1,234,567.5 | Mar 5, 2026 | 2:07 PM | Mar 5, 2026, 2:07 PM | €1,234.50 | ¥1,200"},
		{"es", "1.234.567,5 | 5 mar 2026 | 14:07 | 5 mar 2026, 14:07 | 1.234,50\u00a0€ | 1.200\u00a0¥"},
		{"pt-BR", "1.234.567,5 | 5 de mar. de 2026 | 14:07 | 5 de mar. de 2026 14:07 | €\u00a01.234,50 | JP¥\u00a01.200"},
		{"fr", "1\u00a0234\u00a0567,5 | 5 mars 2026 | 14:07 | 5 mars 2026, 14:07 | 1\u00a0234,50\u00a0€ | 1\u00a0200\u00a0¥"},
		{"de", "1.234.567,5 | 05.03.2026 | 14:07 | 05.03.2026, 14:07 | 1.234,50\u00a0€ | 1.200\u00a0¥"},
		{"id", "1.234.567,5 | 5 Mar 2026 | 14.07 | 5 Mar 2026 14.07 | €1.234,50 | JP¥1.200"},
		{"vi", "1.234.567,5 | 05/03/2026 | 14:07 | 14:07 05/03/2026 | 1.234,50\u00a0€ | 1.200\u00a0JP¥"},
		{"th", "1,234,567.5 | 5 มี.ค. 2569 | 14:07 | 5 มี.ค. 2569 14:07 | €1,234.50 | ¥1,200"},
		{"zh-Hans", "1,234,567.5 | 2026年3月5日 | 14:07 | 2026年3月5日 14:07 | €1,234.50 | JP¥1,200"},
		{"zh-Hant", "1,234,567.5 | 2026年3月5日 | 14:07 | 2026年3月5日 14:07 | €1,234.50 | ¥1,200"},
		{"ja", "1,234,567.5 | 2026年3月5日 | 14:07 | 2026年3月5日 14:07 | €1,234.50 | ￥1,200"},
		{"ar", "١٬٢٣٤٬٥٦٧٫٥ | ٥\u200f/٣\u200f/٢٠٢٦ | ٢:٠٧ م | ٥\u200f/٣\u200f/٢٠٢٦، ٢:٠٧ م | ١٬٢٣٤٫٥٠\u00a0€ | ١٬٢٠٠\u00a0JP¥"},
		{"ko", "1,234,567.5 | 2026-03-05 | 14:07 | 2026-03-05 14:07 | €\u00a01,234.50 | JP¥\u00a01,200"},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, render(t, tt.lang, src, vars))
		})
	}
}

func TestTimeFormats(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		lang string
		at   time.Time
		want string
	}{
		{"en midnight", "en", time.Date(2026, 1, 9, 0, 5, 0, 0, time.UTC), "12:05 AM"},
		{"en noon", "en", time.Date(2026, 1, 9, 12, 0, 0, 0, time.UTC), "12:00 PM"},
		{"ar morning", "ar", time.Date(2026, 1, 9, 9, 30, 0, 0, time.UTC), "٩:٣٠ ص"},
		{"ja single digit hour", "ja", time.Date(2026, 1, 9, 9, 3, 0, 0, time.UTC), "9:03"},
		{"de padded hour", "de", time.Date(2026, 1, 9, 9, 3, 0, 0, time.UTC), "09:03"},
		{"shown in its own zone", "en", time.Date(2026, 1, 9, 23, 30, 0, 0, time.FixedZone("UTC+8", 8*3600)), "11:30 PM"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, render(t, tt.lang, "{{at|time}}", Vars{"at": tt.at}))
		})
	}
	t.Run("year before 1000 in the root locale", func(t *testing.T) {
		t.Parallel()
		assert.Equal(t, "0999-12-31", render(t, "und", "{{at|date}}", Vars{"at": time.Date(999, 12, 31, 0, 0, 0, 0, time.UTC)}))
	})
}

func TestPlural(t *testing.T) {
	t.Parallel()
	const ar = "{{n|plural:zero=لا أيام,one=يوم واحد,two=يومان,few=# أيام,many=# يومًا,other=# يوم}}"
	tests := []struct {
		lang string
		src  string
		n    any
		want string
	}{
		{"en", "{{n|plural:one=# day,other=# days}}", 1, "1 day"},
		{"en", "{{n|plural:one=# day,other=# days}}", 0, "0 days"},
		{"en", "{{n|plural:one=# day,other=# days}}", 3, "3 days"},
		{"en", "{{n|plural:one=# day,other=# days}}", -1, "-1 day"},
		{"en", "{{n|plural:one=# day,other=# days}}", 1234, "1,234 days"},
		{"en", "{{n|plural:one=# day,other=# days}}", uint8(1), "1 day"},
		{"en", "{{n|plural:one=# day,other=# days}}", int64(-9223372036854775808), "-9,223,372,036,854,775,808 days"},
		{"en", "{{n|plural:one=a day,other=days}}", 1, "a day"},
		{"fr", "{{n|plural:one=# jour,other=# jours}}", 0, "0 jour"},
		{"fr", "{{n|plural:one=# jour,other=# jours}}", 2, "2 jours"},
		{"ja", "{{n|plural:other=#日}}", 1, "1日"},
		{"ja", "{{n|plural:one=#x,other=#日}}", 1, "1日"},
		{"ar", ar, 0, "لا أيام"},
		{"ar", ar, 1, "يوم واحد"},
		{"ar", ar, 2, "يومان"},
		{"ar", ar, 3, "٣ أيام"},
		{"ar", ar, 11, "١١ يومًا"},
		{"ar", ar, 100, "١٠٠ يوم"},
		{"ar", ar, 103, "١٠٣ أيام"},
		{"ru", "{{n|plural:one=# день,few=# дня,many=# дней,other=# дня}}", 21, "21 день"},
		{"ru", "{{n|plural:one=# день,few=# дня,many=# дней,other=# дня}}", 24, "24 дня"},
		{"ru", "{{n|plural:one=# день,few=# дня,many=# дней,other=# дня}}", 25, "25 дней"},
		{"ar", "{{n|plural:other=# يوم}}", 2, "٢ يوم"},
	}
	for _, tt := range tests {
		t.Run(tt.lang+"/"+tt.want, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, render(t, tt.lang, tt.src, Vars{"n": tt.n}))
		})
	}
}

func TestMoney(t *testing.T) {
	t.Parallel()
	tests := []struct {
		lang string
		amt  currency.Amount
		want string
	}{
		{"en", currency.USD.Amount(19.999), "$20.00"},
		{"en", currency.USD.Amount(-5), "$-5.00"},
		{"pt-BR", currency.BRL.Amount(1299.9), "R$\u00a01.299,90"},
		{"de", currency.EUR.Amount(int64(12)), "12,00\u00a0€"},
		{"ja", currency.JPY.Amount(1999.6), "￥2,000"},
		{"id", currency.IDR.Amount(150000), "Rp150.000"},
		{"th", currency.THB.Amount(99), "฿99.00"},
		{"zh-Hans", currency.CNY.Amount(88.8), "￥88.80"},
		{"vi", currency.MustParseISO("VND").Amount(250000), "250.000\u00a0₫"},
	}
	for _, tt := range tests {
		t.Run(tt.lang+"/"+tt.want, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, render(t, tt.lang, "{{m|money}}", Vars{"m": tt.amt}))
		})
	}
	t.Run("zero amount value is a bad value", func(t *testing.T) {
		t.Parallel()
		_, err := mustParse(t, language.English, "{{m|money}}").Render(Vars{"m": currency.Amount{}})
		require.ErrorIs(t, err, ErrBadValue)
	})
	for _, lang := range []string{"en", "ar", "fr"} {
		t.Run("non-number amount is a bad value in "+lang, func(t *testing.T) {
			t.Parallel()
			tmpl := mustParse(t, language.MustParse(lang), "{{m|money}}")
			for _, v := range []any{"12", zeroDiv(), zeroDiv() * 0} {
				_, err := tmpl.Render(Vars{"m": currency.EUR.Amount(v)})
				require.ErrorIs(t, err, ErrBadValue, "%v", v)
			}
		})
	}
}

// zeroDiv returns +Inf without a constant division the compiler rejects.
func zeroDiv() float64 {
	zero := 0.0
	return 1 / zero
}
