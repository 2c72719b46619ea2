package line

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"net/http"
	"time"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/internal/inbound"
)

// SignatureHeader carries the webhook signature: base64 of HMAC-SHA256 of the
// raw body keyed with the channel secret (Messaging API reference, "Signature
// validation").
const SignatureHeader = "X-Line-Signature"

// VerifySignature reports whether signature (the X-Line-Signature value) is
// the base64 HMAC-SHA256 of body under secret. The comparison is constant
// time. It is safe for concurrent use.
func VerifySignature(secret, body []byte, signature string) bool {
	return verify(hmac.New(sha256.New, secret), body, signature)
}

// verify checks signature with mac, a fresh or Reset HMAC-SHA256.
func verify(mac hash.Hash, body []byte, signature string) bool {
	const sigLen = (sha256.Size + 2) / 3 * 4 // 44: base64 of 32 bytes, padded
	if len(signature) != sigLen {
		return false
	}
	// Decode may write up to DecodedLen(44) = 33 bytes before it knows the
	// padding; the buffer leaves room for that.
	var got [sigLen / 4 * 3]byte
	n, err := base64.StdEncoding.Decode(got[:], []byte(signature))
	if err != nil || n != sha256.Size {
		return false
	}
	mac.Write(body)
	var want [sha256.Size]byte
	return hmac.Equal(got[:n], mac.Sum(want[:0]))
}

// VerifySignature reports whether signature is the X-Line-Signature of body
// under the channel secret, like the package-level VerifySignature but with
// a pooled HMAC. It is safe for concurrent use.
func (c *Client) VerifySignature(body []byte, signature string) bool {
	mac, _ := c.macs.Get().(hash.Hash)
	if mac == nil {
		mac = hmac.New(sha256.New, c.secret)
	}
	mac.Reset()
	ok := verify(mac, body, signature)
	c.macs.Put(mac)
	return ok
}

// Webhook returns the http.Handler to register as the channel's webhook URL.
// LINE has no handshake. For each POST it caps the body (413 over
// Config.MaxBodyBytes), checks X-Line-Signature with hmac.Equal before
// parsing anything (401 and h is not called when missing or wrong), parses the
// events (413 for more than Config.MaxEvents, 400 when the body is not LINE's
// JSON; h is not called), and hands each event to h through channel.Dedupe
// keyed on webhookEventId, so a redelivered event reaches h once. An empty
// events array (the console's "Verify" button) answers 200. When h fails for
// any event the answer is 500, so that LINE redelivers (when redelivery is
// enabled); events h handled are not handled again. A redelivery that arrives
// while the first delivery is still being handled, or a Config.Dedupe store
// that does not answer, gets 503 and h is not called for it: LINE redelivers
// later, so the event is never acknowledged unhandled. Other methods get 405.
// Every answer but 200 is logged to Config.Logger.
//
// Events in "mode":"standby" reach h with Event.Standby set: h must not
// answer them (LINE: a bot in standby shouldn't send any messages).
//
// The handler is safe for concurrent use if h is.
func (c *Client) Webhook(h channel.Handler) http.Handler {
	log := inbound.Log{Logger: c.logger, Channel: channel.LINE}
	dcfg := c.dedupe
	dcfg.OnError = log.DedupeError
	dh := channel.Dedupe(h, dcfg)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			log.Refused(ctx, w, http.StatusMethodNotAllowed, "method not allowed", nil)
			return
		}
		body, status, err := inbound.ReadBody(w, r, c.maxBody)
		if err != nil {
			log.Refused(ctx, w, status, "cannot read body", err)
			return
		}
		if !c.VerifySignature(body, r.Header.Get(SignatureHeader)) {
			log.Refused(ctx, w, http.StatusUnauthorized, "bad signature", nil)
			return
		}
		events, err := parseWebhook(body, c.maxEvents)
		switch {
		case errors.Is(err, ErrTooManyEvents):
			log.Refused(ctx, w, http.StatusRequestEntityTooLarge, "too many events", err)
			return
		case err != nil:
			log.Refused(ctx, w, http.StatusBadRequest, "bad webhook body", err)
			return
		}
		failed := 0
		for _, e := range events {
			if err := dh.HandleEvent(ctx, e); err != nil {
				st := inbound.Status(err)
				log.Failed(ctx, st, e, err)
				if failed == 0 || st == http.StatusInternalServerError {
					failed = st
				}
			}
		}
		if failed != 0 {
			http.Error(w, http.StatusText(failed), failed)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
}

