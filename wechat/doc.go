// Package wechat is the Switchboard adapter for WeChat Official Accounts
// (公众号): it sends customer-service messages (客服消息) and serves the
// account's webhook (服务器配置), in plaintext or safe mode (安全模式).
//
//	client, err := wechat.New(wechat.Config{
//		AppID:          "wx...",
//		AppSecret:      os.Getenv("WECHAT_APP_SECRET"),
//		Token:          os.Getenv("WECHAT_TOKEN"),
//		EncodingAESKey: os.Getenv("WECHAT_AES_KEY"), // safe mode
//		TokenStore:     redisTokenStore,                // shared by all instances
//	})
//	http.Handle("/wechat", client.Webhook(bot))
//	client.Send(ctx, &channel.Message{To: customer, Text: "您的包裹已发出"})
//
// # Access token
//
// Every API call carries the account's access token. WeChat keeps one
// current token per AppID and fetching a new one invalidates the old one
// (after a short grace), so the token is managed in one place:
//
//   - it is cached with its expiry and refreshed Config.RefreshMargin (5
//     minutes) before it expires, on the injected Clock;
//   - in one process any number of concurrent callers cause one fetch;
//   - across instances a TokenStore is shared: a lease lets one instance
//     fetch while the others wait for its token, and a compare-and-swap
//     Replace never overwrites a token another instance stored;
//   - when a call is refused with 40001, 40014 or 42001 the token it used is
//     replaced (only if it is still the current one), and the call retried
//     once with the new token;
//   - Config.StableToken uses /cgi-bin/stable_token, which WeChat
//     recommends: in its normal mode it hands back the current token instead
//     of invalidating it.
//
// # Sending
//
// Send maps a channel.Message onto text, image, voice, video, news-card and
// menu (msgmenu) messages; UploadMedia turns a file into the media id those
// need; Typing shows the typing indicator. Sends are allowed for 48 hours
// after the customer's last message (channel.NewWindows tracks that), and
// WeChat allows 5 messages per customer message within that time, 3 within
// a minute of a menu click, a follow or a QR scan. Errors come as HTTP 200
// with a non-zero errcode and are returned as *APIError, which
// errors.Is-matches channel.ErrWindowClosed (45015), channel.ErrRateLimited
// (45047, 45009, 45011, -1) and channel.ErrInvalidRecipient (40003).
//
// # Webhook
//
// Webhook verifies every request's signature in constant time, refuses
// stale timestamps (replays), decrypts safe-mode messages, parses the XML
// with encoding/xml (refusing DTDs, entities, other encodings and deep
// nesting), deduplicates WeChat's redeliveries (a retry that finds the first
// delivery still being handled waits up to Config.DedupeWait for its
// outcome) and calls the handler with a channel.Event. A handler answers
// passively with Reply:
//
//	func (b *Bot) HandleEvent(ctx context.Context, e channel.Event) error {
//		if e.Type == channel.EventMessage {
//			return wechat.Reply(ctx, "您好！请问有什么可以帮您？")
//		}
//		return nil
//	}
//
// WeChat waits 5 seconds for the answer and then redelivers. Work that takes
// longer belongs outside the request: return nil at once (WeChat gets
// "success"), do the work in the background and answer with Send:
//
//	func (b *Bot) HandleEvent(ctx context.Context, e channel.Event) error {
//		ctx = context.WithoutCancel(ctx) // outlives the request
//		go func() {
//			answer := b.lookUpParcel(ctx, e.Message.Text) // slow
//			b.client.Send(ctx, &channel.Message{To: e.From, Text: answer})
//		}()
//		return nil
//	}
//
// In plaintext mode WeChat's signature covers only the query (token,
// timestamp, nonce), not the body; safe mode is what authenticates the
// message itself. A Client with an EncodingAESKey therefore refuses
// plaintext requests.
//
// Package wechattest is a fake WeChat server to test all of this against.
package wechat
