package line_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/channel/channeltest"
	"github.com/switchboard-go/switchboard/line"
	"github.com/switchboard-go/switchboard/line/linetest"
)

func newPair(t *testing.T, cfg linetest.Config) (*linetest.Server, *line.Client) {
	t.Helper()
	srv := linetest.NewServer(cfg)
	t.Cleanup(srv.Close)
	lc, err := line.New(line.Config{
		ChannelAccessToken: srv.AccessToken(),
		ChannelSecret:      srv.ChannelSecret(),
		BaseURL:            srv.URL,
		DataBaseURL:        srv.URL,
		Retry:              channel.Retry{MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond},
	})
	require.NoError(t, err)
	return srv, lc
}

func text(to, s string) *channel.Message {
	return &channel.Message{To: addr(to), Text: s}
}

func paths(reqs []linetest.Request) []string {
	var out []string
	for _, r := range reqs {
		out = append(out, fmt.Sprintf("%s %d", r.Path, r.Status))
	}
	return out
}

func TestNew(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  line.Config
		ok   bool
	}{
		{"ok", line.Config{ChannelAccessToken: "t", ChannelSecret: "s"}, true},
		{"no token", line.Config{ChannelSecret: "s"}, false},
		{"blank token", line.Config{ChannelAccessToken: " ", ChannelSecret: "s"}, false},
		{"no secret", line.Config{ChannelAccessToken: "t"}, false},
		{"relative base", line.Config{ChannelAccessToken: "t", ChannelSecret: "s", BaseURL: "api.line.me"}, false},
		{"relative data base", line.Config{ChannelAccessToken: "t", ChannelSecret: "s", DataBaseURL: "/x"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := line.New(tt.cfg)
			if tt.ok {
				require.NoError(t, err)
				assert.NotNil(t, c)
				return
			}
			require.Error(t, err)
			assert.NotContains(t, err.Error(), "s3cr3t")
		})
	}
}

func TestSendReply(t *testing.T) {
	t.Parallel()
	srv, lc := newPair(t, linetest.Config{})
	e := srv.TextEvent(testUser, "where is my parcel?")
	m := text(testUser, "It is on its way.")
	m.ReplyToken = e.ReplyToken

	rc, err := lc.Send(context.Background(), m)
	require.NoError(t, err)
	assert.False(t, rc.Push)
	require.Len(t, rc.MessageIDs, 1)
	assert.Equal(t, rc.MessageIDs[0], rc.MessageID)
	assert.Equal(t, addr(testUser), rc.To)

	sent := srv.Sent()
	require.Len(t, sent, 1)
	assert.Equal(t, "reply", sent[0].Kind)
	assert.Equal(t, []string{testUser}, sent[0].To)
	assert.Equal(t, sent[0].IDs, rc.MessageIDs)
	assert.Equal(t, "It is on its way.", sent[0].Messages[0].Text)
	reqs := srv.Requests()
	require.Len(t, reqs, 1)
	assert.Empty(t, reqs[0].RetryKey, "LINE answers 400 to a retry key on reply")
	assert.Equal(t, "Bearer "+srv.AccessToken(), reqs[0].Header.Get("Authorization"))
}

func TestSendReplyTokenFallback(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"expired", "used", "unknown"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			clk := channeltest.NewClock(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))
			srv, lc := newPair(t, linetest.Config{Clock: clk.Now, ReplyTokenTTL: time.Minute})
			token := srv.TextEvent(testUser, "hello").ReplyToken
			switch name {
			case "expired":
				clk.Advance(time.Minute)
			case "used":
				first := text(testUser, "first")
				first.ReplyToken = token
				_, err := lc.Send(context.Background(), first)
				require.NoError(t, err)
			case "unknown":
				token = "nHuyWiB7yP5Zw52FIkcQobQuGDXCTA"
			}
			m := text(testUser, "Your parcel is out for delivery.")
			m.ReplyToken = token
			rc, err := lc.Send(context.Background(), m)
			require.NoError(t, err)
			assert.True(t, rc.Push, "fell back to push")
			require.Len(t, rc.MessageIDs, 1)

			sent := srv.Sent()
			last := sent[len(sent)-1]
			assert.Equal(t, "push", last.Kind)
			assert.Equal(t, []string{testUser}, last.To)
			assert.NotEmpty(t, last.RetryKey)
		})
	}
}

