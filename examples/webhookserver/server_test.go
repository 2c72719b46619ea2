package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/examples/internal/shop"
	"github.com/switchboard-go/switchboard/wechat/wechattest"
	"github.com/switchboard-go/switchboard/whatsapp/whatsapptest"
)

// get fetches path and returns the status and body.
func (h *harness) get(t *testing.T, path string) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, h.url+path, nil)
	require.NoError(t, err)
	resp, err := h.hc.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

func TestMetaHandshake(t *testing.T) {
	t.Parallel()
	h := start(t, options{})
	for _, route := range []struct{ path, token string }{
		{"/webhooks/whatsapp", h.wa.Config().VerifyToken},
		{"/webhooks/messenger", h.fb.Config().VerifyToken},
	} {
		t.Run(route.path, func(t *testing.T) {
			q := url.Values{"hub.mode": {"subscribe"}, "hub.verify_token": {route.token}, "hub.challenge": {"1158201444"}}
			status, body := h.get(t, route.path+"?"+q.Encode())
			assert.Equal(t, http.StatusOK, status)
			assert.Equal(t, "1158201444", body, "the challenge is echoed as is")

			q.Set("hub.verify_token", "not-"+route.token)
			status, body = h.get(t, route.path+"?"+q.Encode())
			assert.Equal(t, http.StatusForbidden, status)
			assert.NotContains(t, body, "1158201444")
		})
	}
}

func TestWeChatHandshake(t *testing.T) {
	t.Parallel()
	h := start(t, options{})
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	token := h.wc.Config().Token
	q := url.Values{"timestamp": {ts}, "nonce": {"1514386021"}, "echostr": {"8373519082415638519"},
		"signature": {wechattest.Sign(token, ts, "1514386021")}}
	status, body := h.get(t, "/webhooks/wechat?"+q.Encode())
	assert.Equal(t, http.StatusOK, status)
	assert.Equal(t, "8373519082415638519", body)

	q.Set("signature", wechattest.Sign("another-token", ts, "1514386021"))
	status, body = h.get(t, "/webhooks/wechat?"+q.Encode())
	assert.Equal(t, http.StatusUnauthorized, status)
	assert.NotContains(t, body, "8373519082415638519")
}

func TestEachPlatformGetsExactlyOneReply(t *testing.T) {
	t.Parallel()
	h := start(t, options{})
	for _, kind := range platforms() {
		t.Run(string(kind), func(t *testing.T) {
			c := customers(kind, 1, 1)[0]
			status, err := h.says(t.Context(), c, "what payment methods do you accept?")
			require.NoError(t, err)
			require.Equal(t, http.StatusOK, status)
			// Every adapter answers after the handler returned, so the reply
			// is already recorded.
			assert.Equal(t, 1, h.repliesTo(c))
		})
	}
	s := h.srv.shop.Summary()
	assert.EqualValues(t, 4, s.Messages)
	assert.EqualValues(t, 4, s.Answers)
	assert.Zero(t, s.SendFailures, "failures: %v", h.srv.shop.Failures())
	require.Len(t, h.wa.Sent(), 1)
	assert.Contains(t, h.wa.Sent()[0].Text, "pay", "the payment methods answer, rendered from replies.json")
}

