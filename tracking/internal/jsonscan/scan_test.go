package jsonscan

import (
	"encoding/json"
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

// FuzzSkip checks that the scanner accepts exactly what encoding/json
// accepts as one document (up to its nesting limit) and never panics.
func FuzzSkip(f *testing.F) {
	for _, s := range []string{`{"a":[1,"b",null]}`, `"\u00e9"`, `[]`, `{"a":}`, `1e5`, `"\ud83d"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		s := New(b)
		s.Skip()
		err := s.Finish()
		valid := json.Valid(b)
		if valid && err != nil && len(b) < 200 {
			// short valid JSON cannot hit the nesting limit
			t.Fatalf("valid %q rejected: %v", b, err)
		}
		if !valid && err == nil {
			t.Fatalf("invalid %q accepted", b)
		}
	})
}
