package messengertest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/switchboard-go/switchboard/internal/meta"
)

const maxRequestBody = 30 << 20 // a 25 MB attachment and its form

// sendRequest is the fake's own reading of the Send API body, written from
// the API reference independently of the client's encoder.
type sendRequest struct {
	Recipient *struct {
		ID string `json:"id"`
	} `json:"recipient"`
	MessagingType string   `json:"messaging_type"`
	Tag           string   `json:"tag"`
	NotifType     string   `json:"notification_type"`
	Message       *message `json:"message"`
	SenderAction  string   `json:"sender_action"`
}

type message struct {
	Text       *string `json:"text"`
	Attachment *struct {
		Type    string `json:"type"`
		Payload struct {
			URL          string `json:"url"`
			IsReusable   bool   `json:"is_reusable"`
			AttachmentID string `json:"attachment_id"`
			// template payloads are accepted without checks
			TemplateType string            `json:"template_type"`
			Elements     []json.RawMessage `json:"elements"`
			Buttons      []json.RawMessage `json:"buttons"`
			Text         string            `json:"text"`
		} `json:"payload"`
	} `json:"attachment"`
	QuickReplies []struct {
		ContentType string `json:"content_type"`
		Title       string `json:"title"`
		Payload     string `json:"payload"`
		ImageURL    string `json:"image_url"`
	} `json:"quick_replies"`
	Metadata string `json:"metadata"`
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	rec, ok := meta.Receive(w, r, maxRequestBody)
	if !ok {
		return
	}
	s.requests.Add(Request(rec))
	parts := meta.PathParts(r)
	if len(parts) != 3 || !meta.PathVersion(parts[0]) || parts[1] != "me" {
		meta.UnknownPath(w, parts)
		return
	}
	s.faults.ServeAuthorized(w, r, s.cfg.PageAccessToken, func(w http.ResponseWriter) { s.route(w, r, parts, rec.Body) })
}

// route answers an authorized API request.
func (s *Server) route(w http.ResponseWriter, r *http.Request, parts []string, body []byte) {
	switch {
	case parts[2] == "messages" && r.Method == http.MethodPost:
		s.messages(w, body)
	case parts[2] == "message_attachments" && r.Method == http.MethodPost:
		s.upload(w, r, body)
	default:
		meta.WriteError(w, http.StatusBadRequest, meta.GraphError{
			Message: fmt.Sprintf("Unsupported %s request.", strings.ToLower(r.Method)), Code: 100, Subcode: 33,
		})
	}
}

func invalid(subcode int, format string, args ...any) *meta.GraphError {
	return &meta.GraphError{Message: "(#100) " + fmt.Sprintf(format, args...), Code: 100, Subcode: subcode}
}

