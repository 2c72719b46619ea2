package wechattest

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"time"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/internal/fakefault"
	"github.com/switchboard-go/switchboard/wechat"
)

// Config configures a Server. Zero fields get working defaults. NewServer
// copies it.
type Config struct {
	// AppID, AppSecret, Token and EncodingAESKey are the fake account's
	// credentials; defaults are DefaultAppID, DefaultAppSecret, DefaultToken
	// and, only when SafeMode is set, DefaultEncodingAESKey.
	AppID string
	// AppSecret is the secret the token endpoint checks.
	AppSecret string
	// Token signs webhook deliveries (signature, msg_signature).
	Token string
	// EncodingAESKey (43 base64 characters) encrypts safe-mode deliveries
	// and replies.
	EncodingAESKey string
	// SafeMode delivers webhooks encrypted (encrypt_type=aes).
	SafeMode bool
	// Account is the official account's original id (ToUserName of
	// delivered messages); default "gh_fake".
	Account string
	// WebhookPath is the path NewRequest and Deliver post to; default
	// "/wechat". Set it to where your mux mounts the webhook.
	WebhookPath string
	// TokenTTL is the expires_in of issued tokens; 0 means 7200 s.
	TokenTTL time.Duration
	// Grace is how long a token stays valid after a newer one was issued.
	// WeChat keeps the old token about 5 minutes; the default 0 refuses it at
	// once (40001), which catches instances that each fetch their own token.
	Grace time.Duration
	// Clock drives token expiry and webhook timestamps; nil means time.Now.
	Clock channel.Clock
}

// Defaults of the fake account.
const (
	DefaultAppID          = "wxfake0123456789"
	DefaultAppSecret      = "fake-app-secret"
	DefaultToken          = "fake-server-token"
	DefaultEncodingAESKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
)

// Server is a fake of the WeChat Official Account API on an httptest server:
// /cgi-bin/token, /cgi-bin/stable_token, /cgi-bin/message/custom/send,
// /cgi-bin/message/custom/typing and /cgi-bin/media/upload, answering like
// WeChat (HTTP 200 with errcode JSON). It checks tokens (41001 missing, 40001
// unknown or replaced, 42001 expired) and bodies, records what it accepted,
// injects errcodes on demand, and delivers signed (and, in safe mode,
// encrypted) webhooks.
//
// A Server is safe for concurrent use.
type Server struct {
	// URL is the base URL to put in wechat.Config.BaseURL.
	URL  string
	srv  *httptest.Server
	opts Config

	mu       sync.Mutex
	tokens   map[string]time.Time // access token → expiry
	current  string               // last token of /cgi-bin/token
	stable   string               // last token of /cgi-bin/stable_token
	fetches  int
	seq      int
	failures []int
	faults   fakefault.Queue[Fault]
	sent     fakefault.Log[Sent]
	typing   fakefault.Log[Typing]
	uploads  fakefault.Log[Uploaded]
	msgID    int64
}

// NewServer starts a fake WeChat API. Close it when done.
func NewServer(opts Config) *Server {
	if opts.AppID == "" {
		opts.AppID = DefaultAppID
	}
	if opts.AppSecret == "" {
		opts.AppSecret = DefaultAppSecret
	}
	if opts.Token == "" {
		opts.Token = DefaultToken
	}
	if opts.SafeMode && opts.EncodingAESKey == "" {
		opts.EncodingAESKey = DefaultEncodingAESKey
	}
	if opts.Account == "" {
		opts.Account = "gh_fake"
	}
	if opts.WebhookPath == "" {
		opts.WebhookPath = "/wechat"
	}
	if opts.TokenTTL <= 0 {
		opts.TokenTTL = 7200 * time.Second
	}
	s := &Server{opts: opts, tokens: map[string]time.Time{}, msgID: 24000000000000000}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /cgi-bin/token", s.token)
	mux.HandleFunc("POST /cgi-bin/stable_token", s.stableToken)
	mux.HandleFunc("POST /cgi-bin/message/custom/send", s.send)
	mux.HandleFunc("POST /cgi-bin/message/custom/typing", s.typingCmd)
	mux.HandleFunc("POST /cgi-bin/media/upload", s.upload)
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, ok := s.faults.Take(r.URL.Path)
		if !ok {
			mux.ServeHTTP(w, r)
			return
		}
		spec := fakefault.Spec{Delay: f.Delay, Reset: f.Reset, AfterAccept: f.AfterAccept}
		fakefault.Serve(w, r, spec, func(w http.ResponseWriter) { mux.ServeHTTP(w, r) }, f.answer)
	}))
	s.URL = s.srv.URL
	return s
}

