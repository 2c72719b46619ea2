package wechat

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/internal/transport"
)

// WeChat global return codes (全局返回码) the adapter acts on. Every API answers
// HTTP 200 with {"errcode":N,"errmsg":"..."}; 0 is success, anything else is
// an error.
const (
	CodeSystemBusy          = -1    // 系统繁忙: the documented advice is to try again later
	CodeOK                  = 0     // success
	CodeInvalidCredential   = 40001 // access_token invalid (or AppSecret wrong when fetching one)
	CodeInvalidOpenID       = 40003 // openid unknown, not a follower, or of another account
	CodeInvalidMediaType    = 40004 // unknown media type on upload
	CodeInvalidFileSize     = 40006 // file size refused
	CodeInvalidMediaID      = 40007 // media_id unknown or expired (temporary media live 3 days)
	CodeInvalidImageSize    = 40009 // image too large
	CodeInvalidVoiceSize    = 40010 // voice too large
	CodeInvalidVideoSize    = 40011 // video too large
	CodeInvalidThumbSize    = 40012 // thumbnail too large
	CodeInvalidAppID        = 40013 // AppID wrong
	CodeInvalidAccessToken  = 40014 // access_token malformed or not this account's
	CodeInvalidAppSecret    = 40125 // AppSecret wrong
	CodeIPNotWhitelisted    = 40164 // caller IP not on the account's whitelist
	CodeInvalidAccountType  = 40200 // the account type may not use this API (msgmenu needs a certified account)
	CodeMissingAccessToken  = 41001 // access_token parameter missing
	CodeAccessTokenExpired  = 42001 // access_token expired
	CodeRequireSubscribe    = 43004 // the recipient does not follow the account
	CodeEmptyContent        = 44004 // text content empty
	CodeContentTooLong      = 45002 // content over the limit
	CodeDailyQuota          = 45009 // daily API quota reached (reach max api daily quota limit)
	CodeAPIFrequency        = 45011 // API called too often, try again shortly
	CodeReplyTimeLimit      = 45015 // outside the 48 h customer-service window, or the user unsubscribed
	CodeResponseCountLimit  = 45047 // per-interaction message allowance used up (out of response count limit)
	CodeAPIUnauthorized     = 48001 // the account has no permission for this API
	CodeUserRefusedMessages = 43101 // the user refused messages from the account
)

// APIError is an error answer from the WeChat API: a non-zero errcode in an
// HTTP 200 body, or an HTTP status other than 200.
//
// errors.Is maps it onto the channel sentinels, so callers need not import
// this package:
//   - 45015 (outside the 48 h window) → channel.ErrWindowClosed
//   - 45047 (the per-interaction allowance is used up: 5 messages within 48 h
//     of a user's message, 3 within a minute of a menu click, follow or QR
//     scan), 45009 (daily quota), 45011 (API frequency), -1 (system busy) and
//     HTTP 429 → channel.ErrRateLimited
//   - 40003, 43004, 43101 → channel.ErrInvalidRecipient
//   - 40001, 40014, 42001, 41001, 40013, 40125, 40164 → channel.ErrUnauthorized
//   - 40006, 40009–40012 → channel.ErrMediaTooLarge
//   - 40200, 48001 → channel.ErrUnsupported
//   - 40004, 40007, 44004, 45002 → channel.ErrInvalidMessage
//
// Retryable is true only where waiting helps: -1, 45011, HTTP 429 and 5xx.
// 45047 and 45009 are rate limits that no backoff lifts (the customer has to
// write again, or the day has to end), so they are not retryable.
//
// An APIError never holds the access token, the AppSecret or a raw body.
// It is not modified after it is returned: safe to share between goroutines.
type APIError struct {
	// Op is the call that failed: "send", "typing", "upload", "token".
	Op string
	// StatusCode is the HTTP status (200 for errcode answers).
	StatusCode int
	// Code is WeChat's errcode (the package's Code constants name the ones
	// it maps); 0 for a failure that was only an HTTP status.
	Code int
	// Message is WeChat's errmsg; it ends with a "rid: ..." request id
	// WeChat support asks for.
	Message string
	// RetryAfter is the server's Retry-After, when it sent one.
	RetryAfter time.Duration
}

