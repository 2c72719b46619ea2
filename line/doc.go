// Package line is the LINE Messaging API adapter: a channel.Sender that
// replies for free with a webhook's reply token and falls back to a
// (quota-counted) push, and the webhook http.Handler that verifies LINE's
// signature and turns events into channel.Events.
//
//	lc, err := line.New(line.Config{
//		ChannelAccessToken: os.Getenv("LINE_CHANNEL_ACCESS_TOKEN"),
//		ChannelSecret:      os.Getenv("LINE_CHANNEL_SECRET"),
//	})
//	http.Handle("/webhooks/line", lc.Webhook(channel.HandlerFunc(
//		func(ctx context.Context, e channel.Event) error {
//			if e.Type != channel.EventMessage || e.Standby {
//				return nil // standby: another channel owns the chat
//			}
//			_, err := lc.Send(ctx, &channel.Message{To: e.From, ReplyToken: e.ReplyToken, Text: "Thanks!"})
//			return err
//		})))
//
// # Sending
//
// Send replies when Message.ReplyToken is set and pushes otherwise, or when
// LINE answers that the token is invalid or expired (decided on the status
// and LINE's documented error message, see MessageInvalidReplyToken);
// Message.NoPush forbids the push. Text over 5,000 characters (UTF-16 units,
// as LINE counts) is split on paragraph, line, sentence and word boundaries,
// never inside a surrogate pair or a grapheme cluster, 5 message objects per
// request. Image and video go by https URL with a preview; Buttons become
// quick replies. Multicast, Broadcast, StartLoading, Quota, QuotaConsumption
// and Content cover the rest of a shop bot's needs.
//
// # Retries
//
// Requests are retried (connection errors, 5xx, and 429 unless the monthly
// quota is used up; with backoff honouring Retry-After) only when a repeat
// cannot reach the customer twice. Pushes, multicasts and broadcasts carry an
// X-Line-Retry-Key, one UUID per request and the same on its retries, and
// LINE answers 409 to a repeat of an accepted key, which Send counts as
// success. Replies are retried because a reply token is single use. Other
// calls are retried only when they certainly did not reach LINE (the
// connection was never made, 429): *APIError says whether the caller may
// (channel.IsRetryable, channel.RetryAfter). When a send's attempts run out
// on outcomes that leave delivery open (5xx, timeouts, resets), the error is
// a *channel.DeliveryError (errors.Is channel.ErrDeliveryUnknown).
//
// # Errors
//
// LINE's answers are *APIError (status, message, details, x-line-request-id,
// Retry-After). errors.Is maps them: 429 → channel.ErrRateLimited, 401 →
// channel.ErrUnauthorized, an unknown or malformed recipient →
// channel.ErrInvalidRecipient, an invalid reply token → ErrInvalidReplyToken.
//
// # Testing
//
// Package linetest is a fake of the Messaging API on httptest that accepts
// what LINE accepts, and signs and delivers webhooks.
package line