// Close shuts the server down.
func (s *Server) Close() { s.srv.Close() }

// Client returns an HTTP client for the server.
func (s *Server) Client() *http.Client { return s.srv.Client() }

// Config returns a wechat.Config for this fake account: credentials, BaseURL,
// HTTPClient, EncodingAESKey in safe mode, and the server's Clock.
func (s *Server) Config() wechat.Config {
	return wechat.Config{
		AppID: s.opts.AppID, AppSecret: s.opts.AppSecret, Token: s.opts.Token,
		EncodingAESKey: s.opts.EncodingAESKey, BaseURL: s.URL, HTTPClient: s.srv.Client(),
		Clock: s.opts.Clock,
	}
}

func (s *Server) now() time.Time { return s.opts.Clock.Now() }

// TokenFetches is how many token requests (/cgi-bin/token and
// /cgi-bin/stable_token) the server answered with a token.
func (s *Server) TokenFetches() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.fetches
}

// ExpireTokens makes every issued token expired: the next call with one gets
// errcode 42001.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	past := s.now().Add(-time.Second)
	for t := range s.tokens {
		s.tokens[t] = past
	}
}

// FailSends makes the next len(codes) customer-service sends answer these
// errcodes in order (45015 window closed, 45047 allowance used up, 40001
// token refused, -1 system busy, ...), with WeChat's errmsg for each.
func (s *Server) FailSends(codes ...int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures = append(s.failures, codes...)
}

// Fault makes the server fail requests on demand. Its shape is the one
// every fake of this module shares (whatsapptest, messengertest, linetest,
// wechattest): Path, Status, Delay, Reset, AfterAccept, RetryAfter, Times,
// plus the platform's error fields (here ErrCode).
//
// Without AfterAccept the fault happens before WeChat saw the request:
// nothing is recorded (no message sent, no token issued). With AfterAccept
// the request is handled and recorded first (Sent lists the message,
// TokenFetches counts the token) and then the answer is lost.
type Fault struct {
	// Path limits the fault to requests whose path ends with it
	// ("/cgi-bin/message/custom/send", "/cgi-bin/token"); empty matches
	// every request.
	Path string
	// Status is the HTTP status to answer (500, 502, 503...); 0 means 200
	// when ErrCode is set, else no error answer (a Delay or Reset alone).
	Status int
	// ErrCode is the errcode of the JSON answer (-1 system busy, 45011
	// minute quota...); 0 with a Status answers -1.
	ErrCode int
	// RetryAfter, when set, is sent as a Retry-After header (whole seconds).
	RetryAfter time.Duration
	// Delay holds the answer back this long, or until the client gives up.
	Delay time.Duration
	// Reset closes the connection without an answer.
	Reset bool
	// AfterAccept handles and records the request first, then fails.
	AfterAccept bool
	// Times is how many requests fail; 0 means 1.
	Times int
}

// PendingFaults is the number of injected faults not yet used up (a fault
// with Times > 1 counts once until its last use). A test asserts it is 0 to
// prove every fault it injected was met.
func (s *Server) PendingFaults() int { return s.faults.Len() }

