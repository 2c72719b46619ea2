package line

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-retryablehttp"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/internal/transport"
)

// Default hosts of the Messaging API. Content (images, videos, files users
// sent) is served from the data host.
const (
	DefaultBaseURL     = "https://api.line.me"
	DefaultDataBaseURL = "https://api-data.line.me"
)

// DefaultMaxBodyBytes caps a webhook body when Config.MaxBodyBytes is 0.
const DefaultMaxBodyBytes = 1 << 20

// Config configures a Client. ChannelAccessToken and ChannelSecret are
// required; everything else has a default.
type Config struct {
	// ChannelAccessToken authenticates API calls (Authorization: Bearer).
	ChannelAccessToken string
	// ChannelSecret verifies webhook signatures.
	ChannelSecret string

	// BaseURL is the API host; empty means DefaultBaseURL.
	BaseURL string
	// DataBaseURL is the content host; empty means DefaultDataBaseURL.
	DataBaseURL string
	// HTTPClient makes the requests; nil means a client with a 30 s timeout
	// per attempt (never http.DefaultClient).
	HTTPClient *http.Client

	// Retry bounds attempts and backoff (the zero value: 4 attempts, 250 ms
	// to 15 s, Retry-After honoured up to MaxBackoff); which failures are
	// retried follows the package's delivery rules (see the package doc).
	Retry channel.Retry

	// MaxBodyBytes caps a webhook body; 0 means DefaultMaxBodyBytes. A larger
	// body is answered 413 and not read further.
	MaxBodyBytes int64
	// MaxEvents caps the events of one webhook body; 0 means
	// DefaultMaxEvents. A body with more (or with more than 8 JSON array
	// elements per allowed event) gets 413 before any handler runs.
	MaxEvents int
	// Logger, when set, receives one record per webhook request answered
	// other than 200 (Warn for 4xx, Error for 5xx) and per failed handler:
	// channel, status, reason, the event's type and masked id, the error.
	// Never a body, a signature, a token or message text. Nil is silent.
	Logger *slog.Logger
	// Dedupe remembers handled webhook event ids; nil means an in-memory
	// store per Webhook handler.
	Dedupe channel.DedupeStore
	// DedupeTTL is how long an event id is remembered; 0 means 24 h.
	DedupeTTL time.Duration
	// Clock is the time source for deduplication; nil means time.Now.
	Clock channel.Clock
}

// Client talks to the LINE Messaging API and serves its webhooks. It is a
// channel.Sender. A Client is immutable after New and safe for concurrent use.
type Client struct {
	auth      string // "Bearer " + token
	secret    []byte
	base      string
	dataBase  string
	http      *retryablehttp.Client
	maxBody   int64
	maxEvents int
	logger    *slog.Logger
	dedupe    channel.DedupeConfig
	macs      sync.Pool // of hash.Hash: HMAC-SHA256 keyed with secret
	now       func() time.Time
}

// New returns a Client for cfg. It fails when the access token or the channel
// secret is empty, or a base URL is not an absolute http(s) URL.
func New(cfg Config) (*Client, error) {
	if strings.TrimSpace(cfg.ChannelAccessToken) == "" {
		return nil, errors.New("line: Config.ChannelAccessToken is required")
	}
	if cfg.ChannelSecret == "" {
		return nil, errors.New("line: Config.ChannelSecret is required")
	}
	base, err := baseURL(cfg.BaseURL, DefaultBaseURL, "BaseURL")
	if err != nil {
		return nil, err
	}
	dataBase, err := baseURL(cfg.DataBaseURL, DefaultDataBaseURL, "DataBaseURL")
	if err != nil {
		return nil, err
	}
	c := &Client{
		auth:      "Bearer " + cfg.ChannelAccessToken,
		secret:    []byte(cfg.ChannelSecret),
		base:      base,
		dataBase:  dataBase,
		maxBody:   cfg.MaxBodyBytes,
		maxEvents: cfg.MaxEvents,
		logger:    cfg.Logger,
		now:       cfg.Clock,
		dedupe:    channel.DedupeConfig{Store: cfg.Dedupe, TTL: cfg.DedupeTTL, Clock: cfg.Clock},
	}
	if c.maxBody <= 0 {
		c.maxBody = DefaultMaxBodyBytes
	}
	c.http = transport.NewClient(cfg.HTTPClient, cfg.Retry, checkRetry)
	return c, nil
}

