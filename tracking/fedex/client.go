package fedex

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/hashicorp/go-retryablehttp"

	"github.com/switchboard-go/switchboard/channel"
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
	ClientID, ClientSecret string
	// Locale is sent as X-locale ("en_US" when empty).
	Locale string
	// BaseURL overrides DefaultBaseURL (for trackingtest and the sandbox).
	BaseURL string
	// HTTPClient is the underlying client; nil means one with a 30 s timeout.
	HTTPClient *http.Client
	// Retry configures retries of connection errors, 429 and 5xx.
	Retry channel.Retry
	// Clock drives token expiry and stamps FetchedAt; nil means time.Now.
	Clock channel.Clock
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
	c := &Client{cfg: cfg, base: wire.BaseURL(cfg.BaseURL, DefaultBaseURL), hc: wire.NewClient(cfg.HTTPClient, cfg.Retry)}
	c.tokens = oauth.ClientCredentials{
		Carrier: tracking.FedEx, URL: c.base + "/oauth/token",
		ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, Clock: cfg.Clock,
	}.NewCache(c.hc, cfg.RefreshBefore)
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
	return wire.TrackOne(ctx, number, c.TrackBatch)
}

// TrackBatch looks up to 30 numbers up in one request and returns one Result
// per number in the order given. err is set only when the request as a whole
// failed; a number FedEx does not know gets a Result whose Err wraps
// tracking.ErrNotFound.
func (c *Client) TrackBatch(ctx context.Context, numbers []string) ([]tracking.Result, error) {
	norm, err := wire.Numbers("fedex", numbers, MaxBatch)
	if err != nil || len(norm) == 0 {
		return nil, err
	}
	req := trackRequest{IncludeDetailedScans: true, TrackingInfo: make([]trackingInfo, len(norm))}
	for i, n := range norm {
		req.TrackingInfo[i].TrackingNumberInfo.TrackingNumber = n
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
	if err := wire.Check(tracking.FedEx, resp, oauth.FirstError, now); err != nil {
		return nil, err
	}
	found, err := Parse(resp.Body)
	if err != nil {
		return nil, err
	}
	return wire.Collect(tracking.FedEx, resp.Status, norm, found, now), nil
}

// post sends the track request with a cached token; on 401 it drops the
// token and tries once more with a fresh one.
func (c *Client) post(ctx context.Context, body []byte) (*wire.Response, error) {
	return c.tokens.Send(ctx, c.hc, tracking.FedEx, func() (*retryablehttp.Request, error) {
		req, err := retryablehttp.NewRequestWithContext(ctx, http.MethodPost, c.base+"/track/v1/trackingnumbers", bytes.NewReader(body))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-locale", c.cfg.Locale)
		return req, nil
	})
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
