package whatsapp_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/internal/meta/metatest"
	"github.com/switchboard-go/switchboard/whatsapp"
	"github.com/switchboard-go/switchboard/whatsapp/whatsapptest"
)

var customer = channel.Address{Channel: channel.WhatsApp, ID: "16505551234"}

func TestNewValidatesConfig(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  whatsapp.Config
	}{
		{"no token", whatsapp.Config{PhoneNumberID: "1"}},
		{"no phone number id", whatsapp.Config{AccessToken: "t"}},
		{"bad version", whatsapp.Config{AccessToken: "t", PhoneNumberID: "1", APIVersion: "26"}},
		{"bad base url", whatsapp.Config{AccessToken: "t", PhoneNumberID: "1", BaseURL: "graph.facebook.com"}},
		{"long list label", whatsapp.Config{AccessToken: "t", PhoneNumberID: "1", ListButton: strings.Repeat("x", 21)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := whatsapp.New(tt.cfg)
			require.Error(t, err)
			assert.NotContains(t, err.Error(), "secret")
		})
	}
	_, err := whatsapp.New(whatsapp.Config{AccessToken: "t", PhoneNumberID: "1"})
	assert.NoError(t, err)
}

func TestSend(t *testing.T) {
	t.Parallel()
	long := func(n int) string { return strings.Repeat("a", n) }
	buttons := func(n int) []channel.Button {
		bs := make([]channel.Button, n)
		for i := range bs {
			bs[i] = channel.Button{Title: "Option " + string(rune('A'+i)), Payload: "opt_" + string(rune('a'+i))}
		}
		return bs
	}
	tests := []struct {
		name string
		msg  channel.Message
		// want is a JSON subset the request body must contain.
		want    string
		wantErr error
	}{
		{"text", channel.Message{Text: "Your parcel left Shenzhen"},
			`{"messaging_product":"whatsapp","recipient_type":"individual","to":"16505551234","type":"text","text":{"body":"Your parcel left Shenzhen"}}`, nil},
		{"text with link preview", channel.Message{Text: "Track it: https://t.example/1Z999"},
			`{"type":"text","text":{"body":"Track it: https://t.example/1Z999","preview_url":true}}`, nil},
		{"text at the limit", channel.Message{Text: long(4096)}, `{"type":"text"}`, nil},
		{"text too long", channel.Message{Text: long(4097)}, "", channel.ErrInvalidMessage},
		{"reply context", channel.Message{Text: "Sure!", ReplyTo: "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA="},
			`{"context":{"message_id":"wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA="}}`, nil},
		{"image by link", channel.Message{Media: &channel.Media{Type: channel.MediaImage, URL: "https://cdn.example/box.jpg", Caption: "Your box"}},
			`{"type":"image","image":{"link":"https://cdn.example/box.jpg","caption":"Your box"}}`, nil},
		{"document by id", channel.Message{Media: &channel.Media{Type: channel.MediaDocument, ID: "1003383421387256", Filename: "invoice.pdf"}},
			`{"type":"document","document":{"id":"1003383421387256","filename":"invoice.pdf"}}`, nil},
		{"audio", channel.Message{Media: &channel.Media{Type: channel.MediaAudio, ID: "123456789012345"}}, `{"type":"audio","audio":{"id":"123456789012345"}}`, nil},
		{"video", channel.Message{Media: &channel.Media{Type: channel.MediaVideo, URL: "https://cdn.example/unbox.mp4"}}, `{"type":"video"}`, nil},
		{"sticker", channel.Message{Media: &channel.Media{Type: channel.MediaSticker, ID: "123456789012345"}}, `{"type":"sticker"}`, nil},
		{"sticker caption", channel.Message{Media: &channel.Media{Type: channel.MediaSticker, ID: "1", Caption: "hi"}}, "", channel.ErrUnsupported},
		{"image too large", channel.Message{Media: &channel.Media{Type: channel.MediaImage, URL: "https://x/y.png", Size: 5<<20 + 1}}, "", channel.ErrMediaTooLarge},
		{"video too large", channel.Message{Media: &channel.Media{Type: channel.MediaVideo, URL: "https://x/y.mp4", Size: 16<<20 + 1}}, "", channel.ErrMediaTooLarge},
		{"gif image", channel.Message{Media: &channel.Media{Type: channel.MediaImage, URL: "https://x/y.gif", MIMEType: "image/gif"}}, "", channel.ErrUnsupported},
		{"caption too long", channel.Message{Media: &channel.Media{Type: channel.MediaImage, URL: "https://x/y.png", Caption: long(1025)}}, "", channel.ErrInvalidMessage},
		{"media with text", channel.Message{Text: "look", Media: &channel.Media{Type: channel.MediaImage, URL: "https://x/y.png"}}, "", channel.ErrUnsupported},
		{"template positional", channel.Message{Template: &channel.Template{Name: "order_shipped", Language: "en-US", Params: []string{"Sheena", "1Z999AA10123456784"}}},
			`{"type":"template","template":{"name":"order_shipped","language":{"policy":"deterministic","code":"en_US"},"components":[{"type":"body","parameters":[{"type":"text","text":"Sheena"},{"type":"text","text":"1Z999AA10123456784"}]}]}}`, nil},
		{"template named", channel.Message{Template: &channel.Template{Name: "order_ready", Language: "pt_BR", NamedParams: map[string]string{"order_id": "A-1", "customer": "Ana"}}},
			`{"template":{"components":[{"type":"body","parameters":[{"type":"text","parameter_name":"customer","text":"Ana"},{"type":"text","parameter_name":"order_id","text":"A-1"}]}]}}`, nil},
		{"template with image header", channel.Message{Template: &channel.Template{Name: "promo", Language: "en"}, Media: &channel.Media{Type: channel.MediaImage, URL: "https://cdn.example/p.jpg"}},
			`{"template":{"components":[{"type":"header","parameters":[{"type":"image","image":{"link":"https://cdn.example/p.jpg"}}]}]}}`, nil},
		{"template param newline", channel.Message{Template: &channel.Template{Name: "t", Language: "en", Params: []string{"a\nb"}}}, "", channel.ErrInvalidMessage},
		{"template param tab", channel.Message{Template: &channel.Template{Name: "t", Language: "en", Params: []string{"a\tb"}}}, "", channel.ErrInvalidMessage},
		{"template param five spaces", channel.Message{Template: &channel.Template{Name: "t", Language: "en", Params: []string{"a     b"}}}, "", channel.ErrInvalidMessage},
		{"template param four spaces", channel.Message{Template: &channel.Template{Name: "t", Language: "en", Params: []string{"a    b"}}}, `{"type":"template"}`, nil},
		{"template param empty", channel.Message{Template: &channel.Template{Name: "t", Language: "en", Params: []string{" "}}}, "", channel.ErrInvalidMessage},
		{"template bad param name", channel.Message{Template: &channel.Template{Name: "t", Language: "en", NamedParams: map[string]string{"Order-ID": "1"}}}, "", channel.ErrInvalidMessage},
		{"template no language", channel.Message{Template: &channel.Template{Name: "t"}}, "", channel.ErrInvalidMessage},
		{"template mixed params", channel.Message{Template: &channel.Template{Name: "t", Language: "en", Params: []string{"a"}, NamedParams: map[string]string{"b": "c"}}}, "", channel.ErrInvalidMessage},
		{"three reply buttons", channel.Message{Text: "What do you need?", Buttons: buttons(3)},
			`{"type":"interactive","interactive":{"type":"button","body":{"text":"What do you need?"},"action":{"buttons":[{"type":"reply","reply":{"id":"opt_a","title":"Option A"}},{"type":"reply","reply":{"id":"opt_b","title":"Option B"}},{"type":"reply","reply":{"id":"opt_c","title":"Option C"}}]}}}`, nil},
		{"buttons with image header", channel.Message{Text: "Like it?", Buttons: buttons(2), Media: &channel.Media{Type: channel.MediaImage, URL: "https://cdn.example/p.jpg"}},
			`{"interactive":{"type":"button","header":{"type":"image","image":{"link":"https://cdn.example/p.jpg"}}}}`, nil},
		{"four buttons become a list", channel.Message{Text: "Pick one", Buttons: buttons(4)},
			`{"interactive":{"type":"list","action":{"button":"Options","sections":[{"rows":[{"id":"opt_a","title":"Option A"},{"id":"opt_b","title":"Option B"},{"id":"opt_c","title":"Option C"},{"id":"opt_d","title":"Option D"}]}]}}}`, nil},
		{"description makes a list", channel.Message{Text: "Pick", Buttons: []channel.Button{{Title: "Returns", Description: "Send an item back"}}},
			`{"interactive":{"type":"list","action":{"sections":[{"rows":[{"id":"Returns","title":"Returns","description":"Send an item back"}]}]}}}`, nil},
		{"ten rows", channel.Message{Text: "Pick", Buttons: buttons(10)}, `{"interactive":{"type":"list"}}`, nil},
		{"eleven rows", channel.Message{Text: "Pick", Buttons: buttons(11)}, "", channel.ErrInvalidMessage},
		{"button title too long", channel.Message{Text: "Pick", Buttons: []channel.Button{{Title: long(21)}}}, "", channel.ErrInvalidMessage},
		{"row title too long", channel.Message{Text: "Pick", Buttons: append(buttons(3), channel.Button{Title: long(25)})}, "", channel.ErrInvalidMessage},
		{"row description too long", channel.Message{Text: "Pick", Buttons: []channel.Button{{Title: "a", Description: long(73)}}}, "", channel.ErrInvalidMessage},
		{"duplicate payloads", channel.Message{Text: "Pick", Buttons: []channel.Button{{Title: "a", Payload: "x"}, {Title: "b", Payload: "x"}}}, "", channel.ErrInvalidMessage},
		{"buttons without text", channel.Message{Media: &channel.Media{Type: channel.MediaImage, URL: "https://x/y.png"}, Buttons: buttons(2)}, "", channel.ErrInvalidMessage},
		{"list with image header", channel.Message{Text: "Pick", Buttons: buttons(5), Media: &channel.Media{Type: channel.MediaImage, URL: "https://x/y.png"}}, "", channel.ErrUnsupported},
		{"audio header", channel.Message{Text: "Pick", Buttons: buttons(2), Media: &channel.Media{Type: channel.MediaAudio, ID: "1"}}, "", channel.ErrUnsupported},
		{"location", channel.Message{Text: "here", Location: &channel.Location{Latitude: 1, Longitude: 2}}, "", channel.ErrUnsupported},
		{"message tag", channel.Message{Text: "hi", Tag: "POST_PURCHASE_UPDATE"}, "", channel.ErrUnsupported},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := whatsapptest.NewServer(whatsapptest.Config{})
			defer srv.Close()
			c := newClient(t, srv, nil)
			m := tt.msg
			m.To = customer
			r, err := c.Send(context.Background(), &m)
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				assert.Empty(t, srv.Requests(), "limits are checked before the network")
				return
			}
			require.NoError(t, err)
			sent := srv.Sent()
			require.Len(t, sent, 1)
			assert.True(t, strings.HasPrefix(r.MessageID, "wamid."), r.MessageID)
			assert.Equal(t, sent[0].ID, r.MessageID)
			assert.Equal(t, []string{r.MessageID}, r.MessageIDs)
			assert.Equal(t, customer, r.To)
			metatest.AssertJSONSubset(t, tt.want, sent[0].Body)
			assert.Equal(t, "Bearer [redacted]", srv.Requests()[0].Header.Get("Authorization"))
		})
	}
}

