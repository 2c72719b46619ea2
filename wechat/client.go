package wechat

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hashicorp/go-retryablehttp"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/internal/transport"
)

// DefaultBaseURL is WeChat's API host.
const DefaultBaseURL = "https://api.weixin.qq.com"

// Defaults of Config's zero fields.
const (
	DefaultRefreshMargin   = 5 * time.Minute
	DefaultReplayTolerance = 5 * time.Minute
	DefaultMaxBodyBytes    = 256 << 10
	// DefaultDedupeWait is Config.DedupeWait's default: under WeChat's 5 s
	// answer timeout, with room for the handler's own answer.
	DefaultDedupeWait = 4 * time.Second
	// DefaultDedupeKeys is the size of the in-memory dedupe store a Client
	// creates when Config.Dedupe is nil. WeChat redelivers within about 15
	// seconds, so the store only has to outlast that.
	DefaultDedupeKeys = 64 << 10
)

// maxResponseBytes caps what is read of any API answer.
const maxResponseBytes = 1 << 20

// Config configures a Client. AppID, AppSecret and Token are required. New
// copies it; changing a Config afterwards does not affect the Client.
type Config struct {
	// AppID identifies the Official Account (开发者ID, "wx" and 16
	// characters).
	AppID string
	// AppSecret (开发者密码) is the secret exchanged with AppID for access
	// tokens; keep it out of logs (Config's String redacts it).
	AppSecret string
	// Token is the server-URL token (服务器配置 Token) that signs webhooks.
	Token string
	// EncodingAESKey (43 characters) turns on safe mode (安全模式): webhooks
	// must then arrive encrypted and passive replies go out encrypted. Empty
	// means plaintext mode.
	EncodingAESKey string

	// BaseURL overrides DefaultBaseURL (the fake in wechattest, a proxy).
	BaseURL string
	// HTTPClient makes the API calls; nil means a client with a 30 s
	// timeout (never http.DefaultClient).
	HTTPClient *http.Client
	// Retry bounds attempts and backoff (the zero value: 4 attempts, 250 ms
	// to 15 s, Retry-After honoured up to MaxBackoff); which failures are
	// retried follows the package's delivery rules (see the package doc).
	Retry channel.Retry

	// TokenStore shares the access token between instances; nil means a
	// MemoryTokenStore private to this Client.
	TokenStore TokenStore
	// StableToken fetches tokens from /cgi-bin/stable_token (recommended by
	// WeChat: its normal mode returns the current token instead of
	// invalidating it) rather than /cgi-bin/token.
	StableToken bool
	// RefreshMargin refreshes the token this long before it expires; 0
	// means 5 minutes.
	RefreshMargin time.Duration

	// Dedupe remembers handled webhook message ids; nil means an in-memory
	// store of DefaultDedupeKeys ids private to this Client.
	Dedupe channel.DedupeStore
	// ReplayTolerance rejects webhooks whose timestamp is further than this
	// from now; 0 means 5 minutes, negative disables the check.
	ReplayTolerance time.Duration
	// MaxBodyBytes caps a webhook body; 0 means 256 KiB.
	MaxBodyBytes int64
	// DedupeWait is how long a redelivery that finds its message still being
	// handled waits for the first handling's outcome before answering 503;
	// 0 means DefaultDedupeWait, negative answers 503 at once. WeChat gives
	// up on an answer after 5 s and retries, so waiting just under that
	// lets the retry be handled (when the first handling failed) or
	// acknowledged (when it succeeded) instead of being refused.
	DedupeWait time.Duration
	// Logger, when set, receives one record per webhook request answered
	// other than 200 (Warn for 4xx, Error for 5xx) and per failed handler:
	// channel, status, reason, the event's type and masked id, the error.
	// Never a body, a signature, a token or message text. Nil is silent.
	Logger *slog.Logger

	// Clock is the time source for token expiry, replay checks and dedupe;
	// nil means time.Now.
	Clock channel.Clock
}

