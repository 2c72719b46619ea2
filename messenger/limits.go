package messenger

import (
	"context"

	"golang.org/x/time/rate"

	"github.com/switchboard-go/switchboard/channel"
)

// Send API rate limits per Page (Messenger Platform "Rate limiting").
const (
	// TextRate is about how many calls per second a Page may make for text
	// and most messages.
	TextRate = 300
	// AudioVideoRate is how many audio or video attachments per second.
	AudioVideoRate = 10
)

// DefaultLimits returns the Send API's documented per-Page limits as a ready
// middleware: TextRate sends per second for everything, and AudioVideoRate
// per second more strictly for audio and video attachments. A send over the
// limit waits for its turn (up to its ctx deadline). clock (nil: time.Now)
// is for tests. Build it once per Page:
//
//	send := channel.Chain(client, messenger.DefaultLimits(nil))
//
// The middleware is safe for concurrent use.
func DefaultLimits(clock channel.Clock) channel.Middleware {
	all := channel.RateLimit(rate.Limit(TextRate), TextRate/10, clock)
	av := channel.RateLimit(rate.Limit(AudioVideoRate), 1, clock)
	return func(next channel.Sender) channel.Sender {
		avNext := av(next)
		split := channel.SenderFunc(func(ctx context.Context, m *channel.Message) (channel.Receipt, error) {
			if m != nil && m.Media != nil && (m.Media.Type == channel.MediaAudio || m.Media.Type == channel.MediaVideo) {
				return avNext.Send(ctx, m)
			}
			return next.Send(ctx, m)
		})
		return all(split)
	}
}