func baseURL(v, def, field string) (string, error) {
	if v == "" {
		return def, nil
	}
	if !strings.HasPrefix(v, "https://") && !strings.HasPrefix(v, "http://") {
		return "", fmt.Errorf("line: Config.%s must be an absolute http(s) URL", field)
	}
	return strings.TrimRight(v, "/"), nil
}

// retryableKey marks a request's context: the request carries a retry key
// or a reply token, so retrying it cannot deliver twice.
type retryableKey struct{}

// checkRetry is the CheckRetry of every request. A request that carries a
// retry key or a reply token is retried on what LINE's guide "Retrying a
// failed API request" says may succeed on retry: a 5xx, a timeout or any
// other connection failure, and 429 unless its body says the monthly quota
// is used up. A push without a retry key could reach the customer twice; a
// keyed request cannot (LINE answers 409 to a key it already accepted), nor
// can a reply, its token being single use. Other calls (loading indicator,
// quota, content) are retried only when they certainly did not reach LINE
// (transport.SendCheck with 429). An answer below 400 is final even when
// ctx ends at that moment.
func checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if err == nil && resp != nil && resp.StatusCode < 400 {
		return false, nil
	}
	if keyed, _ := ctx.Value(retryableKey{}).(bool); !keyed {
		return transport.SendCheck(transport.Refused429)(ctx, resp, err)
	}
	retry, cerr := transport.DefaultCheck(ctx, resp, err)
	if retry && resp != nil && resp.StatusCode == http.StatusTooManyRequests && monthlyLimit(resp) {
		retry = false // the quota is used up until next month
	}
	return retry, cerr
}

// monthlyLimit reports whether a 429 says the monthly quota is used up
// (MessageMonthlyLimit), reading the body and putting it back.
func monthlyLimit(resp *http.Response) bool {
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(raw))
	if err != nil {
		return false
	}
	var body struct {
		Message string `json:"message"`
	}
	return json.Unmarshal(raw, &body) == nil && body.Message == MessageMonthlyLimit
}

// request is one API call.
type request struct {
	method   string
	url      string
	body     any    // marshalled as JSON when non-nil
	retryKey string // X-Line-Retry-Key, when non-empty
	retry    bool   // may be retried: carries a retry key or a reply token
	// msg is the message a send carries (nil for other calls): an outcome
	// that leaves its delivery open becomes a *channel.DeliveryError.
	msg *channel.Message
}

// result is what came back from a call.
type result struct {
	resp  *http.Response // 2xx only; body not yet read; the caller closes it
	tries *transport.Attempts
}

