package wechat_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/channel/channeltest"
	"github.com/switchboard-go/switchboard/wechat"
	"github.com/switchboard-go/switchboard/wechat/wechattest"
)

// recorder is a handler that records events and optionally replies.
type recorder struct {
	mu     sync.Mutex
	events []channel.Event
	reply  string
	err    error
}

func (r *recorder) HandleEvent(ctx context.Context, e channel.Event) error {
	r.mu.Lock()
	r.events = append(r.events, e)
	reply, err := r.reply, r.err
	r.mu.Unlock()
	if reply != "" {
		if rerr := wechat.Reply(ctx, reply); rerr != nil {
			return rerr
		}
	}
	return err
}

func (r *recorder) Events() []channel.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]channel.Event(nil), r.events...)
}

func TestWebhookHandshake(t *testing.T) {
	t.Parallel()
	srv, c, _ := setup(t, wechattest.Config{}, nil)
	h := c.Webhook(&recorder{})
	d := srv.Handshake(h, "echo-1234567890")
	assert.Equal(t, http.StatusOK, d.Status)
	assert.Equal(t, "echo-1234567890", string(d.Body))

	bad := httptest.NewRecorder()
	h.ServeHTTP(bad, httptest.NewRequest(http.MethodGet, "/wechat?signature=00&timestamp=1&nonce=n&echostr=e", nil))
	assert.Equal(t, http.StatusUnauthorized, bad.Code)
	assert.NotContains(t, bad.Body.String(), "e\n")
}

func TestWebhookDeliversEvents(t *testing.T) {
	t.Parallel()
	for _, safe := range []bool{false, true} {
		name := map[bool]string{false: "plaintext", true: "safe mode"}[safe]
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv, c, clk := setup(t, wechattest.Config{SafeMode: safe}, nil)
			rec := &recorder{}
			h := c.Webhook(rec)

			d, err := srv.Deliver(h, srv.Text("oCustomer", "我的包裹在哪里？"))
			require.NoError(t, err)
			assert.Equal(t, http.StatusOK, d.Status)
			assert.Equal(t, "success", string(d.Body))
			assert.Nil(t, d.Reply)

			d, err = srv.Deliver(h, srv.Event("oCustomer", "CLICK", "TRACK_ORDER"))
			require.NoError(t, err)
			assert.Equal(t, http.StatusOK, d.Status)

			events := rec.Events()
			require.Len(t, events, 2)
			assert.Equal(t, channel.EventMessage, events[0].Type)
			assert.Equal(t, "我的包裹在哪里？", events[0].Message.Text)
			assert.Equal(t, to("oCustomer"), events[0].From)
			assert.True(t, clk.Now().Truncate(time.Second).Equal(events[0].Time))
			assert.NotEmpty(t, events[0].ID)
			assert.Contains(t, string(events[0].Raw), "<MsgType><![CDATA[text]]></MsgType>", "Raw is the decrypted XML")
			assert.Equal(t, channel.EventPostback, events[1].Type)
			assert.Equal(t, "TRACK_ORDER", events[1].Postback.Payload)
		})
	}
}

func TestWebhookPassiveReply(t *testing.T) {
	t.Parallel()
	for _, safe := range []bool{false, true} {
		name := map[bool]string{false: "plaintext", true: "safe mode round trip"}[safe]
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv, c, clk := setup(t, wechattest.Config{SafeMode: safe}, nil)
			h := c.Webhook(&recorder{reply: "您的包裹今天送达 ]]> <b>"})
			d, err := srv.Deliver(h, srv.Text("oCustomer", "包裹?"))
			require.NoError(t, err, "the fake verifies the reply signature and decrypts it")
			require.Equal(t, http.StatusOK, d.Status)
			require.NotNil(t, d.Reply, "body: %s", d.Body)
			assert.Equal(t, "oCustomer", d.Reply.ToUserName)
			assert.Equal(t, "gh_fake", d.Reply.FromUserName)
			assert.Equal(t, "text", d.Reply.MsgType)
			assert.Equal(t, "您的包裹今天送达 ]]> <b>", d.Reply.Content)
			assert.Equal(t, clk.Now().Unix(), d.Reply.CreateTime)
			if safe {
				assert.NotContains(t, string(d.Body), "包裹", "the reply is encrypted on the wire")
				assert.Contains(t, string(d.Body), "<MsgSignature>")
			}
		})
	}
}

