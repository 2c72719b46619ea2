package messenger

import (
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

// webhookBody is the documented shape of a Page webhook delivery: entries,
// each with messaging items.
type webhookBody struct {
	Object string `json:"object"`
	Entry  []struct {
		ID        string            `json:"id"`
		Messaging []json.RawMessage `json:"messaging"`
	} `json:"entry"`
}

type messaging struct {
	Sender    struct{ ID string } `json:"sender"`
	Recipient struct{ ID string } `json:"recipient"`
	Timestamp int64               `json:"timestamp"`
	Message   *struct {
		MID         string `json:"mid"`
		Text        string `json:"text"`
		IsEcho      bool   `json:"is_echo"`
		Attachments []struct {
			Type    string `json:"type"`
			Payload struct {
				URL string `json:"url"`
			} `json:"payload"`
		} `json:"attachments"`
		QuickReply *struct {
			Payload string `json:"payload"`
		} `json:"quick_reply"`
		ReplyTo *struct {
			MID string `json:"mid"`
		} `json:"reply_to"`
	} `json:"message"`
	Postback *struct {
		MID     string `json:"mid"`
		Title   string `json:"title"`
		Payload string `json:"payload"`
	} `json:"postback"`
	Delivery *struct {
		MIDs      []string `json:"mids"`
		Watermark int64    `json:"watermark"`
	} `json:"delivery"`
	Read *struct {
		Watermark int64 `json:"watermark"`
	} `json:"read"`
}

// ErrMalformedWebhook is returned by ParseWebhook for a body that is not a
// Page webhook payload.
var ErrMalformedWebhook = errors.New("messenger: malformed webhook payload")

// ErrTooManyEvents is wrapped by ParseWebhook's error for a body holding
// more events than allowed (Webhook answers it 413). It is the same
// sentinel in every adapter.
var ErrTooManyEvents = inbound.ErrTooManyEvents

// DefaultMaxEvents is how many events a webhook body may hold when
// Config.MaxEvents is 0 (Meta batches at most 1,000 updates per delivery).
const DefaultMaxEvents = inbound.DefaultMaxEvents

// ParseWebhook turns a Page webhook body into events without checking its
// signature (Webhook does that first). Every messaging item of every entry
// becomes events, in order:
//
//   - a message: EventMessage with Event.ID the mid, Text, Payload (a quick
//     reply's payload), ReplyTo, and Media for an image, video, audio or file
//     attachment (one event per attachment; the second and later get ids
//     "mid#2", "mid#3", ...). Echoes of the Page's own messages are skipped;
//   - a postback: EventPostback with its title and payload;
//   - a delivery: one EventStatus (delivered) per mid, ID "delivery:" + mid;
//   - a read: EventStatus (read) with an empty MessageID, meaning every
//     message before the watermark time; ID "read:" + PSID + ":" + watermark;
//   - anything else: EventUnknown carrying the item's raw JSON.
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
	if err := inbound.DecodeJSON(body, maxEvents, &p, "messenger", ErrMalformedWebhook); err != nil {
		return nil, err
	}
	if p.Object != "page" {
		return []channel.Event{{Type: channel.EventUnknown, Channel: channel.Messenger, Raw: body}}, nil
	}
	var events []channel.Event
	for _, e := range p.Entry {
		for _, raw := range e.Messaging {
			var m messaging
			if err := json.Unmarshal(raw, &m); err != nil {
				return nil, fmt.Errorf("%w: messaging item: %v", ErrMalformedWebhook, inbound.JSONErrorKind(err))
			}
			events = appendItem(events, &m, raw)
		}
	}
	if err := inbound.CheckEvents(len(events), maxEvents); err != nil {
		return nil, fmt.Errorf("messenger: %w", err)
	}
	return events, nil
}

func millis(ms int64) time.Time {
	if ms <= 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}

func mediaType(t string) (channel.MediaType, bool) {
	switch t {
	case "image", "video", "audio":
		return channel.MediaType(t), true
	case "file":
		return channel.MediaDocument, true
	}
	return "", false
}

