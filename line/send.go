package line

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/internal/transport"
)

// Limits of the Messaging API (Messaging API reference: "Message objects",
// "Quick reply", "Send push message", "Send multicast message"). LINE counts
// characters in UTF-16 code units: an emoji outside the BMP counts two (FAQ
// "How are characters counted in a text message?").
const (
	MaxTextLength          = 5000 // characters of a text message
	MaxMessagesPerRequest  = 5    // message objects in one reply, push, multicast or broadcast
	MaxQuickReplyItems     = 13   // quick reply buttons
	MaxMulticastRecipients = 500  // user ids in one multicast
	maxActionLabel         = 20   // characters of a quick reply label
	maxActionData          = 300  // characters of a postback data or message action text
	maxURLLength           = 2000 // characters of a content URL
)

// message is a LINE message object.
type message struct {
	Type               string      `json:"type"`
	Text               string      `json:"text,omitempty"`
	OriginalContentURL string      `json:"originalContentUrl,omitempty"`
	PreviewImageURL    string      `json:"previewImageUrl,omitempty"`
	Title              string      `json:"title,omitempty"`
	Address            string      `json:"address,omitempty"`
	Latitude           *float64    `json:"latitude,omitempty"`
	Longitude          *float64    `json:"longitude,omitempty"`
	QuickReply         *quickReply `json:"quickReply,omitempty"`
}

type quickReply struct {
	Items []quickReplyItem `json:"items"`
}

type quickReplyItem struct {
	Type   string `json:"type"` // always "action"
	Action action `json:"action"`
}

type action struct {
	Type        string `json:"type"` // "message" or "postback"
	Label       string `json:"label"`
	Text        string `json:"text,omitempty"`
	Data        string `json:"data,omitempty"`
	DisplayText string `json:"displayText,omitempty"`
}

type replyBody struct {
	ReplyToken string    `json:"replyToken"`
	Messages   []message `json:"messages"`
}

type pushBody struct {
	To       string    `json:"to"`
	Messages []message `json:"messages"`
}

type multicastBody struct {
	To       []string  `json:"to"`
	Messages []message `json:"messages"`
}

type broadcastBody struct {
	Messages []message `json:"messages"`
}

type sendResponse struct {
	SentMessages []struct {
		ID string `json:"id"`
	} `json:"sentMessages"`
}

// Send sends m to m.To (a user, group or room id).
//
// With a ReplyToken the message goes out as a reply, which is free. Without
// one, or when LINE answers that the token is invalid, used or expired, it
// goes out as a push, which counts against the monthly quota; Message.NoPush
// forbids that (ErrPushNotAllowed). A reply whose attempt ended unknown (a
// 5xx, a timeout) is retried with the same token, which cannot deliver
// twice; if the retry then meets "Invalid reply token" the first attempt
// may have used it, so Send does not push (a *channel.DeliveryError,
// errors.Is ErrDeliveryUnknown).
//
// Text longer than 5,000 UTF-16 units is split (paragraphs, lines,
// sentences, words; never inside a surrogate pair or a grapheme cluster) and
// sent 5 message objects per request; a reply carries the first 5 and the
// rest are pushed. Image and video go by https URL (Media.URL) with a preview
// (Media.PreviewURL; for an image the URL itself when empty); a caption
// follows as text. Buttons become quick replies (at most 13) on the last
// message. Every push carries its own X-Line-Retry-Key, reused on its
// retries; a 409 after a retry means the first attempt was accepted.
//
// Send returns the ids of every message LINE created in Receipt.MessageIDs
// (none for a batch confirmed only by a 409). When a later request fails, the
// Receipt lists what was sent before it, beside the error.
//
// Message.ReplyTo (LINE quotes by quote token, not message id) and Tag
// (Messenger only) are ignored.
//
// Errors: m.Validate's; channel.ErrUnsupported for templates, audio,
// documents, stickers and media by id; channel.ErrInvalidMessage for a
// non-https URL, a video without preview, more than 13 buttons or a label
// over 20 characters; *APIError for LINE's answers.
func (c *Client) Send(ctx context.Context, m *channel.Message) (channel.Receipt, error) {
	if err := m.Validate(); err != nil {
		return channel.Receipt{}, err
	}
	if m.To.Channel != channel.LINE {
		return channel.Receipt{}, fmt.Errorf("%w: %s address sent to LINE", channel.ErrInvalidRecipient, m.To.Channel)
	}
	msgs, err := buildMessages(m)
	if err != nil {
		return channel.Receipt{}, err
	}
	batches := batch(msgs)
	rc := channel.Receipt{Channel: channel.LINE, To: m.To}
	rest := batches
	switch {
	case m.ReplyToken != "" && m.NoPush && len(batches) > 1:
		return rc, fmt.Errorf("%w: %d message objects need %d requests and a reply carries %d",
			ErrPushNotAllowed, len(msgs), len(batches), MaxMessagesPerRequest)
	case m.ReplyToken != "":
		ids, tries, err := c.reply(ctx, m, batches[0])
		switch {
		case err == nil:
			rc.MessageIDs = append(rc.MessageIDs, ids...)
			rest = batches[1:]
		case !errors.Is(err, ErrInvalidReplyToken):
			return rc, err
		case tries.Uncertain():
			// An earlier attempt may have used the token and been delivered.
			return rc, tries.DeliveryError(channel.LINE, m, err)
		case m.NoPush:
			return rc, fmt.Errorf("%w: %w", ErrPushNotAllowed, err)
		}
	case m.NoPush:
		return rc, fmt.Errorf("%w: no reply token", ErrPushNotAllowed)
	}
	for _, b := range rest {
		ids, err := c.push(ctx, m, b)
		if err != nil {
			return receipt(rc), err
		}
		rc.Push = true
		rc.MessageIDs = append(rc.MessageIDs, ids...)
	}
	return receipt(rc), nil
}

