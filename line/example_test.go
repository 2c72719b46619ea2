package line_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/line"
	"github.com/switchboard-go/switchboard/line/linetest"
)

// A shop bot that answers every text message with a free reply, run against
// the fake LINE server.
func ExampleClient_Webhook() {
	srv := linetest.NewServer(linetest.Config{})
	defer srv.Close()
	lc, err := line.New(line.Config{
		ChannelAccessToken: srv.AccessToken(),
		ChannelSecret:      srv.ChannelSecret(),
		BaseURL:            srv.URL,
		DataBaseURL:        srv.URL,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	bot := lc.Webhook(channel.HandlerFunc(func(ctx context.Context, e channel.Event) error {
		if e.Type != channel.EventMessage || e.Message.Text == "" {
			return nil
		}
		_, err := lc.Send(ctx, &channel.Message{
			To:         e.From,
			ReplyToken: e.ReplyToken,
			Text:       "You asked: " + e.Message.Text,
			Buttons:    []channel.Button{{Title: "Track my parcel", Payload: "track"}},
		})
		return err
	}))

	status := srv.ServeWebhook(bot, srv.TextEvent("U4af4980629a1b2c3d4e5f60718293a4b", "Where is my parcel?"))
	fmt.Println("webhook answered", status)
	for _, s := range srv.Sent() {
		fmt.Printf("%s: %q with %d quick reply\n", s.Kind, s.Messages[0].Text, len(s.Messages[0].QuickReply.Items))
	}
	// Output:
	// webhook answered 200
	// reply: "You asked: Where is my parcel?" with 1 quick reply
}

// When the reply token has been used (or has expired), Send pushes instead;
// Receipt.Push says so. Message.NoPush forbids that.
func ExampleClient_Send_pushFallback() {
	srv := linetest.NewServer(linetest.Config{})
	defer srv.Close()
	lc, _ := line.New(line.Config{
		ChannelAccessToken: srv.AccessToken(), ChannelSecret: srv.ChannelSecret(),
		BaseURL: srv.URL, DataBaseURL: srv.URL,
	})
	const user = "U4af4980629a1b2c3d4e5f60718293a4b"
	token := srv.TextEvent(user, "hi").ReplyToken
	to := channel.Address{Channel: channel.LINE, ID: user}
	ctx := context.Background()

	rc, _ := lc.Send(ctx, &channel.Message{To: to, ReplyToken: token, Text: "Hello!"})
	fmt.Println("first send pushed:", rc.Push)
	rc, _ = lc.Send(ctx, &channel.Message{To: to, ReplyToken: token, Text: "Your parcel shipped."})
	fmt.Println("second send pushed:", rc.Push)
	_, err := lc.Send(ctx, &channel.Message{To: to, ReplyToken: token, Text: "Free only", NoPush: true})
	fmt.Println(errors.Is(err, line.ErrPushNotAllowed), errors.Is(err, line.ErrInvalidReplyToken))
	// Output:
	// first send pushed: false
	// second send pushed: true
	// true true
}

// A text longer than LINE's 5,000 characters is split on paragraph breaks
// and sent as several message objects of one request.
func ExampleClient_Send_longText() {
	srv := linetest.NewServer(linetest.Config{})
	defer srv.Close()
	lc, _ := line.New(line.Config{
		ChannelAccessToken: srv.AccessToken(), ChannelSecret: srv.ChannelSecret(),
		BaseURL: srv.URL, DataBaseURL: srv.URL,
	})
	para := strings.TrimSpace(strings.Repeat("Returns are free within 30 days. ", 60)) // 1,979 characters
	terms := strings.Join([]string{para, para, para, para, para, para}, "\n\n")
	rc, err := lc.Send(context.Background(), &channel.Message{
		To:   channel.Address{Channel: channel.LINE, ID: "U4af4980629a1b2c3d4e5f60718293a4b"},
		Text: terms,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	sent := srv.Sent()
	fmt.Println(len(rc.MessageIDs), "messages in", len(sent), "request")
	for _, m := range sent[0].Messages {
		fmt.Println(len(m.Text), strings.Count(m.Text, "\n\n"), "paragraph break inside")
	}
	// Output:
	// 3 messages in 1 request
	// 3960 1 paragraph break inside
	// 3960 1 paragraph break inside
	// 3960 1 paragraph break inside
}

// errors.Is maps LINE's answers onto the channel sentinels, so callers need
// not import this package to react to them.
func ExampleAPIError() {
	srv := linetest.NewServer(linetest.Config{})
	defer srv.Close()
	lc, _ := line.New(line.Config{
		ChannelAccessToken: srv.AccessToken(), ChannelSecret: srv.ChannelSecret(),
		BaseURL: srv.URL, DataBaseURL: srv.URL, Retry: channel.Retry{MaxAttempts: 1},
	})
	srv.Inject(linetest.Fault{Status: http.StatusTooManyRequests})
	_, err := lc.Send(context.Background(), &channel.Message{
		To:   channel.Address{Channel: channel.LINE, ID: "U4af4980629a1b2c3d4e5f60718293a4b"},
		Text: "Flash sale!",
	})
	var ae *line.APIError
	fmt.Println(errors.As(err, &ae), ae.StatusCode, errors.Is(err, channel.ErrRateLimited), channel.IsRetryable(err))
	// Output:
	// true 429 true true
}