func TestSendRecipients(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, id, field string
		wantErr         error
	}{
		{"wa_id", "16505551234", "to", nil},
		{"plus e164", "+16505551234", "to", nil},
		{"business-scoped user id", "US.13491208655302741918", "recipient", nil},
		{"parent bsuid", "US.ENT.11815799212886844830", "recipient", nil},
		{"garbage", "not a number", "", channel.ErrInvalidRecipient},
		{"empty", " ", "", channel.ErrInvalidRecipient},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := whatsapptest.NewServer(whatsapptest.Config{})
			defer srv.Close()
			_, err := newClient(t, srv, nil).Send(context.Background(), &channel.Message{
				To: channel.Address{Channel: channel.WhatsApp, ID: tt.id}, Text: "hi",
			})
			if tt.wantErr != nil {
				assert.ErrorIs(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			var body map[string]any
			require.NoError(t, json.Unmarshal(srv.Sent()[0].Body, &body))
			assert.Equal(t, tt.id, body[tt.field])
		})
	}
	t.Run("other channel", func(t *testing.T) {
		t.Parallel()
		srv := whatsapptest.NewServer(whatsapptest.Config{})
		defer srv.Close()
		_, err := newClient(t, srv, nil).Send(context.Background(), &channel.Message{
			To: channel.Address{Channel: channel.LINE, ID: "U123"}, Text: "hi",
		})
		assert.ErrorIs(t, err, channel.ErrInvalidRecipient)
	})
	t.Run("nil message", func(t *testing.T) {
		t.Parallel()
		srv := whatsapptest.NewServer(whatsapptest.Config{})
		defer srv.Close()
		_, err := newClient(t, srv, nil).Send(context.Background(), nil)
		assert.ErrorIs(t, err, channel.ErrInvalidMessage)
	})
}

func TestSendErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		setup     func(*whatsapptest.Server)
		edit      func(*whatsapp.Config)
		msg       channel.Message
		sentinel  error
		code      int
		retryable bool
		requests  int
	}{
		{"wrong token", nil, func(c *whatsapp.Config) { c.AccessToken = "expired" }, channel.Message{Text: "hi"}, channel.ErrUnauthorized, 190, false, 1},
		{"window closed", func(s *whatsapptest.Server) { s.CloseWindow("16505551234") }, nil, channel.Message{Text: "hi"}, channel.ErrWindowClosed, 131047, false, 1},
		{"injected window error", func(s *whatsapptest.Server) { s.FailNext(whatsapptest.WindowClosed()) }, nil, channel.Message{Text: "hi"}, channel.ErrWindowClosed, 131047, false, 1},
		{"unknown template", func(s *whatsapptest.Server) { s.AddTemplate("order_shipped", "en_US", 1) }, nil,
			channel.Message{Template: &channel.Template{Name: "nope", Language: "en_US"}}, channel.ErrInvalidMessage, 132001, false, 1},
		{"template param count", func(s *whatsapptest.Server) { s.AddTemplate("order_shipped", "en_US", 2) }, nil,
			channel.Message{Template: &channel.Template{Name: "order_shipped", Language: "en_US", Params: []string{"x"}}}, channel.ErrInvalidMessage, 132000, false, 1},
		{"undeliverable", func(s *whatsapptest.Server) { s.FailNext(whatsapptest.Fault{Code: whatsapp.CodeUndeliverable}) }, nil,
			channel.Message{Text: "hi"}, channel.ErrInvalidRecipient, 131026, false, 1},
		{"wrong phone number id", nil, func(c *whatsapp.Config) { c.PhoneNumberID = "999" }, channel.Message{Text: "hi"}, channel.ErrInvalidMessage, 100, false, 1},
		{"pair rate limit until attempts run out", func(s *whatsapptest.Server) {
			s.FailNext(whatsapptest.Throttle(whatsapp.CodePairRateLimit, 0), whatsapptest.Throttle(whatsapp.CodePairRateLimit, 0))
		}, func(c *whatsapp.Config) { c.Retry.MaxAttempts = 2 }, channel.Message{Text: "hi"}, channel.ErrRateLimited, 131056, true, 2},
		// A 5xx may come after Meta accepted the message: never retried,
		// reported as unknown (and not retryable as is).
		{"server error is not retried", func(s *whatsapptest.Server) {
			s.FailNext(whatsapptest.ServerError(), whatsapptest.ServerError(), whatsapptest.ServerError())
		}, func(c *whatsapp.Config) { c.Retry.MaxAttempts = 3 }, channel.Message{Text: "hi"}, channel.ErrDeliveryUnknown, 131000, false, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := whatsapptest.NewServer(whatsapptest.Config{})
			defer srv.Close()
			if tt.setup != nil {
				tt.setup(srv)
			}
			m := tt.msg
			m.To = customer
			_, err := newClient(t, srv, tt.edit).Send(context.Background(), &m)
			require.Error(t, err)
			var apiErr *whatsapp.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tt.code, apiErr.Code)
			if tt.sentinel != nil {
				assert.ErrorIs(t, err, tt.sentinel)
			}
			assert.Equal(t, tt.retryable, channel.IsRetryable(err))
			assert.NotEmpty(t, apiErr.RequestID)
			assert.Len(t, srv.Requests(), tt.requests)
			assert.Empty(t, srv.Sent())
			assert.NotContains(t, err.Error(), "test-access-token")
		})
	}
}

