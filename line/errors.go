package line

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/switchboard-go/switchboard/channel"
)

// Errors specific to LINE. Each is matched with errors.Is.
var (
	// ErrInvalidReplyToken: LINE refused a reply token as invalid, already
	// used or expired. *APIError matches it; Send falls back to a push on it
	// unless Message.NoPush is set.
	ErrInvalidReplyToken = errors.New("line: invalid reply token")
	// ErrPushNotAllowed: the message could only go out as a (quota-counted)
	// push and Message.NoPush forbids one: there was no reply token, LINE
	// refused it, or the text needs more than one request of 5 messages.
	ErrPushNotAllowed = errors.New("line: push needed but Message.NoPush is set")
	// ErrDeliveryUnknown is channel.ErrDeliveryUnknown, the one sentinel of
	// every adapter: a send's outcome is unknown (a *channel.DeliveryError).
	// On LINE: a reply retried after an unknown outcome came back with
	// "Invalid reply token" (the first attempt may have used the token), or
	// a send's attempts ran out on 5xx or timeouts.
	ErrDeliveryUnknown = channel.ErrDeliveryUnknown
)

// Documented values of the "message" property of LINE's error body
// (Messaging API reference, "Error responses" and the FAQ). Decisions are
// taken on these exact values together with the HTTP status, never on a
// substring of free text.
const (
	// MessageInvalidReplyToken comes with 400 when the reply token is
	// invalid, already used, or expired.
	MessageInvalidReplyToken = "Invalid reply token"
	// MessageFailedToSend comes with 400 when a push targets a user id that
	// does not exist (FAQ "Do I get an error when I send a message with a user
	// ID that doesn't exist?").
	MessageFailedToSend = "Failed to send messages"
	// MessageMonthlyLimit comes with 429 when the channel has used its
	// monthly message quota: retrying before next month is pointless.
	MessageMonthlyLimit = "You have reached your monthly limit."
)

// ErrorDetail is one entry of the "details" array of a LINE error body.
type ErrorDetail struct {
	// Message says what is wrong ("May not be empty").
	Message string `json:"message"`
	// Property names the request property at fault ("messages[0].text").
	Property string `json:"property"`
}

// APIError is a non-2xx answer from the LINE API. It carries no token, secret
// or raw body. It implements channel.RetryableError, and errors.Is maps it
// onto the channel sentinels: 429 → channel.ErrRateLimited, 401 →
// channel.ErrUnauthorized, an unknown or malformed recipient →
// channel.ErrInvalidRecipient, and an invalid reply token →
// ErrInvalidReplyToken.
type APIError struct {
	// StatusCode is the HTTP status.
	StatusCode int
	// Message is LINE's "message" property.
	Message string
	// Details is LINE's "details" array.
	Details []ErrorDetail
	// RequestID is the x-line-request-id response header, the id LINE
	// support asks for.
	RequestID string
	// AcceptedRequestID is the x-line-accepted-request-id header of a 409:
	// the request id of the earlier request that used the same retry key.
	AcceptedRequestID string
	// RetryAfter is the server's Retry-After, or 0.
	RetryAfter time.Duration
}

// Error describes the failure: status, LINE's message and request id.
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "line: http %d", e.StatusCode)
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	for i, d := range e.Details {
		if i == 3 {
			fmt.Fprintf(&b, " (and %d more)", len(e.Details)-3)
			break
		}
		fmt.Fprintf(&b, "; %s: %s", d.Property, d.Message)
	}
	if e.RequestID != "" {
		b.WriteString(" (request id ")
		b.WriteString(e.RequestID)
		b.WriteString(")")
	}
	return b.String()
}

// Is reports whether e means target (see the type's doc).
func (e *APIError) Is(target error) bool {
	switch target {
	case channel.ErrRateLimited:
		return e.StatusCode == http.StatusTooManyRequests
	case channel.ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized
	case channel.ErrInvalidRecipient:
		return e.invalidRecipient()
	case ErrInvalidReplyToken:
		return e.invalidReplyToken()
	}
	return false
}

func (e *APIError) invalidReplyToken() bool {
	if e.StatusCode != http.StatusBadRequest {
		return false
	}
	if e.Message == MessageInvalidReplyToken {
		return true
	}
	// A malformed token fails body validation instead, naming the property.
	for _, d := range e.Details {
		if d.Property == "replyToken" {
			return true
		}
	}
	return false
}

func (e *APIError) invalidRecipient() bool {
	if e.StatusCode != http.StatusBadRequest {
		return false
	}
	if e.Message == MessageFailedToSend {
		return true
	}
	if p, ok := InvalidProperty(e.Message); ok && recipientProperty(p) {
		return true
	}
	for _, d := range e.Details {
		if recipientProperty(d.Property) {
			return true
		}
	}
	return false
}

// recipientProperty reports whether a request property names the recipient:
// "to" (push), "to[3]" (multicast), "chatId" (loading indicator).
func recipientProperty(p string) bool {
	return p == "to" || strings.HasPrefix(p, "to[") || p == "chatId"
}

// InvalidProperty extracts the property from LINE's documented message "The
// property, XXX, in the request body is invalid (line: XXX, column: XXX)",
// quotes removed. It reports false for any other message.
func InvalidProperty(message string) (string, bool) {
	const prefix, suffix = "The property, ", ", in the request body is invalid"
	rest, ok := strings.CutPrefix(message, prefix)
	if !ok {
		return "", false
	}
	i := strings.Index(rest, suffix)
	if i <= 0 {
		return "", false
	}
	return strings.Trim(rest[:i], "'\""), true
}

// Retryable reports whether the same request may succeed later: 5xx other
// than 501, and 429 except when the monthly quota is used up.
func (e *APIError) Retryable() bool {
	switch {
	case e.StatusCode == http.StatusTooManyRequests:
		return e.Message != MessageMonthlyLimit
	case e.StatusCode >= 500:
		return e.StatusCode != http.StatusNotImplemented
	}
	return false
}

// RetryDelay returns RetryAfter (channel.RetryableError).
func (e *APIError) RetryDelay() time.Duration { return e.RetryAfter }

var _ channel.RetryableError = (*APIError)(nil)
