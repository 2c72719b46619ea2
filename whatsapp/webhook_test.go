package whatsapp_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/channel/channeltest"
	"github.com/switchboard-go/switchboard/internal/inbound/inboundtest"
	"github.com/switchboard-go/switchboard/internal/meta/metatest"
	"github.com/switchboard-go/switchboard/whatsapp"
	"github.com/switchboard-go/switchboard/whatsapp/whatsapptest"
)

// got is the part of an event the inbound table compares.
type got struct {
	Type          channel.EventType
	ID            string
	From, To      string
	Text, Payload string
	ReplyTo       string
	Media         string // "type:id:mime:caption"
	Location      string
	Contact       channel.Contact
	State         channel.State
	ErrCode       int
	Raw           bool
}

func summarize(t *testing.T, e channel.Event) got {
	t.Helper()
	assert.Equal(t, channel.WhatsApp, e.Channel)
	g := got{Type: e.Type, ID: e.ID, From: e.From.ID, To: e.To.ID, Raw: len(e.Raw) > 0}
	if m := e.Message; m != nil {
		g.Text, g.Payload, g.ReplyTo = m.Text, m.Payload, m.ReplyTo
		assert.Equal(t, e.ID, m.ID)
		assert.False(t, m.Time.IsZero(), "message time")
		if m.Media != nil {
			g.Media = string(m.Media.Type) + ":" + m.Media.ID + ":" + m.Media.MIMEType + ":" + m.Media.Caption
		}
		if l := m.Location; l != nil {
			g.Location = l.Name
		}
		if m.Contact != nil {
			g.Contact = *m.Contact
		}
	}
	if s := e.Status; s != nil {
		g.State = s.State
		var apiErr *whatsapp.APIError
		if errors.As(s.Err, &apiErr) {
			g.ErrCode = apiErr.Code
		}
	}
	return g
}

