package channel

import (
	"fmt"
	"strings"
	"time"
)

// Kind names a messaging platform.
type Kind string

// The platforms Switchboard speaks to.
const (
	WhatsApp  Kind = "whatsapp"
	Messenger Kind = "messenger"
	LINE      Kind = "line"
	WeChat    Kind = "wechat"
)

// Kinds lists every Kind this package knows, in a stable order.
func Kinds() []Kind { return []Kind{WhatsApp, Messenger, LINE, WeChat} }

// Valid reports whether k is one of the known platforms.
func (k Kind) Valid() bool {
	switch k {
	case WhatsApp, Messenger, LINE, WeChat:
		return true
	}
	return false
}

// Address is one customer (or one business endpoint) on one channel: a
// WhatsApp wa_id or business-scoped user id, a Messenger PSID, a LINE userId
// (or group/room id), a WeChat openid. Address is comparable and is used as a
// map key throughout the SDK.
type Address struct {
	Channel Kind
	ID      string
}

// String returns "channel:id", for logs and map keys. It does not mask the id;
// callers that log phone numbers should mask them first.
func (a Address) String() string { return string(a.Channel) + ":" + a.ID }

// IsZero reports whether a is the zero Address.
func (a Address) IsZero() bool { return a == Address{} }

// MediaType is the kind of a media attachment.
type MediaType string

// Media types shared by the platforms. Not every platform accepts every type;
// adapters answer ErrUnsupported for the ones they cannot send.
const (
	MediaImage    MediaType = "image"
	MediaAudio    MediaType = "audio"
	MediaVideo    MediaType = "video"
	MediaDocument MediaType = "document"
	MediaSticker  MediaType = "sticker"
)

// Media is an attachment: by URL (a link the platform fetches) or by ID (a
// media id the platform issued on upload or in a webhook). Size, when known,
// lets MediaLimit reject an oversize file before any network call.
type Media struct {
	Type     MediaType
	URL      string
	ID       string
	Filename string
	MIMEType string
	Size     int64
	Caption  string
	// PreviewURL is a thumbnail URL for platforms that require one (LINE).
	PreviewURL string
}

// Template is a platform-approved message template (WhatsApp message
// templates), the only kind of message allowed outside the customer-service
// window on channels that have one.
type Template struct {
	Name     string
	Language string
	// Params are positional body parameters ({{1}}, {{2}}, ...).
	Params []string
	// NamedParams are body parameters of templates created with named
	// placeholders ({{order_id}}). Use either Params or NamedParams.
	NamedParams map[string]string
}

// Button is a quick reply or list row offered to the customer. Payload comes
// back in the customer's answer (Message.Payload or a postback); when empty,
// adapters use Title.
type Button struct {
	Title       string
	Payload     string
	Description string
}

// Location is a shared geographic position.
type Location struct {
	Latitude  float64
	Longitude float64
	Name      string
	Address   string
}

// Contact is what the platform told us about the author of a message: the
// profile name and, where the platform reveals one, a phone number. WhatsApp
// may give a business-scoped user id with no phone at all.
type Contact struct {
	Name     string
	Phone    string // digits as the platform gives them (WhatsApp wa_id); may be empty
	ScopedID string // a business-scoped user id (WhatsApp user_id, WeChat unionid); may be empty
}

// Message is a normalized message, inbound or outbound.
//
// For sending, To and one of Text, Media, Template or Location are required; Buttons,
// ReplyToken, ReplyTo and Tag are optional refinements each adapter maps onto
// its platform. Inbound messages carry ID, From, To, Time and Raw as received.
type Message struct {
	ID       string
	From, To Address
	Time     time.Time

	Text     string
	Media    *Media
	Template *Template
	Buttons  []Button
	Location *Location

	// Payload is the machine-readable part of a button, quick-reply or list
	// answer (inbound).
	Payload string
	// Contact is the author's profile as the platform reported it (inbound).
	Contact *Contact

	// ReplyToken is LINE's single-use token for a free reply.
	ReplyToken string
	// ReplyTo is the platform id of the message this one answers or quotes.
	ReplyTo string
	// Tag is a platform message tag for sends outside the window (Messenger
	// POST_PURCHASE_UPDATE and friends). Leave empty inside the window.
	Tag string
	// NoPush asks adapters with a paid push fallback (LINE) not to use it.
	NoPush bool
	// Standby is true for an inbound message the bot may read but must not
	// answer: another channel owns the chat (LINE "mode":"standby").
	// Copied from Event.Standby; autoreply's Decide answers Quiet.
	Standby bool

	// Raw is the platform payload this message was parsed from (inbound).
	Raw []byte
}

