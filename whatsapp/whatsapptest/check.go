package whatsapptest

import (
	"cmp"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/switchboard-go/switchboard/internal/meta"
)

// msgRequest is the fake's own reading of the Messages API request body,
// written from the API reference independently of the client's encoder.
type msgRequest struct {
	MessagingProduct string `json:"messaging_product"`
	RecipientType    string `json:"recipient_type"`
	To               string `json:"to"`
	Recipient        string `json:"recipient"`
	BizOpaque        string `json:"biz_opaque_callback_data"`
	Context          *struct {
		MessageID string `json:"message_id"`
	} `json:"context"`
	Type string `json:"type"`
	Text *struct {
		Body       string `json:"body"`
		PreviewURL bool   `json:"preview_url"`
	} `json:"text"`
	Image    *mediaReq `json:"image"`
	Audio    *mediaReq `json:"audio"`
	Video    *mediaReq `json:"video"`
	Document *mediaReq `json:"document"`
	Sticker  *mediaReq `json:"sticker"`
	Location *struct {
		Latitude  float64 `json:"latitude"`
		Longitude float64 `json:"longitude"`
		Name      string  `json:"name"`
		Address   string  `json:"address"`
	} `json:"location"`
	Reaction *struct {
		MessageID string `json:"message_id"`
		Emoji     string `json:"emoji"`
	} `json:"reaction"`
	Template    *templateReq    `json:"template"`
	Interactive *interactiveReq `json:"interactive"`

	Status          string `json:"status"`
	MessageID       string `json:"message_id"`
	TypingIndicator *struct {
		Type string `json:"type"`
	} `json:"typing_indicator"`
}

type mediaReq struct {
	ID       string `json:"id"`
	Link     string `json:"link"`
	Caption  string `json:"caption"`
	Filename string `json:"filename"`
}

type templateReq struct {
	Name     string `json:"name"`
	Language struct {
		Policy string `json:"policy"`
		Code   string `json:"code"`
	} `json:"language"`
	Components []struct {
		Type       string `json:"type"`
		SubType    string `json:"sub_type"`
		Index      any    `json:"index"`
		Parameters []struct {
			Type          string    `json:"type"`
			ParameterName string    `json:"parameter_name"`
			Text          *string   `json:"text"`
			Payload       string    `json:"payload"`
			Image         *mediaReq `json:"image"`
			Video         *mediaReq `json:"video"`
			Document      *mediaReq `json:"document"`
			Currency      any       `json:"currency"`
			DateTime      any       `json:"date_time"`
		} `json:"parameters"`
	} `json:"components"`
}

type interactiveReq struct {
	Type   string `json:"type"`
	Header *struct {
		Type     string    `json:"type"`
		Text     string    `json:"text"`
		Image    *mediaReq `json:"image"`
		Video    *mediaReq `json:"video"`
		Document *mediaReq `json:"document"`
	} `json:"header"`
	Body struct {
		Text string `json:"text"`
	} `json:"body"`
	Footer *struct {
		Text string `json:"text"`
	} `json:"footer"`
	Action struct {
		Button  string `json:"button"`
		Buttons []struct {
			Type  string `json:"type"`
			Reply struct {
				ID    string `json:"id"`
				Title string `json:"title"`
			} `json:"reply"`
		} `json:"buttons"`
		Sections []struct {
			Title string `json:"title"`
			Rows  []struct {
				ID          string `json:"id"`
				Title       string `json:"title"`
				Description string `json:"description"`
			} `json:"rows"`
		} `json:"sections"`
		Name       string         `json:"name"`
		Parameters map[string]any `json:"parameters"`
	} `json:"action"`
}

func (r *msgRequest) media() *mediaReq {
	switch r.Type {
	case "image":
		return r.Image
	case "audio":
		return r.Audio
	case "video":
		return r.Video
	case "document":
		return r.Document
	case "sticker":
		return r.Sticker
	}
	return nil
}

func invalid(format string, args ...any) *meta.GraphError {
	return &meta.GraphError{
		Message: "(#100) Invalid parameter", Code: 100,
		Data: meta.ErrorData{MessagingProduct: "whatsapp", Details: fmt.Sprintf(format, args...)},
	}
}

func runes(s string) int { return utf8.RuneCountInString(s) }

