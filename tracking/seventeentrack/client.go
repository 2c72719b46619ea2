package seventeentrack

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/hashicorp/go-retryablehttp"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/tracking"
	"github.com/switchboard-go/switchboard/tracking/internal/wire"
)

// DefaultBaseURL is 17TRACK's API host.
const DefaultBaseURL = "https://api.17track.net"

// MaxBatch is the most numbers one gettrackinfo or register call takes.
const MaxBatch = 40

// Config configures a Client.
type Config struct {
	// Token is the API key sent in the 17token header (required).
	Token string
	// Carrier is 17TRACK's numeric carrier code sent with every number
	// (3011 China Post, 190008 YunExpress, ...); 0 lets 17TRACK detect it.
	Carrier int
	// AutoRegister registers numbers 17TRACK rejects as not registered, then
	// asks once more.
	AutoRegister bool
	// BaseURL overrides DefaultBaseURL (for trackingtest).
	BaseURL string
	// HTTPClient is the underlying client; nil means one with a 30 s timeout.
	HTTPClient *http.Client
	// Retry configures retries of connection errors, 429 and 5xx.
	Retry channel.Retry
	// Clock stamps FetchedAt; nil means time.Now.
	Clock channel.Clock
}

// Client is a 17TRACK client. It is immutable after New and safe for
// concurrent use.
type Client struct {
	cfg  Config
	base string
	hc   *retryablehttp.Client
}

var _ tracking.BatchTracker = (*Client)(nil)

// New validates cfg and returns a Client. An empty Token is an error.
func New(cfg Config) (*Client, error) {
	if cfg.Token == "" {
		return nil, errors.New("seventeentrack: Token is required")
	}
	return &Client{cfg: cfg, base: wire.BaseURL(cfg.BaseURL, DefaultBaseURL), hc: wire.NewClient(cfg.HTTPClient, cfg.Retry)}, nil
}

// MaxBatch returns 40.
func (c *Client) MaxBatch() int { return MaxBatch }

// Track looks one number up; see TrackBatch.
func (c *Client) Track(ctx context.Context, number string) (*tracking.Shipment, error) {
	return wire.TrackOne(ctx, number, c.TrackBatch)
}

// TrackBatch looks up to 40 numbers up in one gettrackinfo call, returning
// one Result per number in order. A number 17TRACK rejects gets Err (wrapping
// tracking.ErrNotFound when it is unregistered or unknown); a registered
// number 17TRACK has no information on yet comes back as a Shipment with
// StatusUnknown. err is set when the call as a whole failed.
func (c *Client) TrackBatch(ctx context.Context, numbers []string) ([]tracking.Result, error) {
	norm, err := wire.Numbers("seventeentrack", numbers, MaxBatch)
	if err != nil || len(norm) == 0 {
		return nil, err
	}
	now := c.cfg.Clock.Now()
	found, err := c.get(ctx, norm)
	if err != nil {
		return nil, err
	}
	if c.cfg.AutoRegister {
		var unregistered []string
		for _, n := range norm {
			if r, ok := found[n]; ok && isUnregistered(r.Err) {
				unregistered = append(unregistered, n)
			}
		}
		if len(unregistered) > 0 {
			if err := c.Register(ctx, unregistered); err != nil {
				return nil, err
			}
			again, err := c.get(ctx, unregistered)
			if err != nil {
				return nil, err
			}
			for n, r := range again {
				found[n] = r
			}
		}
	}
	return wire.Collect(tracking.SeventeenTrack, http.StatusOK, norm, found, now), nil
}

// Register registers numbers with 17TRACK (POST /track/v2.2/register) so
// that it starts tracking them. Numbers 17TRACK reports as already registered
// are not an error; other rejections are returned as one *tracking.APIError.
func (c *Client) Register(ctx context.Context, numbers []string) error {
	resp, err := c.post(ctx, "/track/v2.2/register", numbers)
	if err != nil {
		return err
	}
	env, err := parseEnvelope(resp.Body)
	if err != nil {
		return err
	}
	for _, r := range env.Data.Rejected {
		if errorCode(r.Error.Code) != AlreadyRegisteredCode {
			return rejection(r)
		}
	}
	return nil
}

func (c *Client) get(ctx context.Context, numbers []string) (map[string]tracking.Result, error) {
	resp, err := c.post(ctx, "/track/v2.2/gettrackinfo", numbers)
	if err != nil {
		return nil, err
	}
	return Parse(resp.Body)
}

type item struct {
	Number  string `json:"number"`
	Carrier int    `json:"carrier,omitempty"`
}

func (c *Client) post(ctx context.Context, path string, numbers []string) (*wire.Response, error) {
	items := make([]item, len(numbers))
	for i, n := range numbers {
		items[i] = item{Number: n, Carrier: c.cfg.Carrier}
	}
	body, err := json.Marshal(items)
	if err != nil {
		return nil, err
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, http.MethodPost, c.base+path, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("17token", c.cfg.Token)
	req.Header.Set("Content-Type", "application/json")
	now := c.cfg.Clock.Now()
	resp, err := wire.Do(ctx, c.hc, tracking.SeventeenTrack, req)
	if err != nil {
		return nil, err
	}
	if err := wire.Check(tracking.SeventeenTrack, resp, firstError, now); err != nil {
		return nil, err
	}
	return resp, nil
}
