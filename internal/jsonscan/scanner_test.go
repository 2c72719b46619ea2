package jsonscan

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStrings(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		`"plain"`:                 "plain",
		`"a\"b\\c\/d\n\t"`:        "a\"b\\c/d\n\t",
		`"\u00e9t\u00E9"`:         "été",
		`"\ud83d\ude9a truck"`:    "🚚 truck",
		`"lone \ud83d surrogate"`: "lone \uFFFD surrogate",
		`null`:                    "",
		`"ไปรษณีย์ไทย 中国邮政"`: "ไปรษณีย์ไทย 中国邮政",
	}
	for in, want := range cases {
		t.Run(in, func(t *testing.T) {
			t.Parallel()
			s := New([]byte(in))
			got := s.String()
			require.NoError(t, s.Finish())
			assert.Equal(t, want, got)
		})
	}
}

func TestWalk(t *testing.T) {
	t.Parallel()
	doc := `{"a": [1, -2.5e3, true, false, null, {"x": "y"}], "b": {"c": "d", "skip": [[], {}]}, "e": "f"}`
	s := New([]byte(doc))
	var c, e string
	n := 0
	s.Object(func(key []byte) {
		switch string(key) {
		case "a":
			s.Array(func() { n++; s.Skip() })
		case "b":
			s.Object(func(key []byte) {
				if string(key) == "c" {
					c = s.String()
				}
			})
		case "e":
			e = s.String()
		}
	})
	require.NoError(t, s.Finish())
	assert.Equal(t, 6, n)
	assert.Equal(t, "d", c)
	assert.Equal(t, "f", e)
}

func TestErrors(t *testing.T) {
	t.Parallel()
	for _, in := range []string{
		``, `{`, `{"a"}`, `{"a":}`, `{"a":1,}`, `[1 2]`, `"unterminated`, `"bad \x escape"`,
		`{"a":tru}`, `{"a":1}x`, `-`, `{"a":"` + "\x01" + `"}`, `1.2.3`,
	} {
		t.Run(in, func(t *testing.T) {
			t.Parallel()
			s := New([]byte(in))
			s.Skip()
			require.Error(t, s.Finish())
			assert.ErrorIs(t, s.Err(), ErrSyntax)
		})
	}
	t.Run("type mismatch", func(t *testing.T) {
		t.Parallel()
		s := New([]byte(`{"a":1}`))
		s.Array(func() {})
		assert.Error(t, s.Finish())
		s = New([]byte(`[1]`))
		s.Array(func() { _ = s.String() })
		assert.Error(t, s.Finish())
	})
	t.Run("deep nesting", func(t *testing.T) {
		t.Parallel()
		deep := make([]byte, 0, 2000)
		for range 1000 {
			deep = append(deep, '[')
		}
		s := New(deep)
		s.Skip()
		assert.Error(t, s.Finish())
	})
}

func TestNumber(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		`0`: "0", `-12`: "-12", `3.25e-4`: "3.25e-4", ` 7E+2 `: "7E+2", `null`: "",
	} {
		t.Run(in, func(t *testing.T) {
			t.Parallel()
			s := New([]byte(in))
			got := s.Number()
			require.NoError(t, s.Finish())
			assert.Equal(t, want, string(got))
		})
	}
	for _, in := range []string{`"1"`, `01`, `-`, `1.`, `1e`, `true`, ``} {
		t.Run("bad "+in, func(t *testing.T) {
			t.Parallel()
			s := New([]byte(in))
			s.Number()
			assert.ErrorIs(t, s.Finish(), ErrSyntax)
		})
	}
}

func TestBytesIsAViewWhenUnescaped(t *testing.T) {
	data := []byte(`["plain", "caf\u00e9", null]`)
	s := New(data)
	var got [][]byte
	s.Array(func() { got = append(got, s.Bytes()) })
	require.NoError(t, s.Finish())
	require.Len(t, got, 3)
	assert.Equal(t, "plain", string(got[0]))
	assert.Same(t, &data[2], &got[0][0], "an unescaped string is a view into the input")
	assert.Equal(t, "café", string(got[1]))
	assert.Nil(t, got[2])

	plain := []byte(`["plain", "été"]`)
	allocs := testing.AllocsPerRun(100, func() {
		s := NewExact(plain)
		s.Array(func() { _ = s.Bytes() })
		if s.Finish() != nil {
			t.Fatal("valid input rejected")
		}
	})
	assert.Zero(t, allocs)
}

func TestSkipAllocatesNothing(t *testing.T) {
	data := []byte(`{"a":[1,-2.5e3,true,false,null,{"x":"y\n"}],"b":{"c":"d"}}`)
	allocs := testing.AllocsPerRun(100, func() {
		s := New(data)
		s.Skip()
		e := NewExact(data)
		e.Skip()
		if s.Finish() != nil || e.Finish() != nil {
			t.Fatal("valid input rejected")
		}
	})
	assert.Zero(t, allocs)
}

