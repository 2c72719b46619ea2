// Package channel is the contract every Switchboard adapter shares: normalized
// messages and events, the Sender and Handler interfaces, the errors callers
// act on, and the middlewares that sit between a shop's code and a platform.
//
// An adapter (whatsapp, messenger, line, wechat) turns platform webhooks into
// Events and sends Messages. Everything in this package is platform neutral,
// so the same bot code serves every channel:
//
//	send := channel.Chain(waClient,
//		channel.RateLimit(rate.Limit(80), 80, nil),
//		channel.PerRecipient(channel.RecipientLimitConfig{Every: 6 * time.Second, Burst: 2}),
//		windows.Middleware(),
//		channel.MediaLimit(channel.DefaultMediaLimits()),
//	)
//
// Errors are values: errors.Is(err, channel.ErrRateLimited) works on every
// adapter's *APIError whose platform code means throttling, and IsRetryable
// and RetryAfter answer for any error in the chain.
//
// Platforms cap the length of a text, each in its own unit: SplitText cuts a
// long text where a reader expects a break (paragraph, line, sentence, word,
// never inside a grapheme cluster), counting in CodePoints, UTF16Units or
// UTF8Bytes.
//
// Webhooks arrive at least once. Dedupe claims each event in a DedupeStore
// (in flight under a lease, then done) so that it is handled once; a
// redelivery that takes over the claim of an instance that stopped mid-way
// is marked (Delivery.TakenOver), and GuardTakeover in the send chain keeps
// its replies as unknown deliveries for the Outbox rather than sending them
// a second time.
//
// Time is injected wherever it matters (windows, quotas, dedupe TTLs) through
// a Clock, so tests move time instead of sleeping.
package channel
