package transport

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/go-retryablehttp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/channel"
)

func TestUnsent(t *testing.T) {
	t.Parallel()
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"dial refused", &url.Error{Op: "Post", URL: "http://x", Err: refused}, true},
		{"dns", &url.Error{Op: "Post", Err: &net.OpError{Op: "dial", Err: &net.DNSError{Err: "no such host", Name: "x", IsNotFound: true}}}, true},
		{"bare ECONNREFUSED", syscall.ECONNREFUSED, true},
		{"reset while reading", &url.Error{Op: "Post", Err: &net.OpError{Op: "read", Err: os.NewSyscallError("read", syscall.ECONNRESET)}}, false},
		{"EOF", &url.Error{Op: "Post", Err: io.EOF}, false},
		{"client timeout", &url.Error{Op: "Post", Err: context.DeadlineExceeded}, false},
		{"canceled", context.Canceled, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, Unsent(tt.err))
		})
	}
}

func TestClassify(t *testing.T) {
	t.Parallel()
	assert.Equal(t, Answered, Classify(&http.Response{StatusCode: 200}, nil))
	assert.Equal(t, Answered, Classify(&http.Response{StatusCode: 429}, nil))
	assert.Equal(t, Unknown, Classify(&http.Response{StatusCode: 500}, nil))
	assert.Equal(t, Unknown, Classify(&http.Response{StatusCode: 503}, nil))
	assert.Equal(t, Unknown, Classify(nil, io.EOF))
	assert.Equal(t, NotSent, Classify(nil, &net.OpError{Op: "dial", Err: errors.New("x")}))
}

// TestSendCheck runs a client with SendCheck against a server that answers
// each status once, then 200, and counts the requests.
func TestSendCheck(t *testing.T) {
	t.Parallel()
	refused := func(r *http.Response) bool { return r.Header.Get("X-Refused") == "1" }
	tests := []struct {
		name     string
		status   int
		header   string
		requests int
		last     Outcome
	}{
		{"429 is retried", 429, "", 2, Answered},
		{"refusal body is retried", 400, "1", 2, Answered},
		{"other 4xx is final", 400, "", 1, Answered},
		{"500 is never retried", 500, "", 1, Unknown},
		{"503 is never retried", 503, "1", 1, Unknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var n atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if n.Add(1) == 1 {
					w.Header().Set("X-Refused", tt.header)
					w.WriteHeader(tt.status)
					return
				}
				w.WriteHeader(http.StatusOK)
			}))
			defer srv.Close()
			c := NewClient(srv.Client(), Retry{MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond},
				SendCheck(func(r *http.Response) bool { return Refused429(r) || refused(r) }))
			ctx, tries := WithAttempts(t.Context(), nil)
			req, err := retryablehttp.NewRequestWithContext(ctx, http.MethodPost, srv.URL, []byte("{}"))
			require.NoError(t, err)
			resp, err := c.Do(req)
			require.NoError(t, err)
			resp.Body.Close()
			assert.EqualValues(t, tt.requests, n.Load())
			assert.Equal(t, tt.requests, tries.Count())
			assert.Equal(t, tt.last, tries.Last())
			assert.Equal(t, tt.last == Unknown, tries.Uncertain())
		})
	}
}

// TestSendCheckConnections: a refused connection is retried (nothing was
// sent); a connection reset after the request was written is not.
func TestSendCheckConnections(t *testing.T) {
	t.Parallel()
	t.Run("refused then served", func(t *testing.T) {
		t.Parallel()
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}))
		defer srv.Close()
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		closed := ln.Addr().String()
		require.NoError(t, ln.Close())
		var dials atomic.Int32
		hc := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			var d net.Dialer
			if dials.Add(1) == 1 {
				return d.DialContext(ctx, network, closed)
			}
			return d.DialContext(ctx, network, addr)
		}}}
		c := NewClient(hc, Retry{MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond}, SendCheck(Refused429))
		ctx, tries := WithAttempts(t.Context(), nil)
		req, err := retryablehttp.NewRequestWithContext(ctx, http.MethodPost, srv.URL, []byte("{}"))
		require.NoError(t, err)
		resp, err := c.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, 2, tries.Count())
		assert.False(t, tries.Uncertain())
	})
	t.Run("reset after the write", func(t *testing.T) {
		t.Parallel()
		var n atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			n.Add(1)
			_, _ = io.Copy(io.Discard, r.Body)
			conn, _, err := http.NewResponseController(w).Hijack()
			if err == nil {
				_ = conn.(*net.TCPConn).SetLinger(0)
				_ = conn.Close()
			}
		}))
		defer srv.Close()
		c := NewClient(srv.Client(), Retry{MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond}, SendCheck(Refused429))
		ctx, tries := WithAttempts(t.Context(), nil)
		req, err := retryablehttp.NewRequestWithContext(ctx, http.MethodPost, srv.URL, []byte("{}"))
		require.NoError(t, err)
		_, err = c.Do(req)
		require.Error(t, err)
		assert.False(t, Unsent(err), "%v", err)
		assert.EqualValues(t, 1, n.Load(), "not retried")
		assert.Equal(t, Unknown, tries.Last())
		assert.True(t, strings.Contains(err.Error(), "EOF") || strings.Contains(err.Error(), "reset"), "%v", err)
		m := &channel.Message{Text: "hi"}
		de := tries.DeliveryError(channel.LINE, m, err)
		assert.Equal(t, channel.DeliveryError{Channel: channel.LINE, Message: m, Attempted: de.Attempted, Attempts: 1, Err: err}, *de)
		assert.False(t, de.Attempted.IsZero(), "when the attempt started")
	})
}

// TestSendCheckAnswerWinsOverDoneContext: a 200 that arrives as ctx ends is
// a success, not ctx's error.
func TestSendCheckAnswerWinsOverDoneContext(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	ok, err := SendCheck(Refused429)(ctx, &http.Response{StatusCode: 200}, nil)
	assert.False(t, ok)
	assert.NoError(t, err)
}
