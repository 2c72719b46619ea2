package messenger_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/messenger"
	"github.com/switchboard-go/switchboard/messenger/messengertest"
)

func ExampleClient_Send() {
	srv := messengertest.NewServer(messengertest.Config{})
	defer srv.Close()
	fb, err := messenger.New(srv.ClientConfig())
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	psid := channel.Address{Channel: channel.Messenger, ID: "6789012345678901"}

	_, err = fb.Send(ctx, &channel.Message{To: psid, Text: "How can we help?", Buttons: []channel.Button{
		{Title: "Track parcel", Payload: "TRACK"}, {Title: "Returns", Payload: "RETURNS"},
	}})
	fmt.Println("reply:", err)

	// A day later the window is closed: an untagged message fails...
	srv.CloseWindow(psid.ID)
	_, err = fb.Send(ctx, &channel.Message{To: psid, Text: "Still there?"})
	fmt.Println("window closed:", errors.Is(err, channel.ErrWindowClosed))
	// ...a post-purchase update may go with its tag...
	_, err = fb.Send(ctx, &channel.Message{To: psid, Text: "Order #1042 shipped", Tag: messenger.TagPostPurchaseUpdate})
	fmt.Println("tagged:", err)
	// ...and HUMAN_AGENT is refused for a bot.
	_, err = fb.Send(ctx, &channel.Message{To: psid, Text: "Hi!", Tag: messenger.TagHumanAgent})
	fmt.Println("bot as human agent:", errors.Is(err, channel.ErrInvalidMessage))

	for _, s := range srv.Sent() {
		fmt.Printf("%s %s %q %q\n", s.MessagingType, s.Tag, s.Text, s.QuickReplies)
	}
	// Output:
	// reply: <nil>
	// window closed: true
	// tagged: <nil>
	// bot as human agent: true
	// RESPONSE  "How can we help?" ["Track parcel" "Returns"]
	// MESSAGE_TAG POST_PURCHASE_UPDATE "Order #1042 shipped" []
}

func ExampleClient_Webhook() {
	srv := messengertest.NewServer(messengertest.Config{})
	defer srv.Close()
	fb, _ := messenger.New(srv.ClientConfig())

	hook := fb.Webhook(channel.HandlerFunc(func(ctx context.Context, e channel.Event) error {
		switch e.Type {
		case channel.EventMessage:
			fmt.Printf("message %q payload %q\n", e.Message.Text, e.Message.Payload)
		case channel.EventPostback:
			fmt.Printf("postback %q\n", e.Postback.Payload)
		}
		return nil
	}))
	ctx := context.Background()
	body, _ := srv.MessageWebhook(messengertest.Inbound{PSID: "6789012345678901", Text: "Track parcel", QuickReply: "TRACK"})
	status, _ := srv.Deliver(ctx, hook, body)
	fmt.Println("answered", status)
	_, _ = srv.Deliver(ctx, hook, body) // a redelivery is dropped
	_, _ = srv.Deliver(ctx, hook, srv.PostbackWebhook("6789012345678901", "Talk to an agent", "HANDOFF"))
	// Output:
	// message "Track parcel" payload "TRACK"
	// answered 200
	// postback "HANDOFF"
}
