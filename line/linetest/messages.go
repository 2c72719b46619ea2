package linetest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"unicode/utf16"
)

// Message is a LINE message object as the server received it. The fake
// accepts the types the line adapter sends: text, image, video, location and
// sticker; any other type is refused as LINE refuses unknown types.
type Message struct {
	// Type is the message type: "text", "image", "video", "location" or
	// "sticker".
	Type string `json:"type"`
	// Text is the body of a text message (at most 5,000 characters).
	Text string `json:"text,omitempty"`
	// OriginalContentURL is the HTTPS URL of an image's or video's file
	// (at most 2,000 characters); empty for other types.
	OriginalContentURL string `json:"originalContentUrl,omitempty"`
	// PreviewImageURL is the HTTPS URL of the preview image of an image or
	// video message.
	PreviewImageURL string `json:"previewImageUrl,omitempty"`
	// Title is a location message's title (at most 100 characters).
	Title string `json:"title,omitempty"`
	// Address is a location message's address (at most 100 characters).
	Address string `json:"address,omitempty"`
	// Latitude is a location message's latitude in degrees; nil for other
	// types (a pointer, so 0 is a position).
	Latitude *float64 `json:"latitude,omitempty"`
	// Longitude is a location message's longitude in degrees; nil for
	// other types.
	Longitude *float64 `json:"longitude,omitempty"`
	// PackageID is a sticker message's sticker package (LINE's sticker
	// list).
	PackageID string `json:"packageId,omitempty"`
	// StickerID is the sticker's id within PackageID.
	StickerID string `json:"stickerId,omitempty"`
	// QuickReply holds the quick reply buttons shown under the message;
	// nil when there are none.
	QuickReply *QuickReply `json:"quickReply,omitempty"`
}

// QuickReply is a message's quick reply buttons.
type QuickReply struct {
	// Items are the buttons, at most 13.
	Items []QuickReplyItem `json:"items"`
}

// QuickReplyItem is one quick reply button.
type QuickReplyItem struct {
	// Type is always "action".
	Type string `json:"type"`
	// Action is what tapping the button does.
	Action Action `json:"action"`
}

// Action is a quick reply action (message or postback).
type Action struct {
	// Type is "message" (the user sends Text) or "postback" (LINE sends a
	// postback event carrying Data).
	Type string `json:"type"`
	// Label is the button's text (at most 20 characters).
	Label string `json:"label"`
	// Text is what a message action sends as the user's message (at most
	// 300 characters).
	Text string `json:"text,omitempty"`
	// Data is what a postback action returns in the postback event (at
	// most 300 characters).
	Data string `json:"data,omitempty"`
	// DisplayText is what a postback action shows in the chat as the
	// user's message; empty shows nothing.
	DisplayText string `json:"displayText,omitempty"`
}

// Limits LINE enforces (Messaging API reference, "Message objects").
const (
	maxMessages    = 5
	maxText        = 5000
	maxURL         = 2000
	maxQuickReply  = 13
	maxLabel       = 20
	maxActionText  = 300
	maxLocationStr = 100
	maxMulticastTo = 500
)

func utf16Len(s string) int { return len(utf16.Encode([]rune(s))) }

// invalidProperty is LINE's documented message for a property it cannot use.
func invalidProperty(prop string) answer {
	return errorAnswer(http.StatusBadRequest,
		fmt.Sprintf("The property, '%s', in the request body is invalid (line: -, column: -)", prop))
}

// decode reads a JSON body strictly enough to refuse malformed JSON.
func decode(body []byte, v any) (answer, bool) {
	if err := json.NewDecoder(bytes.NewReader(body)).Decode(v); err != nil {
		return errorAnswer(http.StatusBadRequest, "The request body could not be parsed as JSON (line: -, column: -)"), false
	}
	return answer{}, true
}

