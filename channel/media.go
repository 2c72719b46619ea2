package channel

import (
	"context"
	"fmt"
)

// MediaLimits holds the largest media size in bytes each channel accepts per
// media type. A type absent for a channel is not checked here (the adapter
// decides whether it can send it at all).
type MediaLimits map[Kind]map[MediaType]int64

const mib = 1 << 20

// DefaultMediaLimits returns the platforms' documented limits:
//   - WhatsApp Cloud API: image 5 MB, audio and video 16 MB, document 100 MB,
//     sticker 500 KB (animated; static stickers are limited to 100 KB).
//   - Messenger: 25 MB for every attachment.
//   - LINE: image 10 MB, video and audio 200 MB.
//   - WeChat temporary media: image 10 MB, voice 2 MB, video 10 MB.
func DefaultMediaLimits() MediaLimits {
	return MediaLimits{
		WhatsApp: {MediaImage: 5 * mib, MediaAudio: 16 * mib, MediaVideo: 16 * mib,
			MediaDocument: 100 * mib, MediaSticker: 500 << 10},
		Messenger: {MediaImage: 25 * mib, MediaAudio: 25 * mib, MediaVideo: 25 * mib,
			MediaDocument: 25 * mib},
		LINE:   {MediaImage: 10 * mib, MediaVideo: 200 * mib, MediaAudio: 200 * mib},
		WeChat: {MediaImage: 10 * mib, MediaAudio: 2 * mib, MediaVideo: 10 * mib},
	}
}

// Check returns an error matching ErrMediaTooLarge, naming the limit, when m
// carries media of a known size above its channel's limit.
func (l MediaLimits) Check(m *Message) error {
	if m == nil || m.Media == nil || m.Media.Size <= 0 {
		return nil
	}
	limit, ok := l[m.To.Channel][m.Media.Type]
	if !ok || m.Media.Size <= limit {
		return nil
	}
	return fmt.Errorf("%w: %s %s of %d bytes exceeds the limit of %d bytes",
		ErrMediaTooLarge, m.To.Channel, m.Media.Type, m.Media.Size, limit)
}

// MediaLimit returns a Middleware that applies l.Check before sending.
func MediaLimit(l MediaLimits) Middleware {
	return func(next Sender) Sender {
		return SenderFunc(func(ctx context.Context, m *Message) (Receipt, error) {
			if err := l.Check(m); err != nil {
				return Receipt{}, err
			}
			return next.Send(ctx, m)
		})
	}
}
