package whatsapp

import (
	"context"
	"errors"
	"fmt"
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

// Config configures a Client. AccessToken and PhoneNumberID are required to
// send; AppSecret and VerifyToken are required by Webhook.
type Config struct {
	// AccessToken is a system-user or business access token with the
	// whatsapp_business_messaging permission.
	AccessToken string
	// PhoneNumberID is the id of the business phone number (not the number).
	PhoneNumberID string
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
	// Dedupe remembers handled webhook message ids so a redelivery reaches
	// the handler once; nil means an in-memory store.
	Dedupe channel.DedupeStore
	// DedupeTTL is how long an id is remembered; 0 means 24 h.
	DedupeTTL time.Duration
	// Clock is the time source for dedupe and Retry-After dates; nil means
	// time.Now.
	Clock channel.Clock
	// ListButton is the label of the button that opens a list message (at
	// most 20 characters); empty means "Options".
	ListButton string
}

// Client sends messages through the WhatsApp Cloud API and serves its
// webhook. It is immutable after New and safe for concurrent use.
type Client struct {
	cfg     Config
	base    string // {BaseURL}/{version}
	api     *meta.Caller
	dedupe  channel.DedupeStore
	verify  *meta.Verifier
	listBtn string
}

// New validates cfg and returns a Client. It fails when AccessToken or
// PhoneNumberID is missing, when the base URL does not parse, or when the
// API version is not of the "v26.0" form.
func New(cfg Config) (*Client, error) {
	if strings.TrimSpace(cfg.AccessToken) == "" {
		return nil, errors.New("whatsapp: Config.AccessToken is required")
	}
	if !isDigits(cfg.PhoneNumberID) {
		return nil, errors.New("whatsapp: Config.PhoneNumberID is required: the phone number's id, digits only")
	}
	api, err := meta.NewCaller(meta.CallerConfig{
		Name: "whatsapp", Token: cfg.AccessToken, APIVersion: cfg.APIVersion, BaseURL: cfg.BaseURL,
		HTTPClient: cfg.HTTPClient, Clock: cfg.Clock, RetryableCode: retryableCode, NewError: newError,
		RefusedCode: refusedCode, Kind: channel.WhatsApp,
		Retry: cfg.Retry,
	})
	if err != nil {
		return nil, err
	}
	listBtn := cfg.ListButton
	if listBtn == "" {
		listBtn = "Options"
	}
	if n := len([]rune(listBtn)); n > maxListButton {
		return nil, fmt.Errorf("whatsapp: Config.ListButton is %d characters, more than %d", n, maxListButton)
	}
	if cfg.Dedupe == nil {
		cfg.Dedupe = channel.NewMemoryDedupeStore(channel.DefaultDedupeKeys)
	}
	c := &Client{
		cfg:     cfg,
		base:    api.Base,
		api:     api,
		dedupe:  cfg.Dedupe,
		verify:  meta.NewVerifier([]byte(cfg.AppSecret)),
		listBtn: listBtn,
	}
	return c, nil
}

func (c *Client) call(ctx context.Context, method, endpoint string, body any, out any) error {
	return c.api.Call(ctx, method, endpoint, body, out)
}

var _ channel.Sender = (*Client)(nil)