// webhookBody is a webhook request body (Messaging API reference, "Webhook
// event objects").
type webhookBody struct {
	Destination string            `json:"destination"`
	Events      []json.RawMessage `json:"events"`
}

type webhookEvent struct {
	Type            string `json:"type"`
	Mode            string `json:"mode"`      // active, standby
	Timestamp       int64  `json:"timestamp"` // Unix milliseconds
	Source          source `json:"source"`
	WebhookEventID  string `json:"webhookEventId"`
	DeliveryContext struct {
		IsRedelivery bool `json:"isRedelivery"`
	} `json:"deliveryContext"`
	ReplyToken string        `json:"replyToken"`
	Message    *eventMessage `json:"message"`
	Postback   *struct {
		Data string `json:"data"`
	} `json:"postback"`
}

type source struct {
	Type    string `json:"type"` // user, group, room
	UserID  string `json:"userId"`
	GroupID string `json:"groupId"`
	RoomID  string `json:"roomId"`
}

type eventMessage struct {
	ID              string `json:"id"`
	Type            string `json:"type"`
	Text            string `json:"text"`
	QuotedMessageID string `json:"quotedMessageId"`
	ContentProvider struct {
		Type               string `json:"type"` // line, external
		OriginalContentURL string `json:"originalContentUrl"`
		PreviewImageURL    string `json:"previewImageUrl"`
	} `json:"contentProvider"`
	FileName  string  `json:"fileName"`
	FileSize  int64   `json:"fileSize"`
	Title     string  `json:"title"`
	Address   string  `json:"address"`
	Latitude  float64 `json:"latitude"`
	Longitude float64 `json:"longitude"`
	PackageID string  `json:"packageId"`
	StickerID string  `json:"stickerId"`
}

// ErrMalformedWebhook is wrapped by ParseWebhook's error for a body that is
// not LINE's webhook JSON.
var ErrMalformedWebhook = errors.New("line: malformed webhook body")

// ErrTooManyEvents is wrapped by ParseWebhook's error for a body holding
// more events than allowed (Webhook answers it 413). It is the same
// sentinel in every adapter.
var ErrTooManyEvents = inbound.ErrTooManyEvents

// DefaultMaxEvents is how many events a webhook body may hold when
// Config.MaxEvents is 0. LINE documents no bound; real deliveries carry a
// few events.
const DefaultMaxEvents = inbound.DefaultMaxEvents

// ParseWebhook turns a webhook body into events. It does not check the
// signature: call VerifySignature first (Webhook does). An empty events array
// gives no events and no error.
//
// Each event has Channel LINE, ID = webhookEventId, Time from the millisecond
// timestamp, ReplyToken, Redelivery = deliveryContext.isRedelivery, Standby
// = mode "standby" (also on Message.Standby), To = the bot (destination),
// Raw = the event's JSON, and From = the chat: the user id in a one-on-one
// chat, the group or room id in a group or room (the author's user id, when
// LINE gives it, is then in Message.Contact.ScopedID), so a reply or push to
// From answers where the customer wrote.
//
// Types: message (text, image, video, audio, file, location, sticker), follow,
// unfollow and postback are mapped; any other event type is EventUnknown with
// Raw set. Media of image, video, audio and file messages has ID = the
// message id (download it with Client.Content) or, for content from an
// external provider, URL and PreviewURL; a sticker's Media.ID is
// "packageId/stickerId".
//
// It decodes with encoding/json. Errors wrap ErrMalformedWebhook (not
// UTF-8 JSON of that shape) or ErrTooManyEvents (more than DefaultMaxEvents
// events, or 8 times as many JSON array elements: refused before decoding).
// It never panics and ends on any input.
func ParseWebhook(body []byte) ([]channel.Event, error) {
	return parseWebhook(body, DefaultMaxEvents)
}

