// Package messenger is the Switchboard adapter for the Messenger Platform
// (Facebook Page messaging) on Meta's Graph API.
//
// A Client sends channel.Messages through the Send API (text, attachments
// by URL or reusable attachment id, quick replies), with messaging_type
// RESPONSE inside the 24 h window and MESSAGE_TAG when the message carries
// a Tag; it sends sender actions (typing, mark seen), uploads reusable
// attachments, and serves the Page webhook:
//
//	fb, err := messenger.New(messenger.Config{
//		PageAccessToken: os.Getenv("FB_PAGE_TOKEN"),
//		AppSecret:       os.Getenv("META_APP_SECRET"),
//		VerifyToken:     os.Getenv("FB_VERIFY_TOKEN"),
//	})
//	http.Handle("/webhooks/messenger", fb.Webhook(bot))
//	send := channel.Chain(fb, messenger.DefaultLimits(nil))
//
// The HUMAN_AGENT tag is refused unless the context says a person wrote the
// message (WithHumanAgent): Meta forbids it on automated replies.
//
// Failures from Meta are *APIError; errors.Is maps them onto the channel
// sentinels. A send has no idempotency key, so it is retried only when Meta
// certainly did not take it (a connection never made, 429, rate-limit codes
// in 400 bodies), honouring Retry-After and never once ctx is done; an
// outcome that leaves delivery open (5xx, a reset or timeout after the
// request was written, codes 1 and 2) is a *channel.DeliveryError
// (channel.ErrDeliveryUnknown). Other calls also retry 5xx and connection
// errors; permanent errors are never retried.
//
// Package messengertest is a fake Send API for tests.
package messenger
