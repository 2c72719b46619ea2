package whatsapp_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/internal/inbound/inboundtest"
	"github.com/switchboard-go/switchboard/internal/meta/metatest"
	"github.com/switchboard-go/switchboard/whatsapp"
	"github.com/switchboard-go/switchboard/whatsapp/whatsapptest"
)

// TestWebhookInFlightRedelivery: the first delivery of a message is slow,
// Meta times out on it (its answer is lost) and redelivers while it is
// still being handled; the first handling then fails. Were the redelivery
// acknowledged as a duplicate, Meta would stop and the message would never
// be handled. It gets 503, so Meta retries, and a retry after the failure is
// handled: over every round the message is handled successfully exactly
// once, and a later duplicate is acknowledged without handling it again.
func TestWebhookInFlightRedelivery(t *testing.T) {
	t.Parallel()
	srv := whatsapptest.NewServer(whatsapptest.Config{})
	defer srv.Close()
	h := inboundtest.NewSlowFail()
	hook := newClient(t, srv, nil).Webhook(h)
	inboundtest.InFlightRedelivery(t, h, 20, func() inboundtest.Delivery {
		body, id := srv.MessageWebhook(whatsapptest.Inbound{From: "85291234567", Text: "where is my order"})
		deliver := func() int {
			status, err := srv.Deliver(context.Background(), hook, body)
			require.NoError(t, err)
			return status
		}
		return inboundtest.Delivery{ID: id, First: deliver, Again: deliver}
	})
}

// TestWebhookStoreDown: a dedupe store that does not answer makes the
// webhook answer 503 (Meta redelivers) without calling the handler.
func TestWebhookStoreDown(t *testing.T) {
	t.Parallel()
	srv := whatsapptest.NewServer(whatsapptest.Config{})
	defer srv.Close()
	var logs bytes.Buffer
	count := &inboundtest.Counter{}
	hook := newClient(t, srv, func(c *whatsapp.Config) {
		c.Dedupe = inboundtest.DownStore{}
		c.Logger = slog.New(slog.NewJSONHandler(&logs, nil))
	}).Webhook(count)
	body, _ := srv.MessageWebhook(whatsapptest.Inbound{From: "85291234567", Text: "my secret order text"})
	status, err := srv.Deliver(context.Background(), hook, body)
	require.NoError(t, err)
	assert.Equal(t, http.StatusServiceUnavailable, status)
	assert.Zero(t, count.N(), "the handler is not called")
	assert.Contains(t, logs.String(), `"status":503`)
	assert.Contains(t, logs.String(), "state store unavailable")
	for _, leak := range []string{"85291234567", "my secret order text", srv.Config().AppSecret, srv.Config().AccessToken} {
		assert.NotContains(t, logs.String(), leak)
	}
}

// TestWebhookTooManyEvents: 1 MiB of empty objects (349,000 changes, each
// an event before the bound) is refused with 413 before any handler runs,
// and its parse allocates a bounded amount; a body with MaxEvents events is
// served, one more is refused. Not parallel: it measures allocation.
func TestWebhookTooManyEvents(t *testing.T) {
	flood := inboundtest.RefuseFlood(t, `{"object":"whatsapp_business_account","entry":[{"changes":[...]}]}`,
		whatsapp.ParseWebhook, whatsapp.ErrTooManyEvents)

	srv := whatsapptest.NewServer(whatsapptest.Config{})
	defer srv.Close()
	rec := &metatest.Recorder{}
	hook := newClient(t, srv, func(c *whatsapp.Config) { c.MaxEvents = 3; c.MaxBodyBytes = 2 << 20 }).Webhook(rec)
	status, err := srv.Deliver(context.Background(), hook, flood)
	require.NoError(t, err)
	assert.Equal(t, http.StatusRequestEntityTooLarge, status)

	statuses := func(n int) []byte {
		items := make([]string, n)
		for i := range items {
			items[i] = `{"id":"wamid.S` + string(rune('a'+i)) + `","status":"read","timestamp":"1700000000","recipient_id":"85291234567"}`
		}
		return []byte(`{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{"statuses":[` +
			strings.Join(items, ",") + `]}}]}]}`)
	}
	status, err = srv.Deliver(context.Background(), hook, statuses(3))
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, status)
	assert.Len(t, rec.IDs(), 3)
	status, err = srv.Deliver(context.Background(), hook, statuses(4))
	require.NoError(t, err)
	assert.Equal(t, http.StatusRequestEntityTooLarge, status)
	assert.Len(t, rec.IDs(), 3, "no handler ran for the refused body")
}

