package catalog

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/language"
)

// FuzzParse feeds arbitrary template text to the parser. It must never
// panic; a failure must be a *SyntaxError pointing inside the text; a
// success must render (given a value of the right kind for every variable)
// without panicking, and text without braces must render as itself.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"", "plain", "{{a}}", "Hi {{ name }}!", "{{{{a}}}}", "}}}}", "{{a|number}}", "{{t|datetime}}",
		"{{m|money}}", "{{n|plural:one=# day,other=# days}}", `{{n|plural:one=a\,b,other=\#\\}}`,
		"{{", "}}", "{{a", "{{a}", "{{}}", "{{a|}}", "{{a|plural:}}", "{{a|plural:=x}}", "{{\n}}",
		"x {{a}} y {{b|date}} z\n{{c}}", "包裹 {{单号}}", "{{a\\}}", "{\xff{a}}", "{{a|plural:other=#,one=\\",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		tmpl, err := ParseLocale(language.Arabic, src)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("error %v is not a *SyntaxError", err)
			}
			if se.Offset < 0 || se.Offset > len(src) || se.Line < 1 || se.Col < 1 {
				t.Fatalf("position %d (%d:%d) outside %q", se.Offset, se.Line, se.Col, src)
			}
			return
		}
		if tmpl.String() != src {
			t.Fatalf("String() = %q, want %q", tmpl.String(), src)
		}
		vars := Vars{}
		for i := range tmpl.nodes {
			n := &tmpl.nodes[i]
			if n.name == "" {
				continue
			}
			switch n.verb {
			case verbNumber, verbPlural:
				vars[n.name] = 21
			case verbDate, verbTime, verbDateTime:
				vars[n.name] = time.Date(2026, 2, 1, 13, 4, 0, 0, time.UTC)
			case verbMoney:
				vars[n.name] = nil // money and another format on one name cannot both be satisfied
			default:
				if _, ok := vars[n.name]; !ok {
					vars[n.name] = "v"
				}
			}
		}
		out, err := tmpl.Render(vars)
		if err == nil && !strings.Contains(src, "{") && !strings.Contains(src, "}") && out != src {
			t.Fatalf("text without braces rendered as %q, want %q", out, src)
		}
		buf, err2 := tmpl.Append(nil, vars)
		if (err == nil) != (err2 == nil) || err == nil && string(buf) != out {
			t.Fatalf("Append (%q, %v) disagrees with Render (%q, %v)", buf, err2, out, err)
		}
	})
}

// FuzzLoad feeds arbitrary bytes to Load. It must never panic, and what it
// accepts must save and load back to the same catalog file.
func FuzzLoad(f *testing.F) {
	f.Add([]byte(sampleFile))
	f.Add([]byte(`{"default_locale":"en","templates":{"k":{"texts":{"en":"{{a}}","de":"{{a|number}}"}}}}`))
	f.Add([]byte(`{"default_locale":"zh-Hant","templates":{"k":{"texts":{"zh-Hant":"{{a}}"},"whatsapp":{"name":"t","params":["a"],"named":true}}}}`))
	f.Add([]byte(`{"default_locale":"en","templates":{"k":{"texts":{"en":"{{"}}}}`))
	f.Add([]byte(`{}`))
	f.Add([]byte(`[1,2]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Load(bytes.NewReader(data))
		if err != nil {
			if c != nil {
				t.Fatal("a catalog came back with an error")
			}
			return
		}
		var first bytes.Buffer
		if err := c.Save(&first); err != nil {
			t.Fatal(err)
		}
		c2, err := Load(bytes.NewReader(first.Bytes()))
		if err != nil {
			t.Fatalf("saved catalog does not load: %v\n%s", err, first.String())
		}
		var second bytes.Buffer
		if err := c2.Save(&second); err != nil {
			t.Fatal(err)
		}
		if first.String() != second.String() {
			t.Fatalf("Save is not stable:\n%s\n---\n%s", first.String(), second.String())
		}
	})
}
