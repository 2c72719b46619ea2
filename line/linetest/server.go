package linetest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/internal/fakefault"
)

// Defaults used when Config leaves a field empty.
const (
	DefaultAccessToken   = "linetest-channel-access-token"
	DefaultChannelSecret = "linetest-channel-secret"
	DefaultBotUserID     = "U0000000000000000000000000000b07"
	DefaultReplyTokenTTL = time.Minute
)

// maxRequestBody is LINE's request size limit (413 above it).
const maxRequestBody = 2 << 20

// Config configures a Server. The zero value is ready to use.
type Config struct {
	// ChannelAccessToken is the bearer token the server accepts;
	// empty means DefaultAccessToken.
	ChannelAccessToken string
	// ChannelSecret signs delivered webhooks; empty means
	// DefaultChannelSecret.
	ChannelSecret string
	// BotUserID is the webhook "destination"; empty means DefaultBotUserID.
	BotUserID string
	// ReplyTokenTTL is how long an issued reply token stays valid; 0 means
	// DefaultReplyTokenTTL.
	ReplyTokenTTL time.Duration
	// Clock drives reply-token expiry and event timestamps; nil means
	// time.Now. Move it to expire tokens without sleeping.
	Clock channel.Clock
	// MonthlyQuota limits additional messages (push, multicast, broadcast)
	// per recipient, as LINE's plans do; 0 means no limit.
	MonthlyQuota int64
	// Followers is the number of recipients a broadcast counts against the
	// quota.
	Followers int64
}

// Server is a fake of the LINE Messaging API (api.line.me and
// api-data.line.me on one httptest server). It checks what LINE checks (the
// bearer token, request shapes, at most 5 messages, single-use and expiring
// reply tokens, retry keys), answers with LINE's status codes and error
// bodies, records every request, injects faults on demand, and signs and
// delivers webhooks whose reply tokens it then accepts.
//
// A Server is safe for concurrent use.
type Server struct {
	// URL is the base URL for both line.Config.BaseURL and DataBaseURL.
	URL string

	srv *httptest.Server
	cfg Config

	mu           sync.Mutex
	seq          int64
	requests     []Request
	sent         fakefault.Log[Sent]
	replyTokens  map[string]*replyToken
	acceptedKeys map[string]string // retry key → request id
	faults       fakefault.Queue[Fault]
	unknownUsers map[string]bool
	contents     map[string]content
	usage        int64
}

type replyToken struct {
	chat   string
	issued time.Time
	used   bool
}

type content struct {
	typ  string
	data []byte
}

// Request is one request the server received, as received, with the status
// it answered.
type Request struct {
	// Method is the HTTP method.
	Method string
	// Path is the URL path, e.g. "/v2/bot/message/push".
	Path string
	// Header is a copy of the request's header, Authorization included.
	Header http.Header
	// Body is the raw request body.
	Body []byte
	// Status is the HTTP status the server answered.
	Status int
	// RetryKey is the X-Line-Retry-Key header; empty when none was sent.
	RetryKey string
}

// Sent is one accepted send: a reply, push, multicast or broadcast.
type Sent struct {
	// Kind is "reply", "push", "multicast" or "broadcast".
	Kind string
	// To holds the chat ids the messages went to (none for a broadcast).
	To []string
	// ReplyToken is the reply token a reply used; empty for other kinds.
	ReplyToken string
	// RetryKey is the X-Line-Retry-Key of the request; empty when none
	// was sent (a reply never takes one).
	RetryKey string
	// RequestID is the X-Line-Request-Id the server answered.
	RequestID string
	// Messages are the message objects sent, in order (at most 5).
	Messages []Message
	// IDs are the message ids the server returned, one per message (reply
	// and push only: LINE returns none for multicast and broadcast).
	IDs []string
}

// Fault makes the server fail requests on demand. Its shape is the one
// every fake of this module shares (whatsapptest, messengertest, linetest,
// wechattest): Path, Status, Delay, Reset, AfterAccept, RetryAfter, Times,
// plus the platform's error fields (here Message).
type Fault struct {
	// Path limits the fault to requests whose path ends with it
	// ("/v2/bot/message/push"); empty matches every request.
	Path string
	// Status is the HTTP status to answer: 429, 500, 503... 0 answers no
	// error (a Delay or Reset alone).
	Status int
	// Message overrides the error body's message (e.g.
	// line.MessageMonthlyLimit with 429); empty picks LINE's usual one.
	Message string
	// RetryAfter, when set, is sent as a Retry-After header (whole seconds).
	RetryAfter time.Duration
	// Delay holds the answer back this long, or until the client gives up.
	// Before acceptance a client that gave up leaves nothing recorded; after
	// acceptance the message counts all the same.
	Delay time.Duration
	// Reset closes the connection without an answer.
	Reset bool
	// AfterAccept processes the request first (the message is sent, the
	// retry key and reply token are used) and then fails, as when a
	// response is lost on its way back.
	AfterAccept bool
	// Times is how many requests fail; 0 means 1.
	Times int
}