// check applies the Cloud API's documented request rules and returns the
// error Meta would answer, or nil.
func (s *Server) check(r *msgRequest) *meta.GraphError {
	switch {
	case r.To == "" && r.Recipient == "":
		return invalid("The parameter to is required.")
	case r.To != "" && !isPhone(r.To):
		return invalid("Invalid parameter to: not a phone number.")
	case r.To == "" && !isBSUID(r.Recipient):
		return invalid("Invalid parameter recipient: not a business-scoped user id.")
	case r.RecipientType != "" && r.RecipientType != "individual" && r.RecipientType != "group":
		return invalid("recipient_type must be individual or group.")
	case r.Context != nil && !strings.HasPrefix(r.Context.MessageID, "wamid."):
		return invalid("context.message_id must be a message id (wamid.…).")
	}
	if r.Type == "" {
		r.Type = "text"
	}
	if r.Type != "template" {
		s.mu.Lock()
		closed := s.closed[strings.TrimPrefix(cmp.Or(r.To, r.Recipient), "+")]
		s.mu.Unlock()
		if closed {
			return &meta.GraphError{
				Message: "(#131047) Re-engagement message", Code: 131047,
				Data: meta.ErrorData{MessagingProduct: "whatsapp", Details: "Message failed to send because more than 24 hours have passed since the customer last replied to this number."},
			}
		}
	}
	switch r.Type {
	case "text":
		switch {
		case r.Text == nil:
			return invalid("The parameter text is required.")
		case strings.TrimSpace(r.Text.Body) == "":
			return invalid("The parameter text['body'] is required.")
		case runes(r.Text.Body) > 4096:
			return invalid("Param text['body'] must be at most 4096 characters long.")
		}
	case "image", "audio", "video", "document", "sticker":
		return checkMedia(r.Type, r.media(), true)
	case "location":
		if r.Location == nil {
			return invalid("The parameter location is required.")
		}
	case "reaction":
		if r.Reaction == nil || r.Reaction.MessageID == "" {
			return invalid("The parameter reaction['message_id'] is required.")
		}
	case "template":
		return s.checkTemplate(r.Template)
	case "interactive":
		return checkInteractive(r.Interactive)
	default:
		return invalid("Invalid parameter type: %q.", r.Type)
	}
	return nil
}

func checkMedia(typ string, m *mediaReq, captionAllowed bool) *meta.GraphError {
	switch {
	case m == nil:
		return invalid("The parameter %s is required.", typ)
	case (m.ID == "") == (m.Link == ""):
		return invalid("Exactly one of %s['id'] and %s['link'] is required.", typ, typ)
	case m.Link != "" && !strings.HasPrefix(m.Link, "https://") && !strings.HasPrefix(m.Link, "http://"):
		return invalid("Param %s['link'] must be an http(s) URL.", typ)
	case m.Caption != "" && (!captionAllowed || typ == "audio" || typ == "sticker"):
		return invalid("Param %s['caption'] is not allowed.", typ)
	case runes(m.Caption) > 1024:
		return invalid("Param %s['caption'] must be at most 1024 characters long.", typ)
	case m.Filename != "" && typ != "document":
		return invalid("Param %s['filename'] is not allowed.", typ)
	}
	return nil
}

