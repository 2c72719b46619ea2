package whatsapptest

import (
	"cmp"
	"encoding/json"
	"strconv"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/internal/meta"
)

// Inbound describes a customer message for a webhook payload.
type Inbound struct {
	// From is the customer's wa_id (digits); leave it empty, with UserID
	// set, for a customer who hides the phone number behind a username.
	From string
	// UserID is the business-scoped user id ("US.1349…"), optional.
	UserID string
	// Name is the profile name.
	Name string
	// Text is the text body (type text), or the caption of Media.
	Text string
	// ButtonReply, when set, makes an interactive button_reply with this
	// id (Payload) and Text as its title.
	ButtonReply string
	// MediaID and MediaType ("image", "document", ...) make a media message.
	MediaID, MediaType, MIMEType string
	// ReplyTo is the wamid the customer replied to (context.id).
	ReplyTo string
	// ID is the message id; empty means a fresh wamid.
	ID string
}

// MessageWebhook returns a webhook body (a JSON string in the documented
// shape) carrying one customer message, and the message's id.
func (s *Server) MessageWebhook(in Inbound) (body []byte, messageID string) {
	id := cmp.Or(in.ID, meta.WAMID(cmp.Or(in.From, in.UserID)))
	msg := map[string]any{
		"id":        id,
		"timestamp": strconv.FormatInt(s.now().Unix(), 10),
	}
	if in.From != "" {
		msg["from"] = in.From
	}
	if in.UserID != "" {
		msg["from_user_id"] = in.UserID
	}
	if in.ReplyTo != "" {
		msg["context"] = map[string]string{"from": s.cfg.DisplayPhone, "id": in.ReplyTo}
	}
	switch {
	case in.ButtonReply != "":
		msg["type"] = "interactive"
		msg["interactive"] = map[string]any{
			"type":         "button_reply",
			"button_reply": map[string]string{"id": in.ButtonReply, "title": in.Text},
		}
	case in.MediaID != "":
		msg["type"] = in.MediaType
		m := map[string]string{"id": in.MediaID, "mime_type": in.MIMEType, "sha256": "IUmMPBRbJ4XrR0xnX2CTFgsoc+yMdN6jYRzNd4tyQkE="}
		if in.Text != "" {
			m["caption"] = in.Text
		}
		msg[in.MediaType] = m
	default:
		msg["type"] = "text"
		msg["text"] = map[string]string{"body": in.Text}
	}
	contact := map[string]any{"profile": map[string]string{"name": in.Name}}
	if in.From != "" {
		contact["wa_id"] = in.From
	}
	if in.UserID != "" {
		contact["user_id"] = in.UserID
	}
	return s.envelope(map[string]any{
		"contacts": []any{contact},
		"messages": []any{msg},
	}), id
}

// StatusWebhook returns a webhook body reporting state for a message the
// business sent to recipient (a wa_id). A failed state carries errCode
// (e.g. whatsapp.CodeReengagement) with a realistic title.
func (s *Server) StatusWebhook(messageID, recipient string, state channel.State, errCode int) []byte {
	st := map[string]any{
		"id":           messageID,
		"status":       string(state),
		"timestamp":    strconv.FormatInt(s.now().Unix(), 10),
		"recipient_id": recipient,
	}
	if state == channel.StateFailed {
		g := meta.GraphError{Code: errCode}
		title := "Message failed to send"
		if errCode == 131047 {
			title = "Re-engagement message"
		}
		st["errors"] = []any{map[string]any{
			"code": g.Code, "title": title, "message": title,
			"error_data": map[string]string{"details": title},
		}}
	}
	return s.envelope(map[string]any{"statuses": []any{st}})
}

func (s *Server) envelope(value map[string]any) []byte {
	value["messaging_product"] = "whatsapp"
	value["metadata"] = map[string]string{
		"display_phone_number": s.cfg.DisplayPhone,
		"phone_number_id":      s.cfg.PhoneNumberID,
	}
	b, _ := json.Marshal(map[string]any{ // maps of strings: cannot fail
		"object": "whatsapp_business_account",
		"entry": []any{map[string]any{
			"id":      s.cfg.AccountID,
			"changes": []any{map[string]any{"field": "messages", "value": value}},
		}},
	})
	return b
}
