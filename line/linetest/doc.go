// Package linetest is a fake LINE Messaging API for tests, in the manner of
// net/http/httptest: NewServer starts it on loopback, and a line.Client
// pointed at Server.URL (both BaseURL and DataBaseURL) talks to it as to LINE.
//
//	srv := linetest.NewServer(linetest.Config{})
//	defer srv.Close()
//	lc, _ := line.New(line.Config{
//		ChannelAccessToken: srv.AccessToken(),
//		ChannelSecret:      srv.ChannelSecret(),
//		BaseURL:            srv.URL,
//		DataBaseURL:        srv.URL,
//	})
//	status := srv.ServeWebhook(lc.Webhook(h), srv.TextEvent(userID, "where is my parcel?"))
//
// The server accepts what LINE accepts and refuses the rest with LINE's
// status codes and error bodies: the bearer token (401), message shapes and
// limits (400 "The request body has N error(s)" with details), at most 5
// messages per request, reply tokens that are single use and expire after
// Config.ReplyTokenTTL on Config.Clock (400 "Invalid reply token"), push
// targets (400 "Failed to send messages" for a forgotten user), the monthly
// quota (429), and X-Line-Retry-Key: only on push, multicast, narrowcast and
// broadcast, and 409 for a key already accepted. Faults (429 with
// Retry-After, 5xx, resets, slow answers, before or after the request was
// processed) are injected with Inject, in the Fault shape all four fakes
// share. Every request is recorded (Requests) and every
// accepted send too (Sent).
//
// Webhooks: TextEvent, ImageEvent, FollowEvent, UnfollowEvent and
// PostbackEvent build events and issue the reply tokens the server will
// accept; ServeWebhook (in process), Deliver (over HTTP) and WebhookBody sign
// them with the channel secret.
package linetest