// Inject queues f: the next f.Times requests matching f.Path fail with it.
func (s *Server) Inject(f Fault) { s.faults.Push(f.Path, f.Times, f) }

// answer writes f's error and reports whether it had one.
func (f Fault) answer(w http.ResponseWriter) bool {
	if f.Status == 0 && f.ErrCode == 0 {
		return false
	}
	if f.RetryAfter > 0 {
		w.Header().Set("Retry-After", fmt.Sprint(int((f.RetryAfter+time.Second-1)/time.Second)))
	}
	code := f.ErrCode
	if code == 0 {
		code = -1
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(cmp.Or(f.Status, http.StatusOK))
	_ = json.NewEncoder(w).Encode(map[string]any{"errcode": code, "errmsg": fmt.Sprintf("%s rid: fake-%d", errmsg(code), code)})
	return true
}

// Sent is one accepted customer-service message (a copy: safe to keep).
type Sent struct {
	// ToUser is the recipient's openid (touser).
	ToUser string
	// MsgType is msgtype: "text", "image", "voice", "video", "news",
	// "msgmenu", ...
	MsgType string
	// Text is text.content, or msgmenu.head_content.
	Text string
	// MediaID is image/voice/video.media_id.
	MediaID string
	// Body is the JSON as received.
	Body json.RawMessage
}

// Sent returns the accepted customer-service messages, oldest first.
func (s *Server) Sent() []Sent { return s.sent.All() }

// Typing is one accepted typing command (a plain value).
type Typing struct {
	// ToUser is the openid the indicator was shown to.
	ToUser  string
	Command string // Typing or CancelTyping
}

// Typings returns the accepted typing commands, oldest first.
func (s *Server) Typings() []Typing { return s.typing.All() }

// Uploaded is one accepted media upload (a plain value).
type Uploaded struct {
	// Type is the type query parameter: "image", "voice", "video" or
	// "thumb".
	Type string
	// MediaID is the id the server answered ("FAKE_MEDIA_" and a number).
	MediaID string
	// Filename is the multipart file name the client sent.
	Filename string
	// Size is the file's size in bytes.
	Size int
}

// Uploads returns the accepted uploads, oldest first.
func (s *Server) Uploads() []Uploaded { return s.uploads.All() }

// errmsg is WeChat's text for the codes the fake answers.
func errmsg(code int) string {
	switch code {
	case -1:
		return "system error"
	case 40001:
		return "invalid credential, access_token is invalid or not latest"
	case 40002:
		return "invalid grant_type"
	case 40003:
		return "invalid openid"
	case 40004:
		return "invalid media type"
	case 40007:
		return "invalid media_id"
	case 40008:
		return "invalid message type"
	case 40009, 40010, 40011, 40012:
		return "invalid file size"
	case 40013:
		return "invalid appid"
	case 40035:
		return "invalid args"
	case 40125:
		return "invalid appsecret"
	case 41001:
		return "access_token missing"
	case 41005:
		return "media data missing"
	case 42001:
		return "access_token expired"
	case 44002:
		return "empty post data"
	case 44004:
		return "empty content"
	case 45009:
		return "reach max api daily quota limit"
	case 45011:
		return "api minute-quota reach limit, must slower"
	case 45015:
		return "response out of time limit or subscription is canceled"
	case 45047:
		return "out of response count limit"
	case 47001:
		return "data format error"
	}
	return "error"
}

func writeCode(w http.ResponseWriter, code int) {
	writeJSON(w, map[string]any{"errcode": code, "errmsg": fmt.Sprintf("%s rid: fake-%d", errmsg(code), code)})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; encoding=utf-8")
	_ = json.NewEncoder(w).Encode(v)
}

// issue makes a new token, invalidating the previous one of the same kind
// after the grace period. The caller holds s.mu.
func (s *Server) issue(prev *string) string {
	now := s.now()
	s.seq++
	tok := fmt.Sprintf("FAKE_TOKEN_%d_%d", s.seq, now.UnixNano())
	if *prev != "" {
		if exp, ok := s.tokens[*prev]; ok && exp.After(now.Add(s.opts.Grace)) {
			if s.opts.Grace > 0 {
				s.tokens[*prev] = now.Add(s.opts.Grace)
			} else {
				delete(s.tokens, *prev)
			}
		}
	}
	s.tokens[tok] = now.Add(s.opts.TokenTTL)
	*prev = tok
	return tok
}

func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	switch {
	case q.Get("grant_type") != "client_credential":
		writeCode(w, 40002)
		return
	case q.Get("appid") != s.opts.AppID:
		writeCode(w, 40013)
		return
	case q.Get("secret") != s.opts.AppSecret:
		writeCode(w, 40125)
		return
	}
	s.mu.Lock()
	s.fetches++
	tok := s.issue(&s.current)
	s.mu.Unlock()
	writeJSON(w, map[string]any{"access_token": tok, "expires_in": int(s.opts.TokenTTL / time.Second)})
}

