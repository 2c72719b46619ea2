package messenger

import (
	"context"
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/internal/redact"
)

// Limits of the Send API ("Send API reference", "Quick replies"); Send
// checks them before any network call.
const (
	MaxTextLength      = 2000     // message.text, UTF-8 characters
	MaxQuickReplies    = 13       // message.quick_replies
	MaxQuickReplyTitle = 20       // quick reply title
	MaxPayload         = 1000     // quick reply payload
	MaxAttachmentBytes = 25 << 20 // any attachment
)

// Messaging types (Send API "messaging_type").
const (
	MessagingResponse   = "RESPONSE"    // a reply within the 24 h window
	MessagingUpdate     = "UPDATE"      // a proactive message within the window
	MessagingMessageTag = "MESSAGE_TAG" // outside the window, with a tag
)

// Message tags allowed outside the 24 h window (Messenger Platform "Message
// Tags"). Put one in channel.Message.Tag.
const (
	TagConfirmedEventUpdate = "CONFIRMED_EVENT_UPDATE"
	TagPostPurchaseUpdate   = "POST_PURCHASE_UPDATE"
	TagAccountUpdate        = "ACCOUNT_UPDATE"
	// TagHumanAgent extends the window to 7 days for replies written by a
	// person. Meta's policy forbids it on automated replies, so Send refuses
	// it unless ctx carries WithHumanAgent.
	TagHumanAgent = "HUMAN_AGENT"
)

type humanKey struct{}

// WithHumanAgent marks ctx as carrying a message a person wrote (a support
// agent in your inbox), the only case Meta allows the HUMAN_AGENT tag. Never
// use it for a bot's reply.
func WithHumanAgent(ctx context.Context) context.Context {
	return context.WithValue(ctx, humanKey{}, true)
}

// IsHumanAgent reports whether ctx was marked by WithHumanAgent.
func IsHumanAgent(ctx context.Context) bool {
	v, _ := ctx.Value(humanKey{}).(bool)
	return v
}

type outbound struct {
	Recipient     recipient    `json:"recipient"`
	MessagingType string       `json:"messaging_type,omitempty"`
	Tag           string       `json:"tag,omitempty"`
	Message       *messageBody `json:"message,omitempty"`
	SenderAction  string       `json:"sender_action,omitempty"`
}

type recipient struct {
	ID string `json:"id"`
}

type messageBody struct {
	Text         string       `json:"text,omitempty"`
	Attachment   *attachment  `json:"attachment,omitempty"`
	QuickReplies []quickReply `json:"quick_replies,omitempty"`
}

type attachment struct {
	Type    string            `json:"type"`
	Payload attachmentPayload `json:"payload"`
}

type attachmentPayload struct {
	URL          string `json:"url,omitempty"`
	IsReusable   bool   `json:"is_reusable,omitempty"`
	AttachmentID string `json:"attachment_id,omitempty"`
}

type quickReply struct {
	ContentType string `json:"content_type"`
	Title       string `json:"title"`
	Payload     string `json:"payload"`
}

type sendResponse struct {
	RecipientID string `json:"recipient_id"`
	MessageID   string `json:"message_id"`
}

// attachmentType maps a channel media type onto a Send API attachment type.
func attachmentType(t channel.MediaType) (string, error) {
	switch t {
	case channel.MediaImage, channel.MediaAudio, channel.MediaVideo:
		return string(t), nil
	case channel.MediaDocument:
		return "file", nil
	}
	return "", fmt.Errorf("%w: Messenger has no %q attachments", channel.ErrUnsupported, t)
}

// Send sends m through the Send API (POST /me/messages) and implements
// channel.Sender. m.To.ID is the person's page-scoped id (PSID).
//
// Text, or Media (by URL, reusable, or by attachment id) go out; Buttons
// become quick replies. With no m.Tag the message is a RESPONSE, allowed
// within 24 h of the person's last message; with a Tag it is a MESSAGE_TAG
// send for outside the window. HUMAN_AGENT is refused (channel.ErrInvalidMessage)
// unless ctx carries WithHumanAgent: an automatic reply must never use it.
//
// Limits are checked before the network: errors wrap
// channel.ErrInvalidMessage (too long, too many quick replies, unknown tag),
// channel.ErrMediaTooLarge (over 25 MB), channel.ErrUnsupported (templates,
// locations, stickers, text and media together, media captions) or
// channel.ErrInvalidRecipient. The platform's refusals are *APIError.
//
// A send is retried only when Meta certainly did not take it (the
// connection was never made, HTTP 429, rate-limit codes 4, 613, 80007): the
// Send API has no idempotency key, so any other retry could deliver the
// message twice. An outcome that leaves delivery open (a 5xx, a reset or
// timeout after the request was written, codes 1 and 2) returns a
// *channel.DeliveryError (errors.Is(err, channel.ErrDeliveryUnknown)) that
// names the message and the attempt time, for the caller to reconcile.
func (c *Client) Send(ctx context.Context, m *channel.Message) (channel.Receipt, error) {
	if err := m.Validate(); err != nil {
		return channel.Receipt{}, err
	}
	if m.To.Channel != channel.Messenger {
		return channel.Receipt{}, fmt.Errorf("%w: %s address on a Messenger client", channel.ErrInvalidRecipient, m.To.Channel)
	}
	body, err := build(ctx, m)
	if err != nil {
		return channel.Receipt{}, err
	}
	var resp sendResponse
	if err := c.api.Send(ctx, m, c.base+"/me/messages", body, &resp); err != nil {
		return channel.Receipt{}, err
	}
	if resp.MessageID == "" { // accepted (2xx), but which message is unknown
		return channel.Receipt{}, &channel.DeliveryError{Channel: channel.Messenger, Message: m,
			Attempted: c.api.Clock.Now(), Attempts: 1, Err: errors.New("messenger: send answered no message id")}
	}
	return channel.Receipt{
		MessageID: resp.MessageID, MessageIDs: []string{resp.MessageID},
		Channel: channel.Messenger, To: m.To,
	}, nil
}

