package messenger_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/internal/inbound/inboundtest"
	"github.com/switchboard-go/switchboard/internal/meta/metatest"
	"github.com/switchboard-go/switchboard/messenger"
	"github.com/switchboard-go/switchboard/messenger/messengertest"
)

type got struct {
	Type          channel.EventType
	ID            string
	From, To      string
	Text, Payload string
	ReplyTo       string
	Media         string
	Postback      string
	State         channel.State
	StatusMID     string
}

func summarize(t *testing.T, e channel.Event) got {
	t.Helper()
	assert.Equal(t, channel.Messenger, e.Channel)
	assert.NotEmpty(t, e.Raw, "raw payload")
	assert.False(t, e.Time.IsZero(), "time")
	g := got{Type: e.Type, ID: e.ID, From: e.From.ID, To: e.To.ID}
	if m := e.Message; m != nil {
		g.Text, g.Payload, g.ReplyTo = m.Text, m.Payload, m.ReplyTo
		if m.Media != nil {
			g.Media = string(m.Media.Type) + ":" + m.Media.URL
		}
	}
	if p := e.Postback; p != nil {
		g.Postback = p.Title + "/" + p.Payload
	}
	if s := e.Status; s != nil {
		g.State, g.StatusMID = s.State, s.MessageID
	}
	return g
}

func TestParseWebhook(t *testing.T) {
	t.Parallel()
	const page, psid = "110912345678901", "6789012345678901"
	inboundtest.ParseFiles(t, messenger.ParseWebhook, summarize, []inboundtest.ParseCase[got]{
		{File: "text.json", Want: []got{{Type: channel.EventMessage, ID: "m_AG5Hz2Uq7tuwNEhXfYYKj8mJEM_QPpz5jdCK48PnKAjSdjfipqxqMvK8ma6AC8fplwlqLP_5cgXIbu7I3rBN0P",
			From: psid, To: page, Text: "Where is my parcel?", ReplyTo: "m_1fTq8oLumEyIp3Q2MR-aY7IfLZDamVrALniheU"}}},
		{File: "attachments.json", Want: []got{
			{Type: channel.EventMessage, ID: "m_photos1", From: psid, To: page, Media: "image:https://scontent.xx.fbcdn.net/v/t1.15752-9/box1.jpg"},
			{Type: channel.EventMessage, ID: "m_photos1#2", From: psid, To: page, Media: "image:https://scontent.xx.fbcdn.net/v/t1.15752-9/box2.jpg"},
			{Type: channel.EventMessage, ID: "m_photos1#3", From: psid, To: page, Media: "document:https://cdn.fbsbx.com/v/t59.2708-21/receipt.pdf"},
		}},
		{File: "quick_reply.json", Want: []got{{Type: channel.EventMessage, ID: "m_qr1", From: psid, To: page, Text: "Track parcel", Payload: "TRACK_PARCEL"}}},
		{File: "postback.json", Want: []got{{Type: channel.EventPostback, ID: "m_pb1", From: psid, To: page, Postback: "Talk to an agent/HANDOFF"}}},
		{File: "delivery_read.json", Want: []got{
			{Type: channel.EventStatus, ID: "delivery:m_out1", From: page, To: psid, State: channel.StateDelivered, StatusMID: "m_out1"},
			{Type: channel.EventStatus, ID: "delivery:m_out2", From: page, To: psid, State: channel.StateDelivered, StatusMID: "m_out2"},
			{Type: channel.EventStatus, ID: "read:6789012345678901:1750300004000", From: page, To: psid, State: channel.StateRead},
		}},
		{File: "echo.json"},
		{File: "multi.json", Want: []got{
			{Type: channel.EventMessage, ID: "m_a1", From: "1111111111111111", To: page, Text: "hello"},
			{Type: channel.EventMessage, ID: "m_b1", From: "2222222222222222", To: page, Text: "สวัสดีครับ"},
			{Type: channel.EventPostback, ID: "postback:3333333333333333:1750300005003", From: "3333333333333333", To: "110912345678902", Postback: "Get Started/GET_STARTED"},
		}},
		{File: "unknown.json", Want: []got{{Type: channel.EventUnknown, From: psid, To: page}}},
	})
}