func TestParseWebhook(t *testing.T) {
	t.Parallel()
	const biz = "106540352242922"
	inboundtest.ParseFiles(t, whatsapp.ParseWebhook, summarize, []inboundtest.ParseCase[got]{
		{File: "text.json", Want: []got{{
			Type: channel.EventMessage, ID: "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=",
			From: "16505551234", To: biz, Text: "Does it come in another color?", Raw: true,
			Contact: channel.Contact{Name: "Sheena Nelson", Phone: "16505551234", ScopedID: "US.13491208655302741918"},
		}}},
		{File: "image.json", Want: []got{{
			Type: channel.EventMessage, ID: "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=",
			From: "16505551234", To: biz, Raw: true,
			Media:   "image:1003383421387256:image/jpeg:The box arrived crushed",
			Contact: channel.Contact{Name: "Sheena Nelson", Phone: "16505551234"},
		}}},
		{File: "interactive_button.json", Want: []got{{
			Type: channel.EventMessage, ID: "wamid.HBgNNTIxNTUxMjM0NTY3OBUCABIYFDNBMEMzRkU2QzZDMkJFQjVCQTk3AA==",
			From: "5215512345678", To: biz, Text: "Track my order", Payload: "track_order", Raw: true,
			ReplyTo: "wamid.HBgLMTU1MDc4Mzg4MTEVAgARGBI1QjE0OUJFQzRCM0U1RkE3NEYA",
			Contact: channel.Contact{Name: "Pablo Morales", Phone: "5215512345678"},
		}}},
		{File: "interactive_list.json", Want: []got{{
			Type: channel.EventMessage, ID: "wamid.HBgNNTIxNTUxMjM0NTY3OBUCABIYFDNBMjQwQjU1RjkwN0ZFOEQ4MTA0AA==",
			From: "5215512345678", To: biz, Text: "Returns", Payload: "returns", Raw: true,
			ReplyTo: "wamid.HBgLMTU1MDc4Mzg4MTEVAgARGBI2QjE0OUJFQzRCM0U1RkE3NEYA",
			Contact: channel.Contact{Name: "Pablo Morales", Phone: "5215512345678"},
		}}},
		{File: "button.json", Want: []got{{
			Type: channel.EventMessage, ID: "wamid.HBgMODE5MDEyMzQ1Njc4FQIAEhgUM0E4Q0Q2MzM2NjQzNDI3RkRBQUYA",
			From: "819012345678", To: biz, Text: "Stop promotions", Payload: "STOP_PROMOTIONS", Raw: true,
			ReplyTo: "wamid.HBgLODE5MDEyMzQ1Njc4FQIAERgSQzREMjg1RjM2RjI1MjJDNTNBAA==",
			Contact: channel.Contact{Name: "Aiko Tanaka", Phone: "819012345678"},
		}}},
		{File: "location.json", Want: []got{{
			Type: channel.EventMessage, ID: "wamid.HBgLNjY4MTIzNDU2NzgVAgASGBQzQUQ3QjM1NzA3RTk1NjM5OEE2MwA=",
			From: "66812345678", To: biz, Location: "Siam Paragon", Raw: true,
			Contact: channel.Contact{Name: "Somchai P.", Phone: "66812345678"},
		}}},
		{File: "statuses.json", Want: []got{
			{Type: channel.EventStatus, ID: "wamid.HBgLMTY1MDUwNzY1MjAVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA:sent", From: biz, To: "16505551234", State: channel.StateSent, Raw: true},
			{Type: channel.EventStatus, ID: "wamid.HBgLMTY1MDUwNzY1MjAVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA:delivered", From: biz, To: "16505551234", State: channel.StateDelivered, Raw: true},
			{Type: channel.EventStatus, ID: "wamid.HBgLMTY1MDUwNzY1MjAVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA:read", From: biz, To: "16505551234", State: channel.StateRead, Raw: true},
			{Type: channel.EventStatus, ID: "wamid.HBgLMTY1MDUwNzY1MjAVAgARGBJCQ0Y5NUFBRkQ3QjQ5ODYzRTAA:failed", From: biz, To: "16505551234", State: channel.StateFailed, ErrCode: 131047, Raw: true},
		}},
		{File: "multi.json", Want: []got{
			{Type: channel.EventMessage, ID: "wamid.A1", From: "5511987654321", To: biz, Text: "Oi", Raw: true, Contact: channel.Contact{Name: "Ana", Phone: "5511987654321"}},
			{Type: channel.EventMessage, ID: "wamid.B1", From: "5511912345678", To: biz, Text: "Cadê meu pedido?", Raw: true, Contact: channel.Contact{Name: "Bruno", Phone: "5511912345678"}},
			{Type: channel.EventStatus, ID: "wamid.OUT1:delivered", From: biz, To: "5511987654321", State: channel.StateDelivered, Raw: true},
			{Type: channel.EventMessage, ID: "wamid.C1", From: "8613800138000", To: "106540352242923", Text: "你好", Raw: true, Contact: channel.Contact{Name: "Chen", Phone: "8613800138000"}},
		}},
		{File: "unknown.json", Want: []got{{
			Type: channel.EventUnknown, ID: "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUVGQTJBNkI3NkZBMEI3NTYzRQA=",
			From: "16505551234", To: biz, Raw: true,
		}}},
		{File: "user_id_only.json", Want: []got{{
			Type: channel.EventMessage, ID: "wamid.HBgVVVMuMTM0OTEyMDg2NTUzMDI3NDE5MTgVAgASGBQzQTk4QjQ3MjE3QzE0NUQ2OTI4NQA=",
			From: "US.13491208655302741918", To: biz, Text: "Is this available in size M?", Raw: true,
			Contact: channel.Contact{Name: "quiet.shopper", ScopedID: "US.13491208655302741918"},
		}}},
		{File: "echo_and_other_field.json", Want: []got{{Type: channel.EventUnknown, Raw: true}}},
	})
}

func TestParseWebhookStatusErrorMapsToSentinel(t *testing.T) {
	t.Parallel()
	events, err := whatsapp.ParseWebhook(inboundtest.Testdata(t, "statuses.json"))
	require.NoError(t, err)
	failed := events[3].Status
	require.Equal(t, channel.StateFailed, failed.State)
	assert.ErrorIs(t, failed.Err, channel.ErrWindowClosed)
	assert.Equal(t, time.Unix(1750263900, 0).UTC(), failed.Time)
}