func TestSendNoPush(t *testing.T) {
	t.Parallel()
	clk := channeltest.NewClock(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))
	srv, lc := newPair(t, linetest.Config{Clock: clk.Now})

	m := text(testUser, "hi")
	m.NoPush = true
	_, err := lc.Send(context.Background(), m)
	require.ErrorIs(t, err, line.ErrPushNotAllowed)
	assert.Empty(t, srv.Requests(), "nothing sent without a token")

	m.ReplyToken = srv.TextEvent(testUser, "hello").ReplyToken
	clk.Advance(5 * time.Minute)
	_, err = lc.Send(context.Background(), m)
	require.ErrorIs(t, err, line.ErrPushNotAllowed)
	require.ErrorIs(t, err, line.ErrInvalidReplyToken)
	assert.Equal(t, []string{"/v2/bot/message/reply 400"}, paths(srv.Requests()))

	long := text(testUser, strings.Repeat(strings.Repeat("x", 4999)+"\n\n", 6))
	long.ReplyToken, long.NoPush = srv.TextEvent(testUser, "more").ReplyToken, true
	_, err = lc.Send(context.Background(), long)
	require.ErrorIs(t, err, line.ErrPushNotAllowed, "6 parts do not fit one reply")
	assert.Len(t, srv.Requests(), 1)
}

func TestSendRetrySameKeyAfter500(t *testing.T) {
	t.Parallel()
	srv, lc := newPair(t, linetest.Config{})
	srv.Inject(linetest.Fault{Path: "/v2/bot/message/push", Status: http.StatusInternalServerError, Times: 2})

	rc, err := lc.Send(context.Background(), text(testUser, "Your order shipped."))
	require.NoError(t, err)
	assert.True(t, rc.Push)
	require.Len(t, rc.MessageIDs, 1)

	reqs := srv.Requests()
	assert.Equal(t, []string{"/v2/bot/message/push 500", "/v2/bot/message/push 500", "/v2/bot/message/push 200"}, paths(reqs))
	key := reqs[0].RetryKey
	assert.Regexp(t, `^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`, key)
	for _, r := range reqs {
		assert.Equal(t, key, r.RetryKey, "the same key on every retry")
	}
	assert.Len(t, srv.Sent(), 1)
}

func TestSend409AfterRetryIsSuccess(t *testing.T) {
	t.Parallel()
	srv, lc := newPair(t, linetest.Config{})
	// The first push is accepted but its response is lost.
	srv.Inject(linetest.Fault{Path: "/v2/bot/message/push", Status: http.StatusServiceUnavailable, AfterAccept: true})

	rc, err := lc.Send(context.Background(), text(testUser, "Refund issued."))
	require.NoError(t, err)
	assert.True(t, rc.Push)
	assert.Empty(t, rc.MessageIDs, "ids of a batch confirmed by 409 are unknown")

	reqs := srv.Requests()
	assert.Equal(t, []string{"/v2/bot/message/push 503", "/v2/bot/message/push 409"}, paths(reqs))
	assert.Equal(t, reqs[0].RetryKey, reqs[1].RetryKey)
	assert.Len(t, srv.Sent(), 1, "the customer got it once")
}

func TestSend409WithoutRetryIsAnError(t *testing.T) {
	t.Parallel()
	srv, lc := newPair(t, linetest.Config{})
	srv.Inject(linetest.Fault{Path: "/v2/bot/message/push", Status: http.StatusConflict})
	_, err := lc.Send(context.Background(), text(testUser, "hi"))
	var ae *line.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, http.StatusConflict, ae.StatusCode)
}