// Validate reports whether m is something any adapter could try to send. It
// returns an error wrapping ErrInvalidMessage or ErrInvalidRecipient; it never
// panics, whatever m holds (including nil).
func (m *Message) Validate() error {
	if m == nil {
		return fmt.Errorf("%w: nil message", ErrInvalidMessage)
	}
	if !m.To.Channel.Valid() {
		return fmt.Errorf("%w: unknown channel kind %q", ErrInvalidRecipient, m.To.Channel)
	}
	if strings.TrimSpace(m.To.ID) == "" {
		return fmt.Errorf("%w: empty recipient id", ErrInvalidRecipient)
	}
	if m.Text == "" && m.Media == nil && m.Template == nil && m.Location == nil {
		return fmt.Errorf("%w: no text, media, template or location", ErrInvalidMessage)
	}
	if m.Media != nil && m.Media.URL == "" && m.Media.ID == "" {
		return fmt.Errorf("%w: media without URL or ID", ErrInvalidMessage)
	}
	if t := m.Template; t != nil {
		if t.Name == "" {
			return fmt.Errorf("%w: template without a name", ErrInvalidMessage)
		}
		for i, p := range t.Params {
			if strings.TrimSpace(p) == "" {
				return fmt.Errorf("%w: template %q parameter %d is empty", ErrInvalidMessage, t.Name, i+1)
			}
		}
		for k, p := range t.NamedParams {
			if strings.TrimSpace(p) == "" {
				return fmt.Errorf("%w: template %q parameter %q is empty", ErrInvalidMessage, t.Name, k)
			}
		}
	}
	for i, b := range m.Buttons {
		if strings.TrimSpace(b.Title) == "" {
			return fmt.Errorf("%w: button %d has no title", ErrInvalidMessage, i+1)
		}
	}
	return nil
}

// Receipt is what a platform answered to an accepted send.
type Receipt struct {
	// MessageID is the platform id of the (first) message sent.
	MessageID string
	// MessageIDs holds every id when one Send produced several platform
	// messages (a long text split in parts).
	MessageIDs []string
	Channel    Kind
	To         Address
	// Push is true when a LINE send went out as a (quota-counted) push.
	Push bool
}

// EventType says what happened.
type EventType string

// Event types. EventUnknown carries the raw payload of something the adapter
// does not model, so callers can still see it.
const (
	EventMessage  EventType = "message"
	EventStatus   EventType = "status"
	EventFollow   EventType = "follow"
	EventUnfollow EventType = "unfollow"
	EventPostback EventType = "postback"
	EventUnknown  EventType = "unknown"
)

// State is the delivery state of a sent message.
type State string

// Delivery states, in the order they normally happen.
const (
	StateSent      State = "sent"
	StateDelivered State = "delivered"
	StateRead      State = "read"
	StateFailed    State = "failed"
)

// Status reports what happened to a message the business sent.
type Status struct {
	MessageID string
	Recipient Address
	State     State
	Time      time.Time
	// Err is the platform's error when State is StateFailed; adapters map it
	// so errors.Is(Err, ErrWindowClosed) and friends work.
	Err error
}

// Postback is a button press that is not a message (Messenger postback, LINE
// postback, WeChat menu CLICK).
type Postback struct {
	Title   string
	Payload string
}

// Event is one thing a webhook reported. Channel and ID together identify it
// for deduplication: adapters set ID to the platform's message id, event id
// or a key derived from the payload, and leave it empty only when the platform
// gives nothing stable to dedupe on.
type Event struct {
	Type     EventType
	Channel  Kind
	ID       string
	From     Address
	To       Address
	Time     time.Time
	Message  *Message
	Status   *Status
	Postback *Postback
	// ReplyToken is LINE's reply token for follow and postback events.
	ReplyToken string
	// Redelivery is true when the platform says this is a retry (LINE).
	Redelivery bool
	// Standby is true when the platform delivered the event to a bot that
	// does not own the chat and must not send messages in it: LINE's
	// "mode":"standby" (another channel, such as a chat module, is active;
	// LINE documents that a bot in standby shouldn't send any messages).
	// The reply token, if any, must not be used. It is false for "active"
	// and on platforms without such a mode.
	Standby bool
	// Raw is the platform payload of this event.
	Raw []byte
}
