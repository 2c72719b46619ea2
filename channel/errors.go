package channel

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Sentinel errors. Adapters' typed errors answer errors.Is for the sentinel
// their platform code means, so callers need not import the adapter.
var (
	// ErrRateLimited: a limit (local or the platform's) refused the send; wait
	// (see RetryAfter) and try again.
	ErrRateLimited = errors.New("channel: rate limited")
	// ErrWindowClosed: the customer-service window is closed; only a Template
	// (or a tagged message where the platform has tags) may be sent.
	ErrWindowClosed = errors.New("channel: customer-service window closed")
	// ErrInvalidRecipient: the recipient is empty, unknown or unreachable.
	ErrInvalidRecipient = errors.New("channel: invalid recipient")
	// ErrUnauthorized: the credentials were refused (expired or wrong token).
	ErrUnauthorized = errors.New("channel: unauthorized")
	// ErrMediaTooLarge: the media exceeds the channel's size limit.
	ErrMediaTooLarge = errors.New("channel: media too large")
	// ErrUnsupported: the channel cannot send this kind of message.
	ErrUnsupported = errors.New("channel: unsupported")
	// ErrInvalidMessage: the message is malformed (nil, empty, bad template
	// parameters, too long, too many buttons).
	ErrInvalidMessage = errors.New("channel: invalid message")
	// ErrDeliveryUnknown: the request may have reached the platform but its
	// answer was lost (a 5xx after the platform recorded it, a reset, a
	// timeout). The message may or may not have been delivered; it is never
	// retried blindly, because the customer would get it twice. Callers
	// reconcile it later (see DeliveryError).
	ErrDeliveryUnknown = errors.New("channel: delivery unknown")
	// ErrUnavailable: a state store (dedupe claims, windows, limits, quotas)
	// did not answer, so the action was not taken. A webhook answers 5xx so
	// the platform redelivers; a send returns this error and does not go out
	// unchecked.
	ErrUnavailable = errors.New("channel: state store unavailable")
	// ErrInFlight: another delivery of the same event is being handled right
	// now (its claim is in flight under a lease). Adapters answer 503 so the
	// platform redelivers later; the event is neither handled twice nor
	// acknowledged and dropped.
	ErrInFlight = errors.New("channel: event in flight")
	// ErrTakenOver: the send was not made because the delivery being handled
	// was taken over from a holder that stopped mid-way (ClaimTakenOver),
	// which may have sent this reply already. Errors that match it also
	// match ErrDeliveryUnknown (see GuardTakeover).
	ErrTakenOver = errors.New("channel: delivery taken over; an earlier attempt may have sent this")
)

// DeliveryError is returned, wrapping ErrDeliveryUnknown, when a send's
// outcome is unknown. It carries what a caller needs to reconcile the send
// later: the message and when it was attempted.
type DeliveryError struct {
	Channel   Kind      // the adapter that attempted the send
	Message   *Message  // the message whose delivery is unknown
	Attempted time.Time // when the last attempt was made
	Attempts  int       // how many requests were made
	Err       error     // the transport or platform error that made it unknown
}

// Error describes the failure without the message text or the recipient.
func (e *DeliveryError) Error() string {
	return fmt.Sprintf("%s: delivery unknown after %d attempt(s) at %s: %v",
		e.Channel, e.Attempts, e.Attempted.UTC().Format(time.RFC3339), e.Err)
}

// Unwrap returns ErrDeliveryUnknown and the underlying error.
func (e *DeliveryError) Unwrap() []error { return []error{ErrDeliveryUnknown, e.Err} }

// RetryableError is implemented by errors that know whether the failed call
// may be retried and after how long. Every adapter's *APIError implements it.
type RetryableError interface {
	error
	// Retryable reports whether the same call may succeed later.
	Retryable() bool
	// RetryDelay is how long the platform asked to wait (Retry-After), or 0.
	RetryDelay() time.Duration
}

// IsRetryable reports whether err is worth retrying: a RetryableError in the
// chain says so, or the error is ErrRateLimited. Context cancellation and
// deadline errors are never retryable.
func IsRetryable(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var re RetryableError
	if errors.As(err, &re) {
		return re.Retryable()
	}
	return errors.Is(err, ErrRateLimited)
}

// RetryAfter returns how long to wait before retrying err, when anything in
// its chain knows (a platform's Retry-After or a local limiter's estimate).
func RetryAfter(err error) (time.Duration, bool) {
	var re RetryableError
	if errors.As(err, &re) {
		if d := re.RetryDelay(); d > 0 {
			return d, true
		}
	}
	return 0, false
}

// APIError is a platform-neutral error: the fake channel and local middlewares
// return it, and adapters that need nothing richer may too. Adapters with a
// richer error shape define their own *APIError implementing RetryableError.
type APIError struct {
	// Channel is the platform that answered.
	Channel Kind
	// StatusCode is the HTTP status, 0 when no HTTP call was made.
	StatusCode int
	// Code and Subcode are the platform's error code and subcode, 0 when
	// it gave none.
	Code, Subcode int
	// Message is the platform's message, never a token or a raw body.
	Message string
	// RetryAfter is how long the platform asked to wait before a retry
	// (Retry-After), or 0.
	RetryAfter time.Duration
	// RequestID is the platform's id of the failed request (for its
	// support), or "".
	RequestID string
	// Temporary reports whether retrying may succeed.
	Temporary bool
	// Err is the sentinel this error maps to (ErrRateLimited, ...), or nil.
	Err error
}

// Error describes the failure without secrets.
func (e *APIError) Error() string {
	s := fmt.Sprintf("%s: api error", e.Channel)
	if e.StatusCode != 0 {
		s += fmt.Sprintf(" (http %d)", e.StatusCode)
	}
	if e.Code != 0 {
		s += fmt.Sprintf(" code %d", e.Code)
		if e.Subcode != 0 {
			s += fmt.Sprintf("/%d", e.Subcode)
		}
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	if e.RequestID != "" {
		s += " (request " + e.RequestID + ")"
	}
	return s
}

// Unwrap returns the sentinel the error maps to.
func (e *APIError) Unwrap() error { return e.Err }

// Retryable implements RetryableError.
func (e *APIError) Retryable() bool { return e.Temporary || errors.Is(e.Err, ErrRateLimited) }

// RetryDelay implements RetryableError.
func (e *APIError) RetryDelay() time.Duration { return e.RetryAfter }

// limitError is what the local limiters return: ErrRateLimited with a wait.
type limitError struct {
	what string
	wait time.Duration
}

func (e *limitError) Error() string {
	if e.wait > 0 {
		return fmt.Sprintf("%v: %s (retry in %v)", ErrRateLimited, e.what, e.wait)
	}
	return fmt.Sprintf("%v: %s", ErrRateLimited, e.what)
}
func (e *limitError) Unwrap() error             { return ErrRateLimited }
func (e *limitError) Retryable() bool           { return true }
func (e *limitError) RetryDelay() time.Duration { return e.wait }

// Retryable implements RetryableError: never. The message may already have
// been delivered, so a blind retry could send it twice; the caller
// reconciles first (channel.IsRetryable is false for a DeliveryError even
// when the platform error inside it is temporary).
func (e *DeliveryError) Retryable() bool { return false }

// RetryDelay implements RetryableError: no delay is advised.
func (e *DeliveryError) RetryDelay() time.Duration { return 0 }
