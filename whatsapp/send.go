package whatsapp

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/internal/redact"
)

// Limits the Cloud API enforces ("Messages" reference); Send checks them
// before any network call.
const (
	MaxTextLength      = 4096 // text.body
	MaxCaptionLength   = 1024 // media caption, interactive body
	MaxReplyButtons    = 3    // interactive "button"
	MaxButtonTitle     = 20   // reply button title
	MaxButtonID        = 256  // reply button id
	MaxListRows        = 10   // interactive "list", all sections together
	MaxRowTitle        = 24
	MaxRowDescription  = 72
	MaxRowID           = 200
	maxListButton      = 20 // list action.button label
	MaxTemplateParam   = 32768
	maxConsecSpaces    = 4
	interactiveButton  = "button"
	interactiveList    = "list"
	messagingProduct   = "whatsapp"
	recipientIndividal = "individual"
)

// Media size limits (Cloud API "Supported media types").
const (
	MaxImageBytes    = 5 << 20
	MaxAudioBytes    = 16 << 20
	MaxVideoBytes    = 16 << 20
	MaxDocumentBytes = 100 << 20
	MaxStickerBytes  = 500 << 10 // animated; static stickers are limited to 100 KiB
)

// MaxMediaBytes returns the Cloud API size limit of a media type, or 0 for a
// type WhatsApp does not send.
func MaxMediaBytes(t channel.MediaType) int64 {
	switch t {
	case channel.MediaImage:
		return MaxImageBytes
	case channel.MediaAudio:
		return MaxAudioBytes
	case channel.MediaVideo:
		return MaxVideoBytes
	case channel.MediaDocument:
		return MaxDocumentBytes
	case channel.MediaSticker:
		return MaxStickerBytes
	}
	return 0
}

// outbound is the body of POST /{phone-number-id}/messages.
type outbound struct {
	MessagingProduct string        `json:"messaging_product"`
	RecipientType    string        `json:"recipient_type,omitempty"`
	To               string        `json:"to,omitempty"`
	Recipient        string        `json:"recipient,omitempty"` // business-scoped user id
	Context          *replyContext `json:"context,omitempty"`
	Type             string        `json:"type,omitempty"`
	Text             *textBody     `json:"text,omitempty"`
	visualMedia
	Audio       *mediaBody    `json:"audio,omitempty"`
	Sticker     *mediaBody    `json:"sticker,omitempty"`
	Template    *templateBody `json:"template,omitempty"`
	Interactive *interactive  `json:"interactive,omitempty"`

	// mark as read
	Status          string           `json:"status,omitempty"`
	MessageID       string           `json:"message_id,omitempty"`
	TypingIndicator *typingIndicator `json:"typing_indicator,omitempty"`
}

type replyContext struct {
	MessageID string `json:"message_id"`
}

type textBody struct {
	Body       string `json:"body"`
	PreviewURL bool   `json:"preview_url,omitempty"`
}

type mediaBody struct {
	ID       string `json:"id,omitempty"`
	Link     string `json:"link,omitempty"`
	Caption  string `json:"caption,omitempty"`
	Filename string `json:"filename,omitempty"`
}

// visualMedia holds the image, video or document object of a message, an
// interactive header or a template header parameter: the Cloud API names
// the field after the media type.
type visualMedia struct {
	Image    *mediaBody `json:"image,omitempty"`
	Video    *mediaBody `json:"video,omitempty"`
	Document *mediaBody `json:"document,omitempty"`
}

// set puts b in the field of media type t and reports whether t is an
// image, video or document.
func (v *visualMedia) set(t channel.MediaType, b *mediaBody) bool {
	switch t {
	case channel.MediaImage:
		v.Image = b
	case channel.MediaVideo:
		v.Video = b
	case channel.MediaDocument:
		v.Document = b
	default:
		return false
	}
	return true
}

type interactive struct {
	Type   string            `json:"type"`
	Header *interactiveHead  `json:"header,omitempty"`
	Body   textOnly          `json:"body"`
	Action interactiveAction `json:"action"`
}

type interactiveHead struct {
	Type string `json:"type"`
	visualMedia
}

type textOnly struct {
	Text string `json:"text"`
}

type interactiveAction struct {
	Button   string        `json:"button,omitempty"`
	Buttons  []replyButton `json:"buttons,omitempty"`
	Sections []listSection `json:"sections,omitempty"`
}

