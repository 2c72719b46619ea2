package messengertest

import (
	"encoding/json"

	"github.com/switchboard-go/switchboard/internal/meta"
)

// Inbound describes what a person sent the Page, for a webhook payload.
type Inbound struct {
	PSID string // the person's page-scoped id
	// Text is the message text; empty for an attachment alone.
	Text string
	// QuickReply is the payload of the quick reply the person tapped.
	QuickReply string
	// AttachmentType ("image", "video", "audio", "file") and AttachmentURL
	// make an attachment.
	AttachmentType, AttachmentURL string
	// MID is the message id; empty means a fresh one.
	MID string
}

// MessageWebhook returns a Page webhook body carrying one message from a
// person, and its mid.
func (s *Server) MessageWebhook(in Inbound) (body []byte, mid string) {
	mid = in.MID
	if mid == "" {
		mid = meta.MID()
	}
	msg := map[string]any{"mid": mid}
	if in.Text != "" {
		msg["text"] = in.Text
	}
	if in.QuickReply != "" {
		msg["quick_reply"] = map[string]string{"payload": in.QuickReply}
	}
	if in.AttachmentType != "" {
		msg["attachments"] = []any{map[string]any{
			"type": in.AttachmentType, "payload": map[string]string{"url": in.AttachmentURL},
		}}
	}
	return s.envelope(in.PSID, "message", msg), mid
}

// PostbackWebhook returns a Page webhook body for a tapped postback button.
func (s *Server) PostbackWebhook(psid, title, payload string) []byte {
	return s.envelope(psid, "postback", map[string]string{"mid": meta.MID(), "title": title, "payload": payload})
}

// DeliveryWebhook returns a Page webhook body confirming delivery of mids.
func (s *Server) DeliveryWebhook(psid string, mids ...string) []byte {
	return s.envelope(psid, "delivery", map[string]any{"mids": mids, "watermark": s.now().UnixMilli()})
}

// ReadWebhook returns a Page webhook body saying psid read everything up to now.
func (s *Server) ReadWebhook(psid string) []byte {
	return s.envelope(psid, "read", map[string]any{"watermark": s.now().UnixMilli()})
}

func (s *Server) envelope(psid, kind string, v any) []byte {
	now := s.now().UnixMilli()
	b, _ := json.Marshal(map[string]any{ // plain maps: cannot fail
		"object": "page",
		"entry": []any{map[string]any{
			"id":   s.cfg.PageID,
			"time": now,
			"messaging": []any{map[string]any{
				"sender":    map[string]string{"id": psid},
				"recipient": map[string]string{"id": s.cfg.PageID},
				"timestamp": now,
				kind:        v,
			}},
		}},
	})
	return b
}
