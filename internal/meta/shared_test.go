package meta

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/internal/inbound"
	"github.com/switchboard-go/switchboard/internal/meta/metatest"
)

func TestWebhook(t *testing.T) {
	t.Parallel()
	secret := []byte("k")
	body := []byte(`{"ids":["a","b"]}`)
	parse := func(b []byte, maxEvents int) ([]channel.Event, error) {
		var p struct{ IDs []string }
		if err := json.Unmarshal(b, &p); err != nil || p.IDs == nil {
			return nil, errors.New("malformed")
		}
		if err := inbound.CheckEvents(len(p.IDs), maxEvents); err != nil {
			return nil, err
		}
		events := make([]channel.Event, 0, len(p.IDs))
		for _, id := range p.IDs {
			events = append(events, channel.Event{Type: channel.EventMessage, ID: id})
		}
		return events, nil
	}
	tests := []struct {
		name, method, query string
		body                []byte
		signature           string
		maxBody             int64
		maxEvents           int
		failOn              map[string]int
		status              int
		handled             []string
	}{
		{name: "handshake", method: http.MethodGet, query: "?hub.mode=subscribe&hub.verify_token=V&hub.challenge=7", status: 200},
		{name: "handshake wrong token", method: http.MethodGet, query: "?hub.mode=subscribe&hub.verify_token=X&hub.challenge=7", status: 403},
		{name: "put", method: http.MethodPut, status: 405},
		{name: "post", method: http.MethodPost, body: body, signature: Sign(body, secret), status: 200, handled: []string{"a", "b"}},
		{name: "unsigned", method: http.MethodPost, body: body, status: 401},
		{name: "wrong signature", method: http.MethodPost, body: body, signature: Sign(body, []byte("x")), status: 401},
		{name: "too large", method: http.MethodPost, body: body, signature: Sign(body, secret), maxBody: 4, status: 413},
		{name: "too many events", method: http.MethodPost, body: body, signature: Sign(body, secret), maxEvents: 1, status: 413},
		{name: "malformed", method: http.MethodPost, body: []byte(`[]`), signature: Sign([]byte(`[]`), secret), status: 400},
		{name: "handler fails", method: http.MethodPost, body: body, signature: Sign(body, secret),
			failOn: map[string]int{"a": 1}, status: 500, handled: []string{"a"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := &metatest.Recorder{FailOn: tt.failOn}
			wh := &Webhook{VerifyToken: "V", Verifier: NewVerifier(secret), MaxBody: tt.maxBody, MaxEvents: tt.maxEvents, Parse: parse, Handler: rec}
			r := httptest.NewRequest(tt.method, "/webhook"+tt.query, bytes.NewReader(tt.body))
			if tt.signature != "" {
				r.Header.Set(SignatureHeader, tt.signature)
			}
			w := httptest.NewRecorder()
			wh.ServeHTTP(w, r)
			assert.Equal(t, tt.status, w.Code)
			assert.Equal(t, tt.handled, rec.IDs())
			if tt.status == 405 {
				assert.Equal(t, "GET, POST", w.Header().Get("Allow"))
			}
			if tt.name == "handshake" {
				assert.Equal(t, "7", w.Body.String())
			}
		})
	}
}

// TestWebhookFailureStatusAndLog: a handler error answers 503 when the
// event is in flight or a store is down (so Meta redelivers later) and 500
// otherwise; every answer but 200 is logged without the body or signature.
func TestWebhookFailureStatusAndLog(t *testing.T) {
	t.Parallel()
	secret := []byte("k")
	body := []byte(`{"text":"my order 12345"}`)
	parse := func([]byte, int) ([]channel.Event, error) {
		return []channel.Event{{Type: channel.EventMessage, ID: "wamid.HBgLODUyOTEyMzQ1Njc4FQIAEhgSQUJDREVG"}}, nil
	}
	for _, tc := range []struct {
		name   string
		err    error
		status int
	}{
		{"in flight", fmt.Errorf("%w: x", channel.ErrInFlight), 503},
		{"store down", fmt.Errorf("%w: x", channel.ErrUnavailable), 503},
		{"handler", errors.New("boom"), 500},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var logs bytes.Buffer
			wh := &Webhook{Verifier: NewVerifier(secret), Parse: parse,
				Handler: channel.HandlerFunc(func(context.Context, channel.Event) error { return tc.err }),
				Log:     inbound.Log{Logger: slog.New(slog.NewJSONHandler(&logs, nil)), Channel: channel.WhatsApp}}
			r := httptest.NewRequest(http.MethodPost, "/webhook", bytes.NewReader(body))
			r.Header.Set(SignatureHeader, Sign(body, secret))
			w := httptest.NewRecorder()
			wh.ServeHTTP(w, r)
			assert.Equal(t, tc.status, w.Code)
			var rec map[string]any
			require.NoError(t, json.Unmarshal(logs.Bytes(), &rec), logs.String())
			assert.Equal(t, "ERROR", rec["level"])
			assert.Equal(t, float64(tc.status), rec["status"])
			assert.Equal(t, "whatsapp", rec["channel"])
			assert.Equal(t, "wamid.HBgL…JDREVG", rec["event_id"], "the wa_id inside a wamid is masked")
			assert.NotContains(t, logs.String(), "ODUyOTEy", "nor the base64 of the wa_id")
			assert.NotContains(t, logs.String(), "12345")
		})
	}
	t.Run("unsigned", func(t *testing.T) {
		t.Parallel()
		var logs bytes.Buffer
		wh := &Webhook{Verifier: NewVerifier(secret), Parse: parse, Handler: &metatest.Recorder{},
			Log: inbound.Log{Logger: slog.New(slog.NewJSONHandler(&logs, nil)), Channel: channel.Messenger}}
		r := httptest.NewRequest(http.MethodPost, "/webhook", bytes.NewReader(body))
		r.Header.Set(SignatureHeader, Sign(body, []byte("wrong")))
		w := httptest.NewRecorder()
		wh.ServeHTTP(w, r)
		assert.Equal(t, 401, w.Code)
		assert.Contains(t, logs.String(), `"level":"WARN","msg":"webhook refused","channel":"messenger","status":401`)
		assert.NotContains(t, logs.String(), "sha256=")
	})
}

