// Package oauth fetches and caches OAuth 2.0 client-credentials tokens for
// the carrier adapters (FedEx, UPS): one fetch for any number of concurrent
// callers (a small singleflight), refreshed before expiry on an injected
// clock, and dropped when the carrier refuses it.
package oauth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-retryablehttp"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/tracking"
	"github.com/switchboard-go/switchboard/tracking/internal/wire"
)

// Token is an access token and when it expires.
type Token struct {
	Value  string    // the bearer token; never logged
	Expiry time.Time // when the carrier stops accepting it
}

// FetchFunc obtains a new token.
type FetchFunc func(ctx context.Context) (Token, error)

// DefaultEarly is how long before expiry a token is refreshed.
const DefaultEarly = 2 * time.Minute

// Cache holds one token. Safe for concurrent use.
type Cache struct {
	fetch FetchFunc
	clock channel.Clock
	early time.Duration

	mu       sync.Mutex
	tok      Token
	inflight *call
	fetches  int
	joined   int // callers that waited on another caller's fetch (tests)
}

type call struct {
	done chan struct{}
	tok  Token
	err  error
}

// NewCache returns a cache that calls fetch when it has no token or the token
// expires within early (0 means DefaultEarly).
func NewCache(fetch FetchFunc, clock channel.Clock, early time.Duration) *Cache {
	if early <= 0 {
		early = DefaultEarly
	}
	return &Cache{fetch: fetch, clock: clock, early: early}
}