// TestParseWebhookSender: a message with no sender is not an answerable
// message, and a business-scoped id in wa_id never becomes a phone number.
func TestParseWebhookSender(t *testing.T) {
	t.Parallel()
	wrap := func(value string) []byte {
		return []byte(`{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":` + value + `}]}]}`)
	}
	const meta = `"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550001111","phone_number_id":"106540352242922"}`
	tests := []struct {
		name    string
		body    []byte
		typ     channel.EventType
		from    string
		contact *channel.Contact
	}{
		{"no sender", wrap(`{` + meta + `,"messages":[{"id":"wamid.X","timestamp":"1700000000","type":"text","text":{"body":"hi"}}]}`),
			channel.EventUnknown, "", nil},
		{"no sender, contact without ids", wrap(`{` + meta + `,"contacts":[{"profile":{"name":"Ana"}}],"messages":[{"id":"wamid.X","timestamp":"1700000000","type":"text","text":{"body":"hi"}}]}`),
			channel.EventUnknown, "", nil},
		{"bsuid in wa_id", wrap(`{` + meta + `,"contacts":[{"profile":{"name":"Ana"},"wa_id":"US.13491208655302741918"}],"messages":[{"from_user_id":"US.13491208655302741918","id":"wamid.X","timestamp":"1700000000","type":"text","text":{"body":"hi"}}]}`),
			channel.EventMessage, "US.13491208655302741918", &channel.Contact{Name: "Ana", ScopedID: "US.13491208655302741918"}},
		{"bsuid in wa_id and user_id", wrap(`{` + meta + `,"contacts":[{"profile":{"name":"Ana"},"wa_id":"US.1349","user_id":"US.1349"}],"messages":[{"from_user_id":"US.1349","id":"wamid.X","timestamp":"1700000000","type":"text","text":{"body":"hi"}}]}`),
			channel.EventMessage, "US.1349", &channel.Contact{Name: "Ana", ScopedID: "US.1349"}},
		{"bsuid in from", wrap(`{` + meta + `,"messages":[{"from":"US.1349","id":"wamid.X","timestamp":"1700000000","type":"text","text":{"body":"hi"}}]}`),
			channel.EventMessage, "US.1349", &channel.Contact{ScopedID: "US.1349"}},
		{"phone", wrap(`{` + meta + `,"contacts":[{"profile":{"name":"Ana"},"wa_id":"85291234567","user_id":"US.1349"}],"messages":[{"from":"85291234567","id":"wamid.X","timestamp":"1700000000","type":"text","text":{"body":"hi"}}]}`),
			channel.EventMessage, "85291234567", &channel.Contact{Name: "Ana", Phone: "85291234567", ScopedID: "US.1349"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			events, err := whatsapp.ParseWebhook(tt.body)
			require.NoError(t, err)
			require.Len(t, events, 1)
			e := events[0]
			assert.Equal(t, tt.typ, e.Type)
			assert.Equal(t, tt.from, e.From.ID)
			if tt.contact == nil {
				assert.Nil(t, e.Message)
				return
			}
			require.NotNil(t, e.Message)
			assert.Equal(t, tt.contact, e.Message.Contact)
		})
	}
}