func receipt(rc channel.Receipt) channel.Receipt {
	if len(rc.MessageIDs) > 0 {
		rc.MessageID = rc.MessageIDs[0]
	}
	return rc
}

// reply sends one batch with a reply token. Replies carry no retry key (LINE
// answers 400 to one on an endpoint that does not support it) but are
// retried: the token being single use, a repeat cannot deliver twice.
func (c *Client) reply(ctx context.Context, m *channel.Message, msgs []message) ([]string, *transport.Attempts, error) {
	var out sendResponse
	tries, err := c.doJSON(ctx, request{
		method: http.MethodPost,
		url:    c.base + "/v2/bot/message/reply",
		body:   replyBody{ReplyToken: m.ReplyToken, Messages: msgs},
		retry:  true,
		msg:    m,
	}, &out)
	if err != nil {
		return nil, tries, err
	}
	return sentIDs(out), tries, nil
}

// push sends one batch as a push with a fresh retry key.
func (c *Client) push(ctx context.Context, m *channel.Message, msgs []message) ([]string, error) {
	var out sendResponse
	err := c.sendWithKey(ctx, m, "/v2/bot/message/push", pushBody{To: m.To.ID, Messages: msgs}, &out)
	if err != nil {
		return nil, err
	}
	return sentIDs(out), nil
}

// sendWithKey posts body with a new X-Line-Retry-Key, the same on every retry
// of this call. A 409 on a retry that follows an attempt whose outcome was
// unknown means that attempt was accepted (Messaging API, "Retrying a failed
// API request": "the request has already been accepted") and is success;
// out is then left empty. When attempts run out on unknown outcomes, the
// error is a *channel.DeliveryError: the caller may repeat the whole send
// (a new key) only after checking the customer did not get it.
func (c *Client) sendWithKey(ctx context.Context, m *channel.Message, path string, body, out any) error {
	tries, err := c.doJSON(ctx, request{
		method:   http.MethodPost,
		url:      c.base + path,
		body:     body,
		retryKey: newRetryKey(),
		retry:    true,
		msg:      m,
	}, out)
	var ae *APIError
	if err != nil && tries.Retried() && tries.Uncertain() && errors.As(err, &ae) && ae.StatusCode == http.StatusConflict {
		return nil
	}
	return err
}

func sentIDs(r sendResponse) []string {
	ids := make([]string, 0, len(r.SentMessages))
	for _, s := range r.SentMessages {
		ids = append(ids, s.ID)
	}
	return ids
}

// Multicast sends m to any number of user ids, 500 per request (and 5
// message objects per request). Each request carries its own retry key.
// m.To and m.ReplyToken are ignored. Multicast counts one message per
// recipient against the quota.
//
// Errors: as Send's for the content; channel.ErrInvalidRecipient for an empty
// list; *APIError for LINE's answers. Requests before a failing one were
// sent.
func (c *Client) Multicast(ctx context.Context, userIDs []string, m *channel.Message) error {
	if len(userIDs) == 0 {
		return fmt.Errorf("%w: no user ids", channel.ErrInvalidRecipient)
	}
	msgs, err := contentOf(m)
	if err != nil {
		return err
	}
	for start := 0; start < len(userIDs); start += MaxMulticastRecipients {
		to := userIDs[start:min(start+MaxMulticastRecipients, len(userIDs))]
		for _, b := range batch(msgs) {
			if err := c.sendWithKey(ctx, m, "/v2/bot/message/multicast", multicastBody{To: to, Messages: b}, nil); err != nil {
				return err
			}
		}
	}
	return nil
}

// Broadcast sends m to every user who follows the LINE Official Account, 5
// message objects per request, each request with its own retry key. m.To and
// m.ReplyToken are ignored. Errors: as Multicast's.
func (c *Client) Broadcast(ctx context.Context, m *channel.Message) error {
	msgs, err := contentOf(m)
	if err != nil {
		return err
	}
	for _, b := range batch(msgs) {
		if err := c.sendWithKey(ctx, m, "/v2/bot/message/broadcast", broadcastBody{Messages: b}, nil); err != nil {
			return err
		}
	}
	return nil
}

