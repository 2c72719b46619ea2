package messenger_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/internal/meta/metatest"
	"github.com/switchboard-go/switchboard/messenger"
	"github.com/switchboard-go/switchboard/messenger/messengertest"
)

var person = channel.Address{Channel: channel.Messenger, ID: "6789012345678901"}

func TestNewValidatesConfig(t *testing.T) {
	t.Parallel()
	for name, cfg := range map[string]messenger.Config{
		"no token":    {},
		"bad version": {PageAccessToken: "t", APIVersion: "latest"},
		"bad base":    {PageAccessToken: "t", BaseURL: "ftp://x"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := messenger.New(cfg)
			assert.Error(t, err)
		})
	}
	_, err := messenger.New(messenger.Config{PageAccessToken: "t"})
	assert.NoError(t, err)
}

func TestSend(t *testing.T) {
	t.Parallel()
	qr := func(n int) []channel.Button {
		bs := make([]channel.Button, n)
		for i := range bs {
			bs[i] = channel.Button{Title: "Choice " + string(rune('A'+i))}
		}
		return bs
	}
	tests := []struct {
		name    string
		ctx     func(context.Context) context.Context
		msg     channel.Message
		want    string
		wantErr error
	}{
		{"text", nil, channel.Message{Text: "Your parcel is in Bangkok"},
			`{"recipient":{"id":"6789012345678901"},"messaging_type":"RESPONSE","message":{"text":"Your parcel is in Bangkok"}}`, nil},
		{"text at the limit", nil, channel.Message{Text: strings.Repeat("ข", 2000)}, `{"messaging_type":"RESPONSE"}`, nil},
		{"text too long", nil, channel.Message{Text: strings.Repeat("a", 2001)}, "", channel.ErrInvalidMessage},
		{"quick replies", nil, channel.Message{Text: "Need help?", Buttons: []channel.Button{{Title: "Track", Payload: "TRACK"}, {Title: "Agent"}}},
			`{"message":{"text":"Need help?","quick_replies":[{"content_type":"text","title":"Track","payload":"TRACK"},{"content_type":"text","title":"Agent","payload":"Agent"}]}}`, nil},
		{"thirteen quick replies", nil, channel.Message{Text: "Pick", Buttons: qr(13)}, `{"message":{"text":"Pick"}}`, nil},
		{"fourteen quick replies", nil, channel.Message{Text: "Pick", Buttons: qr(14)}, "", channel.ErrInvalidMessage},
		{"quick reply title too long", nil, channel.Message{Text: "Pick", Buttons: []channel.Button{{Title: strings.Repeat("x", 21)}}}, "", channel.ErrInvalidMessage},
		{"quick reply description", nil, channel.Message{Text: "Pick", Buttons: []channel.Button{{Title: "x", Description: "y"}}}, "", channel.ErrUnsupported},
		{"image by url", nil, channel.Message{Media: &channel.Media{Type: channel.MediaImage, URL: "https://cdn.example/box.jpg"}},
			`{"message":{"attachment":{"type":"image","payload":{"url":"https://cdn.example/box.jpg","is_reusable":true}}}}`, nil},
		{"document becomes file", nil, channel.Message{Media: &channel.Media{Type: channel.MediaDocument, URL: "https://cdn.example/invoice.pdf"}},
			`{"message":{"attachment":{"type":"file"}}}`, nil},
		{"attachment too large", nil, channel.Message{Media: &channel.Media{Type: channel.MediaVideo, URL: "https://x/y.mp4", Size: 25<<20 + 1}}, "", channel.ErrMediaTooLarge},
		{"sticker", nil, channel.Message{Media: &channel.Media{Type: channel.MediaSticker, URL: "https://x/y.webp"}}, "", channel.ErrUnsupported},
		{"text and media", nil, channel.Message{Text: "see", Media: &channel.Media{Type: channel.MediaImage, URL: "https://x/y.png"}}, "", channel.ErrUnsupported},
		{"caption", nil, channel.Message{Media: &channel.Media{Type: channel.MediaImage, URL: "https://x/y.png", Caption: "c"}}, "", channel.ErrUnsupported},
		{"template", nil, channel.Message{Template: &channel.Template{Name: "x", Language: "en"}}, "", channel.ErrUnsupported},
		{"post purchase tag", nil, channel.Message{Text: "Your order shipped", Tag: messenger.TagPostPurchaseUpdate},
			`{"messaging_type":"MESSAGE_TAG","tag":"POST_PURCHASE_UPDATE"}`, nil},
		{"unknown tag", nil, channel.Message{Text: "Sale!", Tag: "PROMOTION"}, "", channel.ErrInvalidMessage},
		{"human agent tag on a bot reply", nil, channel.Message{Text: "Hi", Tag: messenger.TagHumanAgent}, "", channel.ErrInvalidMessage},
		{"human agent tag written by a person", messenger.WithHumanAgent, channel.Message{Text: "Hi, Jane here", Tag: messenger.TagHumanAgent},
			`{"messaging_type":"MESSAGE_TAG","tag":"HUMAN_AGENT"}`, nil},
		{"psid not numeric", nil, channel.Message{To: channel.Address{Channel: channel.Messenger, ID: "abc"}, Text: "hi"}, "", channel.ErrInvalidRecipient},
		{"whatsapp address", nil, channel.Message{To: channel.Address{Channel: channel.WhatsApp, ID: "16505551234"}, Text: "hi"}, "", channel.ErrInvalidRecipient},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := messengertest.NewServer(messengertest.Config{})
			defer srv.Close()
			ctx := context.Background()
			if tt.ctx != nil {
				ctx = tt.ctx(ctx)
			}
			m := tt.msg
			if m.To.IsZero() {
				m.To = person
			}
			r, err := newClient(t, srv, nil).Send(ctx, &m)
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				assert.Empty(t, srv.Requests(), "checked before the network")
				return
			}
			require.NoError(t, err)
			sent := srv.Sent()
			require.Len(t, sent, 1)
			assert.True(t, strings.HasPrefix(r.MessageID, "m_"))
			assert.Equal(t, sent[0].ID, r.MessageID)
			metatest.AssertJSONSubset(t, tt.want, sent[0].Body)
		})
	}
}

func TestSendErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		setup     func(*messengertest.Server)
		edit      func(*messenger.Config)
		msg       channel.Message
		sentinel  error
		code      int
		retryable bool
		requests  int
	}{
		{"outside window", func(s *messengertest.Server) { s.CloseWindow(person.ID) }, nil, channel.Message{Text: "hi"}, channel.ErrWindowClosed, 10, false, 1},
		{"injected outside window", func(s *messengertest.Server) { s.FailNext(messengertest.OutsideWindow()) }, nil, channel.Message{Text: "hi"}, channel.ErrWindowClosed, 10, false, 1},
		{"person unavailable", func(s *messengertest.Server) { s.MakeUnavailable(person.ID) }, nil, channel.Message{Text: "hi"}, channel.ErrInvalidRecipient, 551, false, 1},
		{"bad token", nil, func(c *messenger.Config) { c.PageAccessToken = "old" }, channel.Message{Text: "hi"}, channel.ErrUnauthorized, 190, false, 1},
		{"unknown attachment id", nil, nil, channel.Message{Media: &channel.Media{Type: channel.MediaImage, ID: "999"}}, channel.ErrInvalidMessage, 100, false, 1},
		{"rate limited throughout", func(s *messengertest.Server) {
			s.FailNext(messengertest.Throttle(messenger.CodeRateLimit, 0), messengertest.Throttle(messenger.CodeRateLimit, 0))
		}, func(c *messenger.Config) { c.Retry.MaxAttempts = 2 }, channel.Message{Text: "hi"}, channel.ErrRateLimited, 613, true, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := messengertest.NewServer(messengertest.Config{})
			defer srv.Close()
			if tt.setup != nil {
				tt.setup(srv)
			}
			m := tt.msg
			m.To = person
			_, err := newClient(t, srv, tt.edit).Send(context.Background(), &m)
			var apiErr *messenger.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tt.code, apiErr.Code)
			assert.ErrorIs(t, err, tt.sentinel)
			assert.Equal(t, tt.retryable, channel.IsRetryable(err))
			assert.Len(t, srv.Requests(), tt.requests)
			assert.NotContains(t, err.Error(), "test-page-token")
		})
	}
}

// TestTaggedSendOutsideWindow: after CloseWindow a plain send fails with
// channel.ErrWindowClosed while a tagged one still goes; OpenWindow lets
// plain sends through again.
func TestTaggedSendOutsideWindow(t *testing.T) {
	t.Parallel()
	srv := messengertest.NewServer(messengertest.Config{})
	defer srv.Close()
	c := newClient(t, srv, nil)
	ctx := context.Background()
	srv.CloseWindow(person.ID)
	_, err := c.Send(ctx, &channel.Message{To: person, Text: "Anything else?"})
	require.ErrorIs(t, err, channel.ErrWindowClosed)
	_, err = c.Send(ctx, &channel.Message{To: person, Text: "Order #1042 shipped", Tag: messenger.TagPostPurchaseUpdate})
	require.NoError(t, err)

	srv.OpenWindow(person.ID)
	r, err := c.Send(ctx, &channel.Message{To: person, Text: "Welcome back"})
	require.NoError(t, err)
	sent := srv.Sent()
	require.Len(t, sent, 2)
	assert.Equal(t, "MESSAGE_TAG", sent[0].MessagingType)
	assert.Equal(t, "Welcome back", sent[1].Text)
	assert.Equal(t, "RESPONSE", sent[1].MessagingType)
	assert.Equal(t, sent[1].ID, r.MessageID)
}

