package transport

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"net/http"
	"sync"
	"syscall"
	"time"

	"github.com/hashicorp/go-retryablehttp"

	"github.com/switchboard-go/switchboard/channel"
)

// Outcome is what one attempt of a request tells about whether the server
// saw it.
type Outcome int

// Outcomes of an attempt.
const (
	// NoAttempt: nothing was tried yet.
	NoAttempt Outcome = iota
	// Answered: the server answered with a status below 500. Whatever it
	// said, it said it about this request.
	Answered
	// NotSent: the request certainly never reached the server (the
	// connection was never made).
	NotSent
	// Unknown: the request may have reached the server and been acted on,
	// but no trustworthy answer came back: a reset or EOF after the request
	// was written, a timeout, a cancelled context, or a 5xx.
	Unknown
)

// Classify returns the Outcome of one attempt from what http.Client.Do
// returned.
func Classify(resp *http.Response, err error) Outcome {
	switch {
	case err != nil:
		if Unsent(err) {
			return NotSent
		}
		return Unknown
	case resp == nil:
		return Unknown
	case resp.StatusCode >= 500:
		return Unknown
	}
	return Answered
}

// Unsent reports whether a transport error proves that the request never
// reached the server: a DNS failure, a refused connection or any other
// failure while dialling, or a TLS handshake that failed before a byte of
// the request was sent. Every other error (a reset or EOF after the request
// was written, a timeout while waiting for the answer, a cancelled context
// once connected) leaves open that the server received and processed it.
func Unsent(err error) bool {
	if err == nil {
		return false
	}
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return true
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	if errors.Is(err, syscall.ECONNREFUSED) {
		return true
	}
	var (
		cert    *tls.CertificateVerificationError
		unknown x509.UnknownAuthorityError
		header  tls.RecordHeaderError
	)
	return errors.As(err, &cert) || errors.As(err, &unknown) || errors.As(err, &header)
}

// Attempts records the attempts of one call: how many were made, when the
// last one started and what its Outcome was. WithAttempts puts one in a
// request's context; a client built by NewClient fills it in. It is safe for
// concurrent use.
type Attempts struct {
	mu   sync.Mutex
	now  func() time.Time
	n    int
	at   time.Time
	last Outcome
	any  bool // some attempt ended Unknown
}

type attemptsKey struct{}

// WithAttempts returns ctx carrying a new Attempts, and the Attempts. now is
// the clock of the attempt times; nil means time.Now.
func WithAttempts(ctx context.Context, now func() time.Time) (context.Context, *Attempts) {
	if now == nil {
		now = time.Now
	}
	a := &Attempts{now: now}
	return context.WithValue(ctx, attemptsKey{}, a), a
}

func attemptsOf(ctx context.Context) *Attempts {
	a, _ := ctx.Value(attemptsKey{}).(*Attempts)
	return a
}

func (a *Attempts) start() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.n++
	a.at = a.now()
	a.last = Unknown // until the attempt's outcome is known
}

func (a *Attempts) finish(o Outcome) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.last = o
	a.any = a.any || o == Unknown
}

// Uncertain reports whether any attempt ended Unknown: an earlier attempt
// may have taken effect even if the last one was answered.
func (a *Attempts) Uncertain() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.any
}

// Count is the number of attempts made.
func (a *Attempts) Count() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.n
}

// DeliveryError wraps err, the failure of a send of m on kind whose
// delivery the attempts left open, in a *channel.DeliveryError with when
// the last attempt started and how many were made.
func (a *Attempts) DeliveryError(kind channel.Kind, m *channel.Message, err error) *channel.DeliveryError {
	a.mu.Lock()
	defer a.mu.Unlock()
	return &channel.DeliveryError{Channel: kind, Message: m, Attempted: a.at, Attempts: a.n, Err: err}
}

// Last is the Outcome of the last attempt.
func (a *Attempts) Last() Outcome {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.last
}

// Retried reports whether more than one attempt was made.
func (a *Attempts) Retried() bool { return a.Count() > 1 }

// requestHook is NewClient's RequestLogHook: it counts an attempt.
func requestHook(_ retryablehttp.Logger, r *http.Request, _ int) {
	if a := attemptsOf(r.Context()); a != nil {
		a.start()
	}
}

// recording wraps check so that each attempt's Outcome is recorded in the
// request's Attempts (when it carries one) before check decides.
func recording(check retryablehttp.CheckRetry) retryablehttp.CheckRetry {
	return func(ctx context.Context, resp *http.Response, err error) (bool, error) {
		if a := attemptsOf(ctx); a != nil {
			a.finish(Classify(resp, err))
		}
		return check(ctx, resp, err)
	}
}

// SendCheck is the retry policy for a request that must not reach the
// platform twice (a send without an idempotency key). It retries only when
// the request certainly did not take effect:
//
//   - a transport error that proves the request never left (Unsent), unless
//     retryablehttp knows it never heals (a bad certificate, a bad scheme);
//   - an answer below 500 for which refused is true: the platform's own
//     statement that it did not accept the request (429, throttling codes).
//
// It never retries a 5xx, a reset or a timeout after the request was
// written, and never once ctx is done. A done ctx does not turn an answer
// into an error: a 200 that arrives as ctx ends is still a success.
func SendCheck(refused func(resp *http.Response) bool) retryablehttp.CheckRetry {
	return func(ctx context.Context, resp *http.Response, err error) (bool, error) {
		if err != nil {
			if !Unsent(err) || ctx.Err() != nil {
				return false, nil
			}
			return retryablehttp.DefaultRetryPolicy(ctx, resp, err)
		}
		if resp.StatusCode < 400 || resp.StatusCode >= 500 || ctx.Err() != nil {
			return false, nil
		}
		return refused != nil && refused(resp), nil
	}
}

// Refused429 is a SendCheck refusal test: HTTP 429 Too Many Requests, which
// by definition (RFC 6585) is an answer to a request the server did not
// carry out.
func Refused429(resp *http.Response) bool { return resp.StatusCode == http.StatusTooManyRequests }