func (s *Server) checkTemplate(t *templateReq) *meta.GraphError {
	if t == nil || t.Name == "" {
		return invalid("The parameter template['name'] is required.")
	}
	if t.Language.Code == "" {
		return invalid("The parameter template['language']['code'] is required.")
	}
	if t.Language.Policy != "" && t.Language.Policy != "deterministic" {
		return invalid("template['language']['policy'] must be deterministic.")
	}
	bodyParams := 0
	for _, c := range t.Components {
		switch c.Type {
		case "header", "body", "button", "footer":
		default:
			return invalid("Invalid component type %q.", c.Type)
		}
		for i, p := range c.Parameters {
			switch p.Type {
			case "text":
				if p.Text == nil {
					return invalid("Param components[%s][%d]['text'] is required.", c.Type, i)
				}
				if g := checkParam(*p.Text); g != nil {
					return g
				}
				if p.ParameterName != "" && !validName(p.ParameterName) {
					return invalid("Invalid parameter_name %q.", p.ParameterName)
				}
			case "image":
				if g := checkMedia("image", p.Image, false); g != nil {
					return g
				}
			case "video":
				if g := checkMedia("video", p.Video, false); g != nil {
					return g
				}
			case "document":
				if g := checkMedia("document", p.Document, true); g != nil {
					return g
				}
			case "currency", "date_time", "payload", "location":
			default:
				return invalid("Invalid parameter type %q.", p.Type)
			}
		}
		if c.Type == "body" {
			bodyParams += len(c.Parameters)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.templates) == 0 {
		return nil
	}
	want, ok := s.templates[t.Name+"/"+t.Language.Code]
	if !ok {
		return &meta.GraphError{
			Message: "(#132001) Template name does not exist in the translation", Code: 132001,
			Data: meta.ErrorData{MessagingProduct: "whatsapp", Details: fmt.Sprintf("template name (%s) does not exist in %s", t.Name, t.Language.Code)},
		}
	}
	if want != bodyParams {
		return &meta.GraphError{
			Message: "(#132000) Number of parameters does not match the expected number of params", Code: 132000,
			Data: meta.ErrorData{MessagingProduct: "whatsapp", Details: fmt.Sprintf("body: number of localizable_params (%d) does not match the expected number of params (%d)", bodyParams, want)},
		}
	}
	return nil
}

// checkParam applies Meta's template text-parameter rules: not empty, no
// newline or tab, at most 4 consecutive spaces.
func checkParam(p string) *meta.GraphError {
	switch {
	case strings.TrimSpace(p) == "":
		return invalid("Template parameter text cannot be empty.")
	case strings.ContainsAny(p, "\n\r\t"), strings.Contains(p, "     "):
		return invalid("Param text cannot have new-line/tab characters or more than 4 consecutive spaces")
	}
	return nil
}

func validName(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return s != ""
}

func checkInteractive(it *interactiveReq) *meta.GraphError {
	if it == nil {
		return invalid("The parameter interactive is required.")
	}
	if strings.TrimSpace(it.Body.Text) == "" {
		return invalid("The parameter interactive['body']['text'] is required.")
	}
	if runes(it.Body.Text) > 1024 {
		return invalid("Param interactive['body']['text'] must be at most 1024 characters long.")
	}
	if h := it.Header; h != nil {
		switch h.Type {
		case "text":
			if h.Text == "" || runes(h.Text) > 60 {
				return invalid("interactive['header']['text'] must be 1 to 60 characters.")
			}
		case "image":
			if g := checkMedia("image", h.Image, false); g != nil {
				return g
			}
		case "video":
			if g := checkMedia("video", h.Video, false); g != nil {
				return g
			}
		case "document":
			if g := checkMedia("document", h.Document, false); g != nil {
				return g
			}
		default:
			return invalid("Invalid interactive header type %q.", h.Type)
		}
	}
	ids := map[string]bool{}
	switch it.Type {
	case "button":
		n := len(it.Action.Buttons)
		if n < 1 || n > 3 {
			return invalid("Param interactive['action']['buttons'] must have 1 to 3 buttons.")
		}
		for _, b := range it.Action.Buttons {
			switch {
			case b.Type != "reply":
				return invalid("button type must be reply.")
			case b.Reply.Title == "" || runes(b.Reply.Title) > 20:
				return invalid("Button title must be 1 to 20 characters.")
			case b.Reply.ID == "" || runes(b.Reply.ID) > 256:
				return invalid("Button id must be 1 to 256 characters.")
			case ids[b.Reply.ID]:
				return invalid("Button ids must be unique.")
			}
			ids[b.Reply.ID] = true
		}
	case "list":
		if it.Header != nil && it.Header.Type != "text" {
			return invalid("List messages only take a text header.")
		}
		if it.Action.Button == "" || runes(it.Action.Button) > 20 {
			return invalid("Param interactive['action']['button'] must be 1 to 20 characters.")
		}
		secs := it.Action.Sections
		if len(secs) < 1 || len(secs) > 10 {
			return invalid("Param interactive['action']['sections'] must have 1 to 10 sections.")
		}
		rows := 0
		for _, sec := range secs {
			if len(secs) > 1 && sec.Title == "" {
				return invalid("Section title is required when there is more than one section.")
			}
			for _, row := range sec.Rows {
				rows++
				switch {
				case row.Title == "" || runes(row.Title) > 24:
					return invalid("Row title must be 1 to 24 characters.")
				case runes(row.Description) > 72:
					return invalid("Row description must be at most 72 characters.")
				case row.ID == "" || runes(row.ID) > 200:
					return invalid("Row id must be 1 to 200 characters.")
				case ids[row.ID]:
					return invalid("Row ids must be unique.")
				}
				ids[row.ID] = true
			}
		}
		if rows < 1 || rows > 10 {
			return invalid("A list must have 1 to 10 rows in total.")
		}
	case "cta_url":
		if it.Action.Name != "cta_url" {
			return invalid("cta_url messages need action.name cta_url.")
		}
	default:
		return invalid("Invalid interactive type %q.", it.Type)
	}
	return nil
}

func isPhone(s string) bool {
	s = strings.TrimPrefix(s, "+")
	if len(s) < 5 || len(s) > 20 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func isBSUID(s string) bool {
	if len(s) < 4 || s[2] != '.' || s[0] < 'A' || s[0] > 'Z' || s[1] < 'A' || s[1] > 'Z' {
		return false
	}
	for i := 3; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '.') {
			return false
		}
	}
	return true
}
