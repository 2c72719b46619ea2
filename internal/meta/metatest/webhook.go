package metatest

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/channel"
)

// sign is Meta's X-Hub-Signature-256 value for body, written here again
// rather than imported so the tests check the adapters against an
// independent reading of the format (and package meta's tests can use
// this package).
func sign(body, secret []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// Webhook is one adapter's webhook handler under WebhookHTTP.
type Webhook struct {
	// New returns the adapter's webhook handler, built by the adapter's own
	// Client.Webhook with Config.MaxBodyBytes = maxBody (0: the adapter's
	// default), passing events to h.
	New func(t *testing.T, maxBody int64, h channel.Handler) http.Handler
	// Body is a valid delivery holding exactly one event.
	Body []byte
	// AppSecret is the secret the handler checks X-Hub-Signature-256 with.
	AppSecret string
	// VerifyToken is the token the handler expects in the hub.* handshake.
	VerifyToken string
}

// WebhookHTTP runs the HTTP table every Meta adapter's webhook must pass:
// the hub.* handshake (right token, wrong token, wrong mode, no token), the
// signature check on the raw body (missing, wrong secret, another body's,
// the retired sha1 form: 401 and the handler is not called), the body cap
// (64 bytes: 413), a malformed body (400) and methods other than GET and
// POST (405).
func WebhookHTTP(t *testing.T, wh Webhook) {
	t.Helper()
	body, secret := wh.Body, []byte(wh.AppSecret)
	malformed := []byte(`{"object":`)
	handshake := func(mode, token string) string {
		return "/webhook?hub.mode=" + mode + "&hub.verify_token=" + token + "&hub.challenge=1158201444"
	}
	tests := []struct {
		name, method, target string
		body                 []byte
		signature            string
		maxBody              int64
		status, handled      int
	}{
		{"handshake", http.MethodGet, handshake("subscribe", wh.VerifyToken), nil, "", 0, 200, 0},
		{"handshake wrong token", http.MethodGet, handshake("subscribe", "nope"), nil, "", 0, 403, 0},
		{"handshake wrong mode", http.MethodGet, handshake("unsubscribe", wh.VerifyToken), nil, "", 0, 403, 0},
		{"handshake no token", http.MethodGet, "/webhook?hub.mode=subscribe&hub.challenge=1", nil, "", 0, 403, 0},
		{"valid", http.MethodPost, "/webhook", body, sign(body, secret), 0, 200, 1},
		{"missing signature", http.MethodPost, "/webhook", body, "", 0, 401, 0},
		{"wrong secret", http.MethodPost, "/webhook", body, sign(body, []byte("other")), 0, 401, 0},
		{"signature of another body", http.MethodPost, "/webhook", body, sign([]byte("{}"), secret), 0, 401, 0},
		{"sha1 header form", http.MethodPost, "/webhook", body, "sha1=abc", 0, 401, 0},
		{"too large", http.MethodPost, "/webhook", body, sign(body, secret), 64, 413, 0},
		{"malformed", http.MethodPost, "/webhook", malformed, sign(malformed, secret), 0, 400, 0},
		{"put", http.MethodPut, "/webhook", body, sign(body, secret), 0, 405, 0},
		{"delete", http.MethodDelete, "/webhook", nil, "", 0, 405, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := &Recorder{}
			req := httptest.NewRequest(tt.method, tt.target, bytes.NewReader(tt.body))
			if tt.signature != "" {
				req.Header.Set("X-Hub-Signature-256", tt.signature)
			}
			w := httptest.NewRecorder()
			wh.New(t, tt.maxBody, rec).ServeHTTP(w, req)
			assert.Equal(t, tt.status, w.Code)
			assert.Len(t, rec.IDs(), tt.handled)
			if tt.name == "handshake" {
				assert.Equal(t, "1158201444", w.Body.String())
			}
		})
	}
}

// Redelivery checks what happens when the handler fails on one event of a
// batch: deliver posts the same signed body to a webhook whose handler is
// rec, and rec.FailOn makes failID fail once. The first delivery answers
// 500 (Meta redelivers) and handling stops at failID; the redelivery
// answers 200 and handles failID again but not the events before it; a
// third delivery reaches the handler not at all. want is every id rec holds
// at the end, in order.
func Redelivery(t *testing.T, deliver func() int, rec *Recorder, failID string, want []string) {
	t.Helper()
	i := slices.Index(want, failID)
	require.GreaterOrEqual(t, i, 0, "want names failID")
	assert.Equal(t, http.StatusInternalServerError, deliver(), "a failing handler makes Meta redeliver")
	assert.Equal(t, want[:i+1], rec.IDs(), "handling stops at the failure")
	assert.Equal(t, http.StatusOK, deliver())
	assert.Equal(t, want, rec.IDs(), "events before the failure are not handled twice; the failed one is retried")
	assert.Equal(t, http.StatusOK, deliver())
	assert.Equal(t, want, rec.IDs(), "a third delivery reaches the handler not at all")
}