func appendItem(events []channel.Event, m *messaging, raw []byte) []channel.Event {
	from := channel.Address{Channel: channel.Messenger, ID: m.Sender.ID}
	to := channel.Address{Channel: channel.Messenger, ID: m.Recipient.ID}
	t := millis(m.Timestamp)
	base := channel.Event{Channel: channel.Messenger, From: from, To: to, Time: t, Raw: raw}
	switch {
	case m.Message != nil && m.Message.IsEcho:
		return events
	case m.Message != nil:
		msg := m.Message
		mk := func(id string) *channel.Message {
			out := &channel.Message{ID: id, From: from, To: to, Time: t, Raw: raw}
			if msg.ReplyTo != nil {
				out.ReplyTo = msg.ReplyTo.MID
			}
			return out
		}
		first := mk(msg.MID)
		first.Text = msg.Text
		if msg.QuickReply != nil {
			first.Payload = msg.QuickReply.Payload
		}
		var extra []channel.Event
		for _, a := range msg.Attachments {
			mt, ok := mediaType(a.Type)
			if !ok {
				continue
			}
			md := &channel.Media{Type: mt, URL: a.Payload.URL}
			if first.Media == nil {
				first.Media = md
				continue
			}
			cur := mk(msg.MID + "#" + strconv.Itoa(len(extra)+2))
			cur.Media = md
			e := base
			e.Type, e.ID, e.Message = channel.EventMessage, cur.ID, cur
			extra = append(extra, e)
		}
		e := base
		e.ID = msg.MID
		if first.Text == "" && first.Media == nil {
			e.Type = channel.EventUnknown // only attachments we do not model
		} else {
			e.Type, e.Message = channel.EventMessage, first
		}
		events = append(events, e)
		return append(events, extra...)
	case m.Postback != nil:
		e := base
		e.Type = channel.EventPostback
		e.ID = m.Postback.MID
		if e.ID == "" {
			e.ID = "postback:" + m.Sender.ID + ":" + strconv.FormatInt(m.Timestamp, 10)
		}
		e.Postback = &channel.Postback{Title: m.Postback.Title, Payload: m.Postback.Payload}
		return append(events, e)
	case m.Delivery != nil:
		wm := millis(m.Delivery.Watermark)
		for _, mid := range m.Delivery.MIDs {
			e := base
			e.Type, e.ID, e.From, e.To, e.Time = channel.EventStatus, "delivery:"+mid, to, from, wm
			e.Status = &channel.Status{MessageID: mid, Recipient: from, State: channel.StateDelivered, Time: wm}
			events = append(events, e)
		}
		if len(m.Delivery.MIDs) == 0 {
			e := base
			e.Type, e.From, e.To, e.Time = channel.EventStatus, to, from, wm
			e.ID = "delivery:" + m.Sender.ID + ":" + strconv.FormatInt(m.Delivery.Watermark, 10)
			e.Status = &channel.Status{Recipient: from, State: channel.StateDelivered, Time: wm}
			events = append(events, e)
		}
		return events
	case m.Read != nil:
		wm := millis(m.Read.Watermark)
		e := base
		e.Type, e.From, e.To, e.Time = channel.EventStatus, to, from, wm
		e.ID = "read:" + m.Sender.ID + ":" + strconv.FormatInt(m.Read.Watermark, 10)
		e.Status = &channel.Status{Recipient: from, State: channel.StateRead, Time: wm}
		return append(events, e)
	}
	e := base
	e.Type = channel.EventUnknown
	return append(events, e)
}

// Webhook returns the http.Handler to register as the Page's webhook URL.
//
// GET answers Meta's verification handshake (200 with hub.challenge when
// hub.verify_token is Config.VerifyToken, else 403). POST reads the body
// through a cap of Config.MaxBodyBytes (413 over it), checks
// X-Hub-Signature-256 against Config.AppSecret on the raw bytes before
// parsing (missing or wrong: 401, h is not called), parses it (more than
// Config.MaxEvents events: 413; malformed: 400; h is not called) and passes
// every event to h through channel.Dedupe keyed on the event id, so a
// redelivery reaches h once. When h returns an error the handler stops and
// answers 500 so Meta redelivers; events handled before are not handled
// again. A redelivery that arrives while the first delivery is still being
// handled, or a Config.Dedupe store that does not answer, gets 503 and h is
// not called: Meta redelivers later, so the event is never acknowledged
// unhandled. Other methods get 405. With an empty Config.AppSecret every POST
// fails closed with 401. Every answer but 200 is logged to Config.Logger.
// Safe for concurrent use.
func (c *Client) Webhook(h channel.Handler) http.Handler {
	log := inbound.Log{Logger: c.cfg.Logger, Channel: channel.Messenger}
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