func TestParseWebhookUnknownCarriesItem(t *testing.T) {
	t.Parallel()
	events, err := messenger.ParseWebhook(inboundtest.Testdata(t, "unknown.json"))
	require.NoError(t, err)
	require.Len(t, events, 1)
	assert.Contains(t, string(events[0].Raw), `"reaction"`)
	assert.NotContains(t, string(events[0].Raw), `"object"`, "the item, not the whole body")
	assert.Equal(t, time.UnixMilli(1750300006999).UTC(), events[0].Time)
}

func TestParseWebhookMalformed(t *testing.T) {
	t.Parallel()
	inboundtest.Malformed(t, messenger.ParseWebhook, messenger.ErrMalformedWebhook, map[string]string{
		"empty":          "",
		"not json":       "<xml/>",
		"truncated":      `{"object":"page","entry":[{"messaging":[{`,
		"item not array": `{"object":"page","entry":[{"messaging":{}}]}`,
		"bad item":       `{"object":"page","entry":[{"messaging":[{"timestamp":"soon"}]}]}`,
	})
}

func newClient(t *testing.T, srv *messengertest.Server, edit func(*messenger.Config)) *messenger.Client {
	t.Helper()
	cfg := srv.ClientConfig()
	if edit != nil {
		edit(&cfg)
	}
	c, err := messenger.New(cfg)
	require.NoError(t, err)
	return c
}

func TestWebhookHTTP(t *testing.T) {
	t.Parallel()
	metatest.WebhookHTTP(t, metatest.Webhook{
		New: func(t *testing.T, maxBody int64, h channel.Handler) http.Handler {
			srv := messengertest.NewServer(messengertest.Config{})
			t.Cleanup(srv.Close)
			return newClient(t, srv, func(c *messenger.Config) { c.MaxBodyBytes = maxBody }).Webhook(h)
		},
		Body: inboundtest.Testdata(t, "text.json"), AppSecret: "test-app-secret", VerifyToken: "test-verify-token",
	})
}

func TestWebhookRedeliveryAndHandlerFailure(t *testing.T) {
	t.Parallel()
	srv := messengertest.NewServer(messengertest.Config{})
	defer srv.Close()
	rec := &metatest.Recorder{FailOn: map[string]int{"m_b1": 1}}
	h := newClient(t, srv, nil).Webhook(rec)
	body := inboundtest.Testdata(t, "multi.json")
	deliver := func() int {
		status, err := srv.Deliver(context.Background(), h, body)
		require.NoError(t, err)
		return status
	}
	metatest.Redelivery(t, deliver, rec, "m_b1",
		[]string{"m_a1", "m_b1", "m_b1", "postback:3333333333333333:1750300005003"})
}

func TestWebhookFakeBuilders(t *testing.T) {
	t.Parallel()
	srv := messengertest.NewServer(messengertest.Config{})
	defer srv.Close()
	rec := &metatest.Recorder{}
	hook := httptest.NewServer(newClient(t, srv, nil).Webhook(rec))
	defer hook.Close()
	ctx := context.Background()
	body, mid := srv.MessageWebhook(messengertest.Inbound{PSID: "6789012345678901", Text: "Track parcel", QuickReply: "TRACK"})
	for _, b := range [][]byte{body, srv.PostbackWebhook("6789012345678901", "Agent", "HANDOFF"), srv.DeliveryWebhook("6789012345678901", "m_x"), srv.ReadWebhook("6789012345678901")} {
		status, err := srv.DeliverURL(ctx, hook.URL, hook.Client(), b)
		require.NoError(t, err)
		assert.Equal(t, http.StatusOK, status)
	}
	ids := rec.IDs()
	require.Len(t, ids, 4)
	assert.Equal(t, mid, ids[0])
	assert.Equal(t, "delivery:m_x", ids[2])
}

func FuzzParseWebhook(f *testing.F) {
	for _, name := range []string{"text.json", "attachments.json", "quick_reply.json", "postback.json", "delivery_read.json", "echo.json", "multi.json", "unknown.json"} {
		f.Add(inboundtest.Testdata(f, name))
	}
	f.Add([]byte(`{"object":"page","entry":[{"messaging":[{"message":null,"delivery":{"mids":null}}]}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		events, err := messenger.ParseWebhook(body)
		if err != nil {
			return
		}
		for _, e := range events {
			if e.Type == channel.EventMessage && e.Message == nil {
				t.Fatal("message event without a message")
			}
			if e.Type == channel.EventPostback && e.Postback == nil {
				t.Fatal("postback event without a postback")
			}
		}
	})
}
