// Package wire holds the HTTP plumbing the carrier adapters share: a capped
// body read over a retrying client, the carrier-neutral mapping of HTTP
// statuses onto tracking's sentinels, and lenient time parsing.
package wire

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hashicorp/go-retryablehttp"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/internal/transport"
	"github.com/switchboard-go/switchboard/tracking"
)

// MaxBody caps every carrier response read (a 30-number FedEx answer with
// detailed scans stays well under it).
const MaxBody = 8 << 20

// Response is a carrier's answer, fully read.
type Response struct {
	Status int         // HTTP status code
	Header http.Header // response headers (Retry-After)
	Body   []byte      // at most MaxBody bytes
}

// Do sends req through c (which retries per its policy) and reads the whole
// body up to MaxBody. A transport failure is returned wrapped with the
// carrier's name; no URL query (which may hold a key) is included.
func Do(ctx context.Context, c *retryablehttp.Client, carrier tracking.Carrier, req *retryablehttp.Request) (*Response, error) {
	resp, err := c.Do(req.WithContext(ctx))
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		// Every adapter sends credentials in headers, never in the URL, so
		// the URL in err holds no secret.
		return nil, fmt.Errorf("tracking: %s: request failed: %w", carrier, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxBody+1))
	if err != nil {
		return nil, fmt.Errorf("tracking: %s: reading response: %w", carrier, err)
	}
	if len(body) > MaxBody {
		return nil, fmt.Errorf("tracking: %s: response larger than %d bytes", carrier, MaxBody)
	}
	return &Response{Status: resp.StatusCode, Header: resp.Header, Body: body}, nil
}

// BaseURL returns configured without trailing slashes, or def when that
// leaves it empty. (DHL keeps its own order: it validates and trims after
// defaulting, see dhl.New.)
func BaseURL(configured, def string) string {
	if b := strings.TrimRight(configured, "/"); b != "" {
		return b
	}
	return def
}

// Check returns nil for a 200 answer and otherwise the *tracking.APIError
// that Error builds, with code and msg taken from the body by errorBody (the
// carrier's own error shape).
func Check(carrier tracking.Carrier, r *Response, errorBody func(body []byte) (code, msg string), now time.Time) error {
	if r.Status == http.StatusOK {
		return nil
	}
	code, msg := errorBody(r.Body)
	return Error(carrier, r, code, msg, now)
}

// NewClient returns the retrying client for an adapter. Tracking queries
// are idempotent, so connection errors, 429 and 5xx are retried with backoff
// honouring Retry-After (transport.DefaultCheck) — except a 429 whose
// Retry-After is longer than the longest backoff (a daily quota that resets
// at midnight): waiting inside the call would only block the caller, so it is
// returned at once as tracking.ErrRateLimited with its RetryAfter.
func NewClient(hc *http.Client, r channel.Retry) *retryablehttp.Client {
	longest := r.MaxBackoff
	if longest <= 0 {
		longest = 15 * time.Second // transport's default
	}
	check := func(ctx context.Context, resp *http.Response, err error) (bool, error) {
		retry, cerr := transport.DefaultCheck(ctx, resp, err)
		if retry && resp != nil && resp.StatusCode == http.StatusTooManyRequests {
			if d, ok := transport.ParseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok && d > longest {
				return false, nil
			}
		}
		return retry, cerr
	}
	return transport.NewClient(hc, r, check)
}

// Error builds the *tracking.APIError for a non-success answer: 404 means
// ErrNotFound, 429 ErrRateLimited (with Retry-After), 401/403
// ErrUnauthorized, 5xx a temporary failure. code and msg are the carrier's
// own, already extracted from its error body.
func Error(carrier tracking.Carrier, r *Response, code, msg string, now time.Time) *tracking.APIError {
	e := &tracking.APIError{Carrier: carrier, StatusCode: r.Status, Code: tracking.ErrorCode(code), Message: Clip(msg), RequestID: transactionID(r.Body)}
	switch {
	case r.Status == http.StatusNotFound:
		e.Err = tracking.ErrNotFound
	case r.Status == http.StatusTooManyRequests:
		e.Err = tracking.ErrRateLimited
		e.Temporary = true
	case r.Status == http.StatusUnauthorized || r.Status == http.StatusForbidden:
		e.Err = tracking.ErrUnauthorized
	case transport.RetryableStatus(r.Status):
		e.Temporary = true
	}
	if d, ok := transport.ParseRetryAfter(r.Header.Get("Retry-After"), now); ok {
		e.RetryAfter = d
	}
	return e
}

// Clip shortens a carrier message to at most 200 bytes on a rune boundary,
// so an error line stays readable and never carries a whole body.
func Clip(s string) string {
	const max = 200
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// layouts a carrier timestamp may come in, most common first.
var layouts = [...]string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05",
	"2006-01-02T15:04",
	"2006-01-02 15:04:05",
	"2006-01-02",
}

// ParseTime reads a carrier timestamp: RFC 3339 with a zone, or a local time
// or date without one (taken as UTC). ok is false for an empty or unreadable
// value.
func ParseTime(s string) (t time.Time, ok bool) {
	if s == "" {
		return time.Time{}, false
	}
	for _, l := range layouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// NewestFirst sorts events newest first. The sort is stable, so events at
// the same time keep the carrier's order, and an answer listed oldest first
// reads the same as one listed newest first.
func NewestFirst(events []tracking.Event) {
	slices.SortStableFunc(events, func(a, b tracking.Event) int { return b.Time.Compare(a.Time) })
}

// transactionID reads the top-level "transactionId" that FedEx puts in its
// error bodies; "" when the body has none.
func transactionID(body []byte) string {
	var b struct {
		TransactionID string `json:"transactionId"`
	}
	if json.Unmarshal(body, &b) != nil {
		return ""
	}
	return Clip(b.TransactionID)
}
