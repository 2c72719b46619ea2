package catalog

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/language"
)

func TestRender(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		src  string
		vars Vars
		want string
	}{
		{"plain text", "Thanks!", nil, "Thanks!"},
		{"empty", "", nil, ""},
		{"one variable", "Parcel {{tracking_number}} shipped.", Vars{"tracking_number": "1Z999"}, "Parcel 1Z999 shipped."},
		{"variable only", "{{x}}", Vars{"x": "a"}, "a"},
		{"adjacent", "{{a}}{{b}}", Vars{"a": "1", "b": "2"}, "12"},
		{"repeated", "{{a}}-{{a}}", Vars{"a": "x"}, "x-x"},
		{"spaces inside braces", "Hi {{ name }}!", Vars{"name": "Ana"}, "Hi Ana!"},
		{"spaces around format", "{{ n | number }}", Vars{"n": 1234}, "1,234"},
		{"dotted and dashed names", "{{order.id}} {{ship-to}}", Vars{"order.id": "7", "ship-to": "Lyon"}, "7 Lyon"},
		{"no HTML escaping", "{{v}} & <b>", Vars{"v": `<script>"x"&'y'</script>`}, `<script>"x"&'y'</script> & <b>`},
		{"escaped open braces", "Type {{{{name}}}} to see {{name}}", Vars{"name": "Ana"}, "Type {{name}} to see Ana"},
		{"single braces are literal", "{x} {{a}} }{", Vars{"a": "1"}, "{x} 1 }{"},
		{"multi-line text", "Line 1\n{{a}}\nLine 3", Vars{"a": "2"}, "Line 1\n2\nLine 3"},
		{"unicode", "包裹 {{n}} 已送达 ✅", Vars{"n": "SF123"}, "包裹 SF123 已送达 ✅"},
		{"value with braces is not re-parsed", "{{a}}", Vars{"a": "{{b}}"}, "{{b}}"},
		{"int plain digits", "#{{id}}", Vars{"id": 48213957}, "#48213957"},
		{"int64 plain digits", "{{id}}", Vars{"id": int64(-12)}, "-12"},
		{"uint plain digits", "{{id}}", Vars{"id": uint32(7)}, "7"},
		{"float uses number", "{{w}} kg", Vars{"w": 1.5}, "1.5 kg"},
		{"stringer", "{{lang}}", Vars{"lang": language.German}, "de"},
		{"extra variables ignored", "{{a}}", Vars{"a": "1", "b": "2"}, "1"},
		{"plural with escapes", `{{n|plural:one=# item\, only,other=\## items}}`, Vars{"n": 5}, "#5 items"},
		{"plural in the root locale is always other", `{{n|plural:one=# item,other=# items}}`, Vars{"n": 1}, "1 items"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tmpl := mustParse(t, language.Und, tt.src)
			got, err := tmpl.Render(tt.vars)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.src, tmpl.String())

			buf, err := tmpl.Append([]byte("> "), tt.vars)
			require.NoError(t, err)
			assert.Equal(t, "> "+tt.want, string(buf), "Append agrees with Render")
		})
	}
}

func TestRenderMissingVariable(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		src     string
		vars    Vars
		missing string
	}{
		{"absent", "Parcel {{tracking_number}}", Vars{}, "tracking_number"},
		{"nil vars", "Parcel {{tracking_number}}", nil, "tracking_number"},
		{"nil value", "{{a}}", Vars{"a": nil}, "a"},
		{"nil stringer", "{{a}}", Vars{"a": (*strings.Builder)(nil)}, "a"},
		{"empty string", "Hi {{name}}!", Vars{"name": ""}, "name"},
		{"blank string", "Hi {{name}}!", Vars{"name": " \t\n"}, "name"},
		{"zero time", "{{at|date}}", Vars{"at": time.Time{}}, "at"},
		{"second of two", "{{a}} {{b}}", Vars{"a": "1"}, "b"},
		{"formatted", "{{n|number}}", Vars{}, "n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tmpl := mustParse(t, language.Und, tt.src)
			got, err := tmpl.Render(tt.vars)
			require.ErrorIs(t, err, ErrMissingVar)
			assert.Empty(t, got)
			var ve *VarError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tt.missing, ve.Name)
			assert.Contains(t, err.Error(), `"`+tt.missing+`"`, "the error names the variable")

			buf, err := tmpl.Append([]byte("keep"), tt.vars)
			require.ErrorIs(t, err, ErrMissingVar)
			assert.Equal(t, "keep", string(buf), "Append leaves dst as it was")
		})
	}
}

func TestRenderBadValue(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		src  string
		v    any
	}{
		{"string as date", "{{v|date}}", "2026-03-05"},
		{"string as number", "{{v|number}}", "12"},
		{"float as money", "{{v|money}}", 12.5},
		{"float as plural", "{{v|plural:other=# days}}", 1.5},
		{"string as plural", "{{v|plural:other=# days}}", "3"},
		{"NaN", "{{v|number}}", nilNaN()},
		{"unsupported type", "{{v}}", struct{}{}},
		{"slice", "{{v}}", []string{"a"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tmpl := mustParse(t, language.Und, tt.src)
			_, err := tmpl.Render(Vars{"v": tt.v})
			require.ErrorIs(t, err, ErrBadValue)
			var ve *VarError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, "v", ve.Name)
		})
	}
}

