// Package deliverytest holds no code: its tests run the four adapters'
// senders (whatsapp, messenger, line, wechat) against their fake platforms
// with faults injected before and after the platform recorded the message,
// and check the outbound promise: a send is never delivered twice, and a
// send the platform never saw is delivered once (by the adapter's own retry
// where that is certainly safe, else after the caller reconciles the
// channel.ErrDeliveryUnknown it was given).
package deliverytest