func TestKindAndNull(t *testing.T) {
	t.Parallel()
	s := New([]byte(` [null, "x"] `))
	assert.Equal(t, byte('['), s.Kind())
	var nulls []bool
	s.Array(func() { nulls = append(nulls, s.Null()) })
	require.NoError(t, s.Finish())
	assert.Equal(t, []bool{true, false}, nulls)
	assert.Equal(t, byte(0), s.Kind())

	s = New([]byte(`nul`))
	assert.True(t, s.Null())
	assert.ErrorIs(t, s.Err(), ErrSyntax)
}

func TestFail(t *testing.T) {
	t.Parallel()
	s := New([]byte(`{"a":"b","c":"d"}`))
	var keys []string
	s.Object(func(key []byte) {
		keys = append(keys, string(key))
		s.Fail("no thanks")
	})
	err := s.Finish()
	require.ErrorIs(t, err, ErrDeclined)
	assert.Equal(t, []string{"a"}, keys, "nothing runs after the first error")
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "jsonscan: declined: no thanks at offset 5", e.Error())
	s.Fail("again")
	assert.Equal(t, "no thanks", e.Reason, "the first error stays")
}

func TestLenientKeys(t *testing.T) {
	t.Parallel()
	s := New([]byte(`{"a":1,"a":2,"\u0061":3}`))
	var keys []string
	s.Object(func(key []byte) { keys = append(keys, string(key)) })
	require.NoError(t, s.Finish())
	assert.Equal(t, []string{"a", "a", `\u0061`}, keys)
}

func TestExactDeclines(t *testing.T) {
	t.Parallel()
	many := make([]string, maxKeys+1)
	for i := range many {
		many[i] = `"k` + string(rune('a'+i)) + `":1`
	}
	for name, in := range map[string]string{
		"repeated key":        `{"a":1,"a":2}`,
		"escaped key":         `{"\u0061":1}`,
		"key not UTF-8":       "{\"a\xff\":1}",
		"too many keys":       "{" + strings.Join(many, ",") + "}",
		"repeated nested key": `{"x":[{"a":1,"a":1}]}`,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := NewExact([]byte(in))
			s.Skip()
			assert.ErrorIs(t, s.Finish(), ErrDeclined)
			s = New([]byte(in))
			s.Skip()
			assert.NoError(t, s.Finish(), "the lenient scanner reads it")
		})
	}
	s := NewExact([]byte("{" + strings.Join(many[:maxKeys], ",") + "}"))
	s.Skip()
	assert.NoError(t, s.Finish(), "16 distinct keys are fine")
}

// TestExactStrings: in exact mode a string decodes as encoding/json decodes
// it, including invalid UTF-8; the lenient scanner keeps such bytes.
func TestExactStrings(t *testing.T) {
	t.Parallel()
	for _, in := range []string{
		`"plain"`, `"caf\u00e9 \"q\""`, "\"bad \xff byte\"", "\"esc \\n and \xfe\"",
		`"\ud83d\ude00"`, `"lone \udc00"`, `"été"`,
	} {
		t.Run(in, func(t *testing.T) {
			t.Parallel()
			var want string
			require.NoError(t, json.Unmarshal([]byte(in), &want))
			s := NewExact([]byte(in))
			got := s.String()
			require.NoError(t, s.Finish())
			assert.Equal(t, want, got)
		})
	}
	s := New([]byte("\"bad \xff byte\""))
	assert.Equal(t, "bad \xff byte", s.String())
}

// FuzzSkip checks that both scanners accept exactly what encoding/json
// accepts as one document (up to the nesting limit, and in exact mode
// except what it declines), never panic, and that an exact scanner reads a
// string exactly as encoding/json does.
func FuzzSkip(f *testing.F) {
	for _, s := range []string{
		`{"a":[1,"b",null]}`, `"\u00e9"`, `[]`, `{"a":}`, `1e5`, `"\ud83d"`,
		`{"a":1,"a":2}`, `{"\u0061":1}`, "\"\xff\"", `"a\nb"`, `-0.5E-3`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		valid := json.Valid(b)
		for _, exact := range []bool{false, true} {
			s := New(b)
			if exact {
				s = NewExact(b)
			}
			s.Skip()
			err := s.Finish()
			if valid && err != nil && len(b) < 200 && !(exact && errors.Is(err, ErrDeclined)) {
				// short valid JSON cannot hit the nesting limit
				t.Fatalf("valid %q rejected (exact %v): %v", b, exact, err)
			}
			if !valid && err == nil {
				t.Fatalf("invalid %q accepted (exact %v)", b, exact)
			}
		}
		s := NewExact(b)
		got := s.String()
		if s.Finish() != nil {
			return
		}
		var want *string
		if err := json.Unmarshal(b, &want); err != nil {
			t.Fatalf("exact scanner read %q that encoding/json refuses: %v", b, err)
		}
		if want == nil && got != "" || want != nil && *want != got {
			t.Fatalf("exact scanner read %q as %q, encoding/json differently", b, got)
		}
	})
}