// Client sends customer-service messages (客服消息) through the WeChat
// Official Account API and serves the account's webhook. It is a
// channel.Sender. A Client is immutable after New and safe for concurrent use.
type Client struct {
	cfg     Config
	base    string
	http    *retryablehttp.Client // idempotent calls: token, upload
	sendTry *retryablehttp.Client // sends: retried only where nothing was delivered
	tokens  *tokens
	box     *box // nil in plaintext mode
}

// New validates cfg and returns a Client. It makes no network call.
func New(cfg Config) (*Client, error) {
	switch {
	case strings.TrimSpace(cfg.AppID) == "":
		return nil, errors.New("wechat: Config.AppID is required")
	case strings.TrimSpace(cfg.AppSecret) == "":
		return nil, errors.New("wechat: Config.AppSecret is required")
	case strings.TrimSpace(cfg.Token) == "":
		return nil, errors.New("wechat: Config.Token (the server-URL token) is required")
	}
	c := &Client{cfg: cfg, base: strings.TrimRight(cfg.BaseURL, "/")}
	if c.base == "" {
		c.base = DefaultBaseURL
	}
	if u, err := url.Parse(c.base); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, errors.New("wechat: Config.BaseURL must be an absolute http(s) URL")
	}
	if cfg.EncodingAESKey != "" {
		b, err := newBox(cfg.EncodingAESKey, cfg.AppID)
		if err != nil {
			return nil, err
		}
		c.box = b
	}
	if c.cfg.RefreshMargin <= 0 {
		c.cfg.RefreshMargin = DefaultRefreshMargin
	}
	if c.cfg.ReplayTolerance == 0 {
		c.cfg.ReplayTolerance = DefaultReplayTolerance
	}
	if c.cfg.MaxBodyBytes <= 0 {
		c.cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if c.cfg.TokenStore == nil {
		c.cfg.TokenStore = NewMemoryTokenStore()
	}
	if c.cfg.Dedupe == nil {
		c.cfg.Dedupe = channel.NewMemoryDedupeStore(DefaultDedupeKeys)
	}
	retry := cfg.Retry
	c.http = transport.NewClient(cfg.HTTPClient, retry, checkRetry(true))
	c.sendTry = transport.NewClient(cfg.HTTPClient, retry, checkRetry(false))
	c.tokens = &tokens{
		store:  c.cfg.TokenStore,
		fetch:  c.fetchToken,
		clock:  cfg.Clock,
		margin: c.cfg.RefreshMargin,
		lease:  30 * time.Second,
		poll:   100 * time.Millisecond,
	}
	return c, nil
}

func (c *Client) now() time.Time { return c.cfg.Clock.Now() }

// AccessToken returns the current access token, fetching it if needed, for
// calling WeChat APIs this package does not cover. Keep it out of logs.
func (c *Client) AccessToken(ctx context.Context) (Token, error) {
	return c.tokens.get(ctx, "")
}

// apiStatus is the errcode/errmsg pair every WeChat answer may carry.
type apiStatus struct {
	ErrCode int    `json:"errcode"`
	ErrMsg  string `json:"errmsg"`
}

// request describes one API call; body is rebuilt per attempt by retryablehttp.
type request struct {
	op          string
	method      string
	path        string
	query       url.Values // without access_token
	body        []byte
	contentType string
	idempotent  bool
	// msg is the message a send carries (nil for other calls): an outcome
	// that leaves its delivery open becomes a *channel.DeliveryError.
	msg *channel.Message
}

// call performs r with the access token. When WeChat refuses the token
// (40001, 40014, 42001) it refreshes the token, replacing the refused one
// only if it is still current, and retries r once. out, if not nil, receives
// the JSON answer.
func (c *Client) call(ctx context.Context, r request, out any) error {
	tok, err := c.tokens.get(ctx, "")
	if err != nil {
		return err
	}
	for attempt := 0; ; attempt++ {
		q := url.Values{}
		for k, v := range r.query {
			q[k] = v
		}
		q.Set("access_token", tok.Value)
		err := c.do(ctx, r, q, out)
		var apiErr *APIError
		if attempt == 0 && errors.As(err, &apiErr) && isTokenCode(apiErr.Code) {
			if tok, err = c.tokens.get(ctx, tok.Value); err != nil {
				return err
			}
			continue
		}
		return err
	}
}

