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
)

// maxResponse caps a successful Graph response body.
const maxResponse = 1 << 20

// Caller makes authenticated Graph API calls with retries. Adapters embed
// one; it is immutable and safe for concurrent use.
type Caller struct {
	// Name prefixes error messages ("whatsapp", "messenger").
	Name string
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