func TestSendRetriedReplyIsNotPushed(t *testing.T) {
	t.Parallel()
	srv, lc := newPair(t, linetest.Config{})
	m := text(testUser, "Thanks!")
	m.ReplyToken = srv.TextEvent(testUser, "hi").ReplyToken
	srv.Inject(linetest.Fault{Path: "/v2/bot/message/reply", Status: http.StatusInternalServerError, AfterAccept: true})

	_, err := lc.Send(context.Background(), m)
	require.ErrorIs(t, err, line.ErrDeliveryUnknown)
	assert.Equal(t, []string{"/v2/bot/message/reply 500", "/v2/bot/message/reply 400"}, paths(srv.Requests()))
	assert.Len(t, srv.Sent(), 1, "delivered once, not pushed again")
}

func TestSendReplyRetriedAfter500(t *testing.T) {
	t.Parallel()
	srv, lc := newPair(t, linetest.Config{})
	m := text(testUser, "Thanks!")
	m.ReplyToken = srv.TextEvent(testUser, "hi").ReplyToken
	srv.Inject(linetest.Fault{Path: "/v2/bot/message/reply", Status: http.StatusBadGateway})

	rc, err := lc.Send(context.Background(), m)
	require.NoError(t, err)
	assert.False(t, rc.Push)
	assert.Equal(t, []string{"/v2/bot/message/reply 502", "/v2/bot/message/reply 200"}, paths(srv.Requests()))
}

func TestSendLongTextSplit(t *testing.T) {
	t.Parallel()
	para := strings.Repeat("ข้อความยาว 😀 ", 150) // Thai marks and surrogate pairs
	long := strings.Repeat(para+"\n\n", 40)
	parts := channel.SplitText(long, line.MaxTextLength, channel.UTF16Units)
	require.Greater(t, len(parts), line.MaxMessagesPerRequest, "the test needs more than one request")

	srv, lc := newPair(t, linetest.Config{})
	m := text(testUser, long)
	m.ReplyToken = srv.TextEvent(testUser, "details please").ReplyToken
	m.Buttons = []channel.Button{{Title: "Track", Payload: "track"}}
	rc, err := lc.Send(context.Background(), m)
	require.NoError(t, err)
	assert.True(t, rc.Push, "the parts after the fifth are pushed")
	assert.Len(t, rc.MessageIDs, len(parts))

	var got []string
	sent := srv.Sent()
	assert.Equal(t, "reply", sent[0].Kind)
	for i, s := range sent {
		assert.LessOrEqual(t, len(s.Messages), line.MaxMessagesPerRequest)
		if i > 0 {
			assert.Equal(t, "push", s.Kind)
			assert.NotEqual(t, sent[i-1].RetryKey, s.RetryKey, "one key per request")
		}
		for _, msg := range s.Messages {
			assert.LessOrEqual(t, channel.TextLen(msg.Text, channel.UTF16Units), line.MaxTextLength)
			got = append(got, msg.Text)
		}
	}
	assert.Equal(t, parts, got)
	last := sent[len(sent)-1].Messages
	assert.NotNil(t, last[len(last)-1].QuickReply, "quick replies on the very last message")
	assert.Nil(t, sent[0].Messages[0].QuickReply)
}

func TestSendMediaAndQuickReplies(t *testing.T) {
	t.Parallel()
	srv, lc := newPair(t, linetest.Config{})
	m := &channel.Message{
		To:    addr(testUser),
		Text:  "Here is your label:",
		Media: &channel.Media{Type: channel.MediaImage, URL: "https://cdn.example.com/label.png", Caption: "Print it"},
		Buttons: []channel.Button{
			{Title: "Track parcel", Payload: "action=track"},
			{Title: "Agent"},
		},
	}
	_, err := lc.Send(context.Background(), m)
	require.NoError(t, err)
	msgs := srv.Sent()[0].Messages
	require.Len(t, msgs, 3)
	assert.Equal(t, linetest.Message{Type: "text", Text: "Here is your label:"}, msgs[0])
	assert.Equal(t, linetest.Message{Type: "image", OriginalContentURL: "https://cdn.example.com/label.png",
		PreviewImageURL: "https://cdn.example.com/label.png"}, msgs[1])
	assert.Equal(t, "Print it", msgs[2].Text)
	assert.Equal(t, &linetest.QuickReply{Items: []linetest.QuickReplyItem{
		{Type: "action", Action: linetest.Action{Type: "postback", Label: "Track parcel", Data: "action=track", DisplayText: "Track parcel"}},
		{Type: "action", Action: linetest.Action{Type: "message", Label: "Agent", Text: "Agent"}},
	}}, msgs[2].QuickReply)

	video := &channel.Message{To: addr(testUser), Media: &channel.Media{Type: channel.MediaVideo,
		URL: "https://cdn.example.com/unboxing.mp4", PreviewURL: "https://cdn.example.com/unboxing.jpg"}}
	_, err = lc.Send(context.Background(), video)
	require.NoError(t, err)
	assert.Equal(t, "https://cdn.example.com/unboxing.jpg", srv.Sent()[1].Messages[0].PreviewImageURL)
}

