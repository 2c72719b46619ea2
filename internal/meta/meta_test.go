package meta

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSignature(t *testing.T) {
	t.Parallel()
	body := []byte(`{"object":"page"}`)
	secret := []byte("s3cret")
	good := Sign(body, secret)
	v := NewVerifier(secret)
	tests := []struct {
		name   string
		header string
		secret []byte
		want   bool
	}{
		{"good", good, secret, true},
		{"upper-case hex", "sha256=" + strings.ToUpper(good[7:]), secret, true},
		{"empty", "", secret, false},
		{"no prefix", good[7:], secret, false},
		{"sha1 prefix", "sha1=" + good[7:], secret, false},
		{"truncated", good[:len(good)-2], secret, false},
		{"not hex", "sha256=" + strings.Repeat("z", 64), secret, false},
		{"other secret", Sign(body, []byte("other")), secret, false},
		{"empty secret", Sign(body, nil), nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, ValidSignature(body, tt.header, tt.secret))
			if bytes.Equal(tt.secret, secret) {
				assert.Equal(t, tt.want, v.Valid(body, tt.header))
			}
		})
	}
}

func TestVerifierConcurrent(t *testing.T) {
	t.Parallel()
	v := NewVerifier([]byte("k"))
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			body := []byte(strings.Repeat("x", i*100))
			for range 100 {
				if !v.Valid(body, Sign(body, []byte("k"))) {
					t.Error("valid signature refused")
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestHandshake(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, query, token string
		status             int
	}{
		{"ok", "hub.mode=subscribe&hub.verify_token=T&hub.challenge=42", "T", 200},
		{"wrong token", "hub.mode=subscribe&hub.verify_token=X&hub.challenge=42", "T", 403},
		{"no mode", "hub.verify_token=T&hub.challenge=42", "T", 403},
		{"unconfigured token", "hub.mode=subscribe&hub.verify_token=&hub.challenge=42", "", 403},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := httptest.NewRecorder()
			ok := Handshake(w, httptest.NewRequest(http.MethodGet, "/?"+tt.query, nil), tt.token)
			assert.Equal(t, tt.status == 200, ok)
			assert.Equal(t, 200, w.Code, "a refused handshake writes nothing; the caller answers")
			if tt.status == 200 {
				assert.Equal(t, "42", w.Body.String())
			} else {
				assert.Empty(t, w.Body.String())
			}
		})
	}
}

func TestParseError(t *testing.T) {
	t.Parallel()
	g, ok := ParseError([]byte(`{"error":{"message":"(#131047) Re-engagement message","type":"OAuthException","code":131047,"error_subcode":2494010,"error_data":{"messaging_product":"whatsapp","details":"24 h passed"},"fbtrace_id":"AbC"}}`))
	require.True(t, ok)
	assert.Equal(t, GraphError{Message: "(#131047) Re-engagement message", Type: "OAuthException", Code: 131047, Subcode: 2494010,
		Data: ErrorData{MessagingProduct: "whatsapp", Details: "24 h passed"}, FBTraceID: "AbC"}, g)
	for _, bad := range []string{"", "null", "{}", `{"error":null}`, "<html>"} {
		_, ok := ParseError([]byte(bad))
		assert.False(t, ok, bad)
	}
	back, ok := ParseError(g.Marshal())
	require.True(t, ok)
	assert.Equal(t, g, back)
}

func response(status int, body string) *http.Response {
	return &http.Response{StatusCode: status, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(body))}
}

func TestCheckRetry(t *testing.T) {
	t.Parallel()
	check := CheckRetry(func(code, _ int) bool { return code == 130429 || code == 2 })
	tests := []struct {
		name string
		resp *http.Response
		err  error
		want bool
	}{
		{"200", response(200, `{}`), nil, false},
		{"throttling code in 400", response(400, `{"error":{"code":130429}}`), nil, true},
		{"temporary code", response(400, `{"error":{"code":2}}`), nil, true},
		{"permanent 400", response(400, `{"error":{"code":100}}`), nil, false},
		{"400 without json", response(400, `bad`), nil, false},
		{"401", response(401, `{"error":{"code":190}}`), nil, false},
		{"429", response(429, ``), nil, true},
		{"500", response(500, ``), nil, true},
		{"501", response(501, ``), nil, false},
		{"connection refused", nil, errors.New("dial tcp: connection refused"), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var before string
			if tt.resp != nil {
				b, _ := io.ReadAll(tt.resp.Body)
				before = string(b)
				tt.resp.Body = io.NopCloser(strings.NewReader(before))
			}
			retry, err := check(context.Background(), tt.resp, tt.err)
			assert.Equal(t, tt.want, retry)
			if tt.err == nil {
				assert.NoError(t, err)
			}
			if tt.resp != nil {
				after, _ := io.ReadAll(tt.resp.Body)
				assert.Equal(t, before, string(after), "the body is restored for the caller")
			}
		})
	}
	t.Run("context done", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		retry, err := check(ctx, response(400, `{"error":{"code":130429}}`), nil)
		assert.False(t, retry)
		assert.ErrorIs(t, err, context.Canceled)
	})
}

