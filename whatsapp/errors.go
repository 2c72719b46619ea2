package whatsapp

import (
	"net/http"
	"time"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/internal/meta"
)

// Error codes of the Cloud API and the Graph API it runs on (WhatsApp Cloud
// API "Error codes"). APIError.Is maps them onto the channel sentinels.
const (
	CodeUnknown             = 1      // unknown error; retrying may help
	CodeTemporary           = 2      // service temporarily unavailable
	CodeAppRateLimit        = 4      // application request limit reached
	CodePermission          = 10     // permission denied
	CodeInvalidParameter    = 100    // a parameter is missing, unknown or invalid
	CodeAccessToken         = 190    // access token invalid or expired
	CodeAccountRateLimit    = 80007  // WhatsApp Business Account rate limit
	CodeThroughput          = 130429 // cloud API throughput (80 msg/s per number by default)
	CodeGeneric             = 131000 // "something went wrong"; retrying may help
	CodeRequiredParameter   = 131008 // required parameter missing
	CodeParameterValue      = 131009 // parameter value not valid
	CodeServiceUnavailable  = 131016 // service unavailable
	CodeRecipientIsSender   = 131021 // recipient cannot be the sender
	CodeUndeliverable       = 131026 // not a WhatsApp user, old app, or terms not accepted
	CodeRecipientNotAllowed = 131030 // test number: recipient not in the allowed list
	CodeReengagement        = 131047 // more than 24 h since the customer's last message
	CodeSpamRateLimit       = 131048 // too many messages flagged as spam
	CodeMediaUpload         = 131053 // media could not be uploaded or fetched; retrying may help
	CodePairRateLimit       = 131056 // too many messages to one user (≈1 per 6 s)
	CodeTemplateParamCount  = 132000 // template parameter count mismatch
	CodeTemplateNotFound    = 132001 // template does not exist in that language
	// CodeRateLimit is the Graph API rate limit code Messenger uses; the
	// Cloud API may answer it too, so it is mapped the same way.
	CodeRateLimit = 613
)

// APIError is a failed Cloud API call: the HTTP status and Meta's error body.
// errors.Is maps it onto channel.ErrRateLimited (throttling codes),
// channel.ErrWindowClosed (131047), channel.ErrUnauthorized (190 or HTTP 401),
// channel.ErrInvalidRecipient (131021, 131026, 131030) and
// channel.ErrInvalidMessage (100 and parameter or template errors). It
// implements channel.RetryableError. Its text never holds the access token
// or the raw response body. An APIError is a value: safe to share.
type APIError struct {
	// StatusCode is the HTTP status of the answer.
	StatusCode int
	// Code is Meta's error.code (the package's Code constants name the
	// ones it maps).
	Code int
	// Subcode is error.error_subcode; the Cloud API rarely sends one (its
	// codes are specific already), so it is usually 0.
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

// Error describes the failure: status, code, message, details and trace id.
func (e *APIError) Error() string { return meta.ErrorFields(*e).Text("whatsapp") }

// Is reports whether the error means target, one of the channel sentinels.
func (e *APIError) Is(target error) bool {
	switch target {
	case channel.ErrRateLimited:
		return isThrottling(e.Code) || e.StatusCode == http.StatusTooManyRequests
	case channel.ErrWindowClosed:
		return e.Code == CodeReengagement
	case channel.ErrUnauthorized:
		return e.Code == CodeAccessToken || e.StatusCode == http.StatusUnauthorized
	case channel.ErrInvalidRecipient:
		switch e.Code {
		case CodeRecipientIsSender, CodeUndeliverable, CodeRecipientNotAllowed:
			return true
		}
	case channel.ErrInvalidMessage:
		switch e.Code {
		case CodeInvalidParameter, CodeRequiredParameter, CodeParameterValue,
			CodeTemplateParamCount, CodeTemplateNotFound:
			return true
		}
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
	switch code {
	case CodeAppRateLimit, CodeAccountRateLimit, CodeThroughput, CodeSpamRateLimit,
		CodePairRateLimit, CodeRateLimit:
		return true
	}
	return false
}

// retryableCode is the retry policy's view of a Graph error code in a 4xx
// body: throttling and the codes Meta documents as temporary.
func retryableCode(code, _ int) bool {
	switch code {
	case CodeUnknown, CodeTemporary, CodeGeneric, CodeServiceUnavailable, CodeMediaUpload:
		return true
	}
	return isThrottling(code)
}

// refusedCode is the send retry policy's view of a Graph error code in a 4xx
// body: the throttling codes, each of which says the message was refused
// and not sent ("Message failed to send because...", "rate limit hit"), so
// a retry cannot make a second copy. Codes 1, 2, 131000 and 131016 are not
// among them: they do not say whether the message went out (Send reports
// them as channel.ErrDeliveryUnknown).
func refusedCode(code, _ int) bool { return isThrottling(code) }