// TestOpenWindowAfterCloseWindow: CloseWindow refuses non-template
// messages with 131047 (channel.ErrWindowClosed) and lets templates
// through; OpenWindow lets a plain send through again.
func TestOpenWindowAfterCloseWindow(t *testing.T) {
	t.Parallel()
	srv := whatsapptest.NewServer(whatsapptest.Config{})
	defer srv.Close()
	c := newClient(t, srv, nil)
	ctx := context.Background()

	srv.CloseWindow(customer.ID)
	_, err := c.Send(ctx, &channel.Message{To: customer, Text: "Anything else?"})
	require.ErrorIs(t, err, channel.ErrWindowClosed)
	_, err = c.Send(ctx, &channel.Message{To: customer, Template: &channel.Template{Name: "order_shipped", Language: "en_US"}})
	require.NoError(t, err, "a template opens the conversation")

	srv.OpenWindow(customer.ID)
	r, err := c.Send(ctx, &channel.Message{To: customer, Text: "Welcome back"})
	require.NoError(t, err)
	sent := srv.Sent()
	require.Len(t, sent, 2)
	assert.Equal(t, "template", sent[0].Type)
	assert.Equal(t, "text", sent[1].Type)
	assert.Equal(t, "Welcome back", sent[1].Text)
	assert.Equal(t, sent[1].ID, r.MessageID)
}