func TestReadFailure(t *testing.T) {
	t.Parallel()
	r := response(400, `{"error":{"code":4,"message":"(#4) Application request limit reached"}}`)
	r.Header.Set("Retry-After", "7")
	f := ReadFailure(r, time.Now())
	assert.Equal(t, Failure{StatusCode: 400, Graph: GraphError{Code: 4, Message: "(#4) Application request limit reached"}, RetryAfter: 7 * time.Second}, f)
	f = ReadFailure(response(502, `<html>Bad Gateway</html>`), time.Now())
	assert.Equal(t, "Bad Gateway", f.Graph.Message, "a non-Graph body is never echoed")
}

func TestFaults(t *testing.T) {
	t.Parallel()
	var fs Faults
	fs.Push(Fault{Code: 130429, RetryAfter: 1500 * time.Millisecond}, 2)
	fs.Push(Fault{Status: 503}, 1)
	accepted := 0
	accept := func(w http.ResponseWriter) { accepted++; w.WriteHeader(http.StatusOK) }
	for _, want := range []int{400, 400, 503} {
		w := httptest.NewRecorder()
		fs.Serve(w, httptest.NewRequest(http.MethodPost, "/", nil), accept)
		assert.Equal(t, want, w.Code)
		assert.Zero(t, accepted, "a fault before acceptance records nothing")
		if want == 400 {
			assert.Equal(t, "2", w.Header().Get("Retry-After"))
			g, ok := ParseError(w.Body.Bytes())
			require.True(t, ok)
			assert.Equal(t, 130429, g.Code)
			assert.NotEmpty(t, g.FBTraceID)
		}
	}
	assert.Zero(t, fs.Len())
	fs.Serve(httptest.NewRecorder(), httptest.NewRequest(http.MethodPost, "/", nil), accept)
	assert.Equal(t, 1, accepted, "no fault left: the request is accepted")

	fs.Push(Fault{Path: "/messages", Status: 500, AfterAccept: true}, 1)
	w := httptest.NewRecorder()
	fs.Serve(w, httptest.NewRequest(http.MethodPost, "/v26.0/1/media", nil), accept)
	assert.Equal(t, 200, w.Code, "the fault waits for its path")
	w = httptest.NewRecorder()
	fs.Serve(w, httptest.NewRequest(http.MethodPost, "/v26.0/1/messages", nil), accept)
	assert.Equal(t, 500, w.Code)
	assert.Equal(t, 3, accepted, "accepted, then the answer was lost")
}

func TestIDs(t *testing.T) {
	t.Parallel()
	assert.True(t, strings.HasPrefix(WAMID("16505551234"), "wamid.HBgL"))
	assert.NotEqual(t, WAMID("1"), WAMID("1"))
	assert.Len(t, MID(), 2+86)
	assert.Len(t, NumericID(), 16)
}

func TestDeliver(t *testing.T) {
	t.Parallel()
	secret := []byte("k")
	v := NewVerifier(secret)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := ReadSigned(w, r, v, 0); ok {
			w.WriteHeader(http.StatusNoContent)
		}
	})
	status, err := Deliver(context.Background(), h, "", nil, []byte(`{}`), secret)
	require.NoError(t, err)
	assert.Equal(t, http.StatusNoContent, status)
	status, err = Deliver(context.Background(), h, "", nil, []byte(`{}`), []byte("wrong"))
	require.NoError(t, err)
	assert.Equal(t, http.StatusUnauthorized, status)
	_, err = Deliver(context.Background(), nil, "", nil, nil, secret)
	assert.Error(t, err)
}
