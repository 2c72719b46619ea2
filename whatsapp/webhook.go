package whatsapp

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/internal/inbound"
	"github.com/switchboard-go/switchboard/internal/meta"
)

// webhookBody is the documented shape of a Cloud API webhook delivery:
// entries, each with changes, each with a value holding messages, statuses
// and the contacts who wrote them.
type webhookBody struct {
	Object string  `json:"object"`
	Entry  []entry `json:"entry"`
}

type entry struct {
	Changes []change `json:"changes"`
}

type change struct {
	Field string      `json:"field"`
	Value changeValue `json:"value"`
}

type changeValue struct {
	Metadata struct {
		PhoneNumberID string `json:"phone_number_id"`
	} `json:"metadata"`
	Contacts []inContact `json:"contacts"`
	Messages []inMessage `json:"messages"`
	Statuses []inStatus  `json:"statuses"`
}

type inContact struct {
	Profile struct {
		Name string `json:"name"`
	} `json:"profile"`
	WaID   string `json:"wa_id"`
	UserID string `json:"user_id"`
}

type inMessage struct {
	From        string                 `json:"from"`
	FromUserID  string                 `json:"from_user_id"`
	ID          string                 `json:"id"`
	Timestamp   string                 `json:"timestamp"`
	Type        string                 `json:"type"`
	Context     *inContext             `json:"context"`
	Text        *struct{ Body string } `json:"text"`
	Image       *inMedia               `json:"image"`
	Audio       *inMedia               `json:"audio"`
	Video       *inMedia               `json:"video"`
	Document    *inMedia               `json:"document"`
	Sticker     *inMedia               `json:"sticker"`
	Interactive *inInteractive         `json:"interactive"`
	Button      *inButton              `json:"button"`
	Location    *struct {
		Latitude  float64 `json:"latitude"`
		Longitude float64 `json:"longitude"`
		Name      string  `json:"name"`
		Address   string  `json:"address"`
	} `json:"location"`
}

type inContext struct {
	From string `json:"from"`
	ID   string `json:"id"`
}

type inMedia struct {
	ID       string `json:"id"`
	MIMEType string `json:"mime_type"`
	Caption  string `json:"caption"`
	Filename string `json:"filename"`
}

type inInteractive struct {
	Type        string   `json:"type"`
	ButtonReply *inReply `json:"button_reply"`
	ListReply   *inReply `json:"list_reply"`
}

type inReply struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Description string `json:"description"`
}

type inButton struct {
	Payload string `json:"payload"`
	Text    string `json:"text"`
}

type inStatus struct {
	ID              string `json:"id"`
	Status          string `json:"status"`
	Timestamp       string `json:"timestamp"`
	RecipientID     string `json:"recipient_id"`
	RecipientUserID string `json:"recipient_user_id"`
	Errors          []struct {
		Code      int    `json:"code"`
		Title     string `json:"title"`
		Message   string `json:"message"`
		ErrorData struct {
			Details string `json:"details"`
		} `json:"error_data"`
	} `json:"errors"`
}

// ErrMalformedWebhook is returned by ParseWebhook for a body that is not a
// Cloud API webhook payload (invalid JSON, or JSON of another shape).
var ErrMalformedWebhook = errors.New("whatsapp: malformed webhook payload")

// ErrTooManyEvents is wrapped by ParseWebhook's error for a body holding
// more events than allowed (Webhook answers it 413). It is the same
// sentinel in every adapter.
var ErrTooManyEvents = inbound.ErrTooManyEvents

// DefaultMaxEvents is how many events a webhook body may hold when
// Config.MaxEvents is 0 (Meta batches at most 1,000 updates per delivery).
const DefaultMaxEvents = inbound.DefaultMaxEvents

// ParseWebhook turns a Cloud API webhook body into events, without checking
// its signature (Webhook does that first). Every message and status of every
// change of every entry becomes one event, in order:
//
//   - a message: EventMessage with Event.ID the wamid, Text (text body, or
//     the title of an interactive/button reply with its id in Payload),
//     Media (with the id to download), Location, ReplyTo (context), and the
//     author's Contact (profile name, the phone number when wa_id is one,
//     business-scoped user_id; the address is the wa_id, or the user_id
//     when the phone is withheld). A wa_id that is not digits (a
//     business-scoped id such as "US.1349…") is never put in Contact.Phone.
//     A message with no sender at all (neither from nor from_user_id) is
//     EventUnknown: nobody could be answered;
//   - a status: EventStatus with Event.ID "wamid:status", so each state is
//     handled once, and Status.Err an *APIError for a failed one;
//   - any other message type, status or change field: EventUnknown carrying
//     the raw payload. smb_message_echoes (the business's own messages from
//     the app) are skipped.
//
// Event.Raw (and Message.Raw) is the whole delivery body, shared and not
// copied; an unknown message or status carries its own JSON object instead.
//
// It returns ErrMalformedWebhook for a body that is not such a payload, an
// error wrapping ErrTooManyEvents for one with more than DefaultMaxEvents
// events (or 8 times as many JSON array elements: it is refused before it
// is decoded), and never panics.
func ParseWebhook(body []byte) ([]channel.Event, error) {
	return parseWebhook(body, DefaultMaxEvents)
}

