package messenger

import (
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/internal/meta"
)

// DefaultAPIVersion is the Graph API version used when Config.APIVersion is
// empty: v26.0, the newest version (released 29 July 2026) per the Graph
// API changelog.
const DefaultAPIVersion = meta.DefaultAPIVersion

// DefaultBaseURL is the Graph API host.
const DefaultBaseURL = meta.DefaultBaseURL

// Config configures a Client. PageAccessToken is required to send;
// AppSecret and VerifyToken are required by Webhook.
type Config struct {
	// PageAccessToken is the Page's access token with pages_messaging.
	PageAccessToken string
	// AppSecret keys the X-Hub-Signature-256 of incoming webhooks.
	AppSecret string
	// VerifyToken is the token you entered when subscribing the webhook.
	VerifyToken string
	// APIVersion is the Graph API version, "v26.0" form; empty means
	// DefaultAPIVersion.
	APIVersion string
	// BaseURL overrides DefaultBaseURL (the fake server's URL in tests).
	BaseURL string
	// HTTPClient makes the calls; nil means a client with a 30 s timeout.
	HTTPClient *http.Client

	// Retry bounds attempts and backoff (the zero value: 4 attempts, 250 ms
	// to 15 s, Retry-After honoured up to MaxBackoff); which failures are
	// retried follows the package's delivery rules (see the package doc).
	Retry channel.Retry

	// MaxBodyBytes caps a webhook body; 0 means 1 MiB. Larger bodies get 413.
	MaxBodyBytes int64
	// MaxEvents caps the events of one webhook body; 0 means
	// DefaultMaxEvents. A body with more (or with more than 8 JSON array
	// elements per allowed event) gets 413 before any handler runs.
	MaxEvents int
	// Logger, when set, receives one record per webhook request answered
	// other than 200 (Warn for 4xx, Error for 5xx) and per failed handler:
	// channel, status, reason, the event's type and masked id, the error.
	// Never a body, a signature, a token, a phone number or message text.
	// Nil is silent.
	Logger *slog.Logger
	// Dedupe remembers handled webhook event ids so a redelivery reaches the
	// handler once; nil means an in-memory store.
	Dedupe channel.DedupeStore
	// DedupeTTL is how long an id is remembered; 0 means 24 h.
	DedupeTTL time.Duration
	// Clock is the time source for dedupe and Retry-After dates; nil means
	// time.Now.
	Clock channel.Clock
}

// Client sends messages through the Messenger Send API and serves the Page
// webhook. It is immutable after New and safe for concurrent use.
type Client struct {
	cfg    Config
	base   string
	api    *meta.Caller
	dedupe channel.DedupeStore
	verify *meta.Verifier
}

// New validates cfg and returns a Client. It fails when PageAccessToken is
// missing, when the base URL does not parse, or when the API version is not
// of the "v26.0" form.
func New(cfg Config) (*Client, error) {
	if strings.TrimSpace(cfg.PageAccessToken) == "" {
		return nil, errors.New("messenger: Config.PageAccessToken is required")
	}
	api, err := meta.NewCaller(meta.CallerConfig{
		Name: "messenger", Token: cfg.PageAccessToken, APIVersion: cfg.APIVersion, BaseURL: cfg.BaseURL,
		HTTPClient: cfg.HTTPClient, Clock: cfg.Clock, RetryableCode: retryableCode, NewError: newError,
		RefusedCode: refusedCode, Kind: channel.Messenger,
		Retry: cfg.Retry,
	})
	if err != nil {
		return nil, err
	}
	if cfg.Dedupe == nil {
		cfg.Dedupe = channel.NewMemoryDedupeStore(channel.DefaultDedupeKeys)
	}
	return &Client{
		cfg:    cfg,
		base:   api.Base,
		api:    api,
		dedupe: cfg.Dedupe,
		verify: meta.NewVerifier([]byte(cfg.AppSecret)),
	}, nil
}

var _ channel.Sender = (*Client)(nil)
