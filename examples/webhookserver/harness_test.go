package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/examples/internal/shop"
	"github.com/switchboard-go/switchboard/internal/testenv"
	"github.com/switchboard-go/switchboard/line/linetest"
	"github.com/switchboard-go/switchboard/messenger/messengertest"
	"github.com/switchboard-go/switchboard/wechat/wechattest"
	"github.com/switchboard-go/switchboard/whatsapp/whatsapptest"
)

// fakes are the four platforms' fake APIs the server talks to.
type fakes struct {
	closeOnce sync.Once
	wa        *whatsapptest.Server
	fb        *messengertest.Server
	ln        *linetest.Server
	wc        *wechattest.Server
}

func newFakes(tb testing.TB) *fakes {
	tb.Helper()
	f := &fakes{
		wa: whatsapptest.NewServer(whatsapptest.Config{}),
		fb: messengertest.NewServer(messengertest.Config{}),
		ln: linetest.NewServer(linetest.Config{}),
		wc: wechattest.NewServer(wechattest.Config{SafeMode: true, WebhookPath: "/webhooks/wechat"}),
	}
	tb.Cleanup(f.close)
	return f
}

// close stops the four fakes; calling it again does nothing more.
func (f *fakes) close() {
	f.closeOnce.Do(func() { f.wa.Close(); f.fb.Close(); f.ln.Close(); f.wc.Close() })
}

// env is the server's environment as a shop would set it: credentials of the
// four accounts, each platform's API pointed at its fake, the rule and reply
// files of the shopbot example.
func (f *fakes) env() map[string]string {
	wa, fb, wc := f.wa.Config(), f.fb.Config(), f.wc.Config()
	return map[string]string{
		envRules:   "../shopbot/data/rules.json",
		envReplies: "../shopbot/data/replies.json",

		envWAToken: wa.AccessToken, envWAPhone: wa.PhoneNumberID, envWASecret: wa.AppSecret,
		envWAVerify: wa.VerifyToken, envWABaseURL: f.wa.URL,

		envFBToken: fb.PageAccessToken, envFBSecret: fb.AppSecret, envFBVerify: fb.VerifyToken,
		envFBBaseURL: f.fb.URL,

		envLineToken: f.ln.AccessToken(), envLineSecret: f.ln.ChannelSecret(), envLineBaseURL: f.ln.URL,

		envWCAppID: wc.AppID, envWCSecret: wc.AppSecret, envWCToken: wc.Token, envWCAESKey: wc.EncodingAESKey,
		envWCBaseURL: f.wc.URL,
	}
}

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

// fastRetries makes the adapters retry within milliseconds: the fakes'
// Retry-After (whole seconds on the wire) is capped by MaxBackoff, so the
// fault tests stay fast while still exercising the retry path.
func fastRetries(c *config) {
	c.WhatsApp.Retry.MinBackoff, c.WhatsApp.Retry.MaxBackoff = time.Millisecond, 20*time.Millisecond
	c.Messenger.Retry.MinBackoff, c.Messenger.Retry.MaxBackoff = time.Millisecond, 20*time.Millisecond
	c.LINE.Retry.MinBackoff, c.LINE.Retry.MaxBackoff = time.Millisecond, 20*time.Millisecond
	c.WeChat.Retry.MinBackoff, c.WeChat.Retry.MaxBackoff = time.Millisecond, 20*time.Millisecond
}