func TestParseWebhookUnknownCarriesItem(t *testing.T) {
	t.Parallel()
	events, err := whatsapp.ParseWebhook(inboundtest.Testdata(t, "unknown.json"))
	require.NoError(t, err)
	require.Len(t, events, 1)
	assert.Contains(t, string(events[0].Raw), `"unsupported"`)
	assert.NotContains(t, string(events[0].Raw), `"whatsapp_business_account"`, "the message, not the whole body")
}

func TestParseWebhookMalformed(t *testing.T) {
	t.Parallel()
	inboundtest.Malformed(t, whatsapp.ParseWebhook, whatsapp.ErrMalformedWebhook, map[string]string{
		"empty":       "",
		"not json":    "hello",
		"truncated":   `{"object":"whatsapp_business_account","entry":[`,
		"wrong types": `{"object":"whatsapp_business_account","entry":{"id":1}}`,
	})
}

func newClient(t *testing.T, srv *whatsapptest.Server, edit func(*whatsapp.Config)) *whatsapp.Client {
	t.Helper()
	cfg := srv.ClientConfig()
	if edit != nil {
		edit(&cfg)
	}
	c, err := whatsapp.New(cfg)
	require.NoError(t, err)
	return c
}

func TestWebhookHTTP(t *testing.T) {
	t.Parallel()
	metatest.WebhookHTTP(t, metatest.Webhook{
		New: func(t *testing.T, maxBody int64, h channel.Handler) http.Handler {
			srv := whatsapptest.NewServer(whatsapptest.Config{})
			t.Cleanup(srv.Close)
			return newClient(t, srv, func(c *whatsapp.Config) { c.MaxBodyBytes = maxBody }).Webhook(h)
		},
		Body: inboundtest.Testdata(t, "text.json"), AppSecret: "test-app-secret", VerifyToken: "test-verify-token",
	})
}

func TestWebhookRedeliveryAndHandlerFailure(t *testing.T) {
	t.Parallel()
	srv := whatsapptest.NewServer(whatsapptest.Config{})
	defer srv.Close()
	rec := &metatest.Recorder{FailOn: map[string]int{"wamid.B1": 1}}
	h := newClient(t, srv, nil).Webhook(rec)
	body := inboundtest.Testdata(t, "multi.json")
	deliver := func() int {
		status, err := srv.Deliver(context.Background(), h, body)
		require.NoError(t, err)
		return status
	}
	metatest.Redelivery(t, deliver, rec, "wamid.B1",
		[]string{"wamid.A1", "wamid.B1", "wamid.B1", "wamid.OUT1:delivered", "wamid.C1"})
}

func TestWebhookSharedDedupeStore(t *testing.T) {
	t.Parallel()
	srv := whatsapptest.NewServer(whatsapptest.Config{})
	defer srv.Close()
	store := channel.NewMemoryDedupeStore(100)
	rec := &metatest.Recorder{}
	// Two instances behind a load balancer share one store.
	a := newClient(t, srv, func(c *whatsapp.Config) { c.Dedupe = store }).Webhook(rec)
	b := newClient(t, srv, func(c *whatsapp.Config) { c.Dedupe = store }).Webhook(rec)
	body, id := srv.MessageWebhook(whatsapptest.Inbound{From: "16505551234", Name: "Sheena", Text: "hi"})
	for _, h := range []http.Handler{a, b} {
		status, err := srv.Deliver(context.Background(), h, body)
		require.NoError(t, err)
		assert.Equal(t, http.StatusOK, status)
	}
	assert.Equal(t, []string{id}, rec.IDs())
}

func TestWebhookDeliverURL(t *testing.T) {
	t.Parallel()
	srv := whatsapptest.NewServer(whatsapptest.Config{})
	defer srv.Close()
	rec := &metatest.Recorder{}
	hook := httptest.NewServer(newClient(t, srv, nil).Webhook(rec))
	defer hook.Close()
	body, id := srv.MessageWebhook(whatsapptest.Inbound{UserID: "US.13491208655302741918", Name: "quiet", Text: "hello"})
	status, err := srv.DeliverURL(context.Background(), hook.URL, hook.Client(), body)
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, status)
	assert.Equal(t, []string{id}, rec.IDs())
}