// checkMessages validates message objects the way LINE does and answers
// "The request body has N error(s)" with details when they are wrong.
func checkMessages(msgs []Message) (answer, bool) {
	var details []errorDetail
	add := func(prop, msg string) { details = append(details, errorDetail{Message: msg, Property: prop}) }
	if len(msgs) < 1 || len(msgs) > maxMessages {
		add("messages", "Size must be between 1 and 5")
	}
	for i, m := range msgs {
		p := fmt.Sprintf("messages[%d]", i)
		switch m.Type {
		case "text":
			if m.Text == "" {
				add(p+".text", "May not be empty")
			} else if utf16Len(m.Text) > maxText {
				add(p+".text", "Length must be between 0 and 5000")
			}
		case "image", "video":
			for _, f := range [...]struct{ prop, u string }{
				{"originalContentUrl", m.OriginalContentURL}, {"previewImageUrl", m.PreviewImageURL},
			} {
				prop, u := f.prop, f.u
				if !httpsURL(u) {
					add(p+"."+prop, "Must be a valid HTTPS URL")
				} else if len(u) > maxURL {
					add(p+"."+prop, "Length must be between 0 and 2000")
				}
			}
		case "location":
			if m.Title == "" || utf16Len(m.Title) > maxLocationStr {
				add(p+".title", "Length must be between 1 and 100")
			}
			if m.Address == "" || utf16Len(m.Address) > maxLocationStr {
				add(p+".address", "Length must be between 1 and 100")
			}
			if m.Latitude == nil || m.Longitude == nil {
				add(p+".latitude", "May not be empty")
			}
		case "sticker":
			if m.PackageID == "" || m.StickerID == "" {
				add(p+".stickerId", "May not be empty")
			}
		default:
			add(p+".type", "Must be one of the following values: [text, image, video, location, sticker]")
		}
		if qr := m.QuickReply; qr != nil {
			checkQuickReply(p+".quickReply", qr, add)
		}
	}
	if len(details) > 0 {
		return errorAnswer(http.StatusBadRequest, fmt.Sprintf("The request body has %d error(s)", len(details)), details...), false
	}
	return answer{}, true
}

func checkQuickReply(p string, qr *QuickReply, add func(prop, msg string)) {
	if len(qr.Items) < 1 || len(qr.Items) > maxQuickReply {
		add(p+".items", "Size must be between 1 and 13")
	}
	for j, it := range qr.Items {
		ip := fmt.Sprintf("%s.items[%d]", p, j)
		if it.Type != "action" {
			add(ip+".type", "Must be one of the following values: [action]")
		}
		a := it.Action
		if a.Label == "" || utf16Len(a.Label) > maxLabel {
			add(ip+".action.label", "Length must be between 1 and 20")
		}
		switch a.Type {
		case "message":
			if a.Text == "" || utf16Len(a.Text) > maxActionText {
				add(ip+".action.text", "Length must be between 1 and 300")
			}
		case "postback":
			if a.Data == "" || utf16Len(a.Data) > maxActionText {
				add(ip+".action.data", "Length must be between 1 and 300")
			}
			if utf16Len(a.DisplayText) > maxActionText {
				add(ip+".action.displayText", "Length must be between 0 and 300")
			}
		default:
			add(ip+".action.type", "Must be one of the following values: [message, postback]")
		}
	}
}

func httpsURL(u string) bool {
	p, err := url.Parse(u)
	return err == nil && p.Scheme == "https" && p.Host != ""
}