func nilNaN() float64 {
	zero := 0.0
	return zero / zero
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		src       string
		line, col int
		offset    int
		msg       string
	}{
		{"unclosed at end", "Hello {{name", 1, 7, 6, "unclosed {{"},
		{"unclosed before another", "{{a {{b}}", 1, 1, 0, "unclosed {{"},
		{"unclosed across lines", "Hi\n  {{name\n}}", 2, 3, 5, "unclosed {{"},
		{"single closing brace", "Hi {{name}", 1, 4, 3, "unclosed {{"},
		{"stray closing", "Hi name}} there", 1, 8, 7, "unexpected }}"},
		{"typo single open", "Hi {name}}", 1, 9, 8, "unexpected }}"},
		{"empty placeholder", "a{{}}b", 1, 2, 1, "empty placeholder"},
		{"blank placeholder", "a{{  }}b", 1, 2, 1, "empty placeholder"},
		{"bad first character", "{{1abc}}", 1, 3, 2, "invalid character '1'"},
		{"space in name", "{{order number}}", 1, 8, 7, "invalid character ' '"},
		{"brace in name", "{{{name}}}", 1, 3, 2, "invalid character '{'"},
		{"unknown format", "{{a|shout}}", 1, 5, 4, `unknown format "shout"`},
		{"format with arguments", "{{a|date:long}}", 1, 9, 8, `format "date" takes no arguments`},
		{"plural without forms", "{{n|plural}}", 1, 5, 4, "plural needs its forms"},
		{"plural without other", "{{n|plural:one=# day}}", 1, 12, 11, "other= form"},
		{"plural bad category", "{{n|plural:once=x,other=y}}", 1, 12, 11, `unknown plural category "once"`},
		{"plural no equals", "{{n|plural:one,other=y}}", 1, 12, 11, "needs category=text"},
		{"plural duplicate", "{{n|plural:other=a,other=b}}", 1, 20, 19, "given twice"},
		{"column counts runes", "héllo {{", 1, 7, 7, "unclosed {{"},
		{"second line column", "ok\n包裹 {{x", 2, 4, 10, "unclosed {{"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tmpl, err := Parse(tt.src)
			require.Error(t, err)
			assert.Nil(t, tmpl)
			var se *SyntaxError
			require.ErrorAs(t, err, &se)
			assert.Equal(t, tt.line, se.Line, "line")
			assert.Equal(t, tt.col, se.Col, "column")
			assert.Equal(t, tt.offset, se.Offset, "offset")
			assert.Contains(t, se.Msg, tt.msg)
			assert.Contains(t, err.Error(), fmt.Sprintf("template:%d:%d:", tt.line, tt.col))
		})
	}
}

func TestTemplateVariables(t *testing.T) {
	t.Parallel()
	tmpl := mustParse(t, language.Und, "{{b}} {{a|number}} {{b}} {{c|plural:other=#}}")
	assert.Equal(t, []string{"a", "b", "c"}, tmpl.Variables())
	vars := tmpl.Variables()
	vars[0] = "changed"
	assert.Equal(t, []string{"a", "b", "c"}, tmpl.Variables(), "Variables returns a copy")
	assert.Equal(t, language.Und, tmpl.Lang())
}

func TestRenderManyVariables(t *testing.T) {
	t.Parallel()
	src, vars, want := "", Vars{}, ""
	for i := range maxStackVars + 5 {
		name := fmt.Sprintf("v%d", i)
		src += "{{" + name + "}},"
		vars[name] = name
		want += name + ","
	}
	tmpl := mustParse(t, language.Und, src)
	got, err := tmpl.Render(vars)
	require.NoError(t, err)
	assert.Equal(t, want, got)
}

func TestTemplateConcurrentRender(t *testing.T) {
	t.Parallel()
	tmpl := mustParse(t, language.German, "{{n|number}} {{s}} {{d|plural:one=# Tag,other=# Tage}} {{t|datetime}}")
	at := time.Date(2026, 1, 2, 3, 4, 0, 0, time.UTC)
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 50 {
				n := i*100 + j
				got, err := tmpl.Render(Vars{"n": n * 1000, "s": "x", "d": n, "t": at})
				if err != nil {
					errs <- err
					return
				}
				want := fmt.Sprintf("%s x %s 02.01.2026, 03:04", groupDE(n*1000), dayDE(n))
				if got != want {
					errs <- fmt.Errorf("got %q, want %q", got, want)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func groupDE(n int) string {
	if n < 1000 {
		return fmt.Sprint(n)
	}
	return groupDE(n/1000) + fmt.Sprintf(".%03d", n%1000)
}

func dayDE(n int) string {
	if n == 1 {
		return "1 Tag"
	}
	return groupDE(n) + " Tage"
}

func TestErrorsAreDistinct(t *testing.T) {
	t.Parallel()
	for _, e := range []error{ErrMissingVar, ErrBadValue, ErrUnknownKey, ErrNoPlatformTemplate, ErrInvalidCatalog} {
		for _, f := range []error{ErrMissingVar, ErrBadValue, ErrUnknownKey, ErrNoPlatformTemplate, ErrInvalidCatalog} {
			assert.Equal(t, e == f, errors.Is(e, f))
		}
	}
}

// TestRenderAllocations pins the allocation target independently of
// machine load: one allocation (the result) for Render, none for Append into
// a large enough buffer. Not parallel: AllocsPerRun counts the whole process.
func TestRenderAllocations(t *testing.T) {
	tmpl := mustParse(t, language.English, benchText)
	assert.Equal(t, 1.0, testing.AllocsPerRun(200, func() {
		if _, err := tmpl.Render(benchVars); err != nil {
			t.Fatal(err)
		}
	}))
	buf := make([]byte, 0, 256)
	assert.Equal(t, 0.0, testing.AllocsPerRun(200, func() {
		if _, err := tmpl.Append(buf[:0], benchVars); err != nil {
			t.Fatal(err)
		}
	}))
}
