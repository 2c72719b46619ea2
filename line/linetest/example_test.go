package linetest_test

import (
	"context"
	"fmt"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/line"
	"github.com/switchboard-go/switchboard/line/linetest"
)

// A test of a LINE bot against the fake: the fake signs and delivers a
// customer's message to the bot's webhook, the bot answers with the event's
// reply token, and the fake records the free reply.
func Example() {
	srv := linetest.NewServer(linetest.Config{})
	defer srv.Close()
	client, err := line.New(line.Config{
		ChannelAccessToken: srv.AccessToken(), ChannelSecret: srv.ChannelSecret(),
		BaseURL: srv.URL, DataBaseURL: srv.URL,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	bot := channel.HandlerFunc(func(ctx context.Context, e channel.Event) error {
		if e.Type != channel.EventMessage {
			return nil
		}
		_, err := client.Send(ctx, &channel.Message{To: e.From, ReplyToken: e.ReplyToken,
			Text: "Please send your order number."})
		return err
	})

	status := srv.ServeWebhook(client.Webhook(bot), srv.TextEvent("U4af4980629b0e6a2c1f3d5e7a9b1c3d5", "where is my parcel"))
	fmt.Println("webhook answered", status)
	for _, s := range srv.Sent() {
		fmt.Println(s.Kind, s.Messages[0].Text)
	}
	fmt.Println("quota used:", srv.Usage())
	// Output:
	// webhook answered 200
	// reply Please send your order number.
	// quota used: 0
}
