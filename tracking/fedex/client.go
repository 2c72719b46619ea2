package fedex

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/hashicorp/go-retryablehttp"

	"github.com/switchboard-go/switchboard/tracking"
	"github.com/switchboard-go/switchboard/tracking/internal/oauth"
	"github.com/switchboard-go/switchboard/tracking/internal/wire"
)

// DefaultBaseURL is FedEx's production API host; the sandbox is
// https://apis-sandbox.fedex.com.
const DefaultBaseURL = "https://apis.fedex.com"

// MaxBatch is the most numbers FedEx takes in one track request.
const MaxBatch = 30

// Config configures a Client.
type Config struct {
	// ClientID and ClientSecret are the project's API key and secret key
	// (required).
	ClientID     string
	ClientSecret string
	// Locale is sent as X-locale ("en_US" when empty).
	Locale string
	// BaseURL overrides DefaultBaseURL (for trackingtest and the sandbox).
	BaseURL string
	// HTTPClient is the underlying client; nil means one with a 30 s timeout.
	HTTPClient *http.Client
	// Retry configures retries of connection errors, 429 and 5xx.
	Retry tracking.Retry
	// Clock drives token expiry and stamps FetchedAt; nil means time.Now.
	Clock tracking.Clock
	// RefreshBefore is how long before expiry the token is renewed
	// (0 = 2 min).
	RefreshBefore time.Duration
}

// Client is a FedEx tracking client. It is immutable after New (its token
// cache is internally synchronized) and safe for concurrent use.
type Client struct {
	cfg    Config
	base   string
	hc     *retryablehttp.Client
	tokens *oauth.Cache
}

var _ tracking.BatchTracker = (*Client)(nil)

// New validates cfg and returns a Client. Empty credentials are an error.
func New(cfg Config) (*Client, error) {
	if cfg.ClientID == "" || cfg.ClientSecret == "" {
		return nil, errors.New("fedex: ClientID and ClientSecret are required")
	}
	if cfg.Locale == "" {
		cfg.Locale = "en_US"
	}
	c := &Client{cfg: cfg, base: strings.TrimRight(cfg.BaseURL, "/"), hc: wire.NewClient(cfg.HTTPClient, cfg.Retry)}
	if c.base == "" {
		c.base = DefaultBaseURL
	}
	cc := oauth.ClientCredentials{
		Carrier: tracking.FedEx, URL: c.base + "/oauth/token",
		ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, Clock: cfg.Clock,
	}
	c.tokens = oauth.NewCache(func(ctx context.Context) (oauth.Token, error) { return cc.Fetch(ctx, c.hc) }, cfg.Clock, cfg.RefreshBefore)
	return c, nil
}

// TokenFetches reports how many OAuth token calls the client has started.
func (c *Client) TokenFetches() int { return c.tokens.Fetches() }

// MaxBatch returns 30, FedEx's limit per track request.
func (c *Client) MaxBatch() int { return MaxBatch }

// Track looks up one number. Errors wrap tracking.ErrNotFound when FedEx does
// not know it, tracking.ErrRateLimited on 429, tracking.ErrUnauthorized when
// the credentials are refused; others are *tracking.APIError.
func (c *Client) Track(ctx context.Context, number string) (*tracking.Shipment, error) {
	rs, err := c.TrackBatch(ctx, []string{number})
	if err != nil {
		return nil, err
	}
	return rs[0].Shipment, rs[0].Err
}

// TrackBatch looks up to 30 numbers up in one request and returns one Result
// per number in the order given. err is set only when the request as a whole
// failed; a number FedEx does not know gets a Result whose Err wraps
// tracking.ErrNotFound.
func (c *Client) TrackBatch(ctx context.Context, numbers []string) ([]tracking.Result, error) {
	if len(numbers) == 0 {
		return nil, nil
	}
	if len(numbers) > MaxBatch {
		return nil, fmt.Errorf("fedex: %d numbers in one batch, at most %d", len(numbers), MaxBatch)
	}
	req := trackRequest{IncludeDetailedScans: true}
	norm := make([]string, len(numbers))
	for i, n := range numbers {
		norm[i] = tracking.Normalize(n)
		if norm[i] == "" {
			return nil, tracking.ErrInvalidNumber
		}
		req.TrackingInfo = append(req.TrackingInfo, trackingInfo{TrackingNumberInfo: numberInfo{TrackingNumber: norm[i]}})
	}
	body, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	now := c.cfg.Clock.Now()
	resp, err := c.post(ctx, body)
	if err != nil {
		return nil, err
	}
	if resp.Status != http.StatusOK {
		code, msg := oauth.FirstError(resp.Body)
		return nil, wire.Error(tracking.FedEx, resp, code, msg, now)
	}
	found, err := Parse(resp.Body)
	if err != nil {
		return nil, err
	}
	out := make([]tracking.Result, len(norm))
	for i, n := range norm {
		out[i].Number = n
		r, ok := found[n]
		switch {
		case !ok:
			out[i].Err = &tracking.APIError{Carrier: tracking.FedEx, HTTPStatus: resp.Status, Message: "number missing from answer", Err: tracking.ErrNotFound}
		case r.Err != nil:
			out[i].Err = r.Err
		default:
			r.Shipment.FetchedAt = now
			out[i].Shipment = r.Shipment
		}
	}
	return out, nil
}

// post sends the track request with a cached token; on 401 it drops the
// token and tries once more with a fresh one.
func (c *Client) post(ctx context.Context, body []byte) (*wire.Response, error) {
	for attempt := 0; ; attempt++ {
		tok, err := c.tokens.Token(ctx)
		if err != nil {
			return nil, err
		}
		req, err := retryablehttp.NewRequestWithContext(ctx, http.MethodPost, c.base+"/track/v1/trackingnumbers", bytes.NewReader(body))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-locale", c.cfg.Locale)
		resp, err := wire.Do(ctx, c.hc, tracking.FedEx, req)
		if err != nil {
			return nil, err
		}
		if resp.Status == http.StatusUnauthorized && attempt == 0 {
			c.tokens.Invalidate(tok)
			continue
		}
		return resp, nil
	}
}

type trackRequest struct {
	IncludeDetailedScans bool           `json:"includeDetailedScans"`
	TrackingInfo         []trackingInfo `json:"trackingInfo"`
}

type trackingInfo struct {
	TrackingNumberInfo numberInfo `json:"trackingNumberInfo"`
}

type numberInfo struct {
	TrackingNumber string `json:"trackingNumber"`
}