func TestSendRefusedLocally(t *testing.T) {
	t.Parallel()
	many := make([]channel.Button, 14)
	for i := range many {
		many[i] = channel.Button{Title: fmt.Sprint("b", i)}
	}
	img := func(u, preview string) *channel.Media {
		return &channel.Media{Type: channel.MediaImage, URL: u, PreviewURL: preview}
	}
	tests := []struct {
		name string
		m    *channel.Message
		want error
	}{
		{"nil", nil, channel.ErrInvalidMessage},
		{"empty", &channel.Message{To: addr(testUser)}, channel.ErrInvalidMessage},
		{"whitespace only", text(testUser, " \n "), channel.ErrInvalidMessage},
		{"no recipient", &channel.Message{To: channel.Address{Channel: channel.LINE}, Text: "x"}, channel.ErrInvalidRecipient},
		{"other channel", &channel.Message{To: channel.Address{Channel: channel.WhatsApp, ID: "123"}, Text: "x"}, channel.ErrInvalidRecipient},
		{"template", &channel.Message{To: addr(testUser), Template: &channel.Template{Name: "shipping_update"}}, channel.ErrUnsupported},
		{"audio", &channel.Message{To: addr(testUser), Media: &channel.Media{Type: channel.MediaAudio, URL: "https://x.example/a.m4a"}}, channel.ErrUnsupported},
		{"document", &channel.Message{To: addr(testUser), Media: &channel.Media{Type: channel.MediaDocument, URL: "https://x.example/a.pdf"}}, channel.ErrUnsupported},
		{"media by id", &channel.Message{To: addr(testUser), Media: &channel.Media{Type: channel.MediaImage, ID: "123"}}, channel.ErrUnsupported},
		{"http image", &channel.Message{To: addr(testUser), Media: img("http://x.example/a.png", "")}, channel.ErrInvalidMessage},
		{"http preview", &channel.Message{To: addr(testUser), Media: img("https://x.example/a.png", "http://x.example/p.png")}, channel.ErrInvalidMessage},
		{"long url", &channel.Message{To: addr(testUser), Media: img("https://x.example/"+strings.Repeat("a", 2000), "")}, channel.ErrInvalidMessage},
		{"video without preview", &channel.Message{To: addr(testUser), Media: &channel.Media{Type: channel.MediaVideo, URL: "https://x.example/v.mp4"}}, channel.ErrInvalidMessage},
		{"14 buttons", &channel.Message{To: addr(testUser), Text: "x", Buttons: many}, channel.ErrInvalidMessage},
		{"long label", &channel.Message{To: addr(testUser), Text: "x", Buttons: []channel.Button{{Title: strings.Repeat("😀", 11)}}}, channel.ErrInvalidMessage},
		{"long payload", &channel.Message{To: addr(testUser), Text: "x", Buttons: []channel.Button{{Title: "a", Payload: strings.Repeat("p", 301)}}}, channel.ErrInvalidMessage},
	}
	srv, lc := newPair(t, linetest.Config{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := lc.Send(context.Background(), tt.m)
			require.ErrorIs(t, err, tt.want)
		})
	}
	assert.Empty(t, srv.Requests(), "refused before any request")
}