func TestReplyOutsideWebhook(t *testing.T) {
	t.Parallel()
	assert.ErrorIs(t, wechat.Reply(t.Context(), "hi"), wechat.ErrNoReply)

	srv, c, _ := setup(t, wechattest.Config{}, nil)
	var late context.Context
	var twice, empty error
	h := c.Webhook(channel.HandlerFunc(func(ctx context.Context, e channel.Event) error {
		late = ctx
		empty = wechat.Reply(ctx, "")
		require.NoError(t, wechat.Reply(ctx, "first"))
		twice = wechat.Reply(ctx, "second")
		return nil
	}))
	d, err := srv.Deliver(h, srv.Text("o1", "x"))
	require.NoError(t, err)
	assert.Equal(t, "first", d.Reply.Content)
	assert.ErrorIs(t, empty, channel.ErrInvalidMessage)
	assert.ErrorIs(t, twice, wechat.ErrNoReply)
	assert.ErrorIs(t, wechat.Reply(late, "too late"), wechat.ErrNoReply)
}

func TestWebhookDedupesRedeliveries(t *testing.T) {
	t.Parallel()
	srv, c, _ := setup(t, wechattest.Config{SafeMode: true}, nil)
	rec := &recorder{}
	h := c.Webhook(rec)
	msg := srv.Text("oCustomer", "hello")
	event := srv.Event("oCustomer", "subscribe", "")
	for range 4 { // WeChat's first try and its three retries
		for _, m := range [][]byte{msg, event} {
			d, err := srv.Deliver(h, m)
			require.NoError(t, err)
			require.Equal(t, http.StatusOK, d.Status)
		}
	}
	events := rec.Events()
	require.Len(t, events, 2, "one message and one event, each handled once")
	assert.Equal(t, channel.EventFollow, events[1].Type)
}

func TestWebhookHandlerErrorRedelivers(t *testing.T) {
	t.Parallel()
	srv, c, _ := setup(t, wechattest.Config{}, nil)
	rec := &recorder{err: errors.New("database down"), reply: "lost"}
	h := c.Webhook(rec)
	msg := srv.Text("o1", "x")
	d, err := srv.Deliver(h, msg)
	require.NoError(t, err)
	assert.Equal(t, http.StatusInternalServerError, d.Status)
	assert.NotContains(t, string(d.Body), "database down")

	rec.mu.Lock()
	rec.err, rec.reply = nil, ""
	rec.mu.Unlock()
	d, err = srv.Deliver(h, msg)
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, d.Status)
	assert.Len(t, rec.Events(), 2, "the redelivery after a failure is handled again")
}

