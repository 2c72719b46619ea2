package meta

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/switchboard-go/switchboard/internal/transport"
)

// GraphError is the body of a failed Graph API call:
//
//	{"error":{"message","type","code","error_subcode","error_user_title",
//	  "error_user_msg","error_data":{"messaging_product","details"},"fbtrace_id"}}
//
// (Graph API "Handling Errors"; WhatsApp Cloud API "Error codes").
type GraphError struct {
	Message   string    `json:"message,omitempty"`
	Type      string    `json:"type,omitempty"`
	Code      int       `json:"code"`
	Subcode   int       `json:"error_subcode,omitempty"`
	UserTitle string    `json:"error_user_title,omitempty"`
	UserMsg   string    `json:"error_user_msg,omitempty"`
	Data      ErrorData `json:"error_data,omitzero"`
	FBTraceID string    `json:"fbtrace_id,omitempty"`
}

// ErrorData is the error_data object of a Graph error.
type ErrorData struct {
	MessagingProduct string `json:"messaging_product,omitempty"`
	Details          string `json:"details,omitempty"`
}

type errorEnvelope struct {
	Error *GraphError `json:"error"`
}

// ParseError decodes a Graph error body. It reports false when body is not
// one (empty, not JSON, or without an "error" object).
func ParseError(body []byte) (GraphError, bool) {
	var env errorEnvelope
	if len(body) == 0 || json.Unmarshal(body, &env) != nil || env.Error == nil {
		return GraphError{}, false
	}
	return *env.Error, true
}

// Marshal returns e wrapped in its {"error":...} envelope.
func (e GraphError) Marshal() []byte {
	b, err := json.Marshal(errorEnvelope{Error: &e})
	if err != nil { // cannot happen: plain strings and ints
		return []byte(`{"error":{"message":"internal error","code":1}}`)
	}
	return b
}

// Failure is what a failed HTTP exchange with the Graph API boiled down to:
// the status, the parsed error (zero when the body was not a Graph error) and
// the Retry-After the server sent. Adapters turn it into their *APIError.
type Failure struct {
	StatusCode int
	Graph      GraphError
	RetryAfter time.Duration
}

// ReadFailure reads at most 64 KiB of a failed response body and parses it.
// The raw body never leaves this function: only the parsed fields do, so no
// error built from a Failure can leak what the server echoed back.
func ReadFailure(resp *http.Response, now time.Time) Failure {
	f := Failure{StatusCode: resp.StatusCode}
	if d, ok := transport.ParseRetryAfter(resp.Header.Get("Retry-After"), now); ok {
		f.RetryAfter = d
	}
	body, _ := readLimited(resp.Body, maxErrorBody)
	if g, ok := ParseError(body); ok {
		f.Graph = g
	} else {
		f.Graph.Message = http.StatusText(resp.StatusCode)
	}
	return f
}
