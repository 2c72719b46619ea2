package messenger

import (
	"net/http"
	"time"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/internal/meta"
)

// Error codes and subcodes of the Send API (Messenger Platform "Error
// Codes"). APIError.Is maps them onto the channel sentinels.
const (
	CodeUnknown              = 1    // unknown error
	CodeTemporary            = 2    // unexpected error, retry later
	CodeAppRateLimit         = 4    // application request limit reached
	CodePermission           = 10   // permission denied; with SubcodeOutsideWindow: window closed
	CodeInvalidParameter     = 100  // invalid parameter; with SubcodeNoMatchingUser: unknown PSID
	CodeAccessToken          = 190  // invalid OAuth access token
	CodePersonUnavailable    = 551  // this person isn't available right now (permanent)
	CodeRateLimit            = 613  // calls to this API have exceeded the rate limit
	CodeTemporarySendFailure = 1200 // temporary send message failure, retry later
	// CodeAccountRateLimit is the business account rate limit the Graph API
	// shares with WhatsApp.
	CodeAccountRateLimit = 80007

	// SubcodeOutsideWindow (code 10): "This message is sent outside of
	// allowed window" — more than 24 h since the person's last message and
	// no (valid) message tag. Listed under permission errors in the
	// Messenger Platform error codes reference and seen in production
	// clients as 10/2018278.
	SubcodeOutsideWindow = 2018278
	// SubcodeNoMatchingUser (code 100): "No matching user found".
	SubcodeNoMatchingUser = 2018001
)

// APIError is a failed Send API call: the HTTP status and Meta's error body.
// errors.Is maps it onto channel.ErrRateLimited (4, 613, 80007),
// channel.ErrWindowClosed (10/2018278), channel.ErrUnauthorized (190 or HTTP
// 401), channel.ErrInvalidRecipient (551, 100/2018001) and
// channel.ErrInvalidMessage (other 100s). It implements
// channel.RetryableError. Its text never holds the page token or the raw
// response body. An APIError is a value: safe to share.
type APIError struct {
	// StatusCode is the HTTP status of the answer.
	StatusCode int
	// Code is Meta's error.code (the package's Code constants name the
	// ones it maps).
	Code int
	// Subcode is error.error_subcode, which narrows Code (10 with
	// SubcodeOutsideWindow: the 24-hour window is closed); 0 when Meta
	// sent none.
	Subcode int
	// Type is error.type, e.g. "OAuthException".
	Type string
	// Message is error.message, Meta's text for people.
	Message string
	// Details is error.error_data.details, when Meta sent it.
	Details string
	// RequestID is Meta's fbtrace_id: quote it to Meta support.
	RequestID string
	// RetryAfter is the server's Retry-After, or 0.
	RetryAfter time.Duration
}

// newError is the Caller's NewError: the *APIError of a failed answer.
func newError(f meta.Failure) error {
	e := APIError(f.Fields())
	return &e
}

// Error describes the failure: status, code, message and trace id.
func (e *APIError) Error() string { return meta.ErrorFields(*e).Text("messenger") }

// Is reports whether the error means target, one of the channel sentinels.
func (e *APIError) Is(target error) bool {
	switch target {
	case channel.ErrRateLimited:
		return isThrottling(e.Code) || e.StatusCode == http.StatusTooManyRequests
	case channel.ErrWindowClosed:
		return e.Code == CodePermission && e.Subcode == SubcodeOutsideWindow
	case channel.ErrUnauthorized:
		return e.Code == CodeAccessToken || e.StatusCode == http.StatusUnauthorized
	case channel.ErrInvalidRecipient:
		return e.Code == CodePersonUnavailable || (e.Code == CodeInvalidParameter && e.Subcode == SubcodeNoMatchingUser)
	case channel.ErrInvalidMessage:
		return e.Code == CodeInvalidParameter && e.Subcode != SubcodeNoMatchingUser
	}
	return false
}

// Retryable implements channel.RetryableError: throttling, temporary codes,
// 429 and 5xx may succeed later; everything else is permanent.
func (e *APIError) Retryable() bool {
	return meta.ErrorFields(*e).Retryable(retryableCode)
}

// RetryDelay implements channel.RetryableError: the server's Retry-After.
func (e *APIError) RetryDelay() time.Duration { return e.RetryAfter }

func isThrottling(code int) bool {
	return code == CodeAppRateLimit || code == CodeRateLimit || code == CodeAccountRateLimit
}

func retryableCode(code, _ int) bool {
	switch code {
	case CodeUnknown, CodeTemporary, CodeTemporarySendFailure:
		return true
	}
	return isThrottling(code)
}

// refusedCode is the send retry policy's view of a Graph error code in a 4xx
// body: the rate limits (4, 613, 80007), which refuse a call without
// carrying it out, so a retry cannot make a second copy. Codes 1 and 2 do
// not say whether the message went out (Send reports them as
// channel.ErrDeliveryUnknown); 1200 "temporary send message failure" says
// it did not, but Meta documents no retry for it, so it is returned to the
// caller (Retryable reports true).
func refusedCode(code, _ int) bool { return isThrottling(code) }