// stableToken follows /cgi-bin/stable_token: in normal mode the current
// stable token is returned while it has more than 5 minutes left; a forced
// refresh always issues a new one.
func (s *Server) stableToken(w http.ResponseWriter, r *http.Request) {
	var req struct {
		GrantType    string `json:"grant_type"`
		AppID        string `json:"appid"`
		Secret       string `json:"secret"`
		ForceRefresh bool   `json:"force_refresh"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<16)).Decode(&req); err != nil {
		writeCode(w, 47001)
		return
	}
	switch {
	case req.GrantType != "client_credential":
		writeCode(w, 40002)
		return
	case req.AppID != s.opts.AppID:
		writeCode(w, 40013)
		return
	case req.Secret != s.opts.AppSecret:
		writeCode(w, 40125)
		return
	}
	s.mu.Lock()
	s.fetches++
	now := s.now()
	tok := s.stable
	exp, ok := s.tokens[tok]
	if req.ForceRefresh || !ok || !exp.After(now.Add(5*time.Minute)) {
		tok = s.issue(&s.stable)
		exp = s.tokens[tok]
	}
	s.mu.Unlock()
	writeJSON(w, map[string]any{"access_token": tok, "expires_in": int(exp.Sub(now) / time.Second)})
}

// checkToken answers the token errcode and reports false when r's
// access_token is missing, unknown or expired.
func (s *Server) checkToken(w http.ResponseWriter, r *http.Request) bool {
	tok := r.URL.Query().Get("access_token")
	if tok == "" {
		writeCode(w, 41001)
		return false
	}
	s.mu.Lock()
	exp, ok := s.tokens[tok]
	now := s.now()
	s.mu.Unlock()
	switch {
	case !ok:
		writeCode(w, 40001)
		return false
	case !now.Before(exp):
		writeCode(w, 42001)
		return false
	}
	return true
}

func (s *Server) send(w http.ResponseWriter, r *http.Request) {
	if !s.checkToken(w, r) {
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil || len(body) == 0 {
		writeCode(w, 44002)
		return
	}
	var m struct {
		ToUser  string `json:"touser"`
		MsgType string `json:"msgtype"`
		Text    *struct {
			Content string `json:"content"`
		} `json:"text"`
		Image, Voice, Video *struct {
			MediaID string `json:"media_id"`
		}
		News *struct {
			Articles []struct {
				Title string `json:"title"`
				URL   string `json:"url"`
			} `json:"articles"`
		} `json:"news"`
		MsgMenu *struct {
			HeadContent string `json:"head_content"`
			List        []struct {
				ID      string `json:"id"`
				Content string `json:"content"`
			} `json:"list"`
		} `json:"msgmenu"`
	}
	if json.Unmarshal(body, &m) != nil {
		writeCode(w, 47001)
		return
	}
	if m.ToUser == "" {
		writeCode(w, 40003)
		return
	}
	rec := Sent{ToUser: m.ToUser, MsgType: m.MsgType, Body: body}
	var media *struct {
		MediaID string `json:"media_id"`
	}
	switch m.MsgType {
	case "text":
		if m.Text == nil || m.Text.Content == "" {
			writeCode(w, 44004)
			return
		}
		rec.Text = m.Text.Content
	case "image":
		media = m.Image
	case "voice":
		media = m.Voice
	case "video":
		media = m.Video
	case "news":
		if m.News == nil || len(m.News.Articles) != 1 || m.News.Articles[0].Title == "" || m.News.Articles[0].URL == "" {
			writeCode(w, 47001)
			return
		}
	case "msgmenu":
		if m.MsgMenu == nil || len(m.MsgMenu.List) == 0 {
			writeCode(w, 47001)
			return
		}
		for _, it := range m.MsgMenu.List {
			if it.ID == "" || it.Content == "" {
				writeCode(w, 47001)
				return
			}
		}
		rec.Text = m.MsgMenu.HeadContent
	default:
		writeCode(w, 40008)
		return
	}
	if m.MsgType == "image" || m.MsgType == "voice" || m.MsgType == "video" {
		if media == nil || media.MediaID == "" {
			writeCode(w, 40007)
			return
		}
		rec.MediaID = media.MediaID
	}
	s.mu.Lock()
	if len(s.failures) > 0 {
		code := s.failures[0]
		s.failures = s.failures[1:]
		s.mu.Unlock()
		writeCode(w, code)
		return
	}
	s.sent.Add(rec)
	s.mu.Unlock()
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok"})
}

func (s *Server) typingCmd(w http.ResponseWriter, r *http.Request) {
	if !s.checkToken(w, r) {
		return
	}
	var t struct {
		ToUser  string `json:"touser"`
		Command string `json:"command"`
	}
	if json.NewDecoder(io.LimitReader(r.Body, 1<<16)).Decode(&t) != nil {
		writeCode(w, 47001)
		return
	}
	if t.ToUser == "" {
		writeCode(w, 40003)
		return
	}
	if t.Command != "Typing" && t.Command != "CancelTyping" {
		writeCode(w, 40035)
		return
	}
	s.typing.Add(Typing{ToUser: t.ToUser, Command: t.Command})
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok"})
}

// upload follows /cgi-bin/media/upload: type image|voice|video|thumb in the
// query, the file in the multipart field "media", WeChat's size limits.
func (s *Server) upload(w http.ResponseWriter, r *http.Request) {
	if !s.checkToken(w, r) {
		return
	}
	typ := r.URL.Query().Get("type")
	limit := wechat.MediaKind(typ).MaxSize()
	if limit == 0 {
		writeCode(w, 40004)
		return
	}
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		writeCode(w, 41005)
		return
	}
	mr := multipart.NewReader(io.LimitReader(r.Body, 16<<20), params["boundary"])
	for {
		p, err := mr.NextPart()
		if err != nil {
			writeCode(w, 41005)
			return
		}
		if p.FormName() != "media" || p.FileName() == "" {
			continue
		}
		data, err := io.ReadAll(io.LimitReader(p, limit+1))
		if err != nil || len(data) == 0 {
			writeCode(w, 41005)
			return
		}
		if int64(len(data)) > limit {
			writeCode(w, map[string]int{"image": 40009, "voice": 40010, "video": 40011, "thumb": 40012}[typ])
			return
		}
		s.mu.Lock()
		s.seq++
		id := "FAKE_MEDIA_" + strconv.Itoa(s.seq)
		s.uploads.Add(Uploaded{Type: typ, MediaID: id, Filename: p.FileName(), Size: len(data)})
		now := s.now()
		s.mu.Unlock()
		writeJSON(w, map[string]any{"type": typ, "media_id": id, "created_at": now.Unix()})
		return
	}
}
