package transport

import (
	"context"
	"errors"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/go-retryablehttp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		in   string
		want time.Duration
		ok   bool
	}{
		{"empty", "", 0, false},
		{"seconds", "7", 7 * time.Second, true},
		{"negative", "-1", 0, false},
		{"too large for a Duration", "9227000000000", time.Duration(math.MaxInt64), true},
		{"garbage", "soon", 0, false},
		{"date ahead", now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{"date past", now.Add(-time.Hour).Format(http.TimeFormat), 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := ParseRetryAfter(tt.in, now)
			assert.Equal(t, tt.ok, ok)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestBackoff(t *testing.T) {
	t.Parallel()
	lo, hi := 100*time.Millisecond, time.Second
	for attempt := range 8 {
		d := Backoff(lo, hi, attempt, nil)
		assert.GreaterOrEqual(t, d, lo)
		assert.LessOrEqual(t, d, hi)
	}
	resp := &http.Response{Header: http.Header{"Retry-After": {"3"}}}
	assert.Equal(t, time.Second, Backoff(lo, hi, 0, resp), "Retry-After is capped by the maximum")
	resp.Header.Set("Retry-After", "0")
	assert.Equal(t, time.Duration(0), Backoff(lo, hi, 0, resp))
}

func TestClientRetries(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		statuses []int
		want     int // final status
		attempts int32
	}{
		{"429 then ok", []int{429, 200}, 200, 2},
		{"503 twice then ok", []int{503, 503, 200}, 200, 3},
		{"400 is permanent", []int{400, 200}, 400, 1},
		{"501 is permanent", []int{501, 200}, 501, 1},
		{"gives up with last response", []int{500, 500, 500, 500, 200}, 500, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var n atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				i := n.Add(1) - 1
				w.Header().Set("Retry-After", "0")
				w.WriteHeader(tt.statuses[i])
			}))
			defer srv.Close()
			c := NewClient(srv.Client(), Retry{MaxAttempts: 3, MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond}, nil)
			req, err := retryablehttp.NewRequestWithContext(context.Background(), http.MethodPost, srv.URL, []byte("{}"))
			require.NoError(t, err)
			resp, err := c.Do(req)
			require.NoError(t, err)
			resp.Body.Close()
			assert.Equal(t, tt.want, resp.StatusCode)
			assert.Equal(t, tt.attempts, n.Load())
		})
	}
}

func TestDefaultCheckStopsOnDoneContext(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	retry, err := DefaultCheck(ctx, &http.Response{StatusCode: 503}, nil)
	assert.False(t, retry)
	assert.ErrorIs(t, err, context.Canceled)
	retry, err = DefaultCheck(context.Background(), nil, errors.New("connection reset"))
	assert.True(t, retry)
	assert.NoError(t, err)
}

func TestNewClientNeverUsesDefaultClient(t *testing.T) {
	t.Parallel()
	c := NewClient(nil, Retry{}, nil)
	assert.NotSame(t, http.DefaultClient, c.HTTPClient)
	assert.Equal(t, DefaultTimeout, c.HTTPClient.Timeout)
	tr, ok := c.HTTPClient.Transport.(*http.Transport)
	require.True(t, ok)
	assert.NotSame(t, http.DefaultTransport, tr)
	assert.Equal(t, DefaultMaxIdleConnsPerHost, tr.MaxIdleConnsPerHost)
	assert.Equal(t, 3, c.RetryMax)
	assert.Nil(t, c.Logger)
}

func TestReadBody(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		body   string
		limit  int64
		ok     bool
		status int
	}{
		{"within", "hello", 5, true, 200},
		{"over", "hello!", 5, false, http.StatusRequestEntityTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(tt.body))
			got, ok := ReadBody(w, r, tt.limit)
			assert.Equal(t, tt.ok, ok)
			assert.Equal(t, tt.status, w.Code)
			if ok {
				assert.Equal(t, tt.body, string(got))
			}
		})
	}
}

// FuzzParseRetryAfter: any header value parses without panicking, and an
// accepted value is never negative.
func FuzzParseRetryAfter(f *testing.F) {
	for _, s := range []string{"", "0", "7", "-1", "120", "Wed, 21 Oct 2015 07:28:00 GMT", "soon", "99999999999999999999"} {
		f.Add(s)
	}
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, v string) {
		d, ok := ParseRetryAfter(v, now)
		if ok && d < 0 {
			t.Fatalf("ParseRetryAfter(%q) = %v", v, d)
		}
		if !ok && d != 0 {
			t.Fatalf("ParseRetryAfter(%q) refused but returned %v", v, d)
		}
	})
}