// do sends r. A non-2xx answer is returned as *APIError (with the response
// body closed). When r is a send (r.msg) and the last attempt left open
// whether LINE accepted it (a 5xx, a timeout, a reset after the request was
// written), the error is a *channel.DeliveryError around that cause.
func (c *Client) do(ctx context.Context, r request) (result, error) {
	var body []byte
	if r.body != nil {
		var err error
		if body, err = json.Marshal(r.body); err != nil {
			return result{}, fmt.Errorf("line: encode request: %w", err)
		}
	}
	if err := ctx.Err(); err != nil { // nothing was sent
		return result{tries: &transport.Attempts{}}, fmt.Errorf("line: %s %s: %w", r.method, pathOf(r.url), err)
	}
	ctx = context.WithValue(ctx, retryableKey{}, r.retry)
	ctx, tries := transport.WithAttempts(ctx, c.now)
	res := result{tries: tries}
	var rb any
	if body != nil {
		rb = body
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, r.method, r.url, rb)
	if err != nil {
		return result{}, fmt.Errorf("line: build request: %w", err)
	}
	req.Header.Set("Authorization", c.auth)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if r.retryKey != "" {
		req.Header.Set("X-Line-Retry-Key", r.retryKey)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		if resp != nil { // PassthroughErrorHandler may hand back both
			resp.Body.Close()
		}
		if ctxErr := ctx.Err(); ctxErr != nil {
			err = ctxErr
		}
		// The url error names the host and path only; no token is in a URL.
		err = fmt.Errorf("line: %s %s: %w", r.method, pathOf(r.url), stripURLError(err))
		return res, c.unknown(r, tries, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		defer resp.Body.Close()
		return res, c.unknown(r, tries, decodeError(resp))
	}
	res.resp = resp
	return res, nil
}

// unknown wraps err in a *channel.DeliveryError when r is a send whose last
// attempt left its delivery open; other errors are returned as they are.
func (c *Client) unknown(r request, tries *transport.Attempts, err error) error {
	if r.msg == nil || tries.Last() != transport.Unknown {
		return err
	}
	return tries.DeliveryError(channel.LINE, r.msg, err)
}

// doJSON is do followed by decoding a JSON answer into out (nil: discard).
// A send whose 2xx answer cannot be decoded was accepted but its ids are
// lost: a *channel.DeliveryError.
func (c *Client) doJSON(ctx context.Context, r request, out any) (*transport.Attempts, error) {
	res, err := c.do(ctx, r)
	if err != nil {
		return res.tries, err
	}
	defer res.resp.Body.Close()
	if out == nil {
		_, _ = io.Copy(io.Discard, io.LimitReader(res.resp.Body, 1<<16))
		return res.tries, nil
	}
	if err := json.NewDecoder(io.LimitReader(res.resp.Body, 1<<20)).Decode(out); err != nil {
		err = fmt.Errorf("line: %s %s: decode response: %w", r.method, pathOf(r.url), err)
		if r.msg != nil {
			return res.tries, res.tries.DeliveryError(channel.LINE, r.msg, err)
		}
		return res.tries, err
	}
	return res.tries, nil
}

// decodeError builds an *APIError from a non-2xx response. The body is read
// up to 64 KiB; a body that is not LINE's JSON error shape leaves Message
// empty rather than quoting it.
func decodeError(resp *http.Response) *APIError {
	e := &APIError{
		StatusCode:        resp.StatusCode,
		RequestID:         resp.Header.Get("X-Line-Request-Id"),
		AcceptedRequestID: resp.Header.Get("X-Line-Accepted-Request-Id"),
	}
	if d, ok := transport.ParseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
		e.RetryAfter = d
	}
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	var body struct {
		Message string        `json:"message"`
		Details []ErrorDetail `json:"details"`
	}
	if json.Unmarshal(bytes.TrimSpace(raw), &body) == nil {
		e.Message, e.Details = body.Message, body.Details
	}
	return e
}

// stripURLError drops the *url.Error wrapper, which repeats the full URL
// (the error already names the path), and keeps its cause.
func stripURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) && ue.Err != nil {
		return ue.Err
	}
	return err
}

func pathOf(u string) string {
	if i := strings.Index(u, "://"); i >= 0 {
		if j := strings.IndexByte(u[i+3:], '/'); j >= 0 {
			return u[i+3+j:]
		}
	}
	return u
}

// newRetryKey returns a random (version 4) UUID for X-Line-Retry-Key, which
// LINE requires to be a hexadecimal UUID.
func newRetryKey() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	var s [36]byte
	hex.Encode(s[0:8], b[0:4])
	s[8] = '-'
	hex.Encode(s[9:13], b[4:6])
	s[13] = '-'
	hex.Encode(s[14:18], b[6:8])
	s[18] = '-'
	hex.Encode(s[19:23], b[8:10])
	s[23] = '-'
	hex.Encode(s[24:], b[10:])
	return string(s[:])
}