// NewServer starts a fake LINE API. Close it when done.
func NewServer(cfg Config) *Server {
	if cfg.ChannelAccessToken == "" {
		cfg.ChannelAccessToken = DefaultAccessToken
	}
	if cfg.ChannelSecret == "" {
		cfg.ChannelSecret = DefaultChannelSecret
	}
	if cfg.BotUserID == "" {
		cfg.BotUserID = DefaultBotUserID
	}
	if cfg.ReplyTokenTTL <= 0 {
		cfg.ReplyTokenTTL = DefaultReplyTokenTTL
	}
	s := &Server{
		cfg:          cfg,
		replyTokens:  make(map[string]*replyToken),
		acceptedKeys: make(map[string]string),
		unknownUsers: make(map[string]bool),
		contents:     make(map[string]content),
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL
	return s
}

// Close shuts the server down.
func (s *Server) Close() { s.srv.Close() }

// AccessToken is the bearer token the server accepts.
func (s *Server) AccessToken() string { return s.cfg.ChannelAccessToken }

// ChannelSecret is the secret webhooks are signed with.
func (s *Server) ChannelSecret() string { return s.cfg.ChannelSecret }

// BotUserID is the webhook destination.
func (s *Server) BotUserID() string { return s.cfg.BotUserID }

// Requests returns a copy of every request received so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Sent returns a copy of every accepted send so far, in order.
func (s *Server) Sent() []Sent { return s.sent.All() }

// Usage is the number of additional messages counted this "month".
func (s *Server) Usage() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.usage
}

// PendingFaults is the number of injected faults not yet used up (a fault
// with Times > 1 counts once until its last use). A test asserts it is 0 to
// prove every fault it injected was met.
func (s *Server) PendingFaults() int { return s.faults.Len() }

// Inject queues f: the next matching requests fail with its status.
func (s *Server) Inject(f Fault) { s.faults.Push(f.Path, f.Times, f) }

// ForgetUser makes userID behave like a user id that does not exist: pushes
// to it answer 400 "Failed to send messages".
func (s *Server) ForgetUser(userID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.unknownUsers[userID] = true
}

// SetContent stores the content served for messageID on the data host.
func (s *Server) SetContent(messageID, contentType string, data []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.contents[messageID] = content{typ: contentType, data: append([]byte(nil), data...)}
}

func (s *Server) now() time.Time { return s.cfg.Clock.Now() }

// answer is a response before it is written.
type answer struct {
	status int
	body   any    // JSON-encoded
	raw    []byte // written as is (content), when body is nil
	typ    string
	header map[string]string
}

func errorAnswer(status int, message string, details ...errorDetail) answer {
	return answer{status: status, body: errorBody{Message: message, Details: details}}
}

type errorBody struct {
	Message string        `json:"message"`
	Details []errorDetail `json:"details,omitempty"`
}

type errorDetail struct {
	Message  string `json:"message"`
	Property string `json:"property"`
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxRequestBody+1))
	fault, faulty := s.faults.Take(r.URL.Path)
	if !faulty {
		s.answer(w, s.process(r, body, err, nil))
		return
	}
	spec := fakefault.Spec{Delay: fault.Delay, Reset: fault.Reset, AfterAccept: fault.AfterAccept}
	accept := func(w http.ResponseWriter) { s.answer(w, s.process(r, body, err, nil)) }
	fail := func(w http.ResponseWriter) bool {
		if fault.Status == 0 {
			return false
		}
		a := faultAnswer(fault)
		if !fault.AfterAccept { // recorded as a request answered with the fault
			a = s.process(r, body, err, &a)
		} else {
			s.restatus(a.status)
		}
		s.answer(w, a)
		return true
	}
	fakefault.Serve(w, r, spec, accept, fail)
}

// process records the request and handles it (or answers instead, when
// instead is not nil), returning the answer to write.
func (s *Server) process(r *http.Request, body []byte, readErr error, instead *answer) answer {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	reqID := fmt.Sprintf("00000000-0000-4000-8000-%012d", s.seq)
	rec := Request{
		Method:   r.Method,
		Path:     r.URL.Path,
		Header:   r.Header.Clone(),
		Body:     body,
		RetryKey: r.Header.Get("X-Line-Retry-Key"),
	}
	var a answer
	switch {
	case instead != nil:
		a = *instead
	case readErr != nil:
		a = errorAnswer(http.StatusBadRequest, "The request body could not be read")
	case len(body) > maxRequestBody:
		a = errorAnswer(http.StatusRequestEntityTooLarge, "Request entity too large")
	default:
		a = s.handle(r, body, reqID)
	}
	rec.Status = a.status
	s.requests = append(s.requests, rec)
	if a.header == nil {
		a.header = map[string]string{}
	}
	a.header["X-Line-Request-Id"] = reqID
	return a
}