// Error describes the failure without secrets.
func (e *APIError) Error() string {
	switch {
	case e.Code != 0 && e.Message != "":
		return fmt.Sprintf("wechat: %s: errcode %d: %s", e.Op, e.Code, e.Message)
	case e.Code != 0:
		return fmt.Sprintf("wechat: %s: errcode %d", e.Op, e.Code)
	default:
		return fmt.Sprintf("wechat: %s: http %d", e.Op, e.StatusCode)
	}
}

// Is reports whether the error means target, one of the channel sentinels.
func (e *APIError) Is(target error) bool {
	return target != nil && e.sentinel() == target
}

func (e *APIError) sentinel() error {
	switch e.Code {
	case CodeReplyTimeLimit:
		return channel.ErrWindowClosed
	case CodeResponseCountLimit, CodeDailyQuota, CodeAPIFrequency, CodeSystemBusy:
		return channel.ErrRateLimited
	case CodeInvalidOpenID, CodeRequireSubscribe, CodeUserRefusedMessages:
		return channel.ErrInvalidRecipient
	case CodeInvalidCredential, CodeInvalidAccessToken, CodeAccessTokenExpired, CodeMissingAccessToken,
		CodeInvalidAppID, CodeInvalidAppSecret, CodeIPNotWhitelisted:
		return channel.ErrUnauthorized
	case CodeInvalidFileSize, CodeInvalidImageSize, CodeInvalidVoiceSize, CodeInvalidVideoSize, CodeInvalidThumbSize:
		return channel.ErrMediaTooLarge
	case CodeInvalidAccountType, CodeAPIUnauthorized:
		return channel.ErrUnsupported
	case CodeInvalidMediaType, CodeInvalidMediaID, CodeEmptyContent, CodeContentTooLong:
		return channel.ErrInvalidMessage
	case CodeOK:
		switch {
		case e.StatusCode == http.StatusTooManyRequests:
			return channel.ErrRateLimited
		case e.StatusCode == http.StatusUnauthorized || e.StatusCode == http.StatusForbidden:
			return channel.ErrUnauthorized
		}
	}
	return nil
}

// Retryable implements channel.RetryableError: true for system busy (-1),
// API frequency (45011), HTTP 429 and 5xx other than 501.
func (e *APIError) Retryable() bool {
	switch e.Code {
	case CodeSystemBusy, CodeAPIFrequency:
		return true
	case CodeOK:
		return transport.RetryableStatus(e.StatusCode)
	}
	return false
}

// RetryDelay implements channel.RetryableError: the server's Retry-After, or 0.
func (e *APIError) RetryDelay() time.Duration { return e.RetryAfter }

var _ channel.RetryableError = (*APIError)(nil)

// isTokenCode reports whether code means the access token used was refused:
// invalid (40001), not this account's or malformed (40014), or expired (42001).
func isTokenCode(code int) bool {
	return code == CodeInvalidCredential || code == CodeInvalidAccessToken || code == CodeAccessTokenExpired
}

// Errors of the webhook and of Reply.
var (
	// ErrBadSignature: the request's signature or msg_signature does not match.
	ErrBadSignature = errors.New("wechat: bad signature")
	// ErrStale: the request's timestamp is outside the replay tolerance.
	ErrStale = errors.New("wechat: timestamp outside tolerance")
	// ErrBadAppID: a safe-mode message decrypted to another account's AppID.
	ErrBadAppID = errors.New("wechat: message for another AppID")
	// ErrBadCiphertext: a safe-mode payload is not valid ciphertext.
	ErrBadCiphertext = errors.New("wechat: bad ciphertext")
	// ErrBadXML: the body is not a WeChat XML message.
	ErrBadXML = errors.New("wechat: bad xml")
	// ErrNoReply: Reply was called outside a webhook handler, after the
	// handler returned, or twice for one message.
	ErrNoReply = errors.New("wechat: no passive reply possible here")
)