// TestSendFaults: the Send API has no idempotency key, so only refusals
// are retried. A 5xx or codes 1 and 2 leave delivery open
// (channel.ErrDeliveryUnknown); 1200 says the send failed and is returned;
// a permanent error and a context that ends during the backoff end the
// send at once.
func TestSendFaults(t *testing.T) {
	t.Parallel()
	start := func(t *testing.T, f messengertest.Fault, maxBackoff time.Duration) metatest.SendTarget {
		srv := messengertest.NewServer(messengertest.Config{})
		t.Cleanup(srv.Close)
		srv.FailNext(f)
		c := newClient(t, srv, func(c *messenger.Config) {
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
	metatest.SendFaults(t, person, start, []metatest.SendFault[messengertest.Fault]{
		{Name: "429 then 200", Fault: messengertest.TooManyRequests(0), Retried: true},
		{Name: "613 in a 400 body", Fault: messengertest.Throttle(messenger.CodeRateLimit, 0), Retried: true},
		{Name: "app limit 4", Fault: messengertest.Throttle(messenger.CodeAppRateLimit, 0), Retried: true},
		{Name: "500", Fault: messengertest.ServerError(), Unknown: true},
		{Name: "code 1 unknown", Fault: messengertest.Fault{Code: messenger.CodeUnknown}, Unknown: true},
		{Name: "code 2 temporary", Fault: messengertest.Fault{Code: messenger.CodeTemporary}, Unknown: true},
		{Name: "temporary send failure 1200", Fault: messengertest.Fault{Code: messenger.CodeTemporarySendFailure}, Retryable: true},
		{Name: "permanent error", Fault: messengertest.Fault{Status: http.StatusBadRequest, Code: messenger.CodeInvalidParameter},
			Err: channel.ErrInvalidMessage},
		{Name: "context ends while backing off", Fault: messengertest.Throttle(messenger.CodeRateLimit, 30*time.Second),
			MaxBackoff: time.Minute, Timeout: 100 * time.Millisecond, Err: context.DeadlineExceeded},
	})
}

// TestSendSlowServer: messengertest.Slow holds the answer back, so a
// deadline shorter than the delay ends the send with
// context.DeadlineExceeded and nothing recorded; a client that waits gets
// the normal answer, late.
func TestSendSlowServer(t *testing.T) {
	t.Parallel()
	srv := messengertest.NewServer(messengertest.Config{})
	defer srv.Close()
	c := newClient(t, srv, func(c *messenger.Config) { c.Retry.MaxAttempts = 1 })

	srv.FailNext(messengertest.Slow(time.Second))
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := c.Send(ctx, &channel.Message{To: person, Text: "hi"})
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.False(t, channel.IsRetryable(err))
	assert.Empty(t, srv.Sent(), "the client gave up before the fake accepted it")
	assert.Zero(t, srv.PendingFaults())

	const delay = 100 * time.Millisecond
	srv.FailNext(messengertest.Slow(delay))
	start := time.Now()
	r, err := c.Send(context.Background(), &channel.Message{To: person, Text: "still there?"})
	require.NoError(t, err)
	assert.GreaterOrEqual(t, time.Since(start), delay)
	sent := srv.Sent()
	require.Len(t, sent, 1)
	assert.Equal(t, "still there?", sent[0].Text)
	assert.Equal(t, sent[0].ID, r.MessageID)
}

func TestSenderAction(t *testing.T) {
	t.Parallel()
	srv := messengertest.NewServer(messengertest.Config{})
	defer srv.Close()
	c := newClient(t, srv, nil)
	ctx := context.Background()
	for _, a := range []messenger.Action{messenger.MarkSeen, messenger.TypingOn, messenger.TypingOff} {
		require.NoError(t, c.SenderAction(ctx, person, a))
	}
	assert.Equal(t, []string{person.ID + ":mark_seen", person.ID + ":typing_on", person.ID + ":typing_off"}, srv.Actions())
	metatest.AssertJSONSubset(t, `{"recipient":{"id":"6789012345678901"},"sender_action":"typing_on"}`, srv.Requests()[1].Body)
	assert.NotContains(t, string(srv.Requests()[1].Body), "messaging_type")
	assert.ErrorIs(t, c.SenderAction(ctx, person, "dance"), channel.ErrInvalidMessage)
	assert.ErrorIs(t, c.SenderAction(ctx, channel.Address{Channel: channel.LINE, ID: "U1"}, messenger.TypingOn), channel.ErrInvalidRecipient)
}

func TestUploadAttachment(t *testing.T) {
	t.Parallel()
	srv := messengertest.NewServer(messengertest.Config{})
	defer srv.Close()
	c := newClient(t, srv, nil)
	ctx := context.Background()

	byURL, err := c.UploadAttachment(ctx, channel.Media{Type: channel.MediaImage, URL: "https://cdn.example/catalog.jpg"})
	require.NoError(t, err)
	byFile, err := c.UploadAttachmentFile(ctx, channel.MediaDocument, strings.NewReader("%PDF-1.7"), "size-chart.pdf", "application/pdf")
	require.NoError(t, err)
	assert.NotEqual(t, byURL, byFile)

	_, err = c.Send(ctx, &channel.Message{To: person, Media: &channel.Media{Type: channel.MediaImage, ID: byURL}})
	require.NoError(t, err)
	assert.Equal(t, "image:#"+byURL, srv.Sent()[0].Attachment)

	_, err = c.UploadAttachmentFile(ctx, channel.MediaVideo, strings.NewReader(strings.Repeat("x", 25<<20+1)), "v.mp4", "video/mp4")
	assert.ErrorIs(t, err, channel.ErrMediaTooLarge)
	_, err = c.UploadAttachment(ctx, channel.Media{Type: channel.MediaImage, URL: "https://x/y.jpg", Size: 26 << 20})
	assert.ErrorIs(t, err, channel.ErrMediaTooLarge)
	_, err = c.UploadAttachment(ctx, channel.Media{Type: channel.MediaSticker, URL: "https://x/y.webp"})
	assert.ErrorIs(t, err, channel.ErrUnsupported)
	assert.Len(t, srv.Requests(), 3, "refused uploads never reach the network")
}

func TestAPIErrorIs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		code, subcode int
		want          error
		retry         bool
	}{
		{4, 0, channel.ErrRateLimited, true},
		{613, 0, channel.ErrRateLimited, true},
		{80007, 0, channel.ErrRateLimited, true},
		{10, 2018278, channel.ErrWindowClosed, false},
		{10, 0, nil, false},
		{190, 0, channel.ErrUnauthorized, false},
		{551, 0, channel.ErrInvalidRecipient, false},
		{100, 2018001, channel.ErrInvalidRecipient, false},
		{100, 0, channel.ErrInvalidMessage, false},
		{2, 0, nil, true},
		{1200, 0, nil, true},
	}
	sentinels := []error{channel.ErrRateLimited, channel.ErrWindowClosed, channel.ErrUnauthorized, channel.ErrInvalidRecipient, channel.ErrInvalidMessage}
	for _, tt := range tests {
		e := &messenger.APIError{StatusCode: 400, Code: tt.code, Subcode: tt.subcode}
		for _, s := range sentinels {
			assert.Equal(t, s == tt.want, errors.Is(e, s), "code %d/%d vs %v", tt.code, tt.subcode, s)
		}
		assert.Equal(t, tt.retry, e.Retryable(), "code %d", tt.code)
	}
}

// stubSender counts sends per media type; it stands behind the limiter.
type stubSender struct {
	mu sync.Mutex
	n  int
}

func (s *stubSender) Send(_ context.Context, m *channel.Message) (channel.Receipt, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.n++
	return channel.Receipt{MessageID: "m_1"}, nil
}

func TestDefaultLimitsAudioVideo(t *testing.T) {
	t.Parallel()
	// Frozen at the real present (the limiter compares it with the ctx
	// deadline): no token refills during the test.
	now := time.Now()
	clock := func() time.Time { return now }
	next := &stubSender{}
	send := channel.Chain(next, messenger.DefaultLimits(clock))
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	video := &channel.Message{To: person, Media: &channel.Media{Type: channel.MediaVideo, URL: "https://x/v.mp4"}}
	_, err := send.Send(ctx, video)
	require.NoError(t, err)
	_, err = send.Send(ctx, video)
	require.ErrorIs(t, err, channel.ErrRateLimited, "a second video in the same instant waits past the deadline")
	d, ok := channel.RetryAfter(err)
	assert.True(t, ok)
	assert.Equal(t, time.Second/messenger.AudioVideoRate, d)
	for range 10 {
		_, err = send.Send(context.Background(), &channel.Message{To: person, Text: "hi"})
		require.NoError(t, err, "text has its own, larger allowance")
	}
	assert.Equal(t, 11, next.n)
}