// TestStatusWebhook: the fake's status bodies for a message the client
// sent come through the adapter's webhook as status events of the right
// state, and a failed one carries the error code, mapped to its sentinel.
func TestStatusWebhook(t *testing.T) {
	t.Parallel()
	clk := channeltest.NewClock(time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC))
	srv := whatsapptest.NewServer(whatsapptest.Config{Clock: clk.Now})
	defer srv.Close()
	c := newClient(t, srv, nil)
	r, err := c.Send(context.Background(), &channel.Message{To: customer, Text: "Your parcel left Leipzig"})
	require.NoError(t, err)
	wamid := r.MessageID
	require.NotEmpty(t, wamid)

	tests := []struct {
		name     string
		state    channel.State
		code     int
		sentinel error
	}{
		{"sent", channel.StateSent, 0, nil},
		{"delivered", channel.StateDelivered, 0, nil},
		{"read", channel.StateRead, 0, nil},
		{"failed outside the window", channel.StateFailed, whatsapp.CodeReengagement, channel.ErrWindowClosed},
		{"failed undeliverable", channel.StateFailed, whatsapp.CodeUndeliverable, channel.ErrInvalidRecipient},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var (
				mu     sync.Mutex
				events []channel.Event
			)
			h := newClient(t, srv, nil).Webhook(channel.HandlerFunc(func(_ context.Context, e channel.Event) error {
				mu.Lock()
				defer mu.Unlock()
				events = append(events, e)
				return nil
			}))
			status, err := srv.Deliver(context.Background(), h, srv.StatusWebhook(wamid, customer.ID, tt.state, tt.code))
			require.NoError(t, err)
			require.Equal(t, http.StatusOK, status)

			mu.Lock()
			defer mu.Unlock()
			require.Len(t, events, 1)
			e := events[0]
			assert.Equal(t, channel.EventStatus, e.Type)
			assert.Equal(t, wamid+":"+string(tt.state), e.ID)
			assert.Equal(t, customer, e.To)
			require.NotNil(t, e.Status)
			assert.Equal(t, tt.state, e.Status.State)
			assert.Equal(t, wamid, e.Status.MessageID)
			assert.Equal(t, customer, e.Status.Recipient)
			assert.True(t, clk.Now().Equal(e.Status.Time), "stamped by the server clock: %v", e.Status.Time)
			if tt.state != channel.StateFailed {
				assert.NoError(t, e.Status.Err)
				return
			}
			var apiErr *whatsapp.APIError
			require.ErrorAs(t, e.Status.Err, &apiErr)
			assert.Equal(t, tt.code, apiErr.Code)
			assert.NotEmpty(t, apiErr.Message)
			assert.ErrorIs(t, e.Status.Err, tt.sentinel)
		})
	}
}

func FuzzParseWebhook(f *testing.F) {
	for _, name := range []string{"text.json", "image.json", "interactive_button.json", "statuses.json", "multi.json", "unknown.json", "user_id_only.json"} {
		f.Add(inboundtest.Testdata(f, name))
	}
	f.Add([]byte(`{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{"messages":[{"type":"interactive","interactive":null}]}}]}]}`))
	f.Add([]byte(`{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{"statuses":[{"status":"failed","errors":[]}]}}]}]}`))
	f.Add([]byte(`{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{"contacts":[{"wa_id":"US.1"}],"messages":[{"id":"x","type":"text","text":{"body":"hi"}}]}}]}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		events, err := whatsapp.ParseWebhook(body)
		if err != nil {
			return
		}
		for _, e := range events {
			if e.Type == channel.EventMessage && e.Message == nil {
				t.Fatalf("message event without a message")
			}
			if e.Type == channel.EventMessage && e.From.ID == "" {
				t.Fatalf("answerable message without a sender")
			}
			if m := e.Message; m != nil && m.Contact != nil && strings.Trim(m.Contact.Phone, "0123456789") != "" {
				t.Fatalf("Contact.Phone %q is not a phone number", m.Contact.Phone)
			}
			if e.Type == channel.EventStatus && e.Status == nil {
				t.Fatalf("status event without a status")
			}
		}
	})
}
