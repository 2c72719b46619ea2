// Package wechattest is a fake of the WeChat Official Account API for tests,
// in the spirit of net/http/httptest: NewServer starts an httptest server that
// speaks WeChat's wire protocol (access tokens, customer-service sends, typing,
// media upload), answers with WeChat's errcode JSON, and delivers signed —
// and, in safe mode, encrypted — webhooks to a handler, reading back the
// passive reply.
//
//	srv := wechattest.NewServer(wechattest.Config{SafeMode: true})
//	defer srv.Close()
//	client, _ := wechat.New(srv.Config())
//	d, _ := srv.Deliver(client.Webhook(h), srv.Text("oCustomer", "hello"))
//	// d.Reply is the decrypted passive reply, if h set one.
//
// The fake answers like WeChat (expired tokens get 42001, unknown ones 40001)
// and is stricter where that catches bugs: a token is refused as soon as a
// newer one was issued (WeChat keeps it about 5 minutes; Config.Grace
// restores that). FailSends injects any errcode (45015, 45047, 40001, -1, ...);
// Inject, in the Fault shape all four fakes share, adds 5xx, resets and slow
// answers on any path, before WeChat saw the request or after it recorded
// it (AfterAccept).
package wechattest
