package line_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/line"
)

func TestAPIErrorIs(t *testing.T) {
	t.Parallel()
	all := []error{channel.ErrRateLimited, channel.ErrUnauthorized, channel.ErrInvalidRecipient,
		line.ErrInvalidReplyToken, channel.ErrWindowClosed}
	tests := []struct {
		name      string
		err       *line.APIError
		is        error // the only sentinel of all it matches; nil for none
		retryable bool
	}{
		{"rate limit", &line.APIError{StatusCode: 429, Message: "The API rate limit has been exceeded. Try again later."},
			channel.ErrRateLimited, true},
		{"monthly limit", &line.APIError{StatusCode: 429, Message: line.MessageMonthlyLimit}, channel.ErrRateLimited, false},
		{"unauthorized", &line.APIError{StatusCode: 401, Message: "Authentication failed."}, channel.ErrUnauthorized, false},
		{"invalid reply token", &line.APIError{StatusCode: 400, Message: line.MessageInvalidReplyToken}, line.ErrInvalidReplyToken, false},
		{"malformed reply token", &line.APIError{StatusCode: 400, Message: "The request body has 1 error(s)",
			Details: []line.ErrorDetail{{Message: "May not be empty", Property: "replyToken"}}}, line.ErrInvalidReplyToken, false},
		{"reply token message on another status", &line.APIError{StatusCode: 500, Message: line.MessageInvalidReplyToken}, nil, true},
		{"sentence merely mentioning the token", &line.APIError{StatusCode: 400, Message: "Invalid reply token used in a test"}, nil, false},
		{"unknown user", &line.APIError{StatusCode: 400, Message: line.MessageFailedToSend}, channel.ErrInvalidRecipient, false},
		{"malformed to", &line.APIError{StatusCode: 400,
			Message: "The property, 'to', in the request body is invalid (line: -, column: -)"}, channel.ErrInvalidRecipient, false},
		{"multicast detail", &line.APIError{StatusCode: 400, Message: "The request body has 1 error(s)",
			Details: []line.ErrorDetail{{Message: "invalid", Property: "to[3]"}}}, channel.ErrInvalidRecipient, false},
		{"other property", &line.APIError{StatusCode: 400,
			Message: "The property, 'messages[0].text', in the request body is invalid (line: -, column: -)"}, nil, false},
		{"server error", &line.APIError{StatusCode: 503}, nil, true},
		{"not implemented", &line.APIError{StatusCode: 501}, nil, false},
		{"conflict", &line.APIError{StatusCode: 409, Message: "The retry key is already accepted"}, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			wrapped := fmt.Errorf("send: %w", tt.err)
			for _, s := range all {
				assert.Equal(t, s == tt.is, errors.Is(wrapped, s), "errors.Is(%v)", s)
			}
			assert.Equal(t, tt.retryable, channel.IsRetryable(wrapped))
		})
	}
}

func TestAPIErrorText(t *testing.T) {
	t.Parallel()
	e := &line.APIError{StatusCode: 400, Message: "The request body has 4 error(s)", RequestID: "req-1",
		RetryAfter: 3 * time.Second, Details: []line.ErrorDetail{
			{Message: "May not be empty", Property: "messages[0].text"},
			{Message: "b", Property: "p2"}, {Message: "c", Property: "p3"}, {Message: "d", Property: "p4"},
		}}
	assert.Equal(t, "line: http 400: The request body has 4 error(s); messages[0].text: May not be empty; p2: b; p3: c (and 1 more) (request id req-1)", e.Error())
	d, ok := channel.RetryAfter(e)
	assert.True(t, ok)
	assert.Equal(t, 3*time.Second, d)
}

func TestInvalidProperty(t *testing.T) {
	t.Parallel()
	tests := []struct {
		msg  string
		prop string
		ok   bool
	}{
		{"The property, 'to', in the request body is invalid (line: -, column: -)", "to", true},
		{"The property, messages[0].type, in the request body is invalid (line: 1, column: 42)", "messages[0].type", true},
		{"The property, , in the request body is invalid", "", false},
		{"Invalid reply token", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		prop, ok := line.InvalidProperty(tt.msg)
		assert.Equal(t, tt.ok, ok, tt.msg)
		assert.Equal(t, tt.prop, prop, tt.msg)
	}
}
