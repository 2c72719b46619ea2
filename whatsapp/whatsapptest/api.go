package whatsapptest

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/switchboard-go/switchboard/internal/meta"
)

const maxRequestBody = 110 << 20 // the largest upload (100 MB document) and its form

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	rec, ok := meta.Receive(w, r, maxRequestBody)
	if !ok {
		return
	}
	s.requests.Add(Request(rec))
	parts := meta.PathParts(r)
	if len(parts) == 2 && parts[0] == "whatsapp_business" && parts[1] == "attachments" {
		s.download(w, r)
		return
	}
	if len(parts) < 2 || !meta.PathVersion(parts[0]) {
		meta.UnknownPath(w, parts)
		return
	}
	s.faults.ServeAuthorized(w, r, s.cfg.AccessToken, func(w http.ResponseWriter) { s.route(w, r, parts, rec.Body) })
}

// route answers an authorized API request.
func (s *Server) route(w http.ResponseWriter, r *http.Request, parts []string, body []byte) {
	switch {
	case len(parts) == 3 && parts[1] == s.cfg.PhoneNumberID && parts[2] == "messages" && r.Method == http.MethodPost:
		s.messages(w, body)
	case len(parts) == 3 && parts[1] == s.cfg.PhoneNumberID && parts[2] == "media" && r.Method == http.MethodPost:
		s.upload(w, r, body)
	case len(parts) == 2 && r.Method == http.MethodGet:
		s.lookup(w, r, parts[1])
	default:
		meta.WriteError(w, http.StatusBadRequest, meta.GraphError{
			Message: fmt.Sprintf("Unsupported %s request. Object with ID '%s' does not exist, cannot be loaded due to missing permissions, or does not support this operation.",
				strings.ToLower(r.Method), parts[1]),
			Code: 100, Subcode: 33,
		})
	}
}

func (s *Server) messages(w http.ResponseWriter, body []byte) {
	var req msgRequest
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		meta.InvalidParameter(w, "request body is not a valid message object: "+decodeProblem(err))
		return
	}
	if req.MessagingProduct != "whatsapp" {
		meta.InvalidParameter(w, "The parameter messaging_product is required and must be whatsapp.")
		return
	}
	if req.Status != "" {
		if req.Status != "read" || req.MessageID == "" {
			meta.InvalidParameter(w, "status must be read and message_id is required")
			return
		}
		if req.TypingIndicator != nil && req.TypingIndicator.Type != "text" {
			meta.InvalidParameter(w, "typing_indicator.type must be text")
			return
		}
		meta.WriteJSON(w, map[string]bool{"success": true})
		return
	}
	if problem := s.check(&req); problem != nil {
		meta.WriteError(w, http.StatusBadRequest, *problem)
		return
	}
	input, waID, userID := req.To, strings.TrimPrefix(req.To, "+"), ""
	if req.To == "" {
		input, waID, userID = req.Recipient, "", req.Recipient
	}
	id := meta.WAMID(cmp.Or(waID, userID))
	s.sent.Add(summarize(&req, id, input, body))
	meta.WriteJSON(w, map[string]any{
		"messaging_product": "whatsapp",
		"contacts":          []map[string]string{contactOf(input, waID, userID)},
		"messages":          []map[string]string{{"id": id}},
	})
}

func contactOf(input, waID, userID string) map[string]string {
	c := map[string]string{"input": input}
	if waID != "" {
		c["wa_id"] = waID
	}
	if userID != "" {
		c["user_id"] = userID
	}
	return c
}

func decodeProblem(err error) string {
	msg := err.Error()
	if strings.HasPrefix(msg, "json: unknown field") {
		return "unexpected key " + strings.TrimPrefix(msg, "json: unknown field ")
	}
	var te *json.UnmarshalTypeError
	if ok := asTypeError(err, &te); ok {
		return "wrong type for " + te.Field
	}
	return "invalid JSON"
}

func asTypeError(err error, te **json.UnmarshalTypeError) bool {
	t, ok := err.(*json.UnmarshalTypeError)
	if ok {
		*te = t
	}
	return ok
}