// Token returns a valid token, fetching one when needed. Concurrent callers
// share one fetch; each waits at most until its own ctx is done. The fetch
// runs on a context detached from the first caller's cancellation (bounded
// by the HTTP client's timeout), so one caller giving up does not fail the
// others.
func (c *Cache) Token(ctx context.Context) (string, error) {
	c.mu.Lock()
	if c.tok.Value != "" && c.clock.Now().Add(c.early).Before(c.tok.Expiry) {
		v := c.tok.Value
		c.mu.Unlock()
		return v, nil
	}
	cl := c.inflight
	if cl != nil {
		c.joined++
	} else {
		cl = &call{done: make(chan struct{})}
		c.inflight = cl
		c.fetches++
		go c.run(context.WithoutCancel(ctx), cl)
	}
	c.mu.Unlock()
	select {
	case <-cl.done:
		return cl.tok.Value, cl.err
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

func (c *Cache) run(ctx context.Context, cl *call) {
	tok, err := c.fetch(ctx)
	if err == nil && tok.Value == "" {
		err = errors.New("oauth: empty access token")
	}
	c.mu.Lock()
	cl.tok, cl.err = tok, err
	if err == nil {
		c.tok = tok
	}
	c.inflight = nil
	c.mu.Unlock()
	close(cl.done)
}

// Invalidate drops the cached token if it is still value (the carrier
// answered 401 to it), so the next Token call fetches a fresh one.
func (c *Cache) Invalidate(value string) {
	c.mu.Lock()
	if c.tok.Value == value {
		c.tok = Token{}
	}
	c.mu.Unlock()
}

// Send sends the request newReq builds, with the cached token as its Bearer
// Authorization, through hc. When the carrier answers 401 it drops the token
// and sends once more with a fresh one (newReq is called again, so per-request
// headers such as UPS's transId are fresh too); a second 401 is returned as
// the answer. Errors are the token fetch's, newReq's, or wire.Do's.
func (c *Cache) Send(ctx context.Context, hc *retryablehttp.Client, carrier tracking.Carrier, newReq func() (*retryablehttp.Request, error)) (*wire.Response, error) {
	for attempt := 0; ; attempt++ {
		tok, err := c.Token(ctx)
		if err != nil {
			return nil, err
		}
		req, err := newReq()
		if err != nil {
			return nil, err
		}
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := wire.Do(ctx, hc, carrier, req)
		if err != nil {
			return nil, err
		}
		if resp.Status == http.StatusUnauthorized && attempt == 0 {
			c.Invalidate(tok)
			continue
		}
		return resp, nil
	}
}

// Fetches reports how many token fetches were started (for tests).
func (c *Cache) Fetches() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.fetches
}

// ClientCredentials describes a client-credentials token call.
type ClientCredentials struct {
	Carrier                tracking.Carrier // for errors
	URL                    string           // the token endpoint
	ClientID, ClientSecret string           // the app's credentials; never logged
	// Basic sends the credentials as HTTP Basic auth (UPS) instead of form
	// fields (FedEx).
	Basic bool
	// Header is added to the token request (UPS x-merchant-id), may be nil.
	Header http.Header
	Clock  channel.Clock // for expiry; nil means time.Now
}

// NewCache returns a token cache that fetches with cc through hc, renewing
// early before expiry (0 means DefaultEarly) on cc.Clock.
func (cc ClientCredentials) NewCache(hc *retryablehttp.Client, early time.Duration) *Cache {
	return NewCache(func(ctx context.Context) (Token, error) { return cc.Fetch(ctx, hc) }, cc.Clock, early)
}

// tokenResponse covers both carriers: UPS sends expires_in as a string,
// FedEx as a number.
type tokenResponse struct {
	AccessToken string          `json:"access_token"`
	ExpiresIn   json.RawMessage `json:"expires_in"`
}

// errorResponse covers FedEx ({"errors":[{code,message}]}) and UPS
// ({"response":{"errors":[{code,message}]}}).
type errorResponse struct {
	Errors   []codeMessage `json:"errors"`
	Response struct {
		Errors []codeMessage `json:"errors"`
	} `json:"response"`
}

type codeMessage struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// FirstError extracts the carrier's first error code and message from a
// FedEx- or UPS-shaped error body; empty strings when there is none.
func FirstError(body []byte) (code, msg string) {
	var e errorResponse
	if json.Unmarshal(body, &e) != nil {
		return "", ""
	}
	errs := e.Errors
	if len(errs) == 0 {
		errs = e.Response.Errors
	}
	if len(errs) == 0 {
		return "", ""
	}
	return errs[0].Code, errs[0].Message
}

// Fetch performs the client-credentials call with hc. The secret never
// appears in an error.
func (cc ClientCredentials) Fetch(ctx context.Context, hc *retryablehttp.Client) (Token, error) {
	form := url.Values{"grant_type": {"client_credentials"}}
	if !cc.Basic {
		form.Set("client_id", cc.ClientID)
		form.Set("client_secret", cc.ClientSecret)
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, http.MethodPost, cc.URL, strings.NewReader(form.Encode()))
	if err != nil {
		return Token{}, fmt.Errorf("tracking: %s: token request: %w", cc.Carrier, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	for k, vs := range cc.Header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	if cc.Basic {
		req.SetBasicAuth(cc.ClientID, cc.ClientSecret)
	}
	start := cc.Clock.Now()
	resp, err := wire.Do(ctx, hc, cc.Carrier, req)
	if err != nil {
		return Token{}, err
	}
	if resp.Status != http.StatusOK {
		code, msg := FirstError(resp.Body)
		e := wire.Error(cc.Carrier, resp, code, msg, start)
		if resp.Status == http.StatusBadRequest || resp.Status == http.StatusUnauthorized {
			e.Err = tracking.ErrUnauthorized // invalid_client answers come as 400 or 401
		}
		return Token{}, e
	}
	var tr tokenResponse
	if err := json.Unmarshal(resp.Body, &tr); err != nil || tr.AccessToken == "" {
		return Token{}, &tracking.APIError{Carrier: cc.Carrier, StatusCode: resp.Status, Message: "malformed token response"}
	}
	secs := parseSeconds(tr.ExpiresIn)
	if secs <= 0 {
		secs = 3600
	}
	// FedEx answers 3600, UPS 14399; a larger value (or one that would
	// overflow a Duration into the past) is read as a day.
	secs = min(secs, maxTokenSeconds)
	return Token{Value: tr.AccessToken, Expiry: start.Add(time.Duration(secs) * time.Second)}, nil
}

// maxTokenSeconds caps a token's announced lifetime (FuzzTokenAnswer found
// that 9223372036854775807 overflowed into an expiry in the past).
const maxTokenSeconds = 24 * 60 * 60

// parseSeconds reads 3600 or "3600".
func parseSeconds(raw json.RawMessage) int64 {
	s := strings.Trim(string(raw), `"`)
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0
	}
	return n
}
