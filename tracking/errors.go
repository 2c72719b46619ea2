package tracking

import (
	"errors"
	"fmt"
	"time"
)

// Sentinel errors. Adapters return an *APIError that wraps one of them when
// it applies, so callers test with errors.Is and need not import the adapter.
var (
	// ErrNotFound: the carrier does not know the number (yet). Distinct from
	// a failure: the number may simply not be scanned yet, or be mistyped.
	ErrNotFound = errors.New("tracking: shipment not found")
	// ErrRateLimited: the carrier (HTTP 429) or a local limit refused the
	// call; RetryAfter(err) says how long to wait when known.
	ErrRateLimited = errors.New("tracking: rate limited")
	// ErrQuotaExceeded: a daily quota is used up until its reset.
	ErrQuotaExceeded = errors.New("tracking: daily quota exceeded")
	// ErrUnauthorized: the carrier refused the credentials.
	ErrUnauthorized = errors.New("tracking: unauthorized")
	// ErrInvalidNumber: the tracking number is empty or malformed.
	ErrInvalidNumber = errors.New("tracking: invalid tracking number")
	// ErrNoTracker: no Tracker is configured for the carrier.
	ErrNoTracker = errors.New("tracking: no tracker for carrier")
)

// ErrorCode is a carrier's error code as the carrier writes it: "TW0001"
// (UPS), "TRACKING.TRACKINGNUMBER.NOTFOUND" (FedEx), "-18019902" (17TRACK),
// a problem title (DHL). Each adapter names the codes it acts on as
// constants of this type.
type ErrorCode string

// APIError is a carrier's error answer. It carries the HTTP status, the
// carrier's own code and message (never a credential or a raw body), and the
// sentinel the answer means (ErrNotFound, ErrRateLimited, ErrUnauthorized) in
// Err. Every adapter in this module returns *APIError; it implements the
// Retryable/RetryDelay pair of channel.RetryableError. The field names are
// those of channel.APIError.
type APIError struct {
	// Carrier is the carrier that answered.
	Carrier Carrier
	// StatusCode is the HTTP status; 200 when the error came inside a
	// successful answer, 0 when no answer came.
	StatusCode int
	// Code is the carrier's error code, or "".
	Code ErrorCode
	// Message is the carrier's human-readable message, or "".
	Message string
	// RetryAfter is the wait the carrier asked for (Retry-After), or 0.
	RetryAfter time.Duration
	// RequestID is the carrier's id of the failed request (FedEx's
	// transactionId), for its support, or "".
	RequestID string
	// Temporary reports a failure worth retrying later (5xx, 429).
	Temporary bool
	// Err is the sentinel this error means, or nil.
	Err error
}

// Error describes the failure: carrier, status, code and message.
func (e *APIError) Error() string {
	msg := fmt.Sprintf("tracking: %s", e.Carrier)
	if e.StatusCode != 0 {
		msg += fmt.Sprintf(": HTTP %d", e.StatusCode)
	}
	if e.Code != "" {
		msg += ": " + string(e.Code)
	}
	if e.Message != "" {
		msg += ": " + e.Message
	}
	if e.RequestID != "" {
		msg += " [request " + e.RequestID + "]"
	}
	if e.Err != nil {
		msg += " (" + e.Err.Error() + ")"
	}
	return msg
}

// Unwrap returns the sentinel, so errors.Is(err, tracking.ErrNotFound) works.
func (e *APIError) Unwrap() error { return e.Err }

// Retryable reports whether the same call may succeed later.
func (e *APIError) Retryable() bool { return e.Temporary || errors.Is(e.Err, ErrRateLimited) }

// RetryDelay returns the wait the carrier asked for, or 0.
func (e *APIError) RetryDelay() time.Duration { return e.RetryAfter }

// RetryAfter returns the wait an error in err's chain asks for (an
// *APIError's RetryAfter, or any error with a RetryDelay method).
func RetryAfter(err error) (time.Duration, bool) {
	var d interface{ RetryDelay() time.Duration }
	if errors.As(err, &d) {
		if w := d.RetryDelay(); w > 0 {
			return w, true
		}
	}
	return 0, false
}

// limitError is what the Poller's local limits produce.
type limitError struct {
	sentinel error
	carrier  Carrier
	wait     time.Duration
}

func (e *limitError) Error() string {
	return fmt.Sprintf("%v: %s (retry in %v)", e.sentinel, e.carrier, e.wait)
}
func (e *limitError) Unwrap() error             { return e.sentinel }
func (e *limitError) RetryDelay() time.Duration { return e.wait }
func (e *limitError) Retryable() bool           { return true }
