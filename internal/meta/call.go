package meta

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/hashicorp/go-retryablehttp"

	"github.com/switchboard-go/switchboard/channel"
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
	// Clock is the clock for Retry-After dates; nil means time.Now.
	Clock channel.Clock
	// NewError builds the adapter's typed error from a failed answer.
	NewError func(Failure) error
	// SendHTTP is the client of Send: it retries only what certainly did
	// not reach Meta (transport.SendCheck with Refused).
	SendHTTP *retryablehttp.Client
	// Kind is the channel of the adapter, named in a DeliveryError.
	Kind channel.Kind
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
	Clock channel.Clock
	// RetryableCode tells CheckRetry which Graph codes in a 4xx body are
	// worth retrying (the platform's throttling and temporary codes) on
	// idempotent calls (reads, mark-as-read, uploads).
	RetryableCode func(code, subcode int) bool
	// RefusedCode tells Send's retry policy which Graph codes in a 4xx body
	// say the send was refused and not carried out (throttling): only those
	// are retried, because a send has no idempotency key.
	RefusedCode func(code, subcode int) bool
	// Kind is the adapter's channel, named in a DeliveryError.
	Kind channel.Kind
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
		Clock:    cfg.Clock,
		NewError: cfg.NewError,
		SendHTTP: transport.NewClient(cfg.HTTPClient, cfg.Retry, transport.SendCheck(Refused(cfg.RefusedCode))),
		Kind:     cfg.Kind,
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
		return nil, c.NewError(ReadFailure(resp, c.Clock.Now()))
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

// Send posts body (JSON) to endpoint as a message send, which Meta takes
// without an idempotency key, and decodes a 2xx answer into out.
//
// It retries only what certainly did not reach Meta: a request that never
// left (DNS, refused connection, failed dial), HTTP 429, and a 4xx whose
// Graph code is a refusal (RefusedCode: throttling). Meta documents no 5xx
// body that says a request was not processed (Graph API "Handling Errors"
// only says codes 1 and 2 are temporary), so a 5xx is never retried.
//
// Every outcome that leaves open whether Meta accepted the message returns
// a *channel.DeliveryError (errors.Is channel.ErrDeliveryUnknown) naming m:
// a 5xx, a reset or EOF after the request was written, a timeout, ctx ending
// mid-request, a Graph code that does not say the send failed (Unknown), or
// a 2xx whose body cannot be read. Other answers return NewError's error.
func (c *Caller) Send(ctx context.Context, m *channel.Message, endpoint string, body, out any) error {
	data, err := json.Marshal(body)
	if err != nil {
		return fmt.Errorf("%s: encode request: %w", c.Name, err)
	}
	if err := ctx.Err(); err != nil { // nothing was sent
		return fmt.Errorf("%s: %w", c.Name, err)
	}
	ctx, tries := transport.WithAttempts(ctx, c.Clock)
	req, err := retryablehttp.NewRequestWithContext(ctx, http.MethodPost, endpoint, data)
	if err != nil {
		return fmt.Errorf("%s: build request: %w", c.Name, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+c.Token)
	unknown := func(err error) error {
		return tries.DeliveryError(c.Kind, m, err)
	}
	resp, err := c.SendHTTP.Do(req)
	if err != nil {
		if resp != nil {
			_ = resp.Body.Close()
		}
		err = fmt.Errorf("%s: %s %s: %w", c.Name, req.Method, redact(req.URL), unwrapURLError(err))
		if tries.Last() != transport.Unknown { // never sent, or refused and then ctx ended in the backoff
			return err
		}
		return unknown(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		f := ReadFailure(resp, c.Clock.Now())
		apiErr := c.NewError(f)
		if resp.StatusCode >= 500 || Unknown(f.Graph.Code) {
			return unknown(apiErr)
		}
		return apiErr
	}
	if out == nil {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxResponse))
		return nil
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxResponse)).Decode(out); err != nil {
		// Meta accepted the message (2xx); only its id is lost.
		return unknown(fmt.Errorf("%s: decode response: %w", c.Name, err))
	}
	return nil
}

// Unknown reports whether a Graph error code leaves open whether a send was
// carried out: 1 "API Unknown" ("possibly a temporary issue", or an invalid
// request), 2 "API Service" (temporary downtime), 131000 "Something went
// wrong" and 131016 "Service unavailable". None of them says the message
// was not sent, so Send reports them as ErrDeliveryUnknown.
func Unknown(code int) bool {
	switch code {
	case 1, 2, 131000, 131016:
		return true
	}
	return false
}

// Refused returns a transport.SendCheck refusal test for the Graph API: HTTP
// 429, or a 4xx whose Graph code is one for which refused(code, subcode) is
// true (Meta reports throttling with HTTP 400). The body is read (at most
// 64 KiB) and put back for the caller.
func Refused(refused func(code, subcode int) bool) func(*http.Response) bool {
	return func(resp *http.Response) bool {
		if transport.Refused429(resp) {
			return true
		}
		if refused == nil {
			return false
		}
		body, rerr := readLimited(resp.Body, maxErrorBody)
		_ = resp.Body.Close()
		resp.Body = io.NopCloser(bytes.NewReader(body))
		if rerr != nil {
			return false
		}
		g, ok := ParseError(body)
		return ok && refused(g.Code, g.Subcode)
	}
}