// isChatID reports whether id looks like a user (U), group (C) or room (R) id:
// the letter and 32 lowercase hex digits.
func isChatID(id string, kinds string) bool {
	if len(id) != 33 || !bytes.ContainsRune([]byte(kinds), rune(id[0])) {
		return false
	}
	for i := 1; i < len(id); i++ {
		c := id[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// record stores an accepted send and builds its sentMessages answer.
func (s *Server) record(kind string, to []string, token, key, reqID string, msgs []Message) answer {
	sent := Sent{Kind: kind, To: to, ReplyToken: token, RetryKey: key, RequestID: reqID, Messages: msgs}
	type sentMessage struct {
		ID         string `json:"id"`
		QuoteToken string `json:"quoteToken"`
	}
	if kind == "multicast" || kind == "broadcast" { // LINE answers {} to these
		s.sent.Add(sent)
		return answer{status: http.StatusOK, body: struct{}{}}
	}
	out := make([]sentMessage, 0, len(msgs))
	for range msgs {
		s.seq++
		id := fmt.Sprintf("%018d", 500000000000000000+s.seq)
		sent.IDs = append(sent.IDs, id)
		out = append(out, sentMessage{ID: id, QuoteToken: "q" + id})
	}
	s.sent.Add(sent)
	return answer{status: http.StatusOK, body: map[string]any{"sentMessages": out}}
}

// count charges n messages to the monthly quota, or answers 429 when it is
// used up.
func (s *Server) count(n int64) (answer, bool) {
	if s.cfg.MonthlyQuota > 0 && s.usage+n > s.cfg.MonthlyQuota {
		return errorAnswer(http.StatusTooManyRequests, "You have reached your monthly limit."), false
	}
	s.usage += n
	return answer{}, true
}

func (s *Server) reply(body []byte, _ string, reqID string) answer {
	var req struct {
		ReplyToken string    `json:"replyToken"`
		Messages   []Message `json:"messages"`
	}
	if a, ok := decode(body, &req); !ok {
		return a
	}
	if req.ReplyToken == "" {
		return errorAnswer(http.StatusBadRequest, "The request body has 1 error(s)",
			errorDetail{Message: "May not be empty", Property: "replyToken"})
	}
	if a, ok := checkMessages(req.Messages); !ok {
		return a
	}
	// Invalid, used and expired tokens get the same answer (Messaging API
	// reference, "Error messages").
	t, ok := s.replyTokens[req.ReplyToken]
	if !ok || t.used || !s.now().Before(t.issued.Add(s.cfg.ReplyTokenTTL)) {
		return errorAnswer(http.StatusBadRequest, "Invalid reply token")
	}
	t.used = true
	return s.record("reply", []string{t.chat}, req.ReplyToken, "", reqID, req.Messages)
}

func (s *Server) push(body []byte, key, reqID string) answer {
	var req struct {
		To       string    `json:"to"`
		Messages []Message `json:"messages"`
	}
	if a, ok := decode(body, &req); !ok {
		return a
	}
	if !isChatID(req.To, "UCR") {
		return invalidProperty("to")
	}
	if a, ok := checkMessages(req.Messages); !ok {
		return a
	}
	if s.unknownUsers[req.To] {
		return errorAnswer(http.StatusBadRequest, "Failed to send messages")
	}
	if a, ok := s.count(1); !ok {
		return a
	}
	return s.record("push", []string{req.To}, "", key, reqID, req.Messages)
}

func (s *Server) multicast(body []byte, key, reqID string) answer {
	var req struct {
		To       []string  `json:"to"`
		Messages []Message `json:"messages"`
	}
	if a, ok := decode(body, &req); !ok {
		return a
	}
	if len(req.To) < 1 || len(req.To) > maxMulticastTo {
		return errorAnswer(http.StatusBadRequest, "The request body has 1 error(s)",
			errorDetail{Message: "Size must be between 1 and 500", Property: "to"})
	}
	for i, to := range req.To {
		if !isChatID(to, "U") {
			return invalidProperty(fmt.Sprintf("to[%d]", i))
		}
	}
	if a, ok := checkMessages(req.Messages); !ok {
		return a
	}
	if a, ok := s.count(int64(len(req.To))); !ok {
		return a
	}
	return s.record("multicast", req.To, "", key, reqID, req.Messages)
}

func (s *Server) broadcast(body []byte, key, reqID string) answer {
	var req struct {
		Messages []Message `json:"messages"`
	}
	if a, ok := decode(body, &req); !ok {
		return a
	}
	if a, ok := checkMessages(req.Messages); !ok {
		return a
	}
	if a, ok := s.count(s.cfg.Followers); !ok {
		return a
	}
	return s.record("broadcast", nil, "", key, reqID, req.Messages)
}

func (s *Server) loading(body []byte, _, _ string) answer {
	var req struct {
		ChatID         string `json:"chatId"`
		LoadingSeconds *int   `json:"loadingSeconds"`
	}
	if a, ok := decode(body, &req); !ok {
		return a
	}
	if !isChatID(req.ChatID, "U") {
		return invalidProperty("chatId")
	}
	if n := req.LoadingSeconds; n != nil && (*n < 5 || *n > 60 || *n%5 != 0) {
		return errorAnswer(http.StatusBadRequest, "The request body has 1 error(s)",
			errorDetail{Message: "Must be one of 5, 10, ..., 60", Property: "loadingSeconds"})
	}
	return answer{status: http.StatusAccepted, body: struct{}{}}
}
