package linetest

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"time"
)

// Event is a LINE webhook event object (Messaging API reference, "Webhook
// event objects"). The constructors on Server fill it in; change any field
// before delivering it.
type Event struct {
	Type            string          `json:"type"`
	Mode            string          `json:"mode"`
	Timestamp       int64           `json:"timestamp"`
	Source          Source          `json:"source"`
	WebhookEventID  string          `json:"webhookEventId"`
	DeliveryContext DeliveryContext `json:"deliveryContext"`
	ReplyToken      string          `json:"replyToken,omitempty"`
	Message         *EventMessage   `json:"message,omitempty"`
	Postback        *Postback       `json:"postback,omitempty"`
}

// Source is where an event happened.
type Source struct {
	Type    string `json:"type"` // user, group, room
	UserID  string `json:"userId,omitempty"`
	GroupID string `json:"groupId,omitempty"`
	RoomID  string `json:"roomId,omitempty"`
}

// DeliveryContext says whether the event is a redelivery.
type DeliveryContext struct {
	IsRedelivery bool `json:"isRedelivery"`
}

// EventMessage is the message of a message event.
type EventMessage struct {
	ID              string           `json:"id"`
	Type            string           `json:"type"`
	QuoteToken      string           `json:"quoteToken,omitempty"`
	Text            string           `json:"text,omitempty"`
	ContentProvider *ContentProvider `json:"contentProvider,omitempty"`
	FileName        string           `json:"fileName,omitempty"`
	FileSize        int64            `json:"fileSize,omitempty"`
	Title           string           `json:"title,omitempty"`
	Address         string           `json:"address,omitempty"`
	Latitude        float64          `json:"latitude,omitempty"`
	Longitude       float64          `json:"longitude,omitempty"`
	PackageID       string           `json:"packageId,omitempty"`
	StickerID       string           `json:"stickerId,omitempty"`
}

// ContentProvider says where the content of an image, video or audio is.
type ContentProvider struct {
	Type               string `json:"type"` // line, external
	OriginalContentURL string `json:"originalContentUrl,omitempty"`
	PreviewImageURL    string `json:"previewImageUrl,omitempty"`
}

// Postback is the data of a postback event.
type Postback struct {
	Data string `json:"data"`
}

// event starts an event from userID in a one-on-one chat. When replyable, it
// issues a reply token the server accepts once, until ReplyTokenTTL passes.
func (s *Server) event(typ, userID string, replyable bool) Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	now := s.now()
	e := Event{
		Type:           typ,
		Mode:           "active",
		Timestamp:      now.UnixMilli(),
		Source:         Source{Type: "user", UserID: userID},
		WebhookEventID: fmt.Sprintf("01LINETEST%016d", s.seq),
	}
	if replyable {
		e.ReplyToken = fmt.Sprintf("%032x", s.seq)
		s.replyTokens[e.ReplyToken] = &replyToken{chat: userID, issued: now}
	}
	return e
}

func (s *Server) messageID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	return fmt.Sprintf("%018d", 400000000000000000+s.seq)
}

// TextEvent returns a text message event from userID with a fresh reply
// token.
func (s *Server) TextEvent(userID, text string) Event {
	e := s.event("message", userID, true)
	id := s.messageID()
	e.Message = &EventMessage{ID: id, Type: "text", QuoteToken: "q" + id, Text: text}
	return e
}

// ImageEvent returns an image message event from userID whose content is
// stored on the server (download it with line.Client.Content).
func (s *Server) ImageEvent(userID, contentType string, data []byte) Event {
	e := s.event("message", userID, true)
	id := s.messageID()
	e.Message = &EventMessage{ID: id, Type: "image", QuoteToken: "q" + id, ContentProvider: &ContentProvider{Type: "line"}}
	s.SetContent(id, contentType, data)
	return e
}

// FollowEvent returns a follow event (a user added the account as a friend)
// with a fresh reply token.
func (s *Server) FollowEvent(userID string) Event { return s.event("follow", userID, true) }

// UnfollowEvent returns an unfollow event; it has no reply token.
func (s *Server) UnfollowEvent(userID string) Event { return s.event("unfollow", userID, false) }

// PostbackEvent returns a postback event carrying data, with a fresh reply
// token.
func (s *Server) PostbackEvent(userID, data string) Event {
	e := s.event("postback", userID, true)
	e.Postback = &Postback{Data: data}
	return e
}

// Redelivered returns a copy of e marked as a redelivery, as LINE sends it
// when the first delivery failed and webhook redelivery is on.
func Redelivered(e Event) Event {
	e.DeliveryContext.IsRedelivery = true
	return e
}

// Standby returns a copy of e in "mode":"standby", as LINE sends events to
// a channel that does not own the chat (another channel, such as a chat
// module, is active): the bot may read them but shouldn't send messages, so
// they carry no reply token.
func Standby(e Event) Event {
	e.Mode = "standby"
	e.ReplyToken = ""
	return e
}

// Sign returns the X-Line-Signature of body: base64 of HMAC-SHA256 keyed with
// secret.
func Sign(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// WebhookBody returns the webhook body carrying events and its signature.
func (s *Server) WebhookBody(events ...Event) (body []byte, signature string) {
	if events == nil {
		events = []Event{}
	}
	body, _ = json.Marshal(struct {
		Destination string  `json:"destination"`
		Events      []Event `json:"events"`
	}{s.cfg.BotUserID, events}) // cannot fail: plain structs
	return body, Sign(s.cfg.ChannelSecret, body)
}

// WebhookRequest returns a signed webhook POST carrying events, for an
// in-process http.Handler (no network).
func (s *Server) WebhookRequest(events ...Event) *http.Request {
	body, sig := s.WebhookBody(events...)
	r := httptest.NewRequest(http.MethodPost, "/webhook", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("X-Line-Signature", sig)
	return r
}

// ServeWebhook delivers events to h in process and returns the status h
// answered.
func (s *Server) ServeWebhook(h http.Handler, events ...Event) int {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, s.WebhookRequest(events...))
	return w.Code
}

// Deliver POSTs a signed webhook carrying events to url, as LINE does, and
// returns the status the receiver answered. An empty events list is LINE's
// "Verify" call.
func (s *Server) Deliver(ctx context.Context, url string, events ...Event) (int, error) {
	body, sig := s.WebhookBody(events...)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, fmt.Errorf("linetest: deliver: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Line-Signature", sig)
	hc := &http.Client{Timeout: 10 * time.Second}
	resp, err := hc.Do(req)
	if err != nil {
		return 0, fmt.Errorf("linetest: deliver: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	return resp.StatusCode, nil
}
