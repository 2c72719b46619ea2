package line

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestEventSpans(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		body string
		want []string
	}{
		{"plain", `{"destination":"U1","events":[{"a":1},{"b":[2,"]"]}]}`, []string{`{"a":1}`, `{"b":[2,"]"]}`}},
		{"spaces", " { \"events\" : [ {\"x\":\"}\\\"\"} , null ] } ", []string{`{"x":"}\""}`, `null`}},
		{"events first", `{"events":[1],"destination":{"events":[9]}}`, []string{`1`}},
		{"nested key ignored", `{"destination":{"events":[9]},"events":[]}`, []string{}},
		{"case-insensitive, last wins", `{"events":[1],"EVENTS":[2,3]}`, []string{`2`, `3`}},
		{"escaped key: slow road", `{"ev\u0065nts":[1]}`, nil},
		{"not an object", `[1]`, nil},
		{"truncated", `{"events":[{"a":`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := eventSpans([]byte(tt.body), nil)
			if tt.want == nil {
				assert.Nil(t, got)
				return
			}
			strs := []string{}
			for _, g := range got {
				strs = append(strs, string(g))
			}
			assert.Equal(t, tt.want, strs)
		})
	}
}

// FuzzEventSpans checks the fast scanner against encoding/json on valid JSON:
// when it answers, it answers what json.RawMessage decoding would.
func FuzzEventSpans(f *testing.F) {
	f.Add([]byte(`{"destination":"U1","events":[{"a":1},{"b":[2,"]"]}]}`))
	f.Add([]byte(`{"events":[1],"Events":[2]}`))
	f.Add([]byte(`{"x":"\"events\"","events":[{"y":"\\"}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		got := eventSpans(body, nil) // must not panic on anything
		var slow struct {
			Events []json.RawMessage `json:"events"`
		}
		if !json.Valid(body) || json.Unmarshal(body, &slow) != nil || got == nil {
			return
		}
		if !assert.Len(t, got, len(slow.Events)) {
			return
		}
		for i := range got {
			assert.True(t, bytes.Equal(got[i], slow.Events[i]), "event %d: %q vs %q", i, got[i], slow.Events[i])
		}
	})
}