// contentOf validates and builds a message whose recipient is not m.To.
func contentOf(m *channel.Message) ([]message, error) {
	if m == nil {
		return nil, fmt.Errorf("%w: nil message", channel.ErrInvalidMessage)
	}
	cp := *m
	cp.To = channel.Address{Channel: channel.LINE, ID: "-"}
	if err := cp.Validate(); err != nil {
		return nil, err
	}
	return buildMessages(&cp)
}

// batch cuts msgs into requests of at most MaxMessagesPerRequest.
func batch(msgs []message) [][]message {
	var out [][]message
	for len(msgs) > MaxMessagesPerRequest {
		out = append(out, msgs[:MaxMessagesPerRequest:MaxMessagesPerRequest])
		msgs = msgs[MaxMessagesPerRequest:]
	}
	return append(out, msgs)
}

// buildMessages maps a validated m onto LINE message objects: the text parts,
// the media, its caption parts, the location; quick replies on the last.
func buildMessages(m *channel.Message) ([]message, error) {
	if m.Template != nil {
		return nil, fmt.Errorf("%w: LINE has no message templates", channel.ErrUnsupported)
	}
	var msgs []message
	msgs = appendText(msgs, m.Text)
	if md := m.Media; md != nil {
		mm, err := mediaMessage(md)
		if err != nil {
			return nil, err
		}
		msgs = append(msgs, mm)
		msgs = appendText(msgs, md.Caption)
	}
	if l := m.Location; l != nil {
		msgs = append(msgs, locationMessage(l))
	}
	if len(msgs) == 0 {
		return nil, fmt.Errorf("%w: nothing but whitespace to send", channel.ErrInvalidMessage)
	}
	if len(m.Buttons) > 0 {
		qr, err := quickReplies(m.Buttons)
		if err != nil {
			return nil, err
		}
		msgs[len(msgs)-1].QuickReply = qr
	}
	return msgs, nil
}

func appendText(msgs []message, text string) []message {
	for _, p := range channel.SplitText(text, MaxTextLength, channel.UTF16Units) {
		msgs = append(msgs, message{Type: "text", Text: p})
	}
	return msgs
}

func mediaMessage(md *channel.Media) (message, error) {
	if md.URL == "" {
		return message{}, fmt.Errorf("%w: LINE sends media by URL, not by id", channel.ErrUnsupported)
	}
	switch md.Type {
	case channel.MediaImage, channel.MediaVideo:
	default:
		return message{}, fmt.Errorf("%w: LINE adapter sends image and video media, not %q", channel.ErrUnsupported, md.Type)
	}
	preview := md.PreviewURL
	if preview == "" {
		if md.Type == channel.MediaVideo {
			return message{}, fmt.Errorf("%w: a LINE video needs Media.PreviewURL", channel.ErrInvalidMessage)
		}
		preview = md.URL
	}
	for _, u := range []string{md.URL, preview} {
		if err := checkContentURL(u); err != nil {
			return message{}, err
		}
	}
	return message{Type: string(md.Type), OriginalContentURL: md.URL, PreviewImageURL: preview}, nil
}

// checkContentURL enforces LINE's rule for content URLs: https, at most 2000
// characters.
func checkContentURL(u string) error {
	p, err := url.Parse(u)
	if err != nil || p.Scheme != "https" || p.Host == "" {
		return fmt.Errorf("%w: LINE media URLs must be absolute https URLs", channel.ErrInvalidMessage)
	}
	if len(u) > maxURLLength {
		return fmt.Errorf("%w: media URL longer than %d characters", channel.ErrInvalidMessage, maxURLLength)
	}
	return nil
}

func locationMessage(l *channel.Location) message {
	lat, lon := l.Latitude, l.Longitude
	title, addr := l.Name, l.Address
	if title == "" {
		title = "Location"
	}
	if addr == "" {
		addr = strconv.FormatFloat(lat, 'f', 6, 64) + "," + strconv.FormatFloat(lon, 'f', 6, 64)
	}
	return message{Type: "location", Title: title, Address: addr, Latitude: &lat, Longitude: &lon}
}

func quickReplies(buttons []channel.Button) (*quickReply, error) {
	if len(buttons) > MaxQuickReplyItems {
		return nil, fmt.Errorf("%w: %d buttons, LINE allows %d quick replies", channel.ErrInvalidMessage, len(buttons), MaxQuickReplyItems)
	}
	qr := &quickReply{Items: make([]quickReplyItem, 0, len(buttons))}
	for i, b := range buttons {
		if channel.TextLen(b.Title, channel.UTF16Units) > maxActionLabel {
			return nil, fmt.Errorf("%w: button %d title longer than %d characters", channel.ErrInvalidMessage, i+1, maxActionLabel)
		}
		a := action{Type: "message", Label: b.Title, Text: b.Title}
		if b.Payload != "" {
			if channel.TextLen(b.Payload, channel.UTF16Units) > maxActionData {
				return nil, fmt.Errorf("%w: button %d payload longer than %d characters", channel.ErrInvalidMessage, i+1, maxActionData)
			}
			a = action{Type: "postback", Label: b.Title, Data: b.Payload, DisplayText: b.Title}
		}
		qr.Items = append(qr.Items, quickReplyItem{Type: "action", Action: a})
	}
	return qr, nil
}
