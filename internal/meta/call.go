package meta

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hashicorp/go-retryablehttp"

	"github.com/switchboard-go/switchboard/internal/transport"
)

// maxResponse caps a successful Graph response body.
const maxResponse = 1 << 20

// Caller makes authenticated Graph API calls with retries. Adapters embed
// one; it is immutable and safe for concurrent use.
type Caller struct {
	// Name prefixes error messages ("whatsapp", "messenger").
	Name string
	// Base is "{BaseURL}/{version}", the prefix of every endpoint.
	Base string
	// HTTP is the retrying client (transport.NewClient with CheckRetry).
	HTTP *retryablehttp.Client
	// Token is sent as a bearer header, never in the URL, so it cannot leak
	// through a *url.Error or an access log.
	Token string
	// Now is the clock for Retry-After dates; nil means time.Now.
	Now func() time.Time
	// NewError builds the adapter's typed error from a failed answer.
	NewError func(Failure) error
}

// DefaultAPIVersion is the Graph API version NewCaller uses when none is
// configured: v26.0, the newest version (released 29 July 2026) per the
// Graph API changelog.
const DefaultAPIVersion = "v26.0"

// DefaultBaseURL is the Graph API host.
const DefaultBaseURL = "https://graph.facebook.com"

// CallerConfig is the part of an adapter's Config that NewCaller turns into
// a Caller; the adapters copy their own Config fields into it.
type CallerConfig struct {
	// Name prefixes error messages ("whatsapp", "messenger").
	Name string
	// Token is the access token sent as a bearer header.
	Token string
	// APIVersion is the Graph API version, "v26.0" form; empty means
	// DefaultAPIVersion.
	APIVersion string
	// BaseURL is the Graph API host; empty means DefaultBaseURL.
	BaseURL string
	// HTTPClient makes the calls; nil means a client with a 30 s timeout.
	HTTPClient *http.Client
	// Retry bounds attempts and backoff (see transport.Retry).
	Retry transport.Retry
	// Clock is the clock for Retry-After dates; nil means time.Now.
	Clock func() time.Time
	// RetryableCode tells CheckRetry which Graph codes in a 4xx body are
	// worth retrying (the platform's throttling and temporary codes).
	RetryableCode func(code, subcode int) bool
	// NewError builds the adapter's typed error from a failed answer.
	NewError func(Failure) error
}

// NewCaller checks the API version (the "v26.0" form) and the base URL (an
// absolute http or https URL) and returns a Caller whose Base is
// "{BaseURL}/{APIVersion}". Its errors name the adapter's Config fields,
// prefixed with cfg.Name.
func NewCaller(cfg CallerConfig) (*Caller, error) {
	if cfg.APIVersion == "" {
		cfg.APIVersion = DefaultAPIVersion
	}
	if !validVersion(cfg.APIVersion) {
		return nil, fmt.Errorf("%s: Config.APIVersion %q is not of the form v26.0", cfg.Name, cfg.APIVersion)
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	u, err := url.Parse(cfg.BaseURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, errors.New(cfg.Name + ": Config.BaseURL must be an absolute http(s) URL")
	}
	return &Caller{
		Name:     cfg.Name,
		Base:     strings.TrimRight(cfg.BaseURL, "/") + "/" + cfg.APIVersion,
		HTTP:     transport.NewClient(cfg.HTTPClient, cfg.Retry, CheckRetry(cfg.RetryableCode)),
		Token:    cfg.Token,
		Now:      cfg.Clock,
		NewError: cfg.NewError,
	}, nil
}

// validVersion reports whether v is of the "v26.0" form: "v", digits, a
// dot, digits.
func validVersion(v string) bool {
	if len(v) < 4 || v[0] != 'v' {
		return false
	}
	dot := strings.IndexByte(v, '.')
	if dot < 2 || dot == len(v)-1 {
		return false
	}
	for i := 1; i < len(v); i++ {
		if i != dot && (v[i] < '0' || v[i] > '9') {
			return false
		}
	}
	return true
}

// Form is a pre-encoded request body with its content type (multipart).
type Form struct {
	Data        []byte
	ContentType string
}

// Call sends a request and decodes a 2xx JSON answer into out (when not
// nil). body is JSON-encoded unless it is a *Form. A non-2xx answer becomes
// NewError(ReadFailure(resp)); transport errors are wrapped without the URL's
// query.
func (c *Caller) Call(ctx context.Context, method, endpoint string, body, out any) error {
	var (
		raw         any
		contentType string
	)
	switch b := body.(type) {
	case nil:
	case *Form:
		raw, contentType = b.Data, b.ContentType
	default:
		data, err := json.Marshal(b)
		if err != nil {
			return fmt.Errorf("%s: encode request: %w", c.Name, err)
		}
		raw, contentType = data, "application/json"
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, method, endpoint, raw)
	if err != nil {
		return fmt.Errorf("%s: build request: %w", c.Name, err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if out == nil {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxResponse))
		return nil
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxResponse)).Decode(out); err != nil {
		return fmt.Errorf("%s: decode response: %w", c.Name, err)
	}
	return nil
}

// Do sends req with the bearer token and returns a 2xx response (the
// caller closes its body) or an error: NewError for a non-2xx answer.
func (c *Caller) Do(req *retryablehttp.Request) (*http.Response, error) {
	req.Header.Set("Authorization", "Bearer "+c.Token)
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s: %s %s: %w", c.Name, req.Method, redact(req.URL), unwrapURLError(err))
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		defer resp.Body.Close()
		now := time.Now
		if c.Now != nil {
			now = c.Now
		}
		return nil, c.NewError(ReadFailure(resp, now()))
	}
	return resp, nil
}

// redact returns the URL without its query.
func redact(u *url.URL) string {
	s := u.String()
	if i := strings.IndexByte(s, '?'); i >= 0 {
		return s[:i]
	}
	return s
}

// unwrapURLError drops *url.Error's copy of the URL and keeps its cause.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
