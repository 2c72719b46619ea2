package wechattest_test

import (
	"context"
	"fmt"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/wechat"
	"github.com/switchboard-go/switchboard/wechat/wechattest"
)

// A test of a WeChat bot against the fake in safe mode: the fake encrypts,
// signs and delivers a follower's message; the bot answers once passively
// (in the HTTP answer, decrypted here by the fake) and once with a
// customer-service message the fake records.
func Example() {
	srv := wechattest.NewServer(wechattest.Config{SafeMode: true})
	defer srv.Close()
	client, err := wechat.New(srv.Config())
	if err != nil {
		fmt.Println(err)
		return
	}
	bot := channel.HandlerFunc(func(ctx context.Context, e channel.Event) error {
		if e.Type != channel.EventMessage {
			return nil
		}
		if err := wechat.Reply(ctx, "收到，正在为您查询。"); err != nil {
			return err
		}
		_, err := client.Send(ctx, &channel.Message{To: e.From, Text: "请发送您的订单号。"})
		return err
	})

	d, err := srv.Deliver(client.Webhook(bot), srv.Text("oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", "我的包裹到哪了"))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("webhook answered", d.Status, "with passive reply:", d.Reply.Content)
	for _, s := range srv.Sent() {
		fmt.Println("sent", s.MsgType, "to", s.ToUser+":", s.Text)
	}
	// Output:
	// webhook answered 200 with passive reply: 收到，正在为您查询。
	// sent text to oUpF8uMuAJO_M2pxb1Q9zNjWeS6o: 请发送您的订单号。
}
