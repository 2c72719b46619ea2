// Package transport holds the HTTP plumbing every adapter shares: a
// go-retryablehttp client with a backoff that honours Retry-After, a default
// retry policy, and a size-capped webhook body reader.
package transport

import (
	"context"
	"errors"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"

	"github.com/hashicorp/go-retryablehttp"

	"github.com/switchboard-go/switchboard/channel"
)

// Retry is channel.Retry, the policy NewClient applies.
type Retry = channel.Retry

// withDefaults fills r's zero fields with the documented defaults.
func withDefaults(r Retry) Retry {
	if r.MaxAttempts <= 0 {
		r.MaxAttempts = 4
	}
	if r.MinBackoff <= 0 {
		r.MinBackoff = 250 * time.Millisecond
	}
	if r.MaxBackoff <= 0 {
		r.MaxBackoff = 15 * time.Second
	}
	if r.MaxBackoff < r.MinBackoff {
		r.MaxBackoff = r.MinBackoff
	}
	return r
}

// DefaultTimeout is the per-attempt timeout of the client NewClient builds
// when none is given.
const DefaultTimeout = 30 * time.Second

// DefaultHTTPClient returns the client adapters use when their config names
// none: DefaultTimeout per attempt, and a connection pool sized for a webhook
// server answering many customers at once. (http.DefaultTransport keeps two
// idle connections per host, so concurrent replies to one platform would
// mostly open new TCP and TLS connections.) Each call returns a new client
// with its own pool.
func DefaultHTTPClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = DefaultMaxIdleConnsPerHost
	return &http.Client{Timeout: DefaultTimeout, Transport: t}
}

// DefaultMaxIdleConnsPerHost is the idle-connection pool per platform host of
// DefaultHTTPClient.
const DefaultMaxIdleConnsPerHost = 256

// NewClient wraps hc in a retryablehttp.Client. A nil hc gets
// DefaultHTTPClient (never http.DefaultClient). Logging is off, the backoff is
// exponential with full jitter and honours Retry-After, check decides what is
// retried (nil means DefaultCheck), and after the last attempt the last
// response is returned as is, so callers build their typed error from it.
// A request whose context carries an Attempts (WithAttempts) has each of
// its attempts and their Outcome recorded there.
func NewClient(hc *http.Client, r Retry, check retryablehttp.CheckRetry) *retryablehttp.Client {
	r = withDefaults(r)
	if hc == nil {
		hc = DefaultHTTPClient()
	}
	if check == nil {
		check = DefaultCheck
	}
	return &retryablehttp.Client{
		HTTPClient:     hc,
		RetryWaitMin:   r.MinBackoff,
		RetryWaitMax:   r.MaxBackoff,
		RetryMax:       r.MaxAttempts - 1,
		CheckRetry:     recording(check),
		Backoff:        Backoff,
		ErrorHandler:   retryablehttp.PassthroughErrorHandler,
		RequestLogHook: requestHook,
	}
}

// Backoff is a retryablehttp.Backoff: the server's Retry-After when it sent
// one (capped by max), otherwise a random wait in [min, min·2^attempt] capped
// by max ("full jitter"), so many clients throttled at once do not retry in
// step.
func Backoff(lo, hi time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil {
		if d, ok := ParseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
			return min(d, hi)
		}
	}
	ceil := lo
	for i := 0; i < attempt && ceil < hi; i++ {
		ceil *= 2
	}
	ceil = min(ceil, hi)
	if ceil <= lo {
		return lo
	}
	return lo + rand.N(ceil-lo)
}

// DefaultCheck retries connection failures, 429 and 5xx (except 501), and
// never once ctx is done.
func DefaultCheck(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	if err != nil {
		// retryablehttp knows the transport errors that never heal (bad
		// scheme, bad certificate, too many redirects); everything else is a
		// connection failure worth another attempt.
		return retryablehttp.DefaultRetryPolicy(ctx, resp, err)
	}
	return RetryableStatus(resp.StatusCode), nil
}

// RetryableStatus reports whether an HTTP status is worth retrying: 429 and
// 5xx other than 501 Not Implemented.
func RetryableStatus(code int) bool {
	return code == http.StatusTooManyRequests || (code >= 500 && code != http.StatusNotImplemented)
}

// ParseRetryAfter reads a Retry-After value: delay seconds or an HTTP date
// (relative to now). It reports false for an empty or malformed value.
func ParseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	if v == "" {
		return 0, false
	}
	if s, err := strconv.ParseInt(v, 10, 64); err == nil {
		if s < 0 {
			return 0, false
		}
		// A value too large for a Duration (≈292 years) is clamped, not
		// wrapped into a negative wait.
		if s > int64(math.MaxInt64/time.Second) {
			return time.Duration(math.MaxInt64), true
		}
		return time.Duration(s) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d, true
		}
		return 0, true
	}
	return 0, false
}

// ReadBody reads at most limit bytes of r.Body. Over the limit it answers 413,
// on any other read error 400, and returns ok false: the caller just returns.
func ReadBody(w http.ResponseWriter, r *http.Request, limit int64) (body []byte, ok bool) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
			return nil, false
		}
		http.Error(w, "cannot read request body", http.StatusBadRequest)
		return nil, false
	}
	return body, true
}
