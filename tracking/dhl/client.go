package dhl

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/hashicorp/go-retryablehttp"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/tracking"
	"github.com/switchboard-go/switchboard/tracking/internal/wire"
)

// DefaultBaseURL is DHL's production API host.
const DefaultBaseURL = "https://api-eu.dhl.com"

// Services DHL's Unified API accepts in the service parameter (not
// exhaustive).
const (
	ServiceExpress   = "express"
	ServiceParcelDE  = "parcel-de"
	ServiceECommerce = "ecommerce"
	ServiceFreight   = "freight"
)

// Config configures a Client.
type Config struct {
	// APIKey is the consumer key from the DHL developer portal (required).
	APIKey string
	// Service is the default service parameter ("express", "parcel-de",
	// ...); empty lets DHL search every service.
	Service string
	// Language asks for descriptions in a language ("en", "de"), optional.
	Language string
	// BaseURL overrides DefaultBaseURL (for trackingtest and proxies).
	BaseURL string
	// HTTPClient is the underlying client; nil means one with a 30 s timeout.
	HTTPClient *http.Client
	// Retry configures retries of connection errors, 429 and 5xx.
	Retry channel.Retry
	// Clock stamps Shipment.FetchedAt; nil means time.Now.
	Clock channel.Clock
}

// Client is a DHL tracking client. It is immutable after New and safe for
// concurrent use.
type Client struct {
	cfg  Config
	base string
	hc   *retryablehttp.Client
}

var _ tracking.Tracker = (*Client)(nil)

// New validates cfg and returns a Client. An empty APIKey is an error.
func New(cfg Config) (*Client, error) {
	if cfg.APIKey == "" {
		return nil, errors.New("dhl: APIKey is required")
	}
	base := cfg.BaseURL
	if base == "" {
		base = DefaultBaseURL
	}
	if _, err := url.Parse(base); err != nil {
		return nil, errors.New("dhl: invalid BaseURL")
	}
	return &Client{cfg: cfg, base: strings.TrimRight(base, "/"), hc: wire.NewClient(cfg.HTTPClient, cfg.Retry)}, nil
}

// Track looks number up with the configured service. It returns an error
// wrapping tracking.ErrNotFound when DHL answers 404, tracking.ErrRateLimited
// on 429 (RetryAfter set when DHL sends Retry-After), and *tracking.APIError
// for other failures.
func (c *Client) Track(ctx context.Context, number string) (*tracking.Shipment, error) {
	return c.TrackService(ctx, number, c.cfg.Service)
}

// TrackService is Track with an explicit service parameter ("" for none).
// When DHL returns several shipments for the number, the one whose id
// matches (and, with a service, whose service matches) is returned.
func (c *Client) TrackService(ctx context.Context, number, service string) (*tracking.Shipment, error) {
	number = tracking.Normalize(number)
	if number == "" {
		return nil, tracking.ErrInvalidNumber
	}
	q := url.Values{"trackingNumber": {number}}
	if service != "" {
		q.Set("service", service)
	}
	if c.cfg.Language != "" {
		q.Set("language", c.cfg.Language)
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, http.MethodGet, c.base+"/track/shipments?"+q.Encode(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("DHL-API-Key", c.cfg.APIKey)
	req.Header.Set("Accept", "application/json")
	now := c.cfg.Clock.Now()
	resp, err := wire.Do(ctx, c.hc, tracking.DHL, req)
	if err != nil {
		return nil, err
	}
	if err := wire.Check(tracking.DHL, resp, problem, now); err != nil {
		return nil, err
	}
	shipments, err := Parse(resp.Body)
	if err != nil {
		return nil, err
	}
	s := pick(shipments, number, service)
	if s == nil {
		return nil, &tracking.APIError{Carrier: tracking.DHL, StatusCode: resp.Status, Message: "no shipment in answer", Err: tracking.ErrNotFound}
	}
	s.FetchedAt = now
	return s, nil
}

func pick(ss []tracking.Shipment, number, service string) *tracking.Shipment {
	for i := range ss {
		if ss[i].Number == number && (service == "" || ss[i].Service == service) {
			return &ss[i]
		}
	}
	if len(ss) > 0 {
		return &ss[0]
	}
	return nil
}
