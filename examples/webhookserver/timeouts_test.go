package main

import (
	"bufio"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/examples/internal/shop"
)

// The server's timeouts bound what a slow or idle client can hold. Each test
// sets the timeout under test short and every other one long, so removing
// the timeout under test from the http.Server (it then falls back to a long
// one, or to none) makes the test fail at its 3 s deadline.
const closedWithin = 3 * time.Second

// expectClosed reads from conn until the server closes it (EOF or reset)
// or answers, and fails if closedWithin passes first.
func expectClosed(t *testing.T, conn net.Conn) {
	t.Helper()
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(closedWithin)))
	_, err := io.Copy(io.Discard, conn)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatalf("the server kept the connection open for %v", closedWithin)
	}
}

func dial(t *testing.T, h *harness) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(h.url, "http://"))
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })
	return conn
}

func TestReadHeaderTimeout(t *testing.T) {
	t.Parallel()
	h := start(t, options{tune: func(c *config) {
		c.ReadHeaderTimeout, c.ReadTimeout, c.IdleTimeout = 100*time.Millisecond, time.Minute, time.Minute
	}})
	conn := dial(t, h)
	_, err := io.WriteString(conn, "POST /webhooks/line HTTP/1.1\r\nHost: shop\r\n") // the header never ends
	require.NoError(t, err)
	expectClosed(t, conn)
}

func TestReadTimeoutBoundsTheBody(t *testing.T) {
	t.Parallel()
	h := start(t, options{tune: func(c *config) {
		c.ReadHeaderTimeout, c.ReadTimeout, c.IdleTimeout = 100*time.Millisecond, 300*time.Millisecond, time.Minute
	}})
	conn := dial(t, h)
	_, err := io.WriteString(conn, "POST /webhooks/line HTTP/1.1\r\nHost: shop\r\nContent-Length: 1000\r\n"+
		"X-Line-Signature: x\r\n\r\n{\"destination\":") // the body never ends
	require.NoError(t, err)
	expectClosed(t, conn)
}

func TestIdleTimeout(t *testing.T) {
	t.Parallel()
	h := start(t, options{tune: func(c *config) {
		c.ReadHeaderTimeout, c.ReadTimeout, c.IdleTimeout = time.Minute, time.Minute, 100*time.Millisecond
	}})
	conn := dial(t, h)
	_, err := io.WriteString(conn, "GET /healthz HTTP/1.1\r\nHost: shop\r\n\r\n")
	require.NoError(t, err)
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	require.NoError(t, err)
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.False(t, resp.Close, "a keep-alive connection")
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(closedWithin)))
	_, err = io.Copy(io.Discard, br)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatalf("the idle connection stayed open for %v", closedWithin)
	}
}

// TestShutdownTimeout: a webhook that never finishes does not hold the
// server forever: serve gives up after its shutdown timeout and says so.
func TestShutdownTimeout(t *testing.T) {
	t.Parallel()
	f := newFakes()
	t.Cleanup(f.close)
	env := f.env()
	cfg, err := loadConfig(func(k string) string { return env[k] })
	require.NoError(t, err)
	srv, err := newServer(cfg, slog.New(slog.DiscardHandler), shop.Config{})
	require.NoError(t, err)
	entered, release := make(chan struct{}), make(chan struct{})
	t.Cleanup(func() { close(release) })
	srv.http.Handler = http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		close(entered)
		<-release
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.serve(ctx, ln, 200*time.Millisecond) }()
	go func() {
		resp, err := http.Get("http://" + ln.Addr().String() + "/webhooks/line")
		if err == nil {
			resp.Body.Close()
		}
	}()
	<-entered
	cancel()
	select {
	case err := <-done:
		assert.ErrorIs(t, err, context.DeadlineExceeded, "serve reports the shutdown that did not finish")
	case <-time.After(closedWithin):
		t.Fatalf("serve still waiting for the in-flight request after %v", closedWithin)
	}
}
