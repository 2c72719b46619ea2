package messenger_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/internal/inbound/inboundtest"
	"github.com/switchboard-go/switchboard/internal/meta/metatest"
	"github.com/switchboard-go/switchboard/messenger"
	"github.com/switchboard-go/switchboard/messenger/messengertest"
)

// TestWebhookInFlightRedelivery: Meta times out on a slow first delivery
// and redelivers while it is being handled; the first handling then fails.
// The redelivery gets 503 (acknowledging it would lose the message), Meta
// retries, and the message is handled successfully exactly once.
func TestWebhookInFlightRedelivery(t *testing.T) {
	t.Parallel()
	srv := messengertest.NewServer(messengertest.Config{})
	defer srv.Close()
	h := inboundtest.NewSlowFail()
	hook := newClient(t, srv, nil).Webhook(h)
	inboundtest.InFlightRedelivery(t, h, 20, func() inboundtest.Delivery {
		body, mid := srv.MessageWebhook(messengertest.Inbound{PSID: "6789012345678901", Text: "where is my order"})
		deliver := func() int {
			status, err := srv.Deliver(context.Background(), hook, body)
			require.NoError(t, err)
			return status
		}
		return inboundtest.Delivery{ID: mid, First: deliver, Again: deliver}
	})
}

// TestWebhookStoreDown: a dedupe store that does not answer gives 503 and
// the handler is not called.
func TestWebhookStoreDown(t *testing.T) {
	t.Parallel()
	srv := messengertest.NewServer(messengertest.Config{})
	defer srv.Close()
	count := &inboundtest.Counter{}
	hook := newClient(t, srv, func(c *messenger.Config) { c.Dedupe = inboundtest.DownStore{} }).Webhook(count)
	body, _ := srv.MessageWebhook(messengertest.Inbound{PSID: "6789012345678901", Text: "hi"})
	status, err := srv.Deliver(context.Background(), hook, body)
	require.NoError(t, err)
	assert.Equal(t, http.StatusServiceUnavailable, status)
	assert.Zero(t, count.N())
}

// TestWebhookTooManyEvents: 1 MiB of empty messaging items is refused with
// 413 before any handler runs, for a bounded allocation. Not parallel: it
// measures allocation.
func TestWebhookTooManyEvents(t *testing.T) {
	const prefix, suffix = `{"object":"page","entry":[{"id":"1","messaging":[`, `]}]}`
	flood := inboundtest.RefuseFlood(t, prefix+"..."+suffix, messenger.ParseWebhook, messenger.ErrTooManyEvents)

	srv := messengertest.NewServer(messengertest.Config{})
	defer srv.Close()
	rec := &metatest.Recorder{}
	hook := newClient(t, srv, func(c *messenger.Config) { c.MaxEvents = 2; c.MaxBodyBytes = 2 << 20 }).Webhook(rec)
	status, err := srv.Deliver(context.Background(), hook, flood)
	require.NoError(t, err)
	assert.Equal(t, http.StatusRequestEntityTooLarge, status)
	three := []byte(prefix + `{"sender":{"id":"1"},"recipient":{"id":"2"},"timestamp":1,"read":{"watermark":1}},` +
		`{"sender":{"id":"1"},"recipient":{"id":"2"},"timestamp":1,"read":{"watermark":2}},` +
		`{"sender":{"id":"1"},"recipient":{"id":"2"},"timestamp":1,"read":{"watermark":3}}` + suffix)
	status, err = srv.Deliver(context.Background(), hook, three)
	require.NoError(t, err)
	assert.Equal(t, http.StatusRequestEntityTooLarge, status)
	assert.Empty(t, rec.IDs(), "no handler ran")
}