// restatus sets the status of the last recorded request: an answer lost
// after acceptance is recorded with the status the client saw.
func (s *Server) restatus(status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n := len(s.requests); n > 0 {
		s.requests[n-1].Status = status
	}
}

// answer writes a.
func (s *Server) answer(w http.ResponseWriter, a answer) {
	for k, v := range a.header {
		w.Header().Set(k, v)
	}
	if a.body != nil {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(a.status)
		_ = json.NewEncoder(w).Encode(a.body)
		return
	}
	if a.typ != "" {
		w.Header().Set("Content-Type", a.typ)
	}
	w.WriteHeader(a.status)
	_, _ = w.Write(a.raw)
}

// handle authenticates and routes. s.mu is held.
func (s *Server) handle(r *http.Request, body []byte, reqID string) answer {
	if r.Header.Get("Authorization") != "Bearer "+s.cfg.ChannelAccessToken {
		return errorAnswer(http.StatusUnauthorized,
			"Authentication failed. Confirm that the access token in the authorization header is valid.")
	}
	return s.route(r, body, reqID)
}

func faultAnswer(f Fault) answer {
	msg := "An error occurred in the LINE Platform"
	if f.Status == http.StatusTooManyRequests {
		msg = "The API rate limit has been exceeded. Try again later."
	}
	if f.Message != "" {
		msg = f.Message
	}
	a := errorAnswer(f.Status, msg)
	if f.RetryAfter > 0 {
		a.header = map[string]string{"Retry-After": fmt.Sprint(int((f.RetryAfter + time.Second - 1) / time.Second))}
	}
	return a
}

// takesRetryKey reports whether path accepts X-Line-Retry-Key (Messaging
// API, "Retry failed API requests"); any other endpoint answers 400 to one.
func takesRetryKey(path string) bool {
	switch path {
	case "/v2/bot/message/push", "/v2/bot/message/multicast",
		"/v2/bot/message/narrowcast", "/v2/bot/message/broadcast":
		return true
	}
	return false
}

func (s *Server) route(r *http.Request, body []byte, reqID string) answer {
	path := r.URL.Path
	key := r.Header.Get("X-Line-Retry-Key")
	if key != "" {
		if !takesRetryKey(path) {
			return errorAnswer(http.StatusBadRequest, "The X-Line-Retry-Key header is not supported by this endpoint")
		}
		if !isUUID(key) {
			return errorAnswer(http.StatusBadRequest, "The value for the 'X-Line-Retry-Key' header is invalid")
		}
		if accepted, ok := s.acceptedKeys[key]; ok {
			a := errorAnswer(http.StatusConflict, "The retry key is already accepted")
			a.header = map[string]string{"X-Line-Accepted-Request-Id": accepted}
			return a
		}
	}
	post := func(fn func([]byte, string, string) answer) answer {
		if r.Method != http.MethodPost {
			return errorAnswer(http.StatusMethodNotAllowed, "Method not allowed")
		}
		a := fn(body, key, reqID)
		if key != "" && a.status/100 == 2 {
			s.acceptedKeys[key] = reqID
		}
		return a
	}
	get := func(fn func() answer) answer {
		if r.Method != http.MethodGet {
			return errorAnswer(http.StatusMethodNotAllowed, "Method not allowed")
		}
		return fn()
	}
	switch {
	case path == "/v2/bot/message/reply":
		return post(s.reply)
	case path == "/v2/bot/message/push":
		return post(s.push)
	case path == "/v2/bot/message/multicast":
		return post(s.multicast)
	case path == "/v2/bot/message/broadcast":
		return post(s.broadcast)
	case path == "/v2/bot/chat/loading/start":
		return post(s.loading)
	case path == "/v2/bot/message/quota":
		return get(s.quota)
	case path == "/v2/bot/message/quota/consumption":
		return get(func() answer { return answer{status: http.StatusOK, body: map[string]int64{"totalUsage": s.usage}} })
	case strings.HasPrefix(path, "/v2/bot/message/") && strings.HasSuffix(path, "/content"):
		id := strings.TrimSuffix(strings.TrimPrefix(path, "/v2/bot/message/"), "/content")
		return get(func() answer { return s.content(id) })
	}
	return errorAnswer(http.StatusNotFound, "Not found")
}

func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
				return false
			}
		}
	}
	return true
}

func (s *Server) quota() answer {
	if s.cfg.MonthlyQuota <= 0 {
		return answer{status: http.StatusOK, body: map[string]string{"type": "none"}}
	}
	return answer{status: http.StatusOK, body: map[string]any{"type": "limited", "value": s.cfg.MonthlyQuota}}
}

func (s *Server) content(id string) answer {
	c, ok := s.contents[id]
	if !ok {
		return errorAnswer(http.StatusNotFound, "Not found")
	}
	return answer{status: http.StatusOK, raw: c.data, typ: c.typ}
}
