package ups

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/hashicorp/go-retryablehttp"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/tracking"
	"github.com/switchboard-go/switchboard/tracking/internal/oauth"
	"github.com/switchboard-go/switchboard/tracking/internal/wire"
)

// DefaultBaseURL is UPS's production host; the test host is
// https://wwwcie.ups.com.
const DefaultBaseURL = "https://onlinetools.ups.com"

// Config configures a Client.
type Config struct {
	// ClientID and ClientSecret of the UPS developer app (required).
	ClientID, ClientSecret string
	// MerchantID, when set, is sent as x-merchant-id on the token call.
	MerchantID string
	// TransactionSrc identifies the calling application in the
	// transactionSrc header ("switchboard" when empty).
	TransactionSrc string
	// Locale is the locale query parameter ("en_US" when empty).
	Locale string
	// BaseURL overrides DefaultBaseURL (for trackingtest and the test host).
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

// Client is a UPS tracking client. It is immutable after New (its token cache
// is internally synchronized) and safe for concurrent use.
type Client struct {
	cfg    Config
	base   string
	hc     *retryablehttp.Client
	tokens *oauth.Cache
}

var _ tracking.Tracker = (*Client)(nil)

// New validates cfg and returns a Client. Empty credentials are an error.
func New(cfg Config) (*Client, error) {
	if cfg.ClientID == "" || cfg.ClientSecret == "" {
		return nil, errors.New("ups: ClientID and ClientSecret are required")
	}
	if cfg.TransactionSrc == "" {
		cfg.TransactionSrc = "switchboard"
	}
	if cfg.Locale == "" {
		cfg.Locale = "en_US"
	}
	c := &Client{cfg: cfg, base: wire.BaseURL(cfg.BaseURL, DefaultBaseURL), hc: wire.NewClient(cfg.HTTPClient, cfg.Retry)}
	cc := oauth.ClientCredentials{
		Carrier: tracking.UPS, URL: c.base + "/security/v1/oauth/token",
		ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, Basic: true, Clock: cfg.Clock,
	}
	if cfg.MerchantID != "" {
		cc.Header = http.Header{"X-Merchant-Id": {cfg.MerchantID}}
	}
	c.tokens = cc.NewCache(c.hc, cfg.RefreshBefore)
	return c, nil
}

// TokenFetches reports how many OAuth token calls the client has started.
func (c *Client) TokenFetches() int { return c.tokens.Fetches() }

// Track looks number up. Errors wrap tracking.ErrNotFound when UPS does not
// know it (404, or a TW0001 warning), tracking.ErrRateLimited on 429,
// tracking.ErrUnauthorized when the credentials are refused; others are
// *tracking.APIError.
func (c *Client) Track(ctx context.Context, number string) (*tracking.Shipment, error) {
	number = tracking.Normalize(number)
	if number == "" {
		return nil, tracking.ErrInvalidNumber
	}
	u := c.base + "/api/track/v1/details/" + url.PathEscape(number) + "?" + url.Values{"locale": {c.cfg.Locale}, "returnSignature": {"false"}}.Encode()
	now := c.cfg.Clock.Now()
	resp, err := c.tokens.Send(ctx, c.hc, tracking.UPS, func() (*retryablehttp.Request, error) {
		req, err := retryablehttp.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Accept", "application/json")
		req.Header.Set("transId", transID())
		req.Header.Set("transactionSrc", c.cfg.TransactionSrc)
		return req, nil
	})
	if err != nil {
		return nil, err
	}
	if err := wire.Check(tracking.UPS, resp, oauth.FirstError, now); err != nil {
		return nil, err
	}
	s, err := Parse(resp.Body)
	if err != nil {
		return nil, err
	}
	s.FetchedAt = now
	return s, nil
}

// transID returns a fresh 32-character request id (UPS allows up to 32).
func transID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b[:])
}