func TestSendErrorsFromLINE(t *testing.T) {
	t.Parallel()
	t.Run("unauthorized is not retried", func(t *testing.T) {
		t.Parallel()
		srv := linetest.NewServer(linetest.Config{})
		t.Cleanup(srv.Close)
		lc, err := line.New(line.Config{ChannelAccessToken: "wrong-token", ChannelSecret: "s", BaseURL: srv.URL, Retry: channel.Retry{MinBackoff: time.Millisecond}})
		require.NoError(t, err)
		_, err = lc.Send(context.Background(), text(testUser, "hi"))
		require.ErrorIs(t, err, channel.ErrUnauthorized)
		assert.NotContains(t, err.Error(), "wrong-token")
		assert.False(t, channel.IsRetryable(err))
		assert.Len(t, srv.Requests(), 1)
	})
	t.Run("malformed recipient", func(t *testing.T) {
		t.Parallel()
		_, lc := newPair(t, linetest.Config{})
		_, err := lc.Send(context.Background(), text("not-a-line-id", "hi"))
		require.ErrorIs(t, err, channel.ErrInvalidRecipient)
	})
	t.Run("unknown user", func(t *testing.T) {
		t.Parallel()
		srv, lc := newPair(t, linetest.Config{})
		srv.ForgetUser(testUser)
		_, err := lc.Send(context.Background(), text(testUser, "hi"))
		require.ErrorIs(t, err, channel.ErrInvalidRecipient)
		var ae *line.APIError
		require.ErrorAs(t, err, &ae)
		assert.Equal(t, line.MessageFailedToSend, ae.Message)
		assert.NotEmpty(t, ae.RequestID)
	})
	t.Run("rate limited after retries", func(t *testing.T) {
		t.Parallel()
		srv, lc := newPair(t, linetest.Config{})
		srv.Inject(linetest.Fault{Status: http.StatusTooManyRequests, RetryAfter: 2 * time.Second, Times: 10})
		_, err := lc.Send(context.Background(), text(testUser, "hi"))
		require.ErrorIs(t, err, channel.ErrRateLimited)
		assert.True(t, channel.IsRetryable(err))
		d, ok := channel.RetryAfter(err)
		assert.True(t, ok)
		assert.Equal(t, 2*time.Second, d)
		assert.Len(t, srv.Requests(), 4, "default 4 attempts")
	})
	t.Run("monthly limit is not retryable", func(t *testing.T) {
		t.Parallel()
		srv, lc := newPair(t, linetest.Config{MonthlyQuota: 1})
		_, err := lc.Send(context.Background(), text(testUser, "one"))
		require.NoError(t, err)
		_, err = lc.Send(context.Background(), text(testUser, "two"))
		require.ErrorIs(t, err, channel.ErrRateLimited)
		assert.False(t, channel.IsRetryable(err))
		assert.Len(t, srv.Requests(), 2, "the monthly-limit 429 is not retried")
	})
	t.Run("context cancelled", func(t *testing.T) {
		t.Parallel()
		srv, lc := newPair(t, linetest.Config{})
		srv.Inject(linetest.Fault{Status: http.StatusServiceUnavailable, Times: 100})
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := lc.Send(ctx, text(testUser, "hi"))
		require.ErrorIs(t, err, context.Canceled)
	})
}

func TestConcurrentSendsUseDistinctKeys(t *testing.T) {
	t.Parallel()
	srv, lc := newPair(t, linetest.Config{})
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			_, err := lc.Send(context.Background(), text(testUser, fmt.Sprint("update ", i)))
			assert.NoError(t, err)
		})
	}
	wg.Wait()
	keys := map[string]bool{}
	for _, r := range srv.Requests() {
		keys[r.RetryKey] = true
	}
	assert.Len(t, keys, 16)
}

