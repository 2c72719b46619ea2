package metatest

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/switchboard-go/switchboard/channel"
)

func TestRecorder(t *testing.T) {
	t.Parallel()
	r := &Recorder{FailOn: map[string]int{"b": 2}}
	ctx := context.Background()
	for i, wantErr := range []error{nil, ErrHandler, ErrHandler, nil} {
		id := "a"
		if i > 0 {
			id = "b"
		}
		assert.Equal(t, wantErr, r.HandleEvent(ctx, channel.Event{ID: id}), i)
	}
	assert.Equal(t, []string{"a", "b", "b", "b"}, r.IDs())
}

// failures is a testing.TB that records failures instead of failing, so
// the assertion helper can be tested on inputs it must refuse.
type failures struct {
	testing.TB
	n int
}

func (f *failures) Helper()               {}
func (f *failures) Errorf(string, ...any) { f.n++ }
func (f *failures) FailNow()              { f.n++ }
func (f *failures) Fatalf(string, ...any) { f.n++ }
func (f *failures) Fatal(...any)          { f.n++ }

func TestAssertJSONSubset(t *testing.T) {
	t.Parallel()
	got := `{"a":{"b":[1,{"c":"x","d":2}],"e":true},"f":0,"n":null}`
	tests := []struct {
		name string
		want string
		ok   bool
	}{
		{"subset", `{"a":{"b":[1,{"c":"x"}]}}`, true},
		{"same", got, true},
		{"empty object", `{}`, true},
		{"explicit null", `{"n":null}`, true},
		{"wrong value", `{"a":{"b":[1,{"c":"y"}]}}`, false},
		{"wrong type", `{"f":"0"}`, false},
		{"missing field", `{"g":1}`, false},
		{"missing field wanted null", `{"g":null}`, false},
		{"array too short", `{"a":{"b":[1]}}`, false},
		{"array order", `{"a":{"b":[{"c":"x"},1]}}`, false},
		{"object where array", `{"a":{"b":{"c":"x"}}}`, false},
		{"nested missing", `{"a":{"z":true}}`, false},
		{"want not json", `{`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := &failures{TB: t}
			AssertJSONSubset(f, tt.want, []byte(got))
			assert.Equal(t, tt.ok, f.n == 0, "failures reported: %d", f.n)
		})
	}
	f := &failures{TB: t}
	AssertJSONSubset(f, `{}`, []byte(`not json`))
	assert.Positive(t, f.n, "got that is not JSON fails")
}