// do sends one request (with transport retries) and decodes the answer.
func (c *Client) do(ctx context.Context, r request, q url.Values, out any) error {
	u := c.base + r.path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	var body any
	if r.body != nil {
		body = r.body
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, r.method, u, body)
	if err != nil {
		return fmt.Errorf("wechat: %s: building request: %w", r.op, redact(err))
	}
	if r.contentType != "" {
		req.Header.Set("Content-Type", r.contentType)
	}
	hc := c.sendTry
	if r.idempotent {
		hc = c.http
	}
	if err := ctx.Err(); err != nil { // nothing was sent
		return fmt.Errorf("wechat: %s: %w", r.op, err)
	}
	ctx, tries := transport.WithAttempts(ctx, c.cfg.Clock)
	req = req.WithContext(ctx)
	// unknown wraps err when r is a send whose delivery err leaves open.
	unknown := func(err error) error {
		if r.msg == nil {
			return err
		}
		return tries.DeliveryError(channel.WeChat, r.msg, err)
	}
	resp, err := hc.Do(req)
	if err != nil {
		if resp != nil {
			_ = resp.Body.Close()
		}
		err = fmt.Errorf("wechat: %s: %w", r.op, redact(err))
		if tries.Last() != transport.Unknown { // never sent, or refused and then ctx ended in the backoff
			return err
		}
		return unknown(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	if err != nil {
		return unknown(fmt.Errorf("wechat: %s: reading answer: %w", r.op, redact(err)))
	}
	err = decodeAnswer(r.op, resp.StatusCode, resp.Header.Get("Retry-After"), data, c.now(), out)
	var e *APIError
	switch {
	case err == nil:
		return nil
	case !errors.As(err, &e):
		return unknown(err) // a 200 that is not the JSON it should be
	case e.StatusCode >= 500 || e.Code == CodeSystemBusy:
		// A 5xx, or -1 "system busy, try again later", does not say
		// whether the message went out.
		return unknown(e)
	}
	return e
}

// decodeAnswer reads a WeChat answer: an *APIError for a non-200 status or a
// non-zero errcode (errmsg cut to 200 bytes, Retry-After read relative to
// now), an error for a 200 that is not JSON or does not decode into out,
// else nil with out filled (when not nil). It never panics and never quotes
// the body.
func decodeAnswer(op string, status int, retryAfter string, data []byte, now time.Time, out any) error {
	var st apiStatus
	jsonErr := json.Unmarshal(data, &st)
	if status != http.StatusOK || st.ErrCode != 0 {
		e := &APIError{Op: op, StatusCode: status, Code: st.ErrCode, Message: truncate(st.ErrMsg, 200)}
		if d, ok := transport.ParseRetryAfter(retryAfter, now); ok {
			e.RetryAfter = d
		}
		return e
	}
	if jsonErr != nil {
		return fmt.Errorf("wechat: %s: answer is not JSON (http %d)", op, status)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return fmt.Errorf("wechat: %s: decoding answer: %w", op, err)
		}
	}
	return nil
}

// checkRetry is the retry policy. WeChat answers errors as HTTP 200 with an
// errcode. Idempotent calls (token, upload) retry connection errors, 429
// and 5xx like transport.DefaultCheck, and errcodes -1 (system busy) and
// 45011 (API minute quota). A send has no idempotency key, so it is retried
// only when WeChat certainly did not take it: the connection was never made
// (transport.SendCheck), HTTP 429, or errcode 45011 ("api minute-quota
// reach limit, retry next minute", a refusal). Errcode -1 ("system error,
// try again later") and 5xx do not say the message was not sent: they are
// not retried and Send reports them as channel.ErrDeliveryUnknown. Token
// errcodes are not retried here: call refreshes the token first. An answer
// below 400 is final even when ctx ends at that moment.
func checkRetry(idempotent bool) retryablehttp.CheckRetry {
	send := transport.SendCheck(transport.Refused429)
	return func(ctx context.Context, resp *http.Response, err error) (bool, error) {
		if err == nil && resp.StatusCode == http.StatusOK {
			if ctx.Err() != nil {
				return false, nil
			}
			code, ok := peekErrCode(resp)
			if idempotent {
				return ok && (code == CodeSystemBusy || code == CodeAPIFrequency), nil
			}
			return ok && code == CodeAPIFrequency, nil
		}
		if !idempotent {
			return send(ctx, resp, err)
		}
		if ctx.Err() != nil {
			return false, ctx.Err()
		}
		if err != nil {
			return transport.DefaultCheck(ctx, resp, err)
		}
		return transport.RetryableStatus(resp.StatusCode), nil
	}
}

// peekErrCode reads resp's errcode and puts the body back for the caller.
func peekErrCode(resp *http.Response) (int, bool) {
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	_ = resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(data))
	if err != nil {
		return 0, false
	}
	var st apiStatus
	if json.Unmarshal(data, &st) != nil {
		return 0, false
	}
	return st.ErrCode, true
}