// start runs the server on 127.0.0.1:0 with config from a fake getenv; it
// stops when the test ends.
func start(tb testing.TB, o options) *harness {
	tb.Helper()
	f := newFakes(tb)
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

// customer is one person writing to the shop on one platform.
type customer struct {
	kind channel.Kind
	id   string // wa_id, PSID, LINE userId, openid
}

// says delivers text from c over HTTP as the platform would, and returns the
// status the server answered.
func (h *harness) says(ctx context.Context, c customer, text string) (int, error) {
	body, deliver := h.message(c, text)
	return deliver(ctx, body)
}

// message builds the platform's webhook for text from c and a function that
// delivers that exact body (signed) to the server; calling it again is a
// redelivery.
func (h *harness) message(c customer, text string) ([]byte, func(context.Context, []byte) (int, error)) {
	switch c.kind {
	case channel.WhatsApp:
		body, _ := h.wa.MessageWebhook(whatsapptest.Inbound{From: c.id, Name: "Ana Lima", Text: text})
		return body, func(ctx context.Context, b []byte) (int, error) {
			return h.wa.DeliverURL(ctx, h.url+"/webhooks/whatsapp", h.hc, b)
		}
	case channel.Messenger:
		body, _ := h.fb.MessageWebhook(messengertest.Inbound{PSID: c.id, Text: text})
		return body, func(ctx context.Context, b []byte) (int, error) {
			return h.fb.DeliverURL(ctx, h.url+"/webhooks/messenger", h.hc, b)
		}
	case channel.LINE:
		return h.lineMessage(c, text, true)
	default:
		body := h.wc.Text(c.id, text)
		return body, func(ctx context.Context, b []byte) (int, error) {
			d, err := h.wc.DeliverURL(ctx, h.url+"/webhooks/wechat", b)
			return d.Status, err
		}
	}
}

// lineMessage is message for LINE; without a reply token (one that expired
// or was used) the bot's answer goes out as a push, with a retry key.
func (h *harness) lineMessage(c customer, text string, withToken bool) ([]byte, func(context.Context, []byte) (int, error)) {
	e := h.ln.TextEvent(c.id, text)
	if !withToken {
		e.ReplyToken = ""
	}
	body, _ := h.ln.WebhookBody(e)
	return body, func(ctx context.Context, b []byte) (int, error) {
		return h.post(ctx, "/webhooks/line", b, http.Header{
			"X-Line-Signature": {linetest.Sign(h.ln.ChannelSecret(), b)}, "Content-Type": {"application/json"}})
	}
}

// post sends body to path with header and returns the status.
func (h *harness) post(ctx context.Context, path string, body []byte, header http.Header) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.url+path, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	for k, v := range header {
		req.Header[k] = v
	}
	return h.do(req)
}

func (h *harness) do(req *http.Request) (int, error) {
	resp, err := h.hc.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, nil
}

// metaSign is X-Hub-Signature-256 of body under secret (Meta's webhook
// signature: "sha256=" and the hex HMAC-SHA256 of the raw body).
func metaSign(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// repliesTo is how many replies the fake platform of c accepted for c.
func (h *harness) repliesTo(c customer) int {
	n := 0
	switch c.kind {
	case channel.WhatsApp:
		for _, s := range h.wa.Sent() {
			if s.To == c.id {
				n++
			}
		}
	case channel.Messenger:
		for _, s := range h.fb.Sent() {
			if s.To == c.id {
				n++
			}
		}
	case channel.LINE:
		for _, s := range h.ln.Sent() {
			for _, to := range s.To {
				if to == c.id {
					n += len(s.Messages)
				}
			}
		}
	default:
		for _, s := range h.wc.Sent() {
			if s.ToUser == c.id {
				n++
			}
		}
	}
	return n
}

// customers returns n customers on kind with distinct, realistic ids.
func customers(kind channel.Kind, n, seed int) []customer {
	out := make([]customer, n)
	for i := range out {
		k := seed*100000 + i
		var id string
		switch kind {
		case channel.WhatsApp:
			id = fmt.Sprintf("8529%07d", k) // Hong Kong mobile numbers
		case channel.Messenger:
			id = fmt.Sprintf("%016d", 7100000000000000+k)
		case channel.LINE:
			id = fmt.Sprintf("U%032x", 0xc0ffee0000+k)
		default:
			id = fmt.Sprintf("oUpF8uMuAJO_M2pxb1Q9z%07d", k)
		}
		out[i] = customer{kind: kind, id: id}
	}
	return out
}

// platforms are the four channels the server serves.
func platforms() []channel.Kind {
	return []channel.Kind{channel.WhatsApp, channel.Messenger, channel.LINE, channel.WeChat}
}

// eventually polls cond every few milliseconds for up to d.
func eventually(d time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(d)
	for {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(5 * time.Millisecond)
	}
}
