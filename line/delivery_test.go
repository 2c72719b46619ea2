package line_test

import (
	"log/slog"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/internal/inbound/inboundtest"
	"github.com/switchboard-go/switchboard/internal/testenv"
	"github.com/switchboard-go/switchboard/line"
	"github.com/switchboard-go/switchboard/line/linetest"
)

// TestWebhookInFlightRedelivery: LINE times out on a slow first delivery
// and redelivers while it is being handled; the first handling then fails.
// The redelivery gets 503 (acknowledging it would lose the event), LINE
// retries, and the event is handled successfully exactly once.
func TestWebhookInFlightRedelivery(t *testing.T) {
	t.Parallel()
	srv := linetest.NewServer(linetest.Config{ChannelSecret: testSecret})
	t.Cleanup(srv.Close)
	h := inboundtest.NewSlowFail()
	hook := newWebhookClient(t).Webhook(h)
	inboundtest.InFlightRedelivery(t, h, 20, func() inboundtest.Delivery {
		e := srv.TextEvent(testUser, "where is my order")
		return inboundtest.Delivery{
			ID:    e.WebhookEventID,
			First: func() int { return srv.ServeWebhook(hook, e) },
			Again: func() int { return srv.ServeWebhook(hook, linetest.Redelivered(e)) },
		}
	})
}

// TestWebhookStoreDown: a dedupe store that does not answer gives 503 and
// the handler is not called.
func TestWebhookStoreDown(t *testing.T) {
	t.Parallel()
	srv := linetest.NewServer(linetest.Config{ChannelSecret: testSecret})
	t.Cleanup(srv.Close)
	lc, err := line.New(line.Config{ChannelAccessToken: "token", ChannelSecret: testSecret, Dedupe: inboundtest.DownStore{}})
	require.NoError(t, err)
	count := &inboundtest.Counter{}
	assert.Equal(t, http.StatusServiceUnavailable, srv.ServeWebhook(lc.Webhook(count), srv.TextEvent(testUser, "hi")))
	assert.Zero(t, count.N())
}

// TestWebhookTooManyEvents: 1 MiB of empty events is refused with 413
// before any handler runs, for a bounded allocation; MaxEvents events pass,
// one more is refused. Not parallel: it measures allocation.
func TestWebhookTooManyEvents(t *testing.T) {
	flood := inboundtest.RefuseFlood(t, `{"destination":"U1","events":[...]}`, line.ParseWebhook, line.ErrTooManyEvents)

	srv := linetest.NewServer(linetest.Config{ChannelSecret: testSecret})
	t.Cleanup(srv.Close)
	lc, err := line.New(line.Config{ChannelAccessToken: "token", ChannelSecret: testSecret, MaxEvents: 2, MaxBodyBytes: 2 << 20})
	require.NoError(t, err)
	count := &inboundtest.Counter{}
	hook := lc.Webhook(count)

	events := func(k int) []linetest.Event {
		out := make([]linetest.Event, k)
		for i := range out {
			out[i] = srv.FollowEvent(testUser)
		}
		return out
	}
	assert.Equal(t, http.StatusOK, srv.ServeWebhook(hook, events(2)...))
	assert.Equal(t, 2, count.N())
	assert.Equal(t, http.StatusRequestEntityTooLarge, srv.ServeWebhook(hook, events(3)...))
	assert.Equal(t, 2, count.N(), "no handler ran for the refused body")
	assert.Equal(t, http.StatusRequestEntityTooLarge, post(t, hook, flood, linetest.Sign(testSecret, flood)))
}

// TestWebhookStandby: an event in "mode":"standby" reaches the handler
// marked Standby (on the event and its message), so the bot stays silent.
func TestWebhookStandby(t *testing.T) {
	t.Parallel()
	srv := linetest.NewServer(linetest.Config{ChannelSecret: testSecret})
	t.Cleanup(srv.Close)
	rec := &recorder{}
	hook := newWebhookClient(t).Webhook(rec)
	active := srv.TextEvent(testUser, "hello")
	standby := linetest.Standby(srv.TextEvent(testUser, "hello again"))
	require.Equal(t, http.StatusOK, srv.ServeWebhook(hook, active, standby))
	got := rec.got()
	require.Len(t, got, 2)
	assert.False(t, got[0].Standby)
	assert.False(t, got[0].Message.Standby)
	assert.True(t, got[1].Standby)
	assert.True(t, got[1].Message.Standby)
	assert.Empty(t, got[1].ReplyToken)
}

// TestParseWebhookTerminates: inputs on which the removed event-span
// scanner looped forever are refused at once.
func TestParseWebhookTerminates(t *testing.T) {
	t.Parallel()
	for _, body := range []string{
		`{"etf":[1],"Events":[2}`,
		`{"events":[1],"Events":[2}`,
		`{"events":[{"a":"]"}`,
		`{"events":`,
	} {
		events, err := line.ParseWebhook([]byte(body))
		assert.ErrorIs(t, err, line.ErrMalformedWebhook, body)
		assert.Nil(t, events)
	}
	events, err := line.ParseWebhook([]byte(`{"events":[1],"EVENTS":[{"type":"follow","webhookEventId":"x"}]}`))
	require.NoError(t, err, "encoding/json matches keys case-insensitively; the last wins")
	require.Len(t, events, 1)
	assert.Equal(t, channel.EventFollow, events[0].Type)
}

// TestWebhookLogger: refusals and failures are logged, without the body.
func TestWebhookLogger(t *testing.T) {
	t.Parallel()
	var logs testenv.LogBuffer
	lc, err := line.New(line.Config{ChannelAccessToken: "token", ChannelSecret: testSecret, Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
	require.NoError(t, err)
	hook := lc.Webhook(&recorder{fail: inboundtest.ErrFirstTry})
	srv := linetest.NewServer(linetest.Config{ChannelSecret: testSecret})
	t.Cleanup(srv.Close)
	assert.Equal(t, http.StatusInternalServerError, srv.ServeWebhook(hook, srv.TextEvent(testUser, "my private words")))
	assert.Equal(t, http.StatusUnauthorized, post(t, hook, []byte(`{}`), "bad"))
	out := logs.String()
	assert.Contains(t, out, `"msg":"webhook handler failed","channel":"line","status":500,"event_type":"message"`)
	assert.Contains(t, out, `"msg":"webhook refused","channel":"line","status":401`)
	assert.NotContains(t, out, "my private words")
	assert.NotContains(t, out, testSecret)

}