// TestSendFaults: throttling refusals are retried and deliver once; an
// answer that does not say the message was refused is never retried
// (WhatsApp has no idempotency key) and comes back as a
// *channel.DeliveryError naming the message; a permanent error and a
// context that ends during the backoff end the send at once.
func TestSendFaults(t *testing.T) {
	t.Parallel()
	start := func(t *testing.T, f whatsapptest.Fault, maxBackoff time.Duration) metatest.SendTarget {
		srv := whatsapptest.NewServer(whatsapptest.Config{})
		t.Cleanup(srv.Close)
		srv.FailNext(f)
		c := newClient(t, srv, func(c *whatsapp.Config) {
			if maxBackoff > 0 {
				c.Retry.MaxBackoff = maxBackoff
			}
		})
		return metatest.SendTarget{
			Send:     c.Send,
			Requests: func() int { return len(srv.Requests()) },
			SentIDs: func() (ids []string) {
				for _, s := range srv.Sent() {
					ids = append(ids, s.ID)
				}
				return ids
			},
		}
	}
	metatest.SendFaults(t, customer, start, []metatest.SendFault[whatsapptest.Fault]{
		{Name: "429 then 200", Fault: whatsapptest.TooManyRequests(0), Retried: true},
		{Name: "throughput code in a 400 body", Fault: whatsapptest.Throttle(whatsapp.CodeThroughput, 0), Retried: true},
		{Name: "account rate limit", Fault: whatsapptest.Throttle(whatsapp.CodeAccountRateLimit, 0), Retried: true},
		{Name: "spam rate limit", Fault: whatsapptest.Throttle(whatsapp.CodeSpamRateLimit, 0), Retried: true},
		{Name: "500", Fault: whatsapptest.ServerError(), Unknown: true},
		{Name: "503 without a body", Fault: whatsapptest.Fault{Status: http.StatusServiceUnavailable}, Unknown: true},
		{Name: "400 code 1 unknown", Fault: whatsapptest.Fault{Code: whatsapp.CodeUnknown}, Unknown: true},
		{Name: "400 code 131016 service unavailable", Fault: whatsapptest.Fault{Code: whatsapp.CodeServiceUnavailable}, Unknown: true},
		{Name: "permanent error", Fault: whatsapptest.Fault{Status: http.StatusBadRequest, Code: whatsapp.CodeInvalidParameter},
			Err: channel.ErrInvalidMessage},
		// Refused with throttling, then cancelled while waiting to retry:
		// certainly not delivered, so a plain error.
		{Name: "context ends while backing off", Fault: whatsapptest.Throttle(whatsapp.CodeThroughput, 30*time.Second),
			MaxBackoff: time.Minute, Timeout: 100 * time.Millisecond, Err: context.DeadlineExceeded},
	})
}