// parseWebhook is ParseWebhook with at most maxEvents events (0: the
// default).
func parseWebhook(body []byte, maxEvents int) ([]channel.Event, error) {
	var p webhookBody
	if err := inbound.DecodeJSON(body, maxEvents, &p, "whatsapp", ErrMalformedWebhook); err != nil {
		return nil, err
	}
	events := normalize(p, body)
	if err := inbound.CheckEvents(len(events), maxEvents); err != nil {
		return nil, fmt.Errorf("whatsapp: %w", err)
	}
	return events, nil
}

// normalize turns a decoded delivery into events.
func normalize(p webhookBody, body []byte) []channel.Event {
	if p.Object != "whatsapp_business_account" {
		return []channel.Event{{Type: channel.EventUnknown, Channel: channel.WhatsApp, Raw: body}}
	}
	n := 0
	for i := range p.Entry {
		for j := range p.Entry[i].Changes {
			v := &p.Entry[i].Changes[j].Value
			n += len(v.Messages) + len(v.Statuses)
		}
	}
	events := make([]channel.Event, 0, n)
	for i := range p.Entry {
		for j := range p.Entry[i].Changes {
			ch := &p.Entry[i].Changes[j]
			switch ch.Field {
			case "messages":
				events = appendValue(events, &ch.Value, body)
			case "smb_message_echoes":
			default:
				events = append(events, channel.Event{Type: channel.EventUnknown, Channel: channel.WhatsApp, Raw: body})
			}
		}
	}
	return events
}

func appendValue(events []channel.Event, v *changeValue, body []byte) []channel.Event {
	business := channel.Address{Channel: channel.WhatsApp, ID: v.Metadata.PhoneNumberID}
	for k := range v.Messages {
		events = append(events, messageEvent(&v.Messages[k], v.Contacts, business, body))
	}
	for k := range v.Statuses {
		events = append(events, statusEvent(&v.Statuses[k], business, body))
	}
	if len(v.Messages) == 0 && len(v.Statuses) == 0 {
		events = append(events, channel.Event{Type: channel.EventUnknown, Channel: channel.WhatsApp, To: business, Raw: body})
	}
	return events
}

func unixSeconds(s string) time.Time {
	sec, err := strconv.ParseInt(s, 10, 64)
	if err != nil || sec <= 0 {
		return time.Time{}
	}
	return time.Unix(sec, 0).UTC()
}

func messageEvent(im *inMessage, contacts []inContact, business channel.Address, body []byte) channel.Event {
	from := channel.Address{Channel: channel.WhatsApp, ID: cmp.Or(im.From, im.FromUserID)}
	t := unixSeconds(im.Timestamp)
	e := channel.Event{
		Type: channel.EventMessage, Channel: channel.WhatsApp, ID: im.ID,
		From: from, To: business, Time: t, Raw: body,
	}
	if from.ID == "" {
		// No sender: nobody to answer, so no answerable message.
		e.Type = channel.EventUnknown
		e.From = channel.Address{}
		e.Raw = rawItem(body, "messages", im.ID)
		return e
	}
	m := &channel.Message{ID: im.ID, From: from, To: business, Time: t, Raw: body}
	if c := findContact(contacts, im); c != nil {
		m.Contact = contact(c.Profile.Name, c.WaID, c.UserID)
	} else {
		m.Contact = contact("", im.From, im.FromUserID)
	}
	if im.Context != nil {
		m.ReplyTo = im.Context.ID
	}
	known := true
	switch im.Type {
	case "text":
		if im.Text != nil {
			m.Text = im.Text.Body
		}
	case "image":
		m.Media = media(channel.MediaImage, im.Image)
	case "audio":
		m.Media = media(channel.MediaAudio, im.Audio)
	case "video":
		m.Media = media(channel.MediaVideo, im.Video)
	case "document":
		m.Media = media(channel.MediaDocument, im.Document)
	case "sticker":
		m.Media = media(channel.MediaSticker, im.Sticker)
	case "button":
		if im.Button != nil {
			m.Text, m.Payload = im.Button.Text, im.Button.Payload
		}
	case "interactive":
		switch it := im.Interactive; {
		case it != nil && it.ButtonReply != nil:
			m.Text, m.Payload = it.ButtonReply.Title, it.ButtonReply.ID
		case it != nil && it.ListReply != nil:
			m.Text, m.Payload = it.ListReply.Title, it.ListReply.ID
		default:
			known = false
		}
	case "location":
		if l := im.Location; l != nil {
			m.Location = &channel.Location{Latitude: l.Latitude, Longitude: l.Longitude, Name: l.Name, Address: l.Address}
		}
	default:
		known = false
	}
	if !known {
		e.Type = channel.EventUnknown
		e.Raw = rawItem(body, "messages", im.ID)
		return e
	}
	e.Message = m
	return e
}