// redact strips the request URL (it carries access_token or secret) from
// err, keeping the operation and the cause.
func redact(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return &redactedError{op: ue.Op, err: ue.Err}
	}
	return err
}

type redactedError struct {
	op  string
	err error
}

func (e *redactedError) Error() string { return e.op + " request: " + e.err.Error() }
func (e *redactedError) Unwrap() error { return e.err }

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// tokenAnswer is the answer of /cgi-bin/token and /cgi-bin/stable_token.
type tokenAnswer struct {
	AccessToken string `json:"access_token"`
	ExpiresIn   int64  `json:"expires_in"`
}

// fetchToken gets a new access token from WeChat (獲取 access_token): GET
// /cgi-bin/token, or POST /cgi-bin/stable_token when Config.StableToken is
// set (force asks the stable endpoint for a forced refresh, which WeChat
// allows 20 times a day).
func (c *Client) fetchToken(ctx context.Context, force bool) (Token, error) {
	now := c.now()
	var ans tokenAnswer
	var err error
	if c.cfg.StableToken {
		body, _ := json.Marshal(map[string]any{
			"grant_type": "client_credential", "appid": c.cfg.AppID, "secret": c.cfg.AppSecret, "force_refresh": force,
		})
		err = c.do(ctx, request{op: "token", method: http.MethodPost, path: "/cgi-bin/stable_token",
			body: body, contentType: "application/json", idempotent: !force}, nil, &ans)
	} else {
		q := url.Values{"grant_type": {"client_credential"}, "appid": {c.cfg.AppID}, "secret": {c.cfg.AppSecret}}
		err = c.do(ctx, request{op: "token", method: http.MethodGet, path: "/cgi-bin/token", idempotent: true}, q, &ans)
	}
	if err != nil {
		return Token{}, err
	}
	return ans.token(now)
}

// maxTokenLife caps expires_in: WeChat documents 7200 s; a larger value
// (or one that would overflow a Duration) is read as this.
const maxTokenLife = 24 * time.Hour

// token checks a token answer and returns the token, expiring expires_in
// seconds (at most maxTokenLife) after now.
func (a tokenAnswer) token(now time.Time) (Token, error) {
	if a.AccessToken == "" || a.ExpiresIn <= 0 {
		return Token{}, errors.New("wechat: token: answer without access_token or expires_in")
	}
	life := maxTokenLife
	if a.ExpiresIn < int64(maxTokenLife/time.Second) {
		life = time.Duration(a.ExpiresIn) * time.Second
	}
	return Token{Value: a.AccessToken, ExpiresAt: now.Add(life)}, nil
}
