package meta

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"time"

	"github.com/switchboard-go/switchboard/internal/fakefault"
)

// Fault is one failure a fake server injects on a request (the Meta side of
// fakefault's shape: Path, Status, Delay, Reset, AfterAccept, RetryAfter,
// Times, plus Graph's Code, Subcode and Message).
type Fault struct {
	// Path limits the fault to requests whose path ends with it
	// ("/messages", "/media"); empty matches every API request.
	Path string
	// Status is the HTTP status; 0 means 400 when Code is set, else no
	// error answer (a Delay or Reset alone).
	Status int
	// Code and Subcode go into the Graph error body; Code 0 with a status
	// answers Meta's generic "unknown error" (code 1).
	Code, Subcode int
	// Message is the error message; empty picks a realistic one.
	Message string
	// RetryAfter, when positive, is sent as a Retry-After header (seconds).
	RetryAfter time.Duration
	// Delay holds the answer back this long (or until the request is
	// cancelled); with no Status, Code or Reset the request then succeeds.
	Delay time.Duration
	// Reset closes the connection without an answer.
	Reset bool
	// AfterAccept makes the fake accept and record the request first (the
	// message is sent) and then fail: the answer is lost.
	AfterAccept bool
	// Times is how many matching requests fail; 0 means 1.
	Times int
}

// Spec is the platform-neutral part of f.
func (f Fault) Spec() fakefault.Spec {
	return fakefault.Spec{Path: f.Path, Delay: f.Delay, Reset: f.Reset, AfterAccept: f.AfterAccept, Times: f.Times}
}

// Faults is a queue of faults a fake applies in order, each to the next
// request matching its Path. The zero value is empty and ready; safe for
// concurrent use.
type Faults struct {
	q fakefault.Queue[Fault]
}

// Push appends f for n requests (n < 1 counts as 1), or f.Times when n is 1
// and f.Times is larger.
func (fs *Faults) Push(f Fault, n int) {
	fs.q.Push(f.Path, max(n, f.Times, 1), f)
}

// Len is the number of faults still queued.
func (fs *Faults) Len() int { return fs.q.Len() }

// Serve answers r: under the next fault matching r's path when one is
// queued (fakefault.Serve), else with accept.
func (fs *Faults) Serve(w http.ResponseWriter, r *http.Request, accept func(http.ResponseWriter)) {
	f, ok := fs.q.Take(r.URL.Path)
	if !ok {
		accept(w)
		return
	}
	fakefault.Serve(w, r, f.Spec(), accept, f.Answer)
}

// Answer writes f's Graph error and reports true, or reports false when f
// has no Status or Code (a pure Delay or Reset).
func (f Fault) Answer(w http.ResponseWriter) bool {
	if f.Status == 0 && f.Code == 0 {
		return false
	}
	status := f.Status
	if status == 0 {
		status = http.StatusBadRequest
	}
	code := f.Code
	if code == 0 {
		code = 1
	}
	msg := f.Message
	if msg == "" {
		msg = defaultMessage(code)
	}
	if f.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int((f.RetryAfter+time.Second-1)/time.Second)))
	}
	WriteError(w, status, GraphError{Message: msg, Type: "OAuthException", Code: code, Subcode: f.Subcode})
	return true
}

func defaultMessage(code int) string {
	switch code {
	case 1:
		return "An unknown error occurred"
	case 2:
		return "An unexpected error has occurred. Please retry your request later."
	case 4:
		return "(#4) Application request limit reached"
	case 10:
		return "(#10) This message is sent outside of allowed window."
	case 100:
		return "(#100) Invalid parameter"
	case 190:
		return "Invalid OAuth access token - Cannot parse access token"
	case 551:
		return "(#551) This person isn't available right now."
	case 613:
		return "(#613) Calls to this api have exceeded the rate limit."
	case 80007:
		return "(#80007) Rate limit issues"
	case 130429:
		return "(#130429) Rate limit hit"
	case 131026:
		return "(#131026) Message undeliverable"
	case 131047:
		return "(#131047) Re-engagement message"
	case 131048:
		return "(#131048) Spam rate limit hit"
	case 131056:
		return "(#131056) (Business Account, Consumer Account) pair rate limit hit"
	}
	return fmt.Sprintf("(#%d) Error", code)
}

