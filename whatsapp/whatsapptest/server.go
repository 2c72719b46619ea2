package whatsapptest

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/internal/fakefault"
	"github.com/switchboard-go/switchboard/internal/meta"
	"github.com/switchboard-go/switchboard/whatsapp"
)

// Config configures a fake server. The zero value is ready: every empty
// field gets a test default.
type Config struct {
	AccessToken   string // default "test-access-token"
	PhoneNumberID string // default "106540352242922"
	DisplayPhone  string // default "15550001234"
	AccountID     string // WhatsApp Business Account id, default "102290129340398"
	AppSecret     string // default "test-app-secret"
	VerifyToken   string // default "test-verify-token"
	// Clock stamps webhook payloads; nil means time.Now.
	Clock channel.Clock
}

// Server is a running fake Cloud API. Its fields are read-only; its methods
// are safe for concurrent use.
type Server struct {
	// URL is the base URL to use as whatsapp.Config.BaseURL.
	URL string
	cfg Config
	srv *httptest.Server

	faults   meta.Faults
	requests fakefault.Log[Request]
	sent     fakefault.Log[Sent]

	mu        sync.Mutex
	media     map[string]storedMedia
	templates map[string]int // name + "/" + language → parameter count
	closed    map[string]bool
}

// Request is one request the server received. The Authorization header is
// replaced by "Bearer [redacted]" so records can be printed safely.
type Request struct {
	// Method is the HTTP method.
	Method string
	// Path is the URL path, e.g. "/v26.0/106540352242922/messages".
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
	ID   string // the wamid it answered
	To   string // "to", or "recipient" for a business-scoped user id
	Type string // text, image, template, interactive, ...
	// Text is the text body, the interactive body, or the media caption.
	Text string
	// Template is the template name of a template message.
	Template string
	// Buttons are the reply-button or list-row titles of an interactive message.
	Buttons []string
	// ReplyTo is context.message_id.
	ReplyTo string
	// Body is the raw JSON request body.
	Body []byte
}

type storedMedia struct {
	data     []byte
	mimeType string
	sha256   string
}

// NewServer starts a fake server; call Close when done.
func NewServer(cfg Config) *Server {
	meta.Default(&cfg.AccessToken, "test-access-token")
	meta.Default(&cfg.PhoneNumberID, "106540352242922")
	meta.Default(&cfg.DisplayPhone, "15550001234")
	meta.Default(&cfg.AccountID, "102290129340398")
	meta.Default(&cfg.AppSecret, "test-app-secret")
	meta.Default(&cfg.VerifyToken, "test-verify-token")
	s := &Server{
		cfg:       cfg,
		media:     make(map[string]storedMedia),
		templates: make(map[string]int),
		closed:    make(map[string]bool),
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

// ClientConfig returns a whatsapp.Config wired to this server (base URL,
// credentials, HTTP client) with short backoffs so retry tests run fast.
func (s *Server) ClientConfig() whatsapp.Config {
	return whatsapp.Config{
		AccessToken:   s.cfg.AccessToken,
		PhoneNumberID: s.cfg.PhoneNumberID,
		AppSecret:     s.cfg.AppSecret,
		VerifyToken:   s.cfg.VerifyToken,
		BaseURL:       s.URL,
		HTTPClient:    s.srv.Client(),
		Retry:         channel.Retry{MinBackoff: time.Millisecond, MaxBackoff: 10 * time.Millisecond},
	}
}

// Requests returns a copy of every request received, in order.
func (s *Server) Requests() []Request { return s.requests.All() }

// Sent returns a copy of every message accepted, in order.
func (s *Server) Sent() []Sent { return s.sent.All() }

// Reset forgets recorded requests and sent messages, queued faults stay.
func (s *Server) Reset() {
	s.requests.Reset()
	s.sent.Reset()
}

// AddTemplate registers an approved template. Once any is registered, a
// template send must name a registered one in its language (else 132001)
// with exactly params body parameters (else 132000); with none registered
// every well-formed template is accepted.
func (s *Server) AddTemplate(name, language string, params int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.templates[name+"/"+language] = params
}

// CloseWindow makes every non-template message to the customer (a wa_id or
// business-scoped user id) fail with 131047, as after 24 h of silence;
// OpenWindow undoes it.
func (s *Server) CloseWindow(to string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed[strings.TrimPrefix(to, "+")] = true
}

// OpenWindow reopens the window CloseWindow closed.
func (s *Server) OpenWindow(to string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.closed, strings.TrimPrefix(to, "+"))
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

// Throttle is the fault Meta answers over the throughput limit (130429),
// the pair limit (131056) or another throttling code, with Retry-After.
func Throttle(code int, retryAfter time.Duration) Fault {
	return Fault{Status: http.StatusBadRequest, Code: code, RetryAfter: retryAfter}
}

// TooManyRequests is an HTTP 429 with the app rate-limit code 4.
func TooManyRequests(retryAfter time.Duration) Fault {
	return Fault{Status: http.StatusTooManyRequests, Code: whatsapp.CodeAppRateLimit, RetryAfter: retryAfter}
}

// ServerError is an HTTP 500 with code 131000 ("something went wrong").
func ServerError() Fault {
	return Fault{Status: http.StatusInternalServerError, Code: whatsapp.CodeGeneric}
}

// WindowClosed is the re-engagement error 131047.
func WindowClosed() Fault {
	return Fault{Status: http.StatusBadRequest, Code: whatsapp.CodeReengagement}
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

// FailNext queues faults; each answers one request to the API (messages,
// media), in order, before normal service resumes.
func (s *Server) FailNext(faults ...Fault) {
	for _, f := range faults {
		s.faults.Push(f, 1)
	}
}

// Deliver signs body with the app secret and posts it to h as Meta would,
// returning the status h answered.
func (s *Server) Deliver(ctx context.Context, h http.Handler, body []byte) (int, error) {
	return meta.Deliver(ctx, h, "", nil, body, []byte(s.cfg.AppSecret))
}

// DeliverURL signs body and posts it to a webhook URL with hc (nil: a
// client with a timeout), returning the answered status.
func (s *Server) DeliverURL(ctx context.Context, url string, hc *http.Client, body []byte) (int, error) {
	return meta.Deliver(ctx, nil, url, hc, body, []byte(s.cfg.AppSecret))
}

func (s *Server) now() time.Time { return s.cfg.Clock.Now() }