// parseWebhook is ParseWebhook with at most maxEvents events (0: the
// default).
func parseWebhook(body []byte, maxEvents int) ([]channel.Event, error) {
	var wb webhookBody
	if err := inbound.DecodeJSON(body, maxEvents, &wb, "line", ErrMalformedWebhook); err != nil {
		return nil, err
	}
	if err := inbound.CheckEvents(len(wb.Events), maxEvents); err != nil {
		return nil, fmt.Errorf("line: %w", err)
	}
	if len(wb.Events) == 0 {
		return nil, nil
	}
	bot := channel.Address{Channel: channel.LINE, ID: wb.Destination}
	events := make([]channel.Event, len(wb.Events))
	for i, raw := range wb.Events {
		var we webhookEvent
		if err := json.Unmarshal(raw, &we); err != nil {
			return nil, fmt.Errorf("%w: event %d: %s", ErrMalformedWebhook, i, inbound.JSONErrorKind(err))
		}
		events[i] = toEvent(&we, bot, raw)
	}
	return events, nil
}

func toEvent(we *webhookEvent, bot channel.Address, raw []byte) channel.Event {
	e := channel.Event{
		Type:       channel.EventUnknown,
		Channel:    channel.LINE,
		ID:         we.WebhookEventID,
		To:         bot,
		ReplyToken: we.ReplyToken,
		Redelivery: we.DeliveryContext.IsRedelivery,
		Standby:    we.Mode == "standby",
		Raw:        raw,
	}
	if we.Timestamp > 0 {
		e.Time = time.UnixMilli(we.Timestamp).UTC()
	}
	chat := we.Source.UserID
	switch we.Source.Type {
	case "group":
		chat = we.Source.GroupID
	case "room":
		chat = we.Source.RoomID
	}
	if chat != "" {
		e.From = channel.Address{Channel: channel.LINE, ID: chat}
	}
	switch we.Type {
	case "message":
		if we.Message == nil {
			return e
		}
		e.Type = channel.EventMessage
		e.Message = toMessage(we, e, raw)
	case "follow":
		e.Type = channel.EventFollow
	case "unfollow":
		e.Type = channel.EventUnfollow
	case "postback":
		e.Type = channel.EventPostback
		if we.Postback != nil {
			e.Postback = &channel.Postback{Payload: we.Postback.Data}
		}
	}
	return e
}

func toMessage(we *webhookEvent, e channel.Event, raw []byte) *channel.Message {
	wm := we.Message
	m := &channel.Message{
		ID:         wm.ID,
		From:       e.From,
		To:         e.To,
		Time:       e.Time,
		ReplyToken: we.ReplyToken,
		ReplyTo:    wm.QuotedMessageID,
		Standby:    e.Standby,
		Raw:        raw,
	}
	if we.Source.Type != "user" && we.Source.UserID != "" {
		m.Contact = &channel.Contact{ScopedID: we.Source.UserID}
	}
	media := func(t channel.MediaType) *channel.Media {
		md := &channel.Media{Type: t, ID: wm.ID, Filename: wm.FileName, Size: wm.FileSize}
		if wm.ContentProvider.Type == "external" {
			md.URL = wm.ContentProvider.OriginalContentURL
			md.PreviewURL = wm.ContentProvider.PreviewImageURL
		}
		return md
	}
	switch wm.Type {
	case "text":
		m.Text = wm.Text
	case "image":
		m.Media = media(channel.MediaImage)
	case "video":
		m.Media = media(channel.MediaVideo)
	case "audio":
		m.Media = media(channel.MediaAudio)
	case "file":
		m.Media = media(channel.MediaDocument)
	case "location":
		m.Location = &channel.Location{Latitude: wm.Latitude, Longitude: wm.Longitude, Name: wm.Title, Address: wm.Address}
	case "sticker":
		m.Media = &channel.Media{Type: channel.MediaSticker, ID: wm.PackageID + "/" + wm.StickerID}
	}
	return m
}