// contact is the author's Contact: waID goes into Phone only when it is a
// phone number (digits); a business-scoped id found there ("US.1349…")
// goes into ScopedID when that is empty.
func contact(name, waID, userID string) *channel.Contact {
	c := &channel.Contact{Name: name, ScopedID: userID}
	switch {
	case isDigits(waID):
		c.Phone = waID
	case c.ScopedID == "":
		c.ScopedID = waID
	}
	return c
}

// findContact returns the contact who wrote im: the one with its wa_id or
// user_id, else the only one.
func findContact(contacts []inContact, im *inMessage) *inContact {
	for i := range contacts {
		c := &contacts[i]
		if (im.From != "" && c.WaID == im.From) || (im.FromUserID != "" && c.UserID == im.FromUserID) {
			return c
		}
	}
	if len(contacts) == 1 {
		return &contacts[0]
	}
	return nil
}

func media(t channel.MediaType, im *inMedia) *channel.Media {
	if im == nil {
		return &channel.Media{Type: t}
	}
	return &channel.Media{Type: t, ID: im.ID, MIMEType: im.MIMEType, Caption: im.Caption, Filename: im.Filename}
}

func statusEvent(s *inStatus, business channel.Address, body []byte) channel.Event {
	to := channel.Address{Channel: channel.WhatsApp, ID: cmp.Or(s.RecipientID, s.RecipientUserID)}
	t := unixSeconds(s.Timestamp)
	e := channel.Event{
		Type: channel.EventStatus, Channel: channel.WhatsApp, ID: s.ID + ":" + s.Status,
		From: business, To: to, Time: t, Raw: body,
	}
	st := &channel.Status{MessageID: s.ID, Recipient: to, Time: t}
	switch s.Status {
	case "sent":
		st.State = channel.StateSent
	case "delivered":
		st.State = channel.StateDelivered
	case "read":
		st.State = channel.StateRead
	case "failed":
		st.State = channel.StateFailed
		st.Err = &APIError{Message: "message failed"}
		if len(s.Errors) > 0 {
			x := s.Errors[0]
			st.Err = &APIError{Code: x.Code, Message: cmp.Or(x.Message, x.Title), Details: x.ErrorData.Details}
		}
	default:
		e.Type = channel.EventUnknown
		e.Raw = rawItem(body, "statuses", s.ID)
		return e
	}
	e.Status = st
	return e
}

// Webhook returns the http.Handler to register as the app's webhook URL.
//
// GET answers Meta's verification handshake (200 with hub.challenge when
// hub.verify_token is Config.VerifyToken, else 403). POST reads the body
// through a cap of Config.MaxBodyBytes (413 over it), checks
// X-Hub-Signature-256 against Config.AppSecret on the raw bytes before
// parsing (missing or wrong: 401, h is not called), parses it (more than
// Config.MaxEvents events: 413; malformed: 400; h is not called) and passes
// every event to h through channel.Dedupe keyed on the event id, so a
// redelivered message reaches h once. When h returns an error the handler
// stops, answers 500 so Meta redelivers, and the events handled before are
// not handled again; the failed one is. A redelivery that arrives while the
// first delivery is still being handled, or a Config.Dedupe store that does
// not answer, gets 503 and h is not called: Meta redelivers later, so the
// event is never acknowledged unhandled. Other methods get 405. With an
// empty Config.AppSecret every POST fails closed with 401. Every answer but
// 200 is logged to Config.Logger. The handler is safe for concurrent use.
func (c *Client) Webhook(h channel.Handler) http.Handler {
	log := inbound.Log{Logger: c.cfg.Logger, Channel: channel.WhatsApp}
	return &meta.Webhook{
		VerifyToken: c.cfg.VerifyToken,
		Verifier:    c.verify,
		MaxBody:     c.cfg.MaxBodyBytes,
		MaxEvents:   c.cfg.MaxEvents,
		Parse:       parseWebhook,
		Handler:     channel.Dedupe(h, channel.DedupeConfig{Store: c.dedupe, TTL: c.cfg.DedupeTTL, Clock: c.cfg.Clock, OnError: log.DedupeError}),
		Log:         log,
	}
}

// rawItem returns the raw JSON of the message or status with id in body, for
// an EventUnknown; it falls back to the whole body. Only unknown items pay
// for this second decoding.
func rawItem(body []byte, list, id string) []byte {
	var p struct {
		Entry []struct {
			Changes []struct {
				Value map[string]json.RawMessage `json:"value"`
			} `json:"changes"`
		} `json:"entry"`
	}
	if id == "" || json.Unmarshal(body, &p) != nil {
		return body
	}
	for _, e := range p.Entry {
		for _, c := range e.Changes {
			var items []json.RawMessage
			if json.Unmarshal(c.Value[list], &items) != nil {
				continue
			}
			for _, it := range items {
				var head struct {
					ID string `json:"id"`
				}
				if json.Unmarshal(it, &head) == nil && head.ID == id {
					return it
				}
			}
		}
	}
	return body
}