func build(ctx context.Context, m *channel.Message) (*outbound, error) {
	switch {
	case m.Template != nil:
		return nil, fmt.Errorf("%w: Messenger has no approved templates; use Tag outside the window", channel.ErrUnsupported)
	case m.Location != nil:
		return nil, fmt.Errorf("%w: Messenger cannot send a location", channel.ErrUnsupported)
	case !isPSID(m.To.ID):
		return nil, fmt.Errorf("%w: %s is not a page-scoped id", channel.ErrInvalidRecipient, redact.ID(m.To.ID))
	}
	out := &outbound{Recipient: recipient{ID: m.To.ID}, MessagingType: MessagingResponse, Message: &messageBody{}}
	if m.Tag != "" {
		switch m.Tag {
		case TagConfirmedEventUpdate, TagPostPurchaseUpdate, TagAccountUpdate:
		case TagHumanAgent:
			if !IsHumanAgent(ctx) {
				return nil, fmt.Errorf("%w: HUMAN_AGENT is only for replies a person wrote (mark ctx with messenger.WithHumanAgent)", channel.ErrInvalidMessage)
			}
		default:
			return nil, fmt.Errorf("%w: unknown message tag %q", channel.ErrInvalidMessage, m.Tag)
		}
		out.MessagingType, out.Tag = MessagingMessageTag, m.Tag
	}
	if m.Media != nil {
		if m.Text != "" || m.Media.Caption != "" {
			return nil, fmt.Errorf("%w: a Messenger message carries text or an attachment, not both", channel.ErrUnsupported)
		}
		typ, err := attachmentType(m.Media.Type)
		if err != nil {
			return nil, err
		}
		if m.Media.Size > MaxAttachmentBytes {
			return nil, fmt.Errorf("%w: %d bytes, Messenger accepts at most %d", channel.ErrMediaTooLarge, m.Media.Size, MaxAttachmentBytes)
		}
		a := &attachment{Type: typ}
		if m.Media.ID != "" {
			a.Payload.AttachmentID = m.Media.ID
		} else {
			a.Payload.URL, a.Payload.IsReusable = m.Media.URL, true
		}
		out.Message.Attachment = a
	} else {
		if n := utf8.RuneCountInString(m.Text); n > MaxTextLength {
			return nil, fmt.Errorf("%w: text is %d characters, more than %d", channel.ErrInvalidMessage, n, MaxTextLength)
		}
		out.Message.Text = m.Text
	}
	if len(m.Buttons) > MaxQuickReplies {
		return nil, fmt.Errorf("%w: %d quick replies, at most %d", channel.ErrInvalidMessage, len(m.Buttons), MaxQuickReplies)
	}
	for i, b := range m.Buttons {
		payload := b.Payload
		if payload == "" {
			payload = b.Title
		}
		if n := utf8.RuneCountInString(b.Title); n > MaxQuickReplyTitle {
			return nil, fmt.Errorf("%w: quick reply %d title is %d characters, more than %d", channel.ErrInvalidMessage, i+1, n, MaxQuickReplyTitle)
		}
		if n := utf8.RuneCountInString(payload); n > MaxPayload {
			return nil, fmt.Errorf("%w: quick reply %d payload is %d characters, more than %d", channel.ErrInvalidMessage, i+1, n, MaxPayload)
		}
		if b.Description != "" {
			return nil, fmt.Errorf("%w: Messenger quick replies have no description", channel.ErrUnsupported)
		}
		out.Message.QuickReplies = append(out.Message.QuickReplies, quickReply{ContentType: "text", Title: b.Title, Payload: payload})
	}
	return out, nil
}

// isPSID reports whether s looks like a page-scoped id: digits only.
func isPSID(s string) bool {
	if len(s) == 0 || len(s) > 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Action is a sender action: a typing indicator or a read receipt.
type Action string

// Sender actions (Send API "sender_action").
const (
	TypingOn  Action = "typing_on"
	TypingOff Action = "typing_off"
	MarkSeen  Action = "mark_seen"
)

// SenderAction shows the person a typing indicator or marks their last
// message seen. It goes in its own call, with the recipient and the action
// only, as the Send API requires.
func (c *Client) SenderAction(ctx context.Context, to channel.Address, a Action) error {
	switch a {
	case TypingOn, TypingOff, MarkSeen:
	default:
		return fmt.Errorf("%w: unknown sender action %q", channel.ErrInvalidMessage, a)
	}
	if to.Channel != channel.Messenger || !isPSID(to.ID) {
		return fmt.Errorf("%w: %s address %s is not a Messenger PSID", channel.ErrInvalidRecipient, to.Channel, redact.ID(to.ID))
	}
	return c.api.Call(ctx, "POST", c.base+"/me/messages", &outbound{Recipient: recipient{ID: to.ID}, SenderAction: string(a)}, nil)
}