func summarize(req *msgRequest, id, to string, body []byte) Sent {
	s := Sent{ID: id, To: to, Type: req.Type, Body: body}
	if req.Context != nil {
		s.ReplyTo = req.Context.MessageID
	}
	switch {
	case req.Text != nil:
		s.Text = req.Text.Body
	case req.Template != nil:
		s.Template = req.Template.Name
	case req.Interactive != nil:
		s.Text = req.Interactive.Body.Text
		for _, b := range req.Interactive.Action.Buttons {
			s.Buttons = append(s.Buttons, b.Reply.Title)
		}
		for _, sec := range req.Interactive.Action.Sections {
			for _, row := range sec.Rows {
				s.Buttons = append(s.Buttons, row.Title)
			}
		}
	default:
		if m := req.media(); m != nil {
			s.Text = m.Caption
		}
	}
	return s
}

func (s *Server) upload(w http.ResponseWriter, r *http.Request, body []byte) {
	r.Body = io.NopCloser(bytes.NewReader(body))
	if err := r.ParseMultipartForm(32 << 20); err != nil {
		meta.InvalidParameter(w, "media upload must be multipart/form-data")
		return
	}
	if r.FormValue("messaging_product") != "whatsapp" {
		meta.InvalidParameter(w, "The parameter messaging_product is required and must be whatsapp.")
		return
	}
	f, fh, err := r.FormFile("file")
	if err != nil {
		meta.InvalidParameter(w, "The parameter file is required.")
		return
	}
	defer f.Close()
	data, _ := io.ReadAll(f)
	mimeType := r.FormValue("type")
	if mimeType == "" {
		meta.InvalidParameter(w, "The parameter type is required.")
		return
	}
	if ct := fh.Header.Get("Content-Type"); ct != "" && ct != mimeType && ct != "application/octet-stream" {
		meta.InvalidParameter(w, "file content type does not match type")
		return
	}
	if limit := limitFor(mimeType); int64(len(data)) > limit {
		meta.InvalidParameter(w, fmt.Sprintf("file size %d exceeds the %d-byte limit for %s", len(data), limit, mimeType))
		return
	}
	sum := sha256.Sum256(data)
	id := meta.NumericID()
	s.mu.Lock()
	s.media[id] = storedMedia{data: data, mimeType: mimeType, sha256: hex.EncodeToString(sum[:])}
	s.mu.Unlock()
	meta.WriteJSON(w, map[string]string{"id": id})
}

// AddMedia stores a file as if a customer had sent it, for webhooks that
// carry a media id; it returns the id.
func (s *Server) AddMedia(data []byte, mimeType string) string {
	sum := sha256.Sum256(data)
	id := meta.NumericID()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.media[id] = storedMedia{data: append([]byte(nil), data...), mimeType: mimeType, sha256: hex.EncodeToString(sum[:])}
	return id
}

func limitFor(mimeType string) int64 {
	switch {
	case mimeType == "image/webp":
		return 500 << 10
	case strings.HasPrefix(mimeType, "image/"):
		return 5 << 20
	case strings.HasPrefix(mimeType, "audio/"), strings.HasPrefix(mimeType, "video/"):
		return 16 << 20
	}
	return 100 << 20
}

func (s *Server) lookup(w http.ResponseWriter, r *http.Request, id string) {
	s.mu.Lock()
	m, ok := s.media[id]
	s.mu.Unlock()
	if !ok {
		meta.WriteError(w, http.StatusBadRequest, meta.GraphError{
			Message: fmt.Sprintf("Unsupported get request. Object with ID '%s' does not exist, cannot be loaded due to missing permissions, or does not support this operation.", id),
			Code:    100, Subcode: 33,
		})
		return
	}
	meta.WriteJSON(w, map[string]any{
		"messaging_product": "whatsapp",
		"url":               s.URL + "/whatsapp_business/attachments/?mid=" + id + "&ext=" + strconv.FormatInt(s.now().Unix(), 10),
		"mime_type":         m.mimeType,
		"sha256":            m.sha256,
		"file_size":         len(m.data),
		"id":                id,
	})
}

// download serves the short-lived media URL; like lookaside.fbsbx.com it
// wants the access token as a bearer header.
func (s *Server) download(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet || meta.BearerToken(r) != s.cfg.AccessToken || r.URL.Query().Has("access_token") {
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	s.mu.Lock()
	m, ok := s.media[r.URL.Query().Get("mid")]
	s.mu.Unlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", m.mimeType)
	w.Header().Set("Content-Length", strconv.Itoa(len(m.data)))
	_, _ = w.Write(m.data)
}
