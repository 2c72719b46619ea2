package wechat_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/internal/inbound/inboundtest"
	"github.com/switchboard-go/switchboard/wechat"
	"github.com/switchboard-go/switchboard/wechat/wechattest"
)

// msgID is the dedupe id of a text message the fake built.
func msgID(t *testing.T, msg []byte) string {
	t.Helper()
	in, err := wechat.ParseWebhook(msg)
	require.NoError(t, err)
	return in.MsgID
}

// TestWebhookRedeliveryWaitsForOutcome: WeChat gives up after 5 s and
// retries. A retry that finds the message still being handled waits for the
// outcome: when the first handling fails, the retry handles it; when it
// succeeds, the retry is acknowledged without handling it again. Either way
// the message is handled successfully exactly once.
func TestWebhookRedeliveryWaitsForOutcome(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name        string
		firstOK     bool
		first, next int
	}{
		{"first fails", false, http.StatusInternalServerError, http.StatusOK},
		{"first succeeds", true, http.StatusOK, http.StatusOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			store := inboundtest.NewWatchStore()
			srv, c, _ := setup(t, wechattest.Config{SafeMode: true}, func(cfg *wechat.Config) { cfg.Dedupe = store })
			h := inboundtest.NewSlowFail()
			if tc.firstOK {
				h = inboundtest.NewSlowSucceed()
			}
			hook := c.Webhook(h)
			const rounds = 10
			once := 0
			for i := range rounds {
				msg := srv.Text("oCustomer", "where is my order")
				id := msgID(t, msg)
				first, retry := make(chan int, 1), make(chan int, 1)
				go func() { d, _ := srv.Deliver(hook, msg); first <- d.Status }()
				require.Equal(t, id, <-h.Entered)
				go func() { d, _ := srv.Deliver(hook, msg); retry <- d.Status }()
				<-store.InFlight // the retry found the message in flight and waits
				h.Fail(id)
				assert.Equal(t, tc.first, <-first, "round %d", i)
				assert.Equal(t, tc.next, <-retry, "round %d: the waiting retry", i)
				d, err := srv.Deliver(hook, msg)
				require.NoError(t, err)
				assert.Equal(t, http.StatusOK, d.Status, "round %d: the last retry", i)
				if h.Succeeded(id) == 1 {
					once++
				}
			}
			assert.Equal(t, rounds, once, "handled successfully exactly once")
			t.Logf("handled once: %d/%d", once, rounds)
		})
	}
}

// TestWebhookInFlightNoWait: with DedupeWait negative a retry during the
// first handling gets 503 at once, and the message is still handled once.
func TestWebhookInFlightNoWait(t *testing.T) {
	t.Parallel()
	srv, c, _ := setup(t, wechattest.Config{}, func(cfg *wechat.Config) { cfg.DedupeWait = -1 })
	h := inboundtest.NewSlowFail()
	hook := c.Webhook(h)
	msg := srv.Text("oCustomer", "hi")
	id := msgID(t, msg)
	first := make(chan int, 1)
	go func() { d, _ := srv.Deliver(hook, msg); first <- d.Status }()
	require.Equal(t, id, <-h.Entered)
	d, err := srv.Deliver(hook, msg)
	require.NoError(t, err)
	assert.Equal(t, http.StatusServiceUnavailable, d.Status)
	h.Fail(id)
	assert.Equal(t, http.StatusInternalServerError, <-first)
	d, err = srv.Deliver(hook, msg)
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, d.Status)
	assert.Equal(t, 1, h.Succeeded(id))
}

// TestWebhookStoreDown: a dedupe store that does not answer gives 503 and
// the handler is not called; the failure is logged without the message.
func TestWebhookStoreDown(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	srv, c, _ := setup(t, wechattest.Config{SafeMode: true}, func(cfg *wechat.Config) {
		cfg.Dedupe = inboundtest.DownStore{}
		cfg.Logger = slog.New(slog.NewJSONHandler(&logs, nil))
	})
	count := &inboundtest.Counter{}
	d, err := srv.Deliver(c.Webhook(count), srv.Text("oCustomer", "my private words"))
	require.NoError(t, err)
	assert.Equal(t, http.StatusServiceUnavailable, d.Status)
	assert.Zero(t, count.N())
	assert.Contains(t, logs.String(), `"channel":"wechat","status":503`)
	assert.NotContains(t, logs.String(), "my private words")
	assert.NotContains(t, logs.String(), srv.Config().Token)
	assert.NotContains(t, logs.String(), srv.Config().EncodingAESKey)

}
