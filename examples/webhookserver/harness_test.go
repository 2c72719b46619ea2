package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/examples/internal/shop"
	"github.com/switchboard-go/switchboard/internal/testenv"
)

// secrets are the values no log line may carry.
func (f *fakes) secrets() []string {
	wa, fb, wc := f.wa.Config(), f.fb.Config(), f.wc.Config()
	return []string{wa.AccessToken, wa.AppSecret, wa.VerifyToken, fb.PageAccessToken, fb.AppSecret,
		fb.VerifyToken, f.ln.AccessToken(), f.ln.ChannelSecret(), wc.AppSecret, wc.Token, wc.EncodingAESKey}
}

// harness is a running webhook server on loopback in front of the fakes.
type harness struct {
	*fakes
	srv  *server
	url  string // http://127.0.0.1:port
	logs *testenv.LogBuffer
	hc   *http.Client

	cancel context.CancelFunc
	done   chan error // serve's result
}

// options adjust a harness before the server starts.
type options struct {
	env  map[string]string // overrides of the environment
	tune func(*config)     // adjusts the configuration loadConfig read
	log  io.Writer         // where logs go instead of the harness's buffer
	// state, when set, is the state backend's environment (see state.go):
	// the server opens it with openState and configure, as run does, and
	// closes it when the test ends. Unset: every store stays in memory.
	state map[string]string
	// opened, when set, sees the state start opened, before the server is
	// built from it.
	opened func(*state)
}

// start runs the server on 127.0.0.1:0 with config from a fake getenv; it
// stops when the test ends.
func start(tb testing.TB, o options) *harness {
	tb.Helper()
	f := newFakes()
	tb.Cleanup(f.close)
	env := f.env()
	for k, v := range o.env {
		env[k] = v
	}
	cfg, err := loadConfig(func(k string) string { return env[k] })
	require.NoError(tb, err)
	if o.tune != nil {
		o.tune(&cfg)
	}
	logs := &testenv.LogBuffer{}
	var w io.Writer = logs
	if o.log != nil {
		w = o.log
	}
	log := slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
	ctx, cancel := context.WithCancel(context.Background())
	var opts shop.Config
	if o.state != nil {
		st, err := openState(ctx, func(k string) string { return o.state[k] }, log)
		require.NoError(tb, err)
		tb.Cleanup(func() { _ = st.Close() }) // runs after the server stopped
		if o.opened != nil {
			o.opened(st)
		}
		st.configure(&cfg, &opts, log)
	}
	srv, err := newServer(cfg, log, opts)
	require.NoError(tb, err)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(tb, err)
	h := &harness{
		fakes: f, srv: srv, url: "http://" + ln.Addr().String(), logs: logs,
		hc:     &http.Client{Timeout: 10 * time.Second},
		cancel: cancel, done: make(chan error, 1),
	}
	go func() { h.done <- srv.serve(ctx, ln, 10*time.Second) }()
	tb.Cleanup(func() {
		if err := h.stop(); err != nil {
			tb.Errorf("serve: %v", err)
		}
	})
	return h
}

// stop cancels the server's context and returns what serve returned. It may
// be called more than once.
//
// It first closes the test clients' idle connections: the server's Shutdown
// waits up to 5 s for a connection on which no request ever arrived (one a
// client transport dialled in reserve), which would slow every test down.
func (h *harness) stop() error {
	h.hc.CloseIdleConnections()
	if t, ok := http.DefaultTransport.(*http.Transport); ok { // wechattest delivers with it
		t.CloseIdleConnections()
	}
	h.cancel()
	select {
	case err, ok := <-h.done:
		if !ok {
			return nil
		}
		close(h.done)
		return err
	case <-time.After(15 * time.Second):
		return errors.New("serve did not return within 15 s")
	}
}

// messages is how many customer messages the bot has handled so far.
func (h *harness) messages() int64 { return h.srv.shop.Summary().Messages }

// says delivers text from c over HTTP as the platform would, and returns the
// status the server answered.
func (h *harness) says(ctx context.Context, c customer, text string) (int, error) {
	body, deliver := h.message(c, text)
	return deliver(ctx, body)
}

// message builds the platform's webhook for text from c and a function that
// delivers that exact body (signed) to the server (see fakes.message).
func (h *harness) message(c customer, text string) ([]byte, func(context.Context, []byte) (int, error)) {
	return h.fakes.message(h.target(), c, text)
}

// lineMessage is message for LINE, with or without a reply token.
func (h *harness) lineMessage(c customer, text string, withToken bool) ([]byte, func(context.Context, []byte) (int, error)) {
	return h.fakes.lineMessage(h.target(), c, text, withToken)
}

// post sends body to path on the server with header and returns the status.
func (h *harness) post(ctx context.Context, path string, body []byte, header http.Header) (int, error) {
	return h.target().post(ctx, path, body, header)
}

func (h *harness) do(req *http.Request) (int, error) { return h.target().do(req) }

// target is the server as the platforms deliver to it.
func (h *harness) target() target { return target{url: h.url, hc: h.hc} }

// metaSign is X-Hub-Signature-256 of body under secret (Meta's webhook
// signature: "sha256=" and the hex HMAC-SHA256 of the raw body).
func metaSign(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}