func TestHealthz(t *testing.T) {
	t.Parallel()
	h := start(t, options{})
	status, body := h.get(t, "/healthz")
	require.Equal(t, http.StatusOK, status)
	var got struct {
		Status    string   `json:"status"`
		Platforms []string `json:"platforms"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &got))
	assert.Equal(t, "ok", got.Status)
	assert.ElementsMatch(t, []string{"whatsapp", "messenger", "line", "wechat"}, got.Platforms)

	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, h.url+"/healthz", nil)
	require.NoError(t, err)
	status, err = h.do(req)
	require.NoError(t, err)
	assert.Equal(t, http.StatusMethodNotAllowed, status)
}

func TestOnlyConfiguredPlatformsAreServed(t *testing.T) {
	t.Parallel()
	h := start(t, options{env: map[string]string{envFBToken: "", envFBSecret: "", envFBVerify: ""}})
	status, _ := h.get(t, "/webhooks/messenger?hub.mode=subscribe")
	assert.Equal(t, http.StatusNotFound, status)
	status, _ = h.get(t, "/healthz")
	assert.Equal(t, http.StatusOK, status)
}

func TestGracefulShutdownFinishesInFlightWebhook(t *testing.T) {
	t.Parallel()
	h := start(t, options{})
	// The reply to this message takes 300 ms to be accepted: the webhook
	// is in flight when the server is told to stop.
	h.wa.FailNext(whatsapptest.Slow(300 * time.Millisecond))
	c := customers(channel.WhatsApp, 1, 2)[0]
	type result struct {
		status int
		err    error
	}
	res := make(chan result, 1)
	go func() {
		status, err := h.says(context.Background(), c, "do you ship to Spain? how long does delivery take")
		res <- result{status, err}
	}()
	require.True(t, eventually(5*time.Second, func() bool { return len(h.wa.Requests()) > 0 }),
		"the reply reached the fake platform")

	stopped := make(chan error, 1)
	go func() { stopped <- h.stop() }()

	r := <-res
	require.NoError(t, r.err)
	assert.Equal(t, http.StatusOK, r.status, "the in-flight webhook completes")
	assert.Equal(t, 1, h.repliesTo(c))
	select {
	case err := <-stopped:
		assert.NoError(t, err, "serve returns nil after a graceful shutdown")
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not return")
	}
	_, err := h.says(context.Background(), c, "hello?")
	assert.Error(t, err, "no new connections after shutdown")
}

func TestLogsCarryNoSecretsOrPhoneNumbers(t *testing.T) {
	t.Parallel()
	h := start(t, options{tune: fastRetries})
	ctx := t.Context()
	phone := "85291234567"

	// Handshakes carry the verify token and WeChat's signature in the query.
	h.get(t, "/webhooks/whatsapp?hub.mode=subscribe&hub.challenge=1&hub.verify_token="+h.wa.Config().VerifyToken)
	h.get(t, "/webhooks/messenger?hub.mode=subscribe&hub.challenge=1&hub.verify_token=guess")
	// A reply that cannot be delivered is logged with the customer.
	h.wa.FailNext(whatsapptest.WindowClosed())
	status, err := h.says(ctx, customer{channel.WhatsApp, phone}, "how can I pay")
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, status)
	require.Len(t, h.srv.shop.Failures(), 1)
	// A forged delivery, and normal traffic on every platform.
	body, _ := h.wa.MessageWebhook(whatsapptest.Inbound{From: phone, Text: "refund"})
	status, err = h.post(ctx, "/webhooks/whatsapp", body, http.Header{"X-Hub-Signature-256": {metaSign("guess", body)}})
	require.NoError(t, err)
	require.Equal(t, http.StatusUnauthorized, status)
	for _, kind := range platforms() {
		_, err := h.says(ctx, customers(kind, 1, 3)[0], "where is my order")
		require.NoError(t, err)
	}
	require.NoError(t, h.stop())

	lines := h.logs.Lines()
	require.NotEmpty(t, lines)
	var sawFailure bool
	for _, l := range lines {
		var rec map[string]any
		require.NoError(t, json.Unmarshal([]byte(l), &rec), "every line is JSON: %s", l)
		for _, s := range h.secrets() {
			assert.NotContains(t, l, s, "a log line carries a secret")
		}
		assert.NotContains(t, l, phone, "a log line carries a full phone number")
		assert.NotContains(t, l, customers(channel.WhatsApp, 1, 3)[0].id, "a log line carries a full phone number")
		assert.NotContains(t, l, "hub.verify_token", "a log line carries a query")
		assert.NotContains(t, l, "signature=", "a log line carries a query")
		if rec["msg"] == "reply not delivered" {
			sawFailure = true
			assert.Equal(t, "852****4567", rec["to"], "the customer is masked")
		}
	}
	assert.True(t, sawFailure, "the failed reply was logged: %s", strings.Join(lines, "\n"))
	assert.GreaterOrEqual(t, len(lines), 8, "one line per request")
}

func TestConfigErrors(t *testing.T) {
	t.Parallel()
	const rules, replies = "../shopbot/data/rules.json", "../shopbot/data/replies.json"
	for name, env := range map[string]map[string]string{
		"no platform":     {},
		"bad shutdown":    {envLineToken: "t0k", envLineSecret: "s3cret", envShutdown: "soon"},
		"bad throughput":  {envWAToken: "t0k", envWASecret: "s3cret", envWAMPS: "-1"},
		"missing rules":   {envLineToken: "t0k", envLineSecret: "s3cret", envRules: "testdata/none.json"},
		"missing replies": {envLineToken: "t0k", envLineSecret: "s3cret", envRules: rules, envReplies: "testdata/none.json"},
		"line, no token":  {envLineSecret: "s3cret", envRules: rules, envReplies: replies},
	} {
		t.Run(name, func(t *testing.T) {
			cfg, err := loadConfig(func(k string) string { return env[k] })
			if err == nil {
				_, err = newServer(cfg, slog.New(slog.DiscardHandler), shop.Config{})
			}
			require.Error(t, err)
			assert.NotContains(t, err.Error(), "t0k", "the error carries a credential")
			assert.NotContains(t, err.Error(), "s3cret", "the error carries a credential")
		})
	}
}

// TestReadyzFollowsTheStateStore: /readyz answers 200 while the state store
// answers and 503 when it does not; /healthz (alive) stays 200.
func TestReadyzFollowsTheStateStore(t *testing.T) {
	t.Parallel()
	var down atomic.Bool
	h := start(t, options{tune: func(c *config) {
		c.ready = func(context.Context) error {
			if down.Load() {
				return errors.New("dial tcp 127.0.0.1:6379: connection refused")
			}
			return nil
		}
	}})
	status, body := h.get(t, "/readyz")
	assert.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, `"ready"`)
	down.Store(true)
	status, body = h.get(t, "/readyz")
	assert.Equal(t, http.StatusServiceUnavailable, status)
	assert.NotContains(t, body, "6379", "no store address in the page")
	status, _ = h.get(t, "/healthz")
	assert.Equal(t, http.StatusOK, status)
}

// TestMetricsCountMessagesInAndOut: after one customer message and its
// reply, /metrics (Prometheus) counts the webhook request, the event
// handled and the reply sent, and holds no phone number.
func TestMetricsCountMessagesInAndOut(t *testing.T) {
	t.Parallel()
	h := start(t, options{})
	c := customers(channel.WhatsApp, 1, 3)[0]
	status, err := h.says(t.Context(), c, "where is my order")
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, status)
	status, body := h.get(t, "/metrics")
	require.Equal(t, http.StatusOK, status)
	for _, want := range []string{
		`switchboard_webhook_requests_total{http_response_status_code="200",otel_scope_name="github.com/switchboard-go/switchboard"`,
		`switchboard_messages_in_total{otel_scope_name="github.com/switchboard-go/switchboard",otel_scope_schema_url="",otel_scope_version="",switchboard_channel="whatsapp",switchboard_event_type="message",switchboard_outcome="ok"} 1`,
		`switchboard_messages_out_total{otel_scope_name="github.com/switchboard-go/switchboard",otel_scope_schema_url="",otel_scope_version="",switchboard_channel="whatsapp",switchboard_outcome="ok"} 1`,
		`switchboard_handle_duration_seconds_bucket`,
	} {
		assert.Contains(t, body, want)
	}
	assert.NotContains(t, body, c.id, "no customer id in metrics")
}
