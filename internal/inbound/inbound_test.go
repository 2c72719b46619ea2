package inbound

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/channel"
)

func TestCheckItems(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		body string
		max  int
		over bool
	}{
		{"small", `{"entry":[{"changes":[{"value":{"messages":[{}]}}]}]}`, 1, false},
		{"exactly the bound", `[` + strings.Repeat(`1,`, 7) + `1]`, 1, false},
		{"one over", `[` + strings.Repeat(`1,`, 8) + `1]`, 1, true},
		{"nested arrays count", `[[1,2,3],[4,5,6],[7]]`, 1, true},
		{"object members do not count", `{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7,"h":8,"i":9}`, 1, false},
		{"strings with brackets", `["[[[[", "]]]]", "{{", "}}"]`, 1, false},
		{"malformed is left to the decoder", `[1,2,`, 1, false},
		{"zero means the default", `[` + strings.Repeat(`{},`, 8000) + `{}]`, 0, true},
		{"default allows 8000", `[` + strings.Repeat(`{},`, 7999) + `{}]`, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := CheckItems([]byte(tt.body), tt.max)
			assert.Equal(t, tt.over, errors.Is(err, ErrTooManyEvents), "err %v", err)
		})
	}
}

func TestCheckEvents(t *testing.T) {
	t.Parallel()
	assert.NoError(t, CheckEvents(1000, 0))
	assert.ErrorIs(t, CheckEvents(1001, 0), ErrTooManyEvents)
	assert.NoError(t, CheckEvents(2, 2))
	assert.ErrorIs(t, CheckEvents(3, 2), ErrTooManyEvents)
}

func TestStatus(t *testing.T) {
	t.Parallel()
	assert.Equal(t, http.StatusServiceUnavailable, Status(fmt.Errorf("x: %w", channel.ErrInFlight)))
	assert.Equal(t, http.StatusServiceUnavailable, Status(errors.Join(errors.New("h"), fmt.Errorf("%w: release", channel.ErrUnavailable))))
	assert.Equal(t, http.StatusInternalServerError, Status(errors.New("handler")))
}

func TestMaskID(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "0123456789abcdef", MaskID("0123456789abcdef"), "16 characters or fewer are kept")
	assert.Equal(t, "01FZ74A0TD…K4VBV5", MaskID("01FZ74A0TDDPYRVKNK77XK4VBV5"))
	assert.Equal(t, "wamid.HBgL…ABCDEF", MaskID("wamid.HBgLODUyOTEyMzQ1Njc4FQIAEhgSABCDEF"))
	assert.Equal(t, "m_1", MaskID("m_1"))
}

// count is the reference for FuzzCheckItems: the array elements of v.
func count(v any) int {
	switch x := v.(type) {
	case []any:
		n := len(x)
		for _, e := range x {
			n += count(e)
		}
		return n
	case map[string]any:
		n := 0
		for _, e := range x {
			n += count(e)
		}
		return n
	}
	return 0
}

// FuzzCheckItems: CheckItems ends on any input, never panics, and on valid
// JSON refuses exactly the documents whose arrays hold more elements than
// its bound (counted by decoding with encoding/json).
func FuzzCheckItems(f *testing.F) {
	f.Add([]byte(`{"entry":[{"changes":[{},{}]}]}`), 1)
	f.Add([]byte(`[[],[[]],"[",{"a":[1]}]`), 1)
	f.Add([]byte(`{"etf":[1],"Events":[2}`), 1)
	f.Fuzz(func(t *testing.T, body []byte, max int) {
		max = max%4 + 1
		if max < 1 {
			max += 4
		}
		err := CheckItems(body, max)
		if err != nil && !errors.Is(err, ErrTooManyEvents) {
			t.Fatalf("unexpected error %v", err)
		}
		var v any
		if json.Unmarshal(body, &v) != nil {
			return
		}
		if over := count(v) > ItemsPerEvent*max; over != (err != nil) {
			t.Fatalf("%d elements, bound %d: err %v", count(v), ItemsPerEvent*max, err)
		}
	})
}

// completeFails is a store whose Complete fails.
type completeFails struct{ channel.DedupeStore }

func (completeFails) Complete(context.Context, string, time.Time, time.Duration) error {
	return errors.New("disk full")
}

func TestLogDedupeError(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	l := Log{Logger: slog.New(slog.NewJSONHandler(&buf, nil)), Channel: channel.LINE}
	h := channel.Dedupe(channel.HandlerFunc(func(context.Context, channel.Event) error { return nil }),
		channel.DedupeConfig{Store: completeFails{channel.NewMemoryDedupeStore(8)}, OnError: l.DedupeError})
	assert.NoError(t, h.HandleEvent(context.Background(), channel.Event{Type: channel.EventMessage, Channel: channel.LINE, ID: "e1"}))
	assert.Contains(t, buf.String(), `"level":"ERROR","msg":"webhook dedupe store failed after handling","channel":"line","event_type":"message","event_id":"e1"`)
	assert.Contains(t, buf.String(), "disk full")
	Log{}.DedupeError(context.Background(), channel.Event{}, errors.New("x")) // nil Logger: silent
}

func TestJSONErrorKind(t *testing.T) {
	t.Parallel()
	var v struct{ N int }
	secret := "s3cret-value"
	for _, tc := range []struct{ in, want string }{
		{`{"N":`, "syntax error at offset 5"},
		{`{"N":"` + secret + `"}`, "wrong type for N"},
		{`{"N":1}x` + secret, "syntax error at offset 8"},
	} {
		err := json.Unmarshal([]byte(tc.in), &v)
		require.Error(t, err, tc.in)
		got := JSONErrorKind(err)
		assert.Equal(t, tc.want, got, tc.in)
		assert.NotContains(t, got, secret)
	}
	assert.Equal(t, "cannot decode", JSONErrorKind(errors.New("read "+secret)))
}
