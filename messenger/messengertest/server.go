package messengertest

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"time"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/internal/fakefault"
	"github.com/switchboard-go/switchboard/internal/meta"
	"github.com/switchboard-go/switchboard/messenger"
)

// Config configures a fake server. The zero value is ready: every empty
// field gets a test default.
type Config struct {
	PageAccessToken string // default "test-page-token"
	PageID          string // default "110912345678901"
	AppSecret       string // default "test-app-secret"
	VerifyToken     string // default "test-verify-token"
	// Clock stamps webhook payloads; nil means time.Now.
	Clock channel.Clock
}

// Server is a running fake Send API. Its methods are safe for concurrent use.
type Server struct {
	// URL is the base URL to use as messenger.Config.BaseURL.
	URL string
	cfg Config
	srv *httptest.Server

	faults   meta.Faults
	requests fakefault.Log[Request]
	sent     fakefault.Log[Sent]
	actions  fakefault.Log[string]

	mu          sync.Mutex
	attachments map[string]bool
	closed      map[string]bool
	unavailable map[string]bool
}

// Request is one request the server received, with the token redacted.
type Request struct {
	// Method is the HTTP method.
	Method string
	// Path is the URL path, e.g. "/v26.0/me/messages".
	Path string
	// Query is the URL query, access_token redacted.
	Query url.Values
	// Header is a copy of the request's header, Authorization redacted.
	Header http.Header
	// Body is the raw request body.
	Body []byte
}

// Sent is a message the server accepted.
type Sent struct {
	ID string // the mid it answered
	To string // PSID
	// MessagingType is "RESPONSE", "UPDATE" or "MESSAGE_TAG".
	MessagingType string
	// Tag is the message tag of a MESSAGE_TAG send (e.g.
	// "POST_PURCHASE_UPDATE"), else empty.
	Tag string
	// Text is the message text; empty for an attachment.
	Text string
	// Attachment is "type:url" or "type:#attachment_id" for an attachment.
	Attachment string
	// QuickReplies are the quick-reply titles.
	QuickReplies []string
	// Body is the raw JSON request body.
	Body []byte
}

// NewServer starts a fake server; call Close when done.
func NewServer(cfg Config) *Server {
	meta.Default(&cfg.PageAccessToken, "test-page-token")
	meta.Default(&cfg.PageID, "110912345678901")
	meta.Default(&cfg.AppSecret, "test-app-secret")
	meta.Default(&cfg.VerifyToken, "test-verify-token")
	s := &Server{
		cfg:         cfg,
		attachments: make(map[string]bool),
		closed:      make(map[string]bool),
		unavailable: make(map[string]bool),
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL
	return s
}

// Close shuts the server down.
func (s *Server) Close() { s.srv.Close() }

// Client returns an *http.Client for the server.
func (s *Server) Client() *http.Client { return s.srv.Client() }

// Config returns the server's configuration with defaults filled in.
func (s *Server) Config() Config { return s.cfg }

// ClientConfig returns a messenger.Config wired to this server, with short
// backoffs so retry tests run fast.
func (s *Server) ClientConfig() messenger.Config {
	return messenger.Config{
		PageAccessToken: s.cfg.PageAccessToken,
		AppSecret:       s.cfg.AppSecret,
		VerifyToken:     s.cfg.VerifyToken,
		BaseURL:         s.URL,
		HTTPClient:      s.srv.Client(),
		Retry:           channel.Retry{MinBackoff: time.Millisecond, MaxBackoff: 10 * time.Millisecond},
	}
}

// Requests returns a copy of every request received, in order.
func (s *Server) Requests() []Request { return s.requests.All() }

// Sent returns a copy of every message accepted, in order.
func (s *Server) Sent() []Sent { return s.sent.All() }

// Actions returns the sender actions accepted, as "psid:action".
func (s *Server) Actions() []string { return s.actions.All() }

// CloseWindow makes RESPONSE and UPDATE sends to psid fail with 10/2018278,
// as 24 h after the person's last message; tagged sends still go.
func (s *Server) CloseWindow(psid string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed[psid] = true
}

// OpenWindow undoes CloseWindow.
func (s *Server) OpenWindow(psid string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.closed, psid)
}

// MakeUnavailable makes every send to psid fail with 551 (the person blocked
// the Page or deactivated their account).
func (s *Server) MakeUnavailable(psid string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.unavailable[psid] = true
}

// Fault is a failure the server injects on API requests. Its shape is the
// one every fake of this module shares (whatsapptest, messengertest,
// linetest, wechattest): Path, Status, Delay, Reset, AfterAccept,
// RetryAfter and Times, plus the platform's error fields (here Meta's
// Code, Subcode and Message).
//
// Without AfterAccept the fault happens before Meta saw the request: the
// message is not recorded. With AfterAccept the message is accepted and
// recorded (Sent lists it) and then the answer is lost: Status answers an
// error instead, Reset closes the connection, Delay answers too late for
// the client.
//
// The type is the one both Meta fakes (whatsapptest, messengertest) share,
// so a fault reads the same in either.
type Fault = meta.Fault

// Throttle is the fault Meta answers over a rate limit (613, 4), with
// Retry-After.
func Throttle(code int, retryAfter time.Duration) Fault {
	return Fault{Status: http.StatusBadRequest, Code: code, RetryAfter: retryAfter}
}

// TooManyRequests is an HTTP 429 with code 613.
func TooManyRequests(retryAfter time.Duration) Fault {
	return Fault{Status: http.StatusTooManyRequests, Code: messenger.CodeRateLimit, RetryAfter: retryAfter}
}

// ServerError is an HTTP 500 with code 2 ("unexpected error, retry later").
func ServerError() Fault {
	return Fault{Status: http.StatusInternalServerError, Code: messenger.CodeTemporary}
}

// OutsideWindow is the outside-window error 10/2018278.
func OutsideWindow() Fault {
	return Fault{Status: http.StatusBadRequest, Code: messenger.CodePermission, Subcode: messenger.SubcodeOutsideWindow}
}

// Slow delays one answer by d and then handles the request normally.
func Slow(d time.Duration) Fault { return Fault{Delay: d} }

// PendingFaults is the number of injected faults not yet used up (a fault
// with Times > 1 counts once until its last use). A test asserts it is 0 to
// prove every fault it injected was met.
func (s *Server) PendingFaults() int { return s.faults.Len() }

// Inject queues f: the next f.Times requests matching f.Path fail with it.
func (s *Server) Inject(f Fault) { s.faults.Push(f, f.Times) }

// LostAnswer is the fault where Meta accepts and records the message and
// the answer is then lost: a 500 after acceptance.
func LostAnswer() Fault {
	return Fault{Status: http.StatusInternalServerError, Code: 1, AfterAccept: true}
}

// FailNext queues faults; each answers one API request, in order.
func (s *Server) FailNext(faults ...Fault) {
	for _, f := range faults {
		s.faults.Push(f, 1)
	}
}

// Deliver signs body with the app secret and posts it to h as Meta would.
func (s *Server) Deliver(ctx context.Context, h http.Handler, body []byte) (int, error) {
	return meta.Deliver(ctx, h, "", nil, body, []byte(s.cfg.AppSecret))
}

// DeliverURL signs body and posts it to a webhook URL with hc (nil: a
// client with a timeout).
func (s *Server) DeliverURL(ctx context.Context, url string, hc *http.Client, body []byte) (int, error) {
	return meta.Deliver(ctx, nil, url, hc, body, []byte(s.cfg.AppSecret))
}

func (s *Server) now() time.Time { return s.cfg.Clock.Now() }
