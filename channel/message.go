package channel

import (
	"fmt"
	"hash/maphash"
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
	// Channel is the platform the id belongs to.
	Channel Kind
	// ID is the platform's id of the customer or endpoint (see above); it
	// may be a phone number, so mask it before logging.
	ID string
}

// String returns "channel:id", for logs and map keys. It does not mask the id;
// callers that log phone numbers should mask them first.
func (a Address) String() string { return string(a.Channel) + ":" + a.ID }

// IsZero reports whether a is the zero Address.
func (a Address) IsZero() bool { return a == Address{} }

// addressKey is a keyed 64-bit hash of a, for maps that must not chase the
// id's string on every probe. The id is hashed in one call and the channel
// mixed in as a constant: cheaper than streaming both through maphash.Hash.
func addressKey(seed maphash.Seed, a Address) uint64 {
	h := maphash.String(seed, a.ID)
	switch a.Channel {
	case WhatsApp:
		return h ^ 0x9e3779b97f4a7c15
	case Messenger:
		return h ^ 0xbf58476d1ce4e5b9
	case LINE:
		return h ^ 0x94d049bb133111eb
	case WeChat:
		return h ^ 0xd6e8feb86659fd93
	}
	return h ^ maphash.String(seed, string(a.Channel))*0x2545f4914f6cdd1d
}

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
	// Type is the kind of attachment; it picks the platform's message type.
	Type MediaType
	// URL is a public https link the platform fetches; set URL or ID.
	URL string
	// ID is a media id the platform issued (upload or webhook); set URL or ID.
	ID string
	// Filename is shown to the customer for documents; may be empty.
	Filename string
	// MIMEType is the content type, such as "image/jpeg"; may be empty when
	// sending by URL.
	MIMEType string
	// Size is the file size in bytes, 0 when unknown; MediaLimit checks it.
	Size int64
	// Caption is text shown with the media, where the platform allows one.
	Caption string
	// PreviewURL is a thumbnail URL for platforms that require one (LINE).
	PreviewURL string
}

// Template is a platform-approved message template (WhatsApp message
// templates), the only kind of message allowed outside the customer-service
// window on channels that have one.
type Template struct {
	// Name is the template's name as approved by the platform.
	Name string
	// Language is the platform's language code of the approved
	// translation ("en_US", "pt_BR"), not a BCP 47 tag.
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
	// Title is the label the customer sees (platforms cap it: 20
	// characters on WhatsApp reply buttons).
	Title string
	// Payload is the id returned when the customer picks the button; empty
	// means Title.
	Payload string
	// Description is a second line under the title, for list rows only.
	Description string
}

// Location is a shared geographic position.
type Location struct {
	// Latitude and Longitude are WGS 84 degrees.
	Latitude, Longitude float64
	// Name is the place's name, such as a shop or pickup point; may be empty.
	Name string
	// Address is the place's postal address as one line; may be empty.
	Address string
}

// Contact is what the platform told us about the author of a message: the
// profile name and, where the platform reveals one, a phone number. WhatsApp
// may give a business-scoped user id with no phone at all.
type Contact struct {
	// Name is the profile name the customer chose; may be empty.
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
	// ID is the platform's message id: set on inbound messages, empty when
	// sending (the Receipt carries the new id).
	ID string
	// From is the author of an inbound message; To is the recipient of a
	// send (required) or the business endpoint an inbound message came to.
	From, To Address
	// Time is when the platform received an inbound message.
	Time time.Time

	// Text is the message text, or the body of a message with Buttons.
	// Platforms cap its length; SplitText cuts a long text into parts.
	Text string
	// Media is an attachment; its text goes in Media.Caption.
	Media *Media
	// Template is a platform-approved template, required outside the
	// customer-service window.
	Template *Template
	// Buttons are choices offered with Text; each adapter maps them onto
	// its platform (WhatsApp: up to 3 reply buttons, or a list of up to 10
	// rows) and rejects more than the platform takes.
	Buttons []Button
	// Location is a shared position.
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
	// Channel is the platform that accepted the send.
	Channel Kind
	// To is the recipient the message went to.
	To Address
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
	// MessageID is the platform id of the sent message (Receipt.MessageID).
	MessageID string
	// Recipient is the customer the message was sent to.
	Recipient Address
	// State is how far the message got.
	State State
	// Time is when the platform recorded the state.
	Time time.Time
	// Err is the platform's error when State is StateFailed; adapters map it
	// so errors.Is(Err, ErrWindowClosed) and friends work.
	Err error
}

// Postback is a button press that is not a message (Messenger postback, LINE
// postback, WeChat menu CLICK).
type Postback struct {
	// Title is the label of the pressed button, where the platform sends it.
	Title string
	// Payload is the button's payload (Button.Payload) or menu key.
	Payload string
}

// Event is one thing a webhook reported. Channel and ID together identify it
// for deduplication: adapters set ID to the platform's message id, event id
// or a key derived from the payload, and leave it empty only when the platform
// gives nothing stable to dedupe on.
type Event struct {
	// Type says which of Message, Status or Postback is set.
	Type EventType
	// Channel is the platform that sent the webhook.
	Channel Kind
	// ID identifies the event for deduplication (see above).
	ID string
	// From is the customer; To is the business endpoint (phone number id,
	// page, channel, official account).
	From, To Address
	// Time is when the platform says the event happened.
	Time time.Time
	// Message is set for EventMessage.
	Message *Message
	// Status is set for EventStatus.
	Status *Status
	// Postback is set for EventPostback.
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