type replyButton struct {
	Type  string     `json:"type"`
	Reply buttonText `json:"reply"`
}

type buttonText struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}

type listSection struct {
	Title string    `json:"title,omitempty"`
	Rows  []listRow `json:"rows"`
}

type listRow struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
}

type typingIndicator struct {
	Type string `json:"type"`
}

type sendResponse struct {
	Contacts []struct {
		Input  string `json:"input"`
		WaID   string `json:"wa_id"`
		UserID string `json:"user_id"`
	} `json:"contacts"`
	Messages []struct {
		ID string `json:"id"`
	} `json:"messages"`
}

// Send sends m through the Cloud API and implements channel.Sender.
//
// What goes out depends on m: a Template (the only kind allowed outside the
// 24 h window; Media, when set, becomes the template's header) wins over
// everything else; Buttons make an interactive message with Text as its body
// (1 to 3 buttons without descriptions: reply buttons; up to 10, or any
// with a description: a list) and an image, video or document Media as its
// header; otherwise Media makes a media message with its caption, and Text a
// text message (with a link preview when it holds a URL). ReplyTo quotes an
// earlier message. m.To.ID is a phone number (wa_id, with or without "+") or
// a business-scoped user id such as "US.13491208655302741918".
//
// Every documented limit is checked before the network: errors wrap
// channel.ErrInvalidMessage (too long, too many buttons, template
// parameters Meta rejects), channel.ErrMediaTooLarge, channel.ErrUnsupported
// (Location, a message tag, a sticker with a caption, an audio header) or
// channel.ErrInvalidRecipient. The platform's refusals are *APIError.
//
// A send is retried only when Meta certainly did not take it (the
// connection was never made, HTTP 429, a throttling code): WhatsApp has no
// idempotency key, so any other retry could deliver the message twice. An
// outcome that leaves delivery open (a 5xx, a reset or timeout after the
// request was written, codes 1, 2, 131000, 131016) returns a
// *channel.DeliveryError: errors.Is(err, channel.ErrDeliveryUnknown) holds
// and the error names the message and the attempt time, for the caller to
// reconcile (a status webhook for the message will say if it went out).
func (c *Client) Send(ctx context.Context, m *channel.Message) (channel.Receipt, error) {
	if err := m.Validate(); err != nil {
		return channel.Receipt{}, err
	}
	if m.To.Channel != channel.WhatsApp {
		return channel.Receipt{}, fmt.Errorf("%w: %s address on a WhatsApp client", channel.ErrInvalidRecipient, m.To.Channel)
	}
	body, err := c.build(m)
	if err != nil {
		return channel.Receipt{}, err
	}
	var resp sendResponse
	if err := c.api.Send(ctx, m, c.base+"/"+c.cfg.PhoneNumberID+"/messages", body, &resp); err != nil {
		return channel.Receipt{}, err
	}
	r := channel.Receipt{Channel: channel.WhatsApp, To: m.To}
	for _, msg := range resp.Messages {
		r.MessageIDs = append(r.MessageIDs, msg.ID)
	}
	if len(r.MessageIDs) == 0 { // accepted (2xx), but which message is unknown
		return channel.Receipt{}, &channel.DeliveryError{Channel: channel.WhatsApp, Message: m,
			Attempted: c.cfg.Clock.Now(), Attempts: 1, Err: errors.New("whatsapp: send answered no message id")}
	}
	r.MessageID = r.MessageIDs[0]
	return r, nil
}