func TestSendHonoursRetryAfter(t *testing.T) {
	t.Parallel()
	srv := whatsapptest.NewServer(whatsapptest.Config{})
	defer srv.Close()
	srv.FailNext(whatsapptest.Throttle(whatsapp.CodeThroughput, time.Second))
	c := newClient(t, srv, func(c *whatsapp.Config) { c.Retry.MaxBackoff = 2 * time.Second })
	start := time.Now()
	_, err := c.Send(context.Background(), &channel.Message{To: customer, Text: "hi"})
	require.NoError(t, err)
	assert.GreaterOrEqual(t, time.Since(start), time.Second)
}

func TestSendSlowServer(t *testing.T) {
	t.Parallel()
	srv := whatsapptest.NewServer(whatsapptest.Config{})
	defer srv.Close()
	srv.FailNext(whatsapptest.Slow(time.Second))
	c := newClient(t, srv, func(c *whatsapp.Config) { c.Retry.MaxAttempts = 1 })
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := c.Send(ctx, &channel.Message{To: customer, Text: "hi"})
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.False(t, channel.IsRetryable(err))
}

func TestMarkReadAndTyping(t *testing.T) {
	t.Parallel()
	srv := whatsapptest.NewServer(whatsapptest.Config{})
	defer srv.Close()
	c := newClient(t, srv, nil)
	ctx := context.Background()
	const id = "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA="
	require.NoError(t, c.MarkRead(ctx, id))
	require.NoError(t, c.ShowTyping(ctx, id))
	assert.ErrorIs(t, c.MarkRead(ctx, ""), channel.ErrInvalidMessage)
	reqs := srv.Requests()
	require.Len(t, reqs, 2)
	metatest.AssertJSONSubset(t, `{"messaging_product":"whatsapp","status":"read","message_id":"`+id+`"}`, reqs[0].Body)
	assert.NotContains(t, string(reqs[0].Body), "typing_indicator")
	metatest.AssertJSONSubset(t, `{"status":"read","typing_indicator":{"type":"text"}}`, reqs[1].Body)
}

func TestAPIErrorIs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		code   int
		status int
		want   error
		retry  bool
	}{
		{130429, 400, channel.ErrRateLimited, true},
		{131056, 400, channel.ErrRateLimited, true},
		{131048, 400, channel.ErrRateLimited, true},
		{4, 400, channel.ErrRateLimited, true},
		{80007, 400, channel.ErrRateLimited, true},
		{613, 400, channel.ErrRateLimited, true},
		{131047, 400, channel.ErrWindowClosed, false},
		{190, 401, channel.ErrUnauthorized, false},
		{131026, 400, channel.ErrInvalidRecipient, false},
		{100, 400, channel.ErrInvalidMessage, false},
		{131053, 400, nil, true},
	}
	sentinels := []error{channel.ErrRateLimited, channel.ErrWindowClosed, channel.ErrUnauthorized, channel.ErrInvalidRecipient, channel.ErrInvalidMessage, channel.ErrMediaTooLarge}
	for _, tt := range tests {
		e := &whatsapp.APIError{StatusCode: tt.status, Code: tt.code}
		for _, s := range sentinels {
			assert.Equal(t, s == tt.want, errors.Is(e, s), "code %d vs %v", tt.code, s)
		}
		assert.Equal(t, tt.retry, e.Retryable(), "code %d", tt.code)
	}
}
