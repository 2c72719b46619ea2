package wechat_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"strings"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/wechat"
	"github.com/switchboard-go/switchboard/wechat/wechattest"
)

// Sending a customer-service message; the fake records what WeChat got.
func Example() {
	srv := wechattest.NewServer(wechattest.Config{})
	defer srv.Close()
	client, err := wechat.New(srv.Config())
	if err != nil {
		log.Fatal(err)
	}

	customer := channel.Address{Channel: channel.WeChat, ID: "oCustomer"}
	_, err = client.Send(context.Background(), &channel.Message{To: customer, Text: "您的包裹已发出"})
	if err != nil {
		log.Fatal(err)
	}
	sent := srv.Sent()[0]
	fmt.Println(sent.ToUser, sent.MsgType, sent.Text)
	fmt.Println("token fetches:", srv.TokenFetches())
	// Output:
	// oCustomer text 您的包裹已发出
	// token fetches: 1
}

// A webhook in safe mode answering with a passive reply: the fake encrypts
// the message, and verifies and decrypts the reply.
func ExampleClient_Webhook() {
	srv := wechattest.NewServer(wechattest.Config{SafeMode: true})
	defer srv.Close()
	client, err := wechat.New(srv.Config())
	if err != nil {
		log.Fatal(err)
	}

	bot := channel.HandlerFunc(func(ctx context.Context, e channel.Event) error {
		if e.Type == channel.EventMessage && strings.Contains(e.Message.Text, "包裹") {
			return wechat.Reply(ctx, "请发送您的订单号。")
		}
		return nil
	})
	webhook := client.Webhook(bot)

	d, err := srv.Deliver(webhook, srv.Text("oCustomer", "我的包裹在哪里？"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(d.Status, d.Reply.ToUserName, d.Reply.Content)

	d, _ = srv.Deliver(webhook, srv.Event("oCustomer", "CLICK", "TRACK_ORDER"))
	fmt.Println(d.Status, string(d.Body))
	// Output:
	// 200 oCustomer 请发送您的订单号。
	// 200 success
}

// Images go out by media id: upload first.
func ExampleClient_UploadMedia() {
	srv := wechattest.NewServer(wechattest.Config{})
	defer srv.Close()
	client, err := wechat.New(srv.Config())
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	up, err := client.UploadMedia(ctx, wechat.KindImage, "label.png", strings.NewReader("\x89PNG\r\n\x1a\n..."))
	if err != nil {
		log.Fatal(err)
	}
	customer := channel.Address{Channel: channel.WeChat, ID: "oCustomer"}
	_, err = client.Send(ctx, &channel.Message{To: customer, Media: &channel.Media{Type: channel.MediaImage, ID: up.MediaID}})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(srv.Uploads()[0].Type, srv.Sent()[0].MsgType, srv.Sent()[0].MediaID == up.MediaID)
	// Output:
	// image image true
}

// WeChat's errcodes answer errors.Is for the channel sentinels.
func ExampleAPIError() {
	srv := wechattest.NewServer(wechattest.Config{})
	defer srv.Close()
	client, err := wechat.New(srv.Config())
	if err != nil {
		log.Fatal(err)
	}

	srv.FailSends(wechat.CodeReplyTimeLimit) // the customer wrote more than 48 h ago
	customer := channel.Address{Channel: channel.WeChat, ID: "oCustomer"}
	_, err = client.Send(context.Background(), &channel.Message{To: customer, Text: "还在吗？"})

	var apiErr *wechat.APIError
	fmt.Println(errors.As(err, &apiErr), apiErr.Code)
	fmt.Println(errors.Is(err, channel.ErrWindowClosed), channel.IsRetryable(err))
	// Output:
	// true 45015
	// true false
}

// Two instances of a shop's backend share one access token through a
// TokenStore (here the in-memory one; in production Redis or SQL), so they
// fetch it once instead of invalidating each other's.
func ExampleTokenStore() {
	srv := wechattest.NewServer(wechattest.Config{})
	defer srv.Close()
	shared := wechat.NewMemoryTokenStore()

	customer := channel.Address{Channel: channel.WeChat, ID: "oCustomer"}
	for _, instance := range []string{"api-1", "api-2"} {
		cfg := srv.Config()
		cfg.TokenStore = shared
		client, err := wechat.New(cfg)
		if err != nil {
			log.Fatal(err)
		}
		if _, err := client.Send(context.Background(), &channel.Message{To: customer, Text: "hello from " + instance}); err != nil {
			log.Fatal(err)
		}
	}
	fmt.Println("messages:", len(srv.Sent()), "token fetches:", srv.TokenFetches())
	// Output:
	// messages: 2 token fetches: 1
}