// build turns m into the request body, checking every limit.
func (c *Client) build(m *channel.Message) (*outbound, error) {
	if m.Location != nil {
		return nil, fmt.Errorf("%w: whatsapp adapter does not send locations", channel.ErrUnsupported)
	}
	if m.Tag != "" {
		return nil, fmt.Errorf("%w: WhatsApp has no message tags; send a Template outside the window", channel.ErrUnsupported)
	}
	out := &outbound{MessagingProduct: messagingProduct, RecipientType: recipientIndividal}
	if err := setRecipient(out, m.To.ID); err != nil {
		return nil, err
	}
	if m.ReplyTo != "" {
		out.Context = &replyContext{MessageID: m.ReplyTo}
	}
	var err error
	switch {
	case m.Template != nil:
		out.Type = "template"
		out.Template, err = buildTemplate(m.Template, m.Media)
	case len(m.Buttons) > 0:
		out.Type = "interactive"
		out.Interactive, err = c.buildInteractive(m)
	case m.Media != nil:
		err = setMedia(out, m.Media)
		if err == nil && m.Text != "" {
			err = fmt.Errorf("%w: WhatsApp media carries Media.Caption, not Message.Text", channel.ErrUnsupported)
		}
	default:
		if n := utf8.RuneCountInString(m.Text); n > MaxTextLength {
			return nil, fmt.Errorf("%w: text is %d characters, more than %d", channel.ErrInvalidMessage, n, MaxTextLength)
		}
		out.Type = "text"
		out.Text = &textBody{Body: m.Text, PreviewURL: hasURL(m.Text)}
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// setRecipient puts a phone number in "to" and a business-scoped user id
// ("CC.digits") in "recipient", as the Messages API takes them since BSUIDs.
func setRecipient(out *outbound, id string) error {
	id = strings.TrimSpace(id)
	if isPhone(id) {
		out.To = id
		return nil
	}
	if isBSUID(id) {
		out.Recipient = id
		return nil
	}
	return fmt.Errorf("%w: %s is neither a phone number nor a business-scoped user id", channel.ErrInvalidRecipient, redact.ID(id))
}

func isPhone(s string) bool {
	s = strings.TrimPrefix(s, "+")
	if len(s) < 5 || len(s) > 20 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// isBSUID accepts "US.13491208655302741918" and parent ids "US.ENT.1181…":
// two upper-case letters, a dot, then up to 128 alphanumerics and dots.
func isBSUID(s string) bool {
	if len(s) < 4 || len(s) > 140 || s[2] != '.' || !isUpper(s[0]) || !isUpper(s[1]) {
		return false
	}
	for i := 3; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '.') {
			return false
		}
	}
	return true
}

func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }

func hasURL(s string) bool {
	return strings.Contains(s, "https://") || strings.Contains(s, "http://")
}

// mediaObject checks a channel.Media against the Cloud API's rules and
// returns its JSON object.
func mediaObject(md *channel.Media) (*mediaBody, error) {
	limit := MaxMediaBytes(md.Type)
	if limit == 0 {
		return nil, fmt.Errorf("%w: media type %q", channel.ErrUnsupported, md.Type)
	}
	if md.Size > limit {
		return nil, fmt.Errorf("%w: %s of %d bytes, WhatsApp accepts at most %d", channel.ErrMediaTooLarge, md.Type, md.Size, limit)
	}
	if md.Type == channel.MediaImage && md.MIMEType != "" && md.MIMEType != "image/jpeg" && md.MIMEType != "image/png" {
		return nil, fmt.Errorf("%w: image type %q (WhatsApp takes image/jpeg and image/png)", channel.ErrUnsupported, md.MIMEType)
	}
	b := &mediaBody{ID: md.ID}
	if md.ID == "" {
		b.Link = md.URL
	}
	if md.Caption != "" {
		switch md.Type {
		case channel.MediaImage, channel.MediaVideo, channel.MediaDocument:
		default:
			return nil, fmt.Errorf("%w: WhatsApp %s messages have no caption", channel.ErrUnsupported, md.Type)
		}
		if n := utf8.RuneCountInString(md.Caption); n > MaxCaptionLength {
			return nil, fmt.Errorf("%w: caption is %d characters, more than %d", channel.ErrInvalidMessage, n, MaxCaptionLength)
		}
		b.Caption = md.Caption
	}
	if md.Type == channel.MediaDocument {
		b.Filename = md.Filename
	}
	return b, nil
}

func setMedia(out *outbound, md *channel.Media) error {
	b, err := mediaObject(md)
	if err != nil {
		return err
	}
	out.Type = string(md.Type)
	switch {
	case out.set(md.Type, b):
	case md.Type == channel.MediaAudio:
		out.Audio = b
	case md.Type == channel.MediaSticker:
		out.Sticker = b
	}
	return nil
}

