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
	// Type is the event type: "message", "follow", "unfollow", "postback"
	// and others the line adapter passes on as unknown.
	Type string `json:"type"`
	// Mode is the channel state: "active", or "standby" when another
	// module owns the chat and the bot should not answer.
	Mode string `json:"mode"`
	// Timestamp is when the event happened, in milliseconds since the Unix
	// epoch.
	Timestamp int64 `json:"timestamp"`
	// Source is the chat the event happened in.
	Source Source `json:"source"`
	// WebhookEventID identifies the event (a ULID in LINE's deliveries); a
	// redelivery carries the same id.
	WebhookEventID string `json:"webhookEventId"`
	// DeliveryContext says whether this is a redelivery.
	DeliveryContext DeliveryContext `json:"deliveryContext"`
	// ReplyToken lets the bot answer this event once with a reply message;
	// empty for events that cannot be replied to (unfollow).
	ReplyToken string `json:"replyToken,omitempty"`
	// Message is the message of a message event; nil otherwise.
	Message *EventMessage `json:"message,omitempty"`
	// Postback is the data of a postback event; nil otherwise.
	Postback *Postback `json:"postback,omitempty"`
}

// Source is where an event happened.
type Source struct {
	// Type is "user" (a one-on-one chat), "group" or "room".
	Type string `json:"type"`
	// UserID is the user who caused the event ("U" and 32 hex digits);
	// in a group or room LINE omits it when the user has not agreed to
	// share it.
	UserID string `json:"userId,omitempty"`
	// GroupID is the group chat's id; set only when Type is "group".
	GroupID string `json:"groupId,omitempty"`
	// RoomID is the multi-person chat's id; set only when Type is "room".
	RoomID string `json:"roomId,omitempty"`
}

// DeliveryContext says whether the event is a redelivery.
type DeliveryContext struct {
	// IsRedelivery is true when LINE sends the event again because an
	// earlier delivery was not acknowledged.
	IsRedelivery bool `json:"isRedelivery"`
}

// EventMessage is the message of a message event.
type EventMessage struct {
	// ID is the message id; for media it is also the id to download the
	// content with.
	ID string `json:"id"`
	// Type is "text", "image", "video", "audio", "file", "location" or
	// "sticker".
	Type string `json:"type"`
	// QuoteToken lets the bot quote this message in a reply or push.
	QuoteToken string `json:"quoteToken,omitempty"`
	// Text is a text message's body.
	Text string `json:"text,omitempty"`
	// ContentProvider says where an image's, video's or audio's content
	// is; nil for other types.
	ContentProvider *ContentProvider `json:"contentProvider,omitempty"`
	// FileName is a file message's file name.
	FileName string `json:"fileName,omitempty"`
	// FileSize is a file message's size in bytes.
	FileSize int64 `json:"fileSize,omitempty"`
	// Title is a location message's place name; may be empty.
	Title string `json:"title,omitempty"`
	// Address is a location message's address; may be empty.
	Address string `json:"address,omitempty"`
	// Latitude is a location message's latitude in degrees.
	Latitude float64 `json:"latitude,omitempty"`
	// Longitude is a location message's longitude in degrees.
	Longitude float64 `json:"longitude,omitempty"`
	// PackageID is a sticker message's sticker package.
	PackageID string `json:"packageId,omitempty"`
	// StickerID is the sticker's id within PackageID.
	StickerID string `json:"stickerId,omitempty"`
}

// ContentProvider says where the content of an image, video or audio is.
type ContentProvider struct {
	// Type is "line" (download the content from LINE by message id) or
	// "external" (the URLs below hold it).
	Type string `json:"type"`
	// OriginalContentURL is the content's URL when Type is "external".
	OriginalContentURL string `json:"originalContentUrl,omitempty"`
	// PreviewImageURL is the preview image's URL when Type is "external".
	PreviewImageURL string `json:"previewImageUrl,omitempty"`
}

// Postback is the data of a postback event.
type Postback struct {
	// Data is the postback action's data, as the bot set it on the button.
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