func TestWebhookRejects(t *testing.T) {
	t.Parallel()
	type tc struct {
		name   string
		safe   bool
		tamper func(srv *wechattest.Server, r *http.Request, clk *channeltest.Clock) *http.Request
		msg    func(srv *wechattest.Server) []byte
		status int
	}
	text := func(srv *wechattest.Server) []byte { return srv.Text("o1", "x") }
	setQuery := func(r *http.Request, k, v string) *http.Request {
		q := r.URL.Query()
		q.Set(k, v)
		r.URL.RawQuery = q.Encode()
		return r
	}
	cases := []tc{
		{name: "bad signature", tamper: func(_ *wechattest.Server, r *http.Request, _ *channeltest.Clock) *http.Request {
			return setQuery(r, "signature", strings.Repeat("0", 40))
		}, status: 401},
		{name: "no signature", tamper: func(_ *wechattest.Server, r *http.Request, _ *channeltest.Clock) *http.Request {
			return setQuery(r, "signature", "")
		}, status: 401},
		{name: "replayed an hour later", tamper: func(_ *wechattest.Server, r *http.Request, clk *channeltest.Clock) *http.Request {
			clk.Advance(time.Hour)
			return r
		}, status: 401},
		{name: "bad xml", msg: func(*wechattest.Server) []byte { return []byte("<xml><Content>") }, status: 400},
		{name: "xml bomb", msg: func(*wechattest.Server) []byte {
			return []byte(`<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><xml><Content>&b;</Content></xml>`)
		}, status: 400},
		{name: "deep nesting", msg: func(*wechattest.Server) []byte {
			return []byte("<xml>" + strings.Repeat("<a>", 10000) + "</xml>")
		}, status: 400},
		{name: "oversize", msg: func(*wechattest.Server) []byte {
			return []byte("<xml><Content>" + strings.Repeat("x", wechat.DefaultMaxBodyBytes) + "</Content></xml>")
		}, status: 413},
		{name: "not a message", msg: func(*wechattest.Server) []byte { return []byte("<xml><Content>x</Content></xml>") }, status: 400},
		{name: "safe mode: bad msg_signature", safe: true, tamper: func(_ *wechattest.Server, r *http.Request, _ *channeltest.Clock) *http.Request {
			return setQuery(r, "msg_signature", strings.Repeat("a", 40))
		}, status: 401},
		{name: "safe mode: plaintext refused", safe: true, tamper: func(srv *wechattest.Server, _ *http.Request, _ *channeltest.Clock) *http.Request {
			plain := wechattest.NewServer(wechattest.Config{Clock: srv.Config().Clock})
			defer plain.Close()
			return plain.NewRequest(plain.Text("o1", "forged"))
		}, status: 401},
		{name: "safe mode: other account's ciphertext", safe: true, tamper: func(srv *wechattest.Server, r *http.Request, _ *channeltest.Clock) *http.Request {
			other := wechattest.NewServer(wechattest.Config{SafeMode: true, AppID: "wxother", Clock: srv.Config().Clock})
			defer other.Close()
			return other.NewRequest(other.Text("o1", "x"))
		}, status: 401},
		{name: "safe mode: envelope without Encrypt", safe: true, tamper: func(srv *wechattest.Server, r *http.Request, _ *channeltest.Clock) *http.Request {
			q := r.URL.Query()
			body := "<xml><ToUserName>gh_fake</ToUserName></xml>"
			return httptest.NewRequest(http.MethodPost, "/wechat?"+q.Encode(), strings.NewReader(body))
		}, status: 400},
		{name: "wrong method", tamper: func(_ *wechattest.Server, r *http.Request, _ *channeltest.Clock) *http.Request {
			r.Method = http.MethodPut
			return r
		}, status: 405},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, c, clk := setup(t, wechattest.Config{SafeMode: tc.safe}, nil)
			var called atomic.Int32
			h := c.Webhook(channel.HandlerFunc(func(context.Context, channel.Event) error {
				called.Add(1)
				return nil
			}))
			msg := text
			if tc.msg != nil {
				msg = tc.msg
			}
			r := srv.NewRequest(msg(srv))
			if tc.tamper != nil {
				r = tc.tamper(srv, r, clk)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			assert.Equal(t, tc.status, w.Code, w.Body.String())
			assert.Zero(t, called.Load(), "the handler is not called")
		})
	}
}