// buildInteractive makes reply buttons (at most 3, no descriptions) or a
// list (at most 10 rows) from m.Buttons, with m.Text as the body.
func (c *Client) buildInteractive(m *channel.Message) (*interactive, error) {
	if m.Text == "" {
		return nil, fmt.Errorf("%w: an interactive message needs Text as its body", channel.ErrInvalidMessage)
	}
	if n := utf8.RuneCountInString(m.Text); n > MaxCaptionLength {
		return nil, fmt.Errorf("%w: interactive body is %d characters, more than %d", channel.ErrInvalidMessage, n, MaxCaptionLength)
	}
	if len(m.Buttons) > MaxListRows {
		return nil, fmt.Errorf("%w: %d buttons, WhatsApp lists hold at most %d rows", channel.ErrInvalidMessage, len(m.Buttons), MaxListRows)
	}
	it := &interactive{Body: textOnly{Text: m.Text}}
	if m.Media != nil {
		h, err := header(m.Media)
		if err != nil {
			return nil, err
		}
		it.Header = h
	}
	list := len(m.Buttons) > MaxReplyButtons
	for _, b := range m.Buttons {
		list = list || b.Description != ""
	}
	seen := make(map[string]bool, len(m.Buttons))
	if !list {
		it.Type = interactiveButton
		for i, b := range m.Buttons {
			id := cmp.Or(b.Payload, b.Title)
			if err := checkLen("button", i, b.Title, MaxButtonTitle, id, MaxButtonID, seen); err != nil {
				return nil, err
			}
			it.Action.Buttons = append(it.Action.Buttons, replyButton{Type: "reply", Reply: buttonText{ID: id, Title: b.Title}})
		}
		return it, nil
	}
	if it.Header != nil && it.Header.Type != "text" {
		return nil, fmt.Errorf("%w: WhatsApp list messages take no media header", channel.ErrUnsupported)
	}
	it.Type = interactiveList
	it.Action.Button = c.listBtn
	rows := make([]listRow, 0, len(m.Buttons))
	for i, b := range m.Buttons {
		id := cmp.Or(b.Payload, b.Title)
		if err := checkLen("list row", i, b.Title, MaxRowTitle, id, MaxRowID, seen); err != nil {
			return nil, err
		}
		if n := utf8.RuneCountInString(b.Description); n > MaxRowDescription {
			return nil, fmt.Errorf("%w: list row %d description is %d characters, more than %d", channel.ErrInvalidMessage, i+1, n, MaxRowDescription)
		}
		rows = append(rows, listRow{ID: id, Title: b.Title, Description: b.Description})
	}
	it.Action.Sections = []listSection{{Rows: rows}}
	return it, nil
}

func checkLen(what string, i int, title string, maxTitle int, id string, maxID int, seen map[string]bool) error {
	if n := utf8.RuneCountInString(title); n > maxTitle {
		return fmt.Errorf("%w: %s %d title is %d characters, more than %d", channel.ErrInvalidMessage, what, i+1, n, maxTitle)
	}
	if n := utf8.RuneCountInString(id); n > maxID {
		return fmt.Errorf("%w: %s %d payload is %d characters, more than %d", channel.ErrInvalidMessage, what, i+1, n, maxID)
	}
	if seen[id] {
		return fmt.Errorf("%w: %s %d repeats payload %q (ids must be unique)", channel.ErrInvalidMessage, what, i+1, id)
	}
	seen[id] = true
	return nil
}

func header(md *channel.Media) (*interactiveHead, error) {
	b, err := mediaObject(md)
	if err != nil {
		return nil, err
	}
	b.Caption = "" // headers have no caption
	h := &interactiveHead{Type: string(md.Type)}
	if !h.set(md.Type, b) {
		return nil, fmt.Errorf("%w: WhatsApp interactive headers take an image, video or document, not %s", channel.ErrUnsupported, md.Type)
	}
	return h, nil
}

// MarkRead marks an inbound message (and every earlier one in the chat) as
// read: the customer sees blue ticks. Errors are *APIError or transport
// errors.
func (c *Client) MarkRead(ctx context.Context, messageID string) error {
	return c.markRead(ctx, messageID, false)
}

// ShowTyping marks messageID as read and shows the customer a typing
// indicator for up to 25 s or until the next message is sent.
func (c *Client) ShowTyping(ctx context.Context, messageID string) error {
	return c.markRead(ctx, messageID, true)
}

func (c *Client) markRead(ctx context.Context, messageID string, typing bool) error {
	if strings.TrimSpace(messageID) == "" {
		return fmt.Errorf("%w: empty message id", channel.ErrInvalidMessage)
	}
	body := &outbound{MessagingProduct: messagingProduct, Status: "read", MessageID: messageID}
	if typing {
		body.TypingIndicator = &typingIndicator{Type: "text"}
	}
	return c.call(ctx, "POST", c.base+"/"+c.cfg.PhoneNumberID+"/messages", body, nil)
}
