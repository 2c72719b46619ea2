package meta

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
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

// ErrorFields is the field layout of both adapters' exported *APIError
// (whatsapp.APIError, messenger.APIError): each of them converts to and from
// it, so the fields are filled and printed in one place while each package
// keeps its own type, codes and errors.Is mapping. Adding a field to one
// APIError and not here stops the conversion from compiling, on purpose.
type ErrorFields struct {
	StatusCode int
	Code       int
	Subcode    int
	Type       string
	Message    string
	Details    string
	RequestID  string
	RetryAfter time.Duration
}

// Fields returns the APIError fields of f.
func (f Failure) Fields() ErrorFields {
	return ErrorFields{
		StatusCode: f.StatusCode, Code: f.Graph.Code, Subcode: f.Graph.Subcode,
		Type: f.Graph.Type, Message: f.Graph.Message, Details: f.Graph.Data.Details,
		RequestID: f.Graph.FBTraceID, RetryAfter: f.RetryAfter,
	}
}

// Text is the error text of an APIError: name, then the status, code and
// subcode, message, details and trace id that are set, e.g.
// "whatsapp: api error (http 400) code 131047: Re-engagement message
// [fbtrace_id AbC]". It holds only parsed fields, never a token or raw body.
func (e ErrorFields) Text(name string) string {
	var b strings.Builder
	b.WriteString(name + ": api error")
	if e.StatusCode != 0 {
		fmt.Fprintf(&b, " (http %d)", e.StatusCode)
	}
	if e.Code != 0 {
		fmt.Fprintf(&b, " code %d", e.Code)
		if e.Subcode != 0 {
			fmt.Fprintf(&b, "/%d", e.Subcode)
		}
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if e.Details != "" {
		b.WriteString(" (" + e.Details + ")")
	}
	if e.RequestID != "" {
		b.WriteString(" [fbtrace_id " + e.RequestID + "]")
	}
	return b.String()
}

// Retryable reports whether the failure may succeed later: a code for which
// retryableCode is true (the platform's throttling and temporary codes), a
// 429, or a 5xx other than 501.
func (e ErrorFields) Retryable(retryableCode func(code, subcode int) bool) bool {
	return retryableCode(e.Code, e.Subcode) || e.StatusCode == http.StatusTooManyRequests ||
		(e.StatusCode >= 500 && e.StatusCode != http.StatusNotImplemented)
}
