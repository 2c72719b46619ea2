package wechat_test

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/wechat"
	"github.com/switchboard-go/switchboard/wechat/wechattest"
)

func TestSendMapsMessages(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		msg  channel.Message
		want string // the JSON body WeChat receives
	}{
		{"text", channel.Message{Text: "您的包裹已发出"},
			`{"touser":"oC","msgtype":"text","text":{"content":"您的包裹已发出"}}`},
		{"image", channel.Message{Media: &channel.Media{Type: channel.MediaImage, ID: "M1"}},
			`{"touser":"oC","msgtype":"image","image":{"media_id":"M1"}}`},
		{"voice", channel.Message{Media: &channel.Media{Type: channel.MediaAudio, ID: "M2"}},
			`{"touser":"oC","msgtype":"voice","voice":{"media_id":"M2"}}`},
		{"video", channel.Message{Media: &channel.Media{Type: channel.MediaVideo, ID: "M3", Filename: "开箱", Caption: "新品"}},
			`{"touser":"oC","msgtype":"video","video":{"media_id":"M3","title":"开箱","description":"新品"}}`},
		{"document link becomes a news card", channel.Message{Media: &channel.Media{Type: channel.MediaDocument,
			URL: "https://shop.example/invoice.pdf", Filename: "发票", Caption: "订单 #42", PreviewURL: "https://shop.example/i.png"}},
			`{"touser":"oC","msgtype":"news","news":{"articles":[{"title":"发票","description":"订单 #42","url":"https://shop.example/invoice.pdf","picurl":"https://shop.example/i.png"}]}}`},
		{"buttons become a msgmenu", channel.Message{Text: "满意吗？", Buttons: []channel.Button{{Title: "满意", Payload: "101"}, {Title: "不满意"}}},
			`{"touser":"oC","msgtype":"msgmenu","msgmenu":{"head_content":"满意吗？","list":[{"id":"101","content":"满意"},{"id":"不满意","content":"不满意"}]}}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, c, _ := setup(t, wechattest.Config{}, nil)
			m := tc.msg
			m.To = to("oC")
			r, err := c.Send(t.Context(), &m)
			require.NoError(t, err)
			assert.Equal(t, channel.WeChat, r.Channel)
			assert.Equal(t, m.To, r.To)
			require.Len(t, srv.Sent(), 1)
			assert.JSONEq(t, tc.want, string(srv.Sent()[0].Body))
		})
	}
}

func TestSendRejectsBeforeNetwork(t *testing.T) {
	t.Parallel()
	img := &channel.Media{Type: channel.MediaImage, ID: "M1"}
	cases := []struct {
		name string
		msg  *channel.Message
		want error
	}{
		{"nil", nil, channel.ErrInvalidMessage},
		{"empty", &channel.Message{To: to("oC")}, channel.ErrInvalidMessage},
		{"no recipient", &channel.Message{To: to(""), Text: "x"}, channel.ErrInvalidRecipient},
		{"other channel", &channel.Message{To: channel.Address{Channel: channel.LINE, ID: "U1"}, Text: "x"}, channel.ErrInvalidRecipient},
		{"template", &channel.Message{To: to("oC"), Template: &channel.Template{Name: "order_update"}}, channel.ErrUnsupported},
		{"location", &channel.Message{To: to("oC"), Text: "x", Location: &channel.Location{}}, channel.ErrUnsupported},
		{"image by URL", &channel.Message{To: to("oC"), Media: &channel.Media{Type: channel.MediaImage, URL: "https://x/y.png"}}, channel.ErrUnsupported},
		{"image caption", &channel.Message{To: to("oC"), Media: &channel.Media{Type: channel.MediaImage, ID: "M1", Caption: "c"}}, channel.ErrUnsupported},
		{"image and text", &channel.Message{To: to("oC"), Text: "x", Media: img}, channel.ErrUnsupported},
		{"buttons with media", &channel.Message{To: to("oC"), Media: img, Buttons: []channel.Button{{Title: "a"}}}, channel.ErrUnsupported},
		{"sticker", &channel.Message{To: to("oC"), Media: &channel.Media{Type: channel.MediaSticker, ID: "S"}}, channel.ErrUnsupported},
		{"document by id", &channel.Message{To: to("oC"), Media: &channel.Media{Type: channel.MediaDocument, ID: "D"}}, channel.ErrUnsupported},
	}
	srv, c, _ := setup(t, wechattest.Config{}, nil)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.Send(t.Context(), tc.msg)
			assert.True(t, errors.Is(err, tc.want), "got %v", err)
		})
	}
	assert.Zero(t, srv.TokenFetches(), "no network call for a message WeChat cannot take")
}

func TestSendErrcodes(t *testing.T) {
	t.Parallel()
	cases := []struct {
		code      int
		is        error
		retryable bool
	}{
		{wechat.CodeReplyTimeLimit, channel.ErrWindowClosed, false},
		{wechat.CodeResponseCountLimit, channel.ErrRateLimited, false},
		{wechat.CodeDailyQuota, channel.ErrRateLimited, false},
		{wechat.CodeInvalidOpenID, channel.ErrInvalidRecipient, false},
		{wechat.CodeInvalidMediaID, channel.ErrInvalidMessage, false},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprint(tc.code), func(t *testing.T) {
			t.Parallel()
			srv, c, _ := setup(t, wechattest.Config{}, nil)
			srv.FailSends(tc.code)
			_, err := c.Send(t.Context(), &channel.Message{To: to("oC"), Text: "x"})
			var apiErr *wechat.APIError
			require.ErrorAs(t, err, &apiErr, "HTTP 200 with a non-zero errcode is an error")
			assert.Equal(t, tc.code, apiErr.Code)
			assert.Equal(t, http.StatusOK, apiErr.StatusCode)
			assert.ErrorIs(t, err, tc.is)
			assert.Equal(t, tc.retryable, channel.IsRetryable(err))
			assert.Empty(t, srv.Sent())
			assert.NotContains(t, err.Error(), "FAKE_TOKEN", "no access token in errors")
		})
	}
}

func TestSendRetriesMinuteQuota(t *testing.T) {
	t.Parallel()
	srv, c, _ := setup(t, wechattest.Config{}, nil)
	srv.FailSends(wechat.CodeAPIFrequency, wechat.CodeAPIFrequency)
	_, err := c.Send(t.Context(), &channel.Message{To: to("oC"), Text: "x"})
	require.NoError(t, err, "45011 refuses the call: the transport retries it")
	assert.Len(t, srv.Sent(), 1)

	srv.FailSends(wechat.CodeAPIFrequency, wechat.CodeAPIFrequency, wechat.CodeAPIFrequency, wechat.CodeAPIFrequency)
	_, err = c.Send(t.Context(), &channel.Message{To: to("oC"), Text: "y"})
	assert.ErrorIs(t, err, channel.ErrRateLimited)
	assert.True(t, channel.IsRetryable(err))
	assert.NotErrorIs(t, err, channel.ErrDeliveryUnknown)
}

// TestSendSystemBusyIsUnknown: -1 "system busy, try again later" does not
// say the message was not sent, and WeChat has no idempotency key: one
// attempt, reported as unknown.
func TestSendSystemBusyIsUnknown(t *testing.T) {
	t.Parallel()
	srv, c, _ := setup(t, wechattest.Config{}, nil)
	srv.FailSends(wechat.CodeSystemBusy, wechat.CodeSystemBusy)
	m := &channel.Message{To: to("oC"), Text: "x"}
	_, err := c.Send(t.Context(), m)
	require.ErrorIs(t, err, channel.ErrDeliveryUnknown)
	var de *channel.DeliveryError
	require.ErrorAs(t, err, &de)
	assert.Same(t, m, de.Message)
	assert.Equal(t, 1, de.Attempts)
	assert.False(t, channel.IsRetryable(err))
	assert.Empty(t, srv.Sent())
}

func TestSendDoesNotRetryAmbiguousFailures(t *testing.T) {
	t.Parallel()
	var sends atomic.Int32
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/token") {
			_, _ = w.Write([]byte(`{"access_token":"T","expires_in":7200}`))
			return
		}
		sends.Add(1)
		w.WriteHeader(http.StatusBadGateway) // the message may or may not have gone out
	}))
	defer api.Close()
	c, err := wechat.New(wechat.Config{AppID: "wx1", AppSecret: "s", Token: "t", BaseURL: api.URL, Retry: channel.Retry{MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond}})
	require.NoError(t, err)
	_, err = c.Send(t.Context(), &channel.Message{To: to("oC"), Text: "x"})
	var apiErr *wechat.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusBadGateway, apiErr.StatusCode)
	assert.ErrorIs(t, err, channel.ErrDeliveryUnknown)
	assert.Equal(t, int32(1), sends.Load(), "a send is not repeated when it may have been delivered")
}

func TestTyping(t *testing.T) {
	t.Parallel()
	srv, c, _ := setup(t, wechattest.Config{}, nil)
	require.NoError(t, c.Typing(t.Context(), to("oC"), true))
	require.NoError(t, c.Typing(t.Context(), to("oC"), false))
	assert.Equal(t, []wechattest.Typing{{ToUser: "oC", Command: "Typing"}, {ToUser: "oC", Command: "CancelTyping"}}, srv.Typings())
	assert.ErrorIs(t, c.Typing(t.Context(), to(""), true), channel.ErrInvalidRecipient)
}

func TestSendNews(t *testing.T) {
	t.Parallel()
	srv, c, _ := setup(t, wechattest.Config{}, nil)
	require.NoError(t, c.SendNews(t.Context(), "oC", wechat.Article{Title: "订单", URL: "https://shop.example/o/1"}))
	require.Len(t, srv.Sent(), 1)
	assert.Equal(t, "news", srv.Sent()[0].MsgType)
	assert.ErrorIs(t, c.SendNews(t.Context(), "oC", wechat.Article{Title: "no url"}), channel.ErrInvalidMessage)
}

func TestUploadMedia(t *testing.T) {
	t.Parallel()
	srv, c, clk := setup(t, wechattest.Config{}, nil)
	png := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{1}, 100)...)
	up, err := c.UploadMedia(t.Context(), wechat.KindImage, "dir/label.png", bytes.NewReader(png))
	require.NoError(t, err)
	assert.Equal(t, wechat.KindImage, up.Kind)
	assert.NotEmpty(t, up.MediaID)
	assert.True(t, clk.Now().Add(72*time.Hour).Equal(up.ExpiresAt()))
	require.Len(t, srv.Uploads(), 1)
	assert.Equal(t, wechattest.Uploaded{Type: "image", MediaID: up.MediaID, Filename: "label.png", Size: len(png)}, srv.Uploads()[0])

	// The media id then goes out in a send.
	_, err = c.Send(t.Context(), &channel.Message{To: to("oC"), Media: &channel.Media{Type: channel.MediaImage, ID: up.MediaID}})
	require.NoError(t, err)
	assert.Equal(t, up.MediaID, srv.Sent()[0].MediaID)

	_, err = c.UploadMedia(t.Context(), wechat.KindThumb, "t.jpg", bytes.NewReader(make([]byte, 64<<10+1)))
	assert.ErrorIs(t, err, channel.ErrMediaTooLarge, "over the limit, refused locally")
	_, err = c.UploadMedia(t.Context(), "sticker", "s.webp", bytes.NewReader(png))
	assert.ErrorIs(t, err, channel.ErrInvalidMessage)
	_, err = c.UploadMedia(t.Context(), wechat.KindVoice, "v.amr", bytes.NewReader(nil))
	assert.ErrorIs(t, err, channel.ErrInvalidMessage)
	assert.Len(t, srv.Uploads(), 1)
}

func TestAPIErrorIsAndRetry(t *testing.T) {
	t.Parallel()
	cases := []struct {
		err       wechat.APIError
		is        error
		retryable bool
	}{
		{wechat.APIError{Code: 45015}, channel.ErrWindowClosed, false},
		{wechat.APIError{Code: 45047}, channel.ErrRateLimited, false},
		{wechat.APIError{Code: 45009}, channel.ErrRateLimited, false},
		{wechat.APIError{Code: 45011}, channel.ErrRateLimited, true},
		{wechat.APIError{Code: -1}, channel.ErrRateLimited, true},
		{wechat.APIError{Code: 40003}, channel.ErrInvalidRecipient, false},
		{wechat.APIError{Code: 42001}, channel.ErrUnauthorized, false},
		{wechat.APIError{Code: 40009}, channel.ErrMediaTooLarge, false},
		{wechat.APIError{Code: 40200}, channel.ErrUnsupported, false},
		{wechat.APIError{StatusCode: 429, RetryAfter: 3 * time.Second}, channel.ErrRateLimited, true},
		{wechat.APIError{StatusCode: 503}, nil, true},
		{wechat.APIError{StatusCode: 501}, nil, false},
	}
	sentinels := []error{channel.ErrWindowClosed, channel.ErrRateLimited, channel.ErrInvalidRecipient,
		channel.ErrUnauthorized, channel.ErrMediaTooLarge, channel.ErrUnsupported, channel.ErrInvalidMessage}
	for _, tc := range cases {
		t.Run(tc.err.Error(), func(t *testing.T) {
			err := error(&tc.err)
			for _, s := range sentinels {
				assert.Equal(t, s == tc.is, errors.Is(err, s), "errors.Is(%v)", s)
			}
			assert.Equal(t, tc.retryable, channel.IsRetryable(err))
			if d, ok := channel.RetryAfter(err); ok {
				assert.Equal(t, tc.err.RetryAfter, d)
			}
		})
	}
}