// TestWebhookOpensEncrypt: a safe-mode request built by hand around
// wechattest's Server.Encrypt, signed with wechattest.Sign, is what the
// webhook decrypts: the handler gets the message, and Raw is the plaintext.
func TestWebhookOpensEncrypt(t *testing.T) {
	t.Parallel()
	srv, c, clk := setup(t, wechattest.Config{SafeMode: true}, nil)
	rec := &recorder{}
	h := c.Webhook(rec)

	msg := srv.Text("oCustomer", "手工打造的请求 <ok>")
	enc, err := srv.Encrypt(msg)
	require.NoError(t, err)
	assert.NotContains(t, enc, "oCustomer", "the message is encrypted")
	token, ts, nonce := wechattest.DefaultToken, strconv.FormatInt(clk.Now().Unix(), 10), "1320562132"
	q := url.Values{
		"signature":     {wechattest.Sign(token, ts, nonce)},
		"timestamp":     {ts},
		"nonce":         {nonce},
		"openid":        {"oCustomer"},
		"encrypt_type":  {"aes"},
		"msg_signature": {wechattest.Sign(token, ts, nonce, enc)},
	}
	body := "<xml><ToUserName><![CDATA[gh_fake]]></ToUserName><Encrypt><![CDATA[" + enc + "]]></Encrypt></xml>"
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/wechat?"+q.Encode(), strings.NewReader(body)))
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	assert.Equal(t, "success", w.Body.String())

	events := rec.Events()
	require.Len(t, events, 1)
	assert.Equal(t, channel.EventMessage, events[0].Type)
	assert.Equal(t, to("oCustomer"), events[0].From)
	assert.Equal(t, "手工打造的请求 <ok>", events[0].Message.Text)
	assert.Equal(t, string(msg), string(events[0].Raw))

	other := wechattest.NewServer(wechattest.Config{SafeMode: true, EncodingAESKey: "too-short"})
	defer other.Close()
	_, err = other.Encrypt(msg)
	assert.Error(t, err, "an EncodingAESKey that is not 43 base64 characters")
}

func TestWebhookReplayToleranceConfigurable(t *testing.T) {
	t.Parallel()
	srv, c, clk := setup(t, wechattest.Config{}, func(cfg *wechat.Config) { cfg.ReplayTolerance = -1 })
	r := srv.NewRequest(srv.Text("o1", "x"))
	clk.Advance(24 * time.Hour)
	w := httptest.NewRecorder()
	c.Webhook(&recorder{}).ServeHTTP(w, r)
	assert.Equal(t, http.StatusOK, w.Code, "a negative tolerance turns the check off")
}

func TestWebhookNeverPanics(t *testing.T) {
	t.Parallel()
	_, c, _ := setup(t, wechattest.Config{SafeMode: true}, nil)
	h := c.Webhook(nil)
	bodies := []string{"", "<", "<xml>", "\x00\xff", strings.Repeat("<xml>", 1000)}
	queries := []string{"", "encrypt_type=aes", "signature=&timestamp=&nonce=", "timestamp=99999999999999999999999"}
	for _, b := range bodies {
		for _, q := range queries {
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/wechat?"+q, bytes.NewReader([]byte(b))))
			assert.GreaterOrEqual(t, w.Code, 400)
		}
	}
}

func TestWebhookOverHTTP(t *testing.T) {
	t.Parallel()
	srv, c, _ := setup(t, wechattest.Config{SafeMode: true, WebhookPath: "/hooks/wechat"}, nil)
	mux := http.NewServeMux()
	mux.Handle("/hooks/wechat", c.Webhook(&recorder{reply: "收到"}))
	shop := httptest.NewServer(mux)
	defer shop.Close()

	d, err := srv.DeliverURL(t.Context(), shop.URL+"/hooks/wechat", srv.Text("oCustomer", "hi"))
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, d.Status)
	assert.Equal(t, "收到", d.Reply.Content)

	d, err = srv.Deliver(mux, srv.Text("oCustomer", "again"))
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, d.Status, "NewRequest posts to Options.WebhookPath")
	assert.Equal(t, http.StatusOK, srv.Handshake(mux, "e").Status)
}