func TestMulticastAndBroadcast(t *testing.T) {
	t.Parallel()
	srv, lc := newPair(t, linetest.Config{Followers: 3})
	users := make([]string, 501)
	for i := range users {
		users[i] = fmt.Sprintf("U%032x", i+1)
	}
	require.NoError(t, lc.Multicast(context.Background(), users, &channel.Message{Text: "Sale starts now"}))
	require.NoError(t, lc.Broadcast(context.Background(), &channel.Message{Text: "Holiday hours"}))
	require.ErrorIs(t, lc.Multicast(context.Background(), nil, &channel.Message{Text: "x"}), channel.ErrInvalidRecipient)
	require.ErrorIs(t, lc.Broadcast(context.Background(), &channel.Message{}), channel.ErrInvalidMessage)

	sent := srv.Sent()
	require.Len(t, sent, 3)
	assert.Len(t, sent[0].To, 500)
	assert.Len(t, sent[1].To, 1)
	assert.Equal(t, "broadcast", sent[2].Kind)
	assert.NotEqual(t, sent[0].RetryKey, sent[1].RetryKey)
	assert.NotEmpty(t, sent[2].RetryKey)
	assert.EqualValues(t, 501+3, srv.Usage())

	used, err := lc.QuotaConsumption(context.Background())
	require.NoError(t, err)
	assert.EqualValues(t, 504, used)
}

func TestQuotaLoadingContent(t *testing.T) {
	t.Parallel()
	srv, lc := newPair(t, linetest.Config{MonthlyQuota: 200})
	q, err := lc.Quota(context.Background())
	require.NoError(t, err)
	assert.Equal(t, line.Quota{Limited: true, Limit: 200}, q)

	require.NoError(t, lc.StartLoading(context.Background(), testUser, 7*time.Second))
	require.NoError(t, lc.StartLoading(context.Background(), testUser, 5*time.Minute))
	reqs := srv.Requests()
	assert.JSONEq(t, `{"chatId":"`+testUser+`","loadingSeconds":10}`, string(reqs[1].Body))
	assert.JSONEq(t, `{"chatId":"`+testUser+`","loadingSeconds":60}`, string(reqs[2].Body))
	err = lc.StartLoading(context.Background(), "Ca56f94637c1234567890abcdef012345", 5*time.Second)
	require.ErrorIs(t, err, channel.ErrInvalidRecipient, "loading works in one-on-one chats only")

	srv.Inject(linetest.Fault{Path: "/v2/bot/chat/loading/start", Status: http.StatusInternalServerError})
	n := len(srv.Requests())
	require.Error(t, lc.StartLoading(context.Background(), testUser, 5*time.Second))
	assert.Len(t, srv.Requests(), n+1, "no retry without a retry key")

	e := srv.ImageEvent(testUser, "image/jpeg", []byte("\xff\xd8jpeg"))
	c, err := lc.Content(context.Background(), e.Message.ID)
	require.NoError(t, err)
	defer c.Body.Close()
	assert.Equal(t, "image/jpeg", c.Type)
	assert.EqualValues(t, 6, c.Length)
	_, err = lc.Content(context.Background(), "999")
	var ae *line.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, http.StatusNotFound, ae.StatusCode)
}

func TestHostsAreSeparate(t *testing.T) {
	t.Parallel()
	api := linetest.NewServer(linetest.Config{})
	t.Cleanup(api.Close)
	data := linetest.NewServer(linetest.Config{})
	t.Cleanup(data.Close)
	lc, err := line.New(line.Config{
		ChannelAccessToken: api.AccessToken(), ChannelSecret: api.ChannelSecret(),
		BaseURL: api.URL + "/", DataBaseURL: data.URL,
	})
	require.NoError(t, err)
	data.SetContent("42", "video/mp4", []byte("mp4"))

	c, err := lc.Content(context.Background(), "42")
	require.NoError(t, err)
	require.NoError(t, c.Body.Close())
	_, err = lc.Quota(context.Background())
	require.NoError(t, err)

	assert.Equal(t, []string{"/v2/bot/message/42/content 200"}, paths(data.Requests()))
	assert.Equal(t, []string{"/v2/bot/message/quota 200"}, paths(api.Requests()), "trailing slash of BaseURL trimmed")
}
