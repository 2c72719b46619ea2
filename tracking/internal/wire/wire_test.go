package wire

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/tracking"
)

func TestParseTime(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"2026-11-20T14:05:00+01:00", time.Date(2026, 11, 20, 13, 5, 0, 0, time.UTC), true},
		{"2026-11-20T14:05:00.123Z", time.Date(2026, 11, 20, 14, 5, 0, 123e6, time.UTC), true},
		{"2026-11-20T14:05:00", time.Date(2026, 11, 20, 14, 5, 0, 0, time.UTC), true},
		{"2026-11-20T14:05", time.Date(2026, 11, 20, 14, 5, 0, 0, time.UTC), true},
		{"2026-11-20 14:05:00", time.Date(2026, 11, 20, 14, 5, 0, 0, time.UTC), true},
		{"2026-11-20", time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC), true},
		{"", time.Time{}, false},
		{"yesterday", time.Time{}, false},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			got, ok := ParseTime(tc.in)
			assert.Equal(t, tc.ok, ok)
			assert.True(t, got.Equal(tc.want), got)
		})
	}
}

func TestError(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_800_000_000, 0)
	cases := []struct {
		status    int
		header    string
		sentinel  error
		retryable bool
		wait      time.Duration
	}{
		{http.StatusNotFound, "", tracking.ErrNotFound, false, 0},
		{http.StatusTooManyRequests, "7", tracking.ErrRateLimited, true, 7 * time.Second},
		{http.StatusUnauthorized, "", tracking.ErrUnauthorized, false, 0},
		{http.StatusForbidden, "", tracking.ErrUnauthorized, false, 0},
		{http.StatusServiceUnavailable, "3", nil, true, 3 * time.Second},
		{http.StatusNotImplemented, "", nil, false, 0},
		{http.StatusBadRequest, "", nil, false, 0},
	}
	for _, tc := range cases {
		t.Run(http.StatusText(tc.status), func(t *testing.T) {
			t.Parallel()
			h := http.Header{}
			if tc.header != "" {
				h.Set("Retry-After", tc.header)
			}
			e := Error(tracking.DHL, &Response{Status: tc.status, Header: h}, "C", "m", now)
			assert.Equal(t, tc.sentinel, e.Err)
			assert.Equal(t, tc.retryable, e.Retryable())
			assert.Equal(t, tc.wait, e.RetryDelay())
		})
	}
}

func TestClip(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "short", Clip("short"))
	long := strings.Repeat("é", 150) // 300 bytes
	c := Clip(long)
	assert.LessOrEqual(t, len(c), 200+len("…"))
	assert.True(t, strings.HasSuffix(c, "…"))
	assert.True(t, strings.HasPrefix(long, strings.TrimSuffix(c, "…")))
}

func TestNewClientDoesNotWaitForLongRetryAfter(t *testing.T) {
	t.Parallel()
	c := NewClient(nil, channel.Retry{MaxBackoff: time.Second})
	long := &http.Response{StatusCode: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"3600"}}}
	short := &http.Response{StatusCode: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"1"}}}
	ctx := context.Background()
	retry, err := c.CheckRetry(ctx, long, nil)
	assert.NoError(t, err)
	assert.False(t, retry, "an hour away: return now")
	retry, _ = c.CheckRetry(ctx, short, nil)
	assert.True(t, retry)
	retry, _ = c.CheckRetry(ctx, &http.Response{StatusCode: http.StatusBadGateway, Header: http.Header{}}, nil)
	assert.True(t, retry)
}

func TestBaseURL(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"":                    "https://default",
		"/":                   "https://default",
		"http://127.0.0.1:80": "http://127.0.0.1:80",
		"http://proxy/api//":  "http://proxy/api",
	} {
		t.Run(in, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, want, BaseURL(in, "https://default"))
		})
	}
}

func TestCheck(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_800_000_000, 0)
	errorBody := func(body []byte) (string, string) { return "CODE", string(body) }
	require.NoError(t, Check(tracking.UPS, &Response{Status: http.StatusOK, Body: []byte("ignored")}, errorBody, now))
	err := Check(tracking.UPS, &Response{Status: http.StatusNotFound, Header: http.Header{}, Body: []byte("gone")}, errorBody, now)
	var ae *tracking.APIError
	require.ErrorAs(t, err, &ae)
	assert.ErrorIs(t, err, tracking.ErrNotFound)
	assert.Equal(t, tracking.UPS, ae.Carrier)
	assert.Equal(t, tracking.ErrorCode("CODE"), ae.Code)
	assert.Equal(t, "gone", ae.Message)
	assert.Empty(t, ae.RequestID, "no transactionId in the body")
}

func TestNewestFirst(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)
	events := []tracking.Event{
		{Time: t0, Description: "a"},
		{Time: t0.Add(time.Hour), Description: "b"},
		{Time: t0, Description: "c"},
		{Time: t0.Add(-time.Hour), Description: "d"},
	}
	NewestFirst(events)
	var got []string
	for _, e := range events {
		got = append(got, e.Description)
	}
	assert.Equal(t, []string{"b", "a", "c", "d"}, got, "newest first, ties in the carrier's order")
}