func decode(body []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

func (s *Server) messages(w http.ResponseWriter, body []byte) {
	var req sendRequest
	if err := decode(body, &req); err != nil {
		meta.InvalidParameter(w, "request body is not a valid Send API object")
		return
	}
	if g := s.check(&req); g != nil {
		meta.WriteError(w, http.StatusBadRequest, *g)
		return
	}
	psid := req.Recipient.ID
	if req.SenderAction != "" {
		s.actions.Add(psid + ":" + req.SenderAction)
		meta.WriteJSON(w, map[string]string{"recipient_id": psid})
		return
	}
	mid := meta.MID()
	sent := Sent{ID: mid, To: psid, MessagingType: req.MessagingType, Tag: req.Tag, Body: body}
	if req.Message.Text != nil {
		sent.Text = *req.Message.Text
	}
	if a := req.Message.Attachment; a != nil {
		sent.Attachment = a.Type + ":" + a.Payload.URL
		if a.Payload.AttachmentID != "" {
			sent.Attachment = a.Type + ":#" + a.Payload.AttachmentID
		}
	}
	for _, q := range req.Message.QuickReplies {
		sent.QuickReplies = append(sent.QuickReplies, q.Title)
	}
	s.sent.Add(sent)
	meta.WriteJSON(w, map[string]string{"recipient_id": psid, "message_id": mid})
}

// check applies the Send API's documented rules and returns the error Meta
// would answer, or nil.
func (s *Server) check(r *sendRequest) *meta.GraphError {
	if r.Recipient == nil || r.Recipient.ID == "" {
		return invalid(2018001, "The parameter recipient is required")
	}
	if !digits(r.Recipient.ID) {
		return invalid(2018001, "No matching user found")
	}
	s.mu.Lock()
	unavailable, closed := s.unavailable[r.Recipient.ID], s.closed[r.Recipient.ID]
	s.mu.Unlock()
	if unavailable {
		return &meta.GraphError{Message: "(#551) This person isn't available right now.", Code: 551, Subcode: 1545041}
	}
	if r.SenderAction != "" {
		switch {
		case r.Message != nil || r.MessagingType != "" || r.Tag != "":
			return invalid(2018015, "Cannot send both message and state at the same time.")
		case r.SenderAction != "typing_on" && r.SenderAction != "typing_off" && r.SenderAction != "mark_seen":
			return invalid(0, "Invalid sender_action %q", r.SenderAction)
		}
		return nil
	}
	switch r.MessagingType {
	case "RESPONSE", "UPDATE":
		if r.Tag != "" {
			return invalid(0, "tag requires messaging_type MESSAGE_TAG")
		}
		if closed {
			return &meta.GraphError{
				Message: "(#10) This message is sent outside of allowed window. Learn more about the new policy here: https://developers.facebook.com/docs/messenger-platform/policy-overview",
				Code:    10, Subcode: 2018278,
			}
		}
	case "MESSAGE_TAG":
		switch r.Tag {
		case "CONFIRMED_EVENT_UPDATE", "POST_PURCHASE_UPDATE", "ACCOUNT_UPDATE", "HUMAN_AGENT":
		default:
			return invalid(0, "Invalid tag %q for messaging_type MESSAGE_TAG", r.Tag)
		}
	case "":
		return invalid(0, "The parameter messaging_type is required")
	default:
		return invalid(0, "Invalid messaging_type %q", r.MessagingType)
	}
	m := r.Message
	if m == nil {
		return invalid(0, "The parameter message is required")
	}
	if (m.Text == nil) == (m.Attachment == nil) {
		return invalid(2018034, "message must have exactly one of text and attachment")
	}
	if m.Text != nil {
		if strings.TrimSpace(*m.Text) == "" {
			return invalid(2018034, "Message cannot be empty, must provide valid attachment or text")
		}
		if utf8.RuneCountInString(*m.Text) > 2000 {
			return invalid(0, "param message[text] must be UTF-8 encoded and has a 2000 character limit")
		}
	}
	if a := m.Attachment; a != nil {
		switch a.Type {
		case "image", "audio", "video", "file":
			p := a.Payload
			if (p.URL == "") == (p.AttachmentID == "") {
				return invalid(0, "attachment payload needs exactly one of url and attachment_id")
			}
			if p.URL != "" && !strings.HasPrefix(p.URL, "https://") && !strings.HasPrefix(p.URL, "http://") {
				return invalid(0, "attachment url must be http(s)")
			}
			if p.AttachmentID != "" {
				s.mu.Lock()
				known := s.attachments[p.AttachmentID]
				s.mu.Unlock()
				if !known {
					return invalid(0, "Invalid attachment_id")
				}
			}
		case "template":
		default:
			return invalid(0, "Invalid attachment type %q", a.Type)
		}
	}
	if len(m.QuickReplies) > 13 {
		return invalid(0, "param message[quick_replies] must have at most 13 elements")
	}
	for _, q := range m.QuickReplies {
		switch q.ContentType {
		case "text":
			if q.Title == "" || utf8.RuneCountInString(q.Title) > 20 {
				return invalid(0, "quick reply title must be 1 to 20 characters")
			}
			if q.Payload == "" || utf8.RuneCountInString(q.Payload) > 1000 {
				return invalid(0, "quick reply payload must be 1 to 1000 characters")
			}
		case "user_phone_number", "user_email":
		default:
			return invalid(0, "Invalid quick reply content_type %q", q.ContentType)
		}
	}
	return nil
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

type uploadRequest struct {
	Message struct {
		Attachment struct {
			Type    string `json:"type"`
			Payload struct {
				URL        string `json:"url"`
				IsReusable bool   `json:"is_reusable"`
			} `json:"payload"`
		} `json:"attachment"`
	} `json:"message"`
}

func (s *Server) upload(w http.ResponseWriter, r *http.Request, body []byte) {
	var req uploadRequest
	var file []byte
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		r.Body = io.NopCloser(bytes.NewReader(body))
		if err := r.ParseMultipartForm(32 << 20); err != nil {
			meta.InvalidParameter(w, "attachment upload form is malformed")
			return
		}
		if err := decode([]byte(r.FormValue("message")), &req.Message); err != nil {
			meta.InvalidParameter(w, "The parameter message is required")
			return
		}
		f, _, err := r.FormFile("filedata")
		if err != nil {
			meta.InvalidParameter(w, "The parameter filedata is required")
			return
		}
		file, _ = io.ReadAll(f)
		_ = f.Close()
		if len(file) == 0 {
			meta.InvalidParameter(w, "filedata is empty")
			return
		}
	} else if err := decode(body, &req); err != nil {
		meta.InvalidParameter(w, "request body is not a valid attachment object")
		return
	}
	a := req.Message.Attachment
	switch {
	case a.Type != "image" && a.Type != "audio" && a.Type != "video" && a.Type != "file":
		meta.InvalidParameter(w, "Invalid attachment type")
		return
	case !a.Payload.IsReusable:
		meta.InvalidParameter(w, "payload.is_reusable must be true to save an attachment")
		return
	case file == nil && a.Payload.URL == "", file != nil && a.Payload.URL != "":
		meta.InvalidParameter(w, "exactly one of payload.url and filedata is required")
		return
	case len(file) > 25<<20:
		meta.WriteError(w, http.StatusBadRequest, meta.GraphError{Message: "(#100) Attachment size exceeds allowable limit", Code: 100, Subcode: 2018047})
		return
	}
	id := meta.NumericID()
	s.mu.Lock()
	s.attachments[id] = true
	s.mu.Unlock()
	meta.WriteJSON(w, map[string]string{"attachment_id": id})
}