func TestErrorFields(t *testing.T) {
	t.Parallel()
	f := Failure{StatusCode: 400, RetryAfter: time.Second, Graph: GraphError{
		Code: 131047, Subcode: 2494010, Type: "OAuthException", Message: "Re-engagement message",
		Data: ErrorData{Details: "24 h passed"}, FBTraceID: "AbC",
	}}
	e := f.Fields()
	assert.Equal(t, ErrorFields{StatusCode: 400, Code: 131047, Subcode: 2494010, Type: "OAuthException",
		Message: "Re-engagement message", Details: "24 h passed", RequestID: "AbC", RetryAfter: time.Second}, e)
	assert.Equal(t, "x: api error (http 400) code 131047/2494010: Re-engagement message (24 h passed) [fbtrace_id AbC]", e.Text("x"))
	assert.Equal(t, "x: api error", ErrorFields{}.Text("x"))
	assert.Equal(t, "x: api error code 4", ErrorFields{Code: 4, Subcode: 0}.Text("x"))

	never := func(int, int) bool { return false }
	for _, tc := range []struct {
		name string
		e    ErrorFields
		code func(int, int) bool
		want bool
	}{
		{"retryable code", ErrorFields{StatusCode: 400, Code: 4}, func(c, _ int) bool { return c == 4 }, true},
		{"permanent 400", ErrorFields{StatusCode: 400, Code: 100}, never, false},
		{"429", ErrorFields{StatusCode: 429}, never, true},
		{"503", ErrorFields{StatusCode: 503}, never, true},
		{"501", ErrorFields{StatusCode: 501}, never, false},
	} {
		assert.Equal(t, tc.want, tc.e.Retryable(tc.code), tc.name)
	}
}

func TestNewCaller(t *testing.T) {
	t.Parallel()
	cfg := CallerConfig{Name: "x", Token: "t", RetryableCode: func(int, int) bool { return false }}
	c, err := NewCaller(cfg)
	require.NoError(t, err)
	assert.Equal(t, DefaultBaseURL+"/"+DefaultAPIVersion, c.Base)
	assert.Equal(t, "x", c.Name)

	cfg.BaseURL, cfg.APIVersion = "http://127.0.0.1:9/", "v1.0"
	c, err = NewCaller(cfg)
	require.NoError(t, err)
	assert.Equal(t, "http://127.0.0.1:9/v1.0", c.Base)

	for _, v := range []string{"26.0", "v26", "v26.", "v.1", "vx.0", "v2.0b"} {
		cfg.APIVersion = v
		_, err := NewCaller(cfg)
		assert.EqualError(t, err, `x: Config.APIVersion "`+v+`" is not of the form v26.0`)
	}
	cfg.APIVersion = ""
	for _, u := range []string{"graph.facebook.com", "ftp://graph.facebook.com", "https://", "http://[::1"} {
		cfg.BaseURL = u
		_, err := NewCaller(cfg)
		assert.EqualError(t, err, "x: Config.BaseURL must be an absolute http(s) URL", u)
	}
}

func TestFakeRequestPlumbing(t *testing.T) {
	t.Parallel()
	r := httptest.NewRequest(http.MethodPost, "/v26.0/me/messages?access_token=tok&x=1", strings.NewReader("0123456789"))
	r.Header.Set("Authorization", "Bearer tok")
	h, q := Redacted(r)
	assert.Equal(t, "Bearer [redacted]", h.Get("Authorization"))
	assert.Equal(t, "[redacted]", q.Get("access_token"))
	assert.Equal(t, "1", q.Get("x"))
	assert.Equal(t, "Bearer tok", r.Header.Get("Authorization"), "the request itself is untouched")
	assert.Equal(t, []string{"v26.0", "me", "messages"}, PathParts(r))

	for v, want := range map[string]bool{"v26.0": true, "v2.10": true, "v26": false, "26.0": false, "va.b": false, "": false} {
		assert.Equal(t, want, PathVersion(v), v)
	}

	w := httptest.NewRecorder()
	rec, ok := Receive(w, r, 4)
	assert.False(t, ok)
	assert.Nil(t, rec.Body)

	r = httptest.NewRequest(http.MethodPost, "/v26.0/me/messages?access_token=tok", strings.NewReader("{}"))
	rec, ok = Receive(httptest.NewRecorder(), r, 4)
	require.True(t, ok)
	assert.Equal(t, Recorded{Method: http.MethodPost, Path: "/v26.0/me/messages",
		Query: url.Values{"access_token": {"[redacted]"}}, Header: http.Header{}, Body: []byte("{}")}, rec)
	g, ok := ParseError(w.Body.Bytes())
	require.True(t, ok)
	assert.Equal(t, 100, g.Code)

	w = httptest.NewRecorder()
	UnknownPath(w, []string{"v26.0", "nope"})
	assert.Equal(t, http.StatusBadRequest, w.Code)
	g, ok = ParseError(w.Body.Bytes())
	require.True(t, ok)
	assert.Equal(t, GraphError{Message: "Unknown path components: /v26.0/nope", Type: "OAuthException", Code: 2500, FBTraceID: g.FBTraceID}, g)

	s := ""
	Default(&s, "d")
	Default(&s, "e")
	assert.Equal(t, "d", s)
}
