// Package whatsapp is the Switchboard adapter for the WhatsApp Business
// Cloud API on Meta's Graph API.
//
// A Client sends channel.Messages (text, media by link or id, templates,
// reply buttons and lists, replies to a message), marks messages read,
// uploads and downloads media, and serves the webhook:
//
//	wa, err := whatsapp.New(whatsapp.Config{
//		AccessToken:   os.Getenv("WA_TOKEN"),
//		PhoneNumberID: "106540352242922",
//		AppSecret:     os.Getenv("META_APP_SECRET"),
//		VerifyToken:   os.Getenv("WA_VERIFY_TOKEN"),
//	})
//	http.Handle("/webhooks/whatsapp", wa.Webhook(bot))
//	send := channel.Chain(wa, whatsapp.DefaultLimits(nil))
//	_, err = send.Send(ctx, &channel.Message{To: customer, Text: "Your parcel left Shenzhen"})
//
// Limits are checked before any network call. Failures from Meta are
// *APIError; errors.Is maps them onto the channel sentinels
// (channel.ErrRateLimited, channel.ErrWindowClosed, ...). Retries use
// backoff and jitter, honour Retry-After and stop once ctx is done. A send
// has no idempotency key, so it is retried only when Meta certainly did not
// take it (a connection never made, 429, throttling codes in 400 bodies);
// an outcome that leaves delivery open (5xx, a reset or timeout after the
// request was written) is a *channel.DeliveryError (channel.ErrDeliveryUnknown),
// never retried. Lookups, uploads and mark-as-read also retry 5xx and
// connection errors; permanent errors are never retried.
//
// The webhook verifies X-Hub-Signature-256 on the raw body before parsing,
// refuses a body of more than Config.MaxEvents events (413), drops
// redeliveries of handled messages by message id, answers 503 to a
// redelivery of a message still being handled (or when the dedupe store is
// down) and 500 when the handler fails, so Meta delivers again: a message
// is never acknowledged unhandled. Config.Logger, when set, records every
// refusal and failure without secrets, phone numbers or message text.
//
// Package whatsapptest is a fake Cloud API for tests.
package whatsapp
