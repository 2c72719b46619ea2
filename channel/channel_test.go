package channel_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/channel"
)

var t0 = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

var wa = channel.Address{Channel: channel.WhatsApp, ID: "85291234567"}

func TestValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		m    *channel.Message
		want error
	}{
		{"nil", nil, channel.ErrInvalidMessage},
		{"unknown kind", &channel.Message{To: channel.Address{Channel: "fax", ID: "1"}, Text: "x"}, channel.ErrInvalidRecipient},
		{"empty recipient", &channel.Message{To: channel.Address{Channel: channel.LINE, ID: "  "}, Text: "x"}, channel.ErrInvalidRecipient},
		{"nothing to send", &channel.Message{To: wa}, channel.ErrInvalidMessage},
		{"location only", &channel.Message{To: wa, Location: &channel.Location{Latitude: 22.3, Longitude: 114.2}}, nil},
		{"media without source", &channel.Message{To: wa, Media: &channel.Media{Type: channel.MediaImage}}, channel.ErrInvalidMessage},
		{"template without name", &channel.Message{To: wa, Template: &channel.Template{}}, channel.ErrInvalidMessage},
		{"empty positional param", &channel.Message{To: wa, Template: &channel.Template{Name: "t", Params: []string{"a", ""}}}, channel.ErrInvalidMessage},
		{"empty named param", &channel.Message{To: wa, Template: &channel.Template{Name: "t", NamedParams: map[string]string{"x": ""}}}, channel.ErrInvalidMessage},
		{"button without title", &channel.Message{To: wa, Text: "x", Buttons: []channel.Button{{Payload: "p"}}}, channel.ErrInvalidMessage},
		{"text ok", &channel.Message{To: wa, Text: "x"}, nil},
		{"template ok", &channel.Message{To: wa, Template: &channel.Template{Name: "t", Params: []string{"1"}}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.m.Validate()
			if tt.want == nil {
				assert.NoError(t, err)
				return
			}
			assert.ErrorIs(t, err, tt.want)
		})
	}
}

func TestErrorHelpers(t *testing.T) {
	t.Parallel()
	throttled := &channel.APIError{Channel: channel.WhatsApp, StatusCode: 400, Code: 131056,
		Message: "pair rate limit", RetryAfter: 6 * time.Second, RequestID: "AbC123", Err: channel.ErrRateLimited}
	wrapped := fmt.Errorf("send: %w", throttled)
	assert.ErrorIs(t, wrapped, channel.ErrRateLimited)
	assert.True(t, channel.IsRetryable(wrapped))
	d, ok := channel.RetryAfter(wrapped)
	assert.True(t, ok)
	assert.Equal(t, 6*time.Second, d)
	assert.Equal(t, "whatsapp: api error (http 400) code 131056: pair rate limit (request AbC123)", throttled.Error())

	permanent := &channel.APIError{Channel: channel.LINE, StatusCode: 400, Message: "bad"}
	assert.False(t, channel.IsRetryable(permanent))
	_, ok = channel.RetryAfter(permanent)
	assert.False(t, ok)
	assert.True(t, channel.IsRetryable(&channel.APIError{Temporary: true}))
	assert.True(t, channel.IsRetryable(channel.ErrRateLimited))
	assert.False(t, channel.IsRetryable(context.Canceled))
	assert.False(t, channel.IsRetryable(nil))
	assert.False(t, channel.IsRetryable(errors.New("x")))
}

func TestChainOrder(t *testing.T) {
	t.Parallel()
	var order []string
	mw := func(name string) channel.Middleware {
		return func(next channel.Sender) channel.Sender {
			return channel.SenderFunc(func(ctx context.Context, m *channel.Message) (channel.Receipt, error) {
				order = append(order, name)
				return next.Send(ctx, m)
			})
		}
	}
	base := channel.SenderFunc(func(context.Context, *channel.Message) (channel.Receipt, error) {
		order = append(order, "send")
		return channel.Receipt{MessageID: "1"}, nil
	})
	r, err := channel.Chain(base, mw("a"), mw("b")).Send(context.Background(), &channel.Message{To: wa, Text: "x"})
	require.NoError(t, err)
	assert.Equal(t, "1", r.MessageID)
	assert.Equal(t, []string{"a", "b", "send"}, order)
}

func TestMuxAndRouter(t *testing.T) {
	t.Parallel()
	var got []string
	rec := func(name string) channel.Handler {
		return channel.HandlerFunc(func(_ context.Context, e channel.Event) error {
			got = append(got, name+":"+string(e.Channel))
			return nil
		})
	}
	mux := channel.NewMux()
	mux.Handle(channel.LINE, rec("line"))
	ctx := context.Background()
	require.NoError(t, mux.HandleEvent(ctx, channel.Event{Channel: channel.LINE}))
	assert.ErrorIs(t, mux.HandleEvent(ctx, channel.Event{Channel: channel.WeChat}), channel.ErrUnsupported)
	mux.Fallback(rec("fallback"))
	require.NoError(t, mux.HandleEvent(ctx, channel.Event{Channel: channel.WeChat}))
	assert.Equal(t, []string{"line:line", "fallback:wechat"}, got)

	router := channel.Router{channel.WhatsApp: channel.SenderFunc(func(_ context.Context, m *channel.Message) (channel.Receipt, error) {
		return channel.Receipt{MessageID: "wamid.1", To: m.To}, nil
	})}
	r, err := router.Send(ctx, &channel.Message{To: wa, Text: "x"})
	require.NoError(t, err)
	assert.Equal(t, "wamid.1", r.MessageID)
	_, err = router.Send(ctx, &channel.Message{To: channel.Address{Channel: channel.LINE, ID: "U"}, Text: "x"})
	assert.ErrorIs(t, err, channel.ErrInvalidRecipient)
	_, err = router.Send(ctx, nil)
	assert.ErrorIs(t, err, channel.ErrInvalidMessage)
}

func TestMediaLimits(t *testing.T) {
	t.Parallel()
	l := channel.DefaultMediaLimits()
	img := func(k channel.Kind, size int64) *channel.Message {
		return &channel.Message{To: channel.Address{Channel: k, ID: "x"},
			Media: &channel.Media{Type: channel.MediaImage, URL: "https://x/a.jpg", Size: size}}
	}
	tests := []struct {
		name string
		m    *channel.Message
		want error
	}{
		{"whatsapp image at limit", img(channel.WhatsApp, 5<<20), nil},
		{"whatsapp image over", img(channel.WhatsApp, 5<<20+1), channel.ErrMediaTooLarge},
		{"line image 9 MB", img(channel.LINE, 9<<20), nil},
		{"messenger 26 MB", img(channel.Messenger, 26<<20), channel.ErrMediaTooLarge},
		{"unknown size", img(channel.WhatsApp, 0), nil},
		{"no media", &channel.Message{To: wa, Text: "x"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := l.Check(tt.m)
			if tt.want == nil {
				assert.NoError(t, err)
				return
			}
			assert.ErrorIs(t, err, tt.want)
			if tt.m.To.Channel == channel.WhatsApp {
				assert.Contains(t, err.Error(), "5242880", "the limit is named")
			}
		})
	}
	sent := 0
	s := channel.MediaLimit(l)(channel.SenderFunc(func(context.Context, *channel.Message) (channel.Receipt, error) {
		sent++
		return channel.Receipt{}, nil
	}))
	_, err := s.Send(context.Background(), img(channel.WhatsApp, 6<<20))
	assert.ErrorIs(t, err, channel.ErrMediaTooLarge)
	assert.Zero(t, sent, "rejected before the network")
}