// WriteError answers a Graph error JSON with status and a fresh fbtrace_id.
func WriteError(w http.ResponseWriter, status int, e GraphError) {
	if e.FBTraceID == "" {
		e.FBTraceID = TraceID()
	}
	if e.Type == "" {
		e.Type = "OAuthException"
	}
	if e.Code == 190 {
		w.Header().Set("WWW-Authenticate", `OAuth "Facebook Platform" "invalid_token" "`+e.Message+`"`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(e.Marshal())
}

// InvalidParameter answers Meta's code 100 with details, as the Graph API
// does for a request that is not what the endpoint accepts.
func InvalidParameter(w http.ResponseWriter, details string) {
	WriteError(w, http.StatusBadRequest, GraphError{
		Message: "(#100) Invalid parameter", Code: 100,
		Data: ErrorData{Details: details},
	})
}

// BearerToken returns the access token of r: the Authorization bearer
// header, or the access_token query parameter Graph also accepts.
func BearerToken(r *http.Request) string {
	if h := r.Header.Get("Authorization"); len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return r.URL.Query().Get("access_token")
}

// Authorized answers 401 with code 190 (as Graph does) when r does not carry
// token, and reports whether r may go on.
func Authorized(w http.ResponseWriter, r *http.Request, token string) bool {
	if BearerToken(r) == token && token != "" {
		return true
	}
	WriteError(w, http.StatusUnauthorized, GraphError{
		Message: "Invalid OAuth access token - Cannot parse access token", Code: 190,
	})
	return false
}

// RandomBytes returns n bytes from crypto/rand.
func RandomBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails (crypto/rand documents it)
	return b
}

// TraceID returns a random fbtrace_id-like token ("AbCdEfGhIjK").
func TraceID() string {
	return base64.RawURLEncoding.EncodeToString(RandomBytes(8))
}

// WAMID returns a WhatsApp message id like Meta's: "wamid." followed by the
// base64 of a length-prefixed wa_id and random bytes.
func WAMID(waID string) string {
	var b bytes.Buffer
	b.Write([]byte{0x1c, 0x18, byte(len(waID))})
	b.WriteString(waID)
	b.Write([]byte{0x15, 0x02, 0x00, 0x11, 0x18, 0x12})
	b.Write(RandomBytes(18))
	return "wamid." + base64.StdEncoding.EncodeToString(b.Bytes())
}

// MID returns a Messenger message id like Meta's: "m_" and 86 base64url chars.
func MID() string {
	return "m_" + base64.RawURLEncoding.EncodeToString(RandomBytes(64))
}

// NumericID returns a Graph object id: 15 to 16 decimal digits.
func NumericID() string {
	n := binary.BigEndian.Uint64(RandomBytes(8))
	return strconv.FormatUint(1e15+n%9e15, 10)
}

// Deliver signs body with secret and posts it as Meta would: to h through an
// in-memory recorder when h is not nil, else to url with hc (nil: a client
// with a 10 s timeout). It returns the status the receiver answered.
func Deliver(ctx context.Context, h http.Handler, url string, hc *http.Client, body, secret []byte) (int, error) {
	if h == nil && url == "" {
		return 0, errors.New("meta: deliver: no handler and no URL")
	}
	target := url
	if h != nil {
		target = "http://webhook.local/webhook"
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return 0, fmt.Errorf("meta: deliver: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(SignatureHeader, Sign(body, secret))
	req.Header.Set("User-Agent", "facebookexternalua")
	if h != nil {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code, nil
	}
	if hc == nil {
		hc = &http.Client{Timeout: 10 * time.Second}
	}
	resp, err := hc.Do(req)
	if err != nil {
		return 0, fmt.Errorf("meta: deliver: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, nil
}
