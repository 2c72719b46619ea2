package metatest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/channel"
)

// SendTarget is one adapter's client wired to a fake server that has a
// fault queued, for SendFaults.
type SendTarget struct {
	// Send is the client's Send.
	Send func(context.Context, *channel.Message) (channel.Receipt, error)
	// Requests is how many API requests the fake has received so far.
	Requests func() int
	// SentIDs are the ids of the messages the fake accepted, in order.
	SentIDs func() []string
}

// SendFault is one row of SendFaults: a fault of the adapter's fake (F is
// its Fault type) on the first request of a text send, and what the send
// must do about it.
type SendFault[F any] struct {
	// Name names the subtest.
	Name string
	// Fault is queued for the first API request.
	Fault F
	// MaxBackoff, when positive, replaces the client's Retry.MaxBackoff (the
	// fakes' client configs cap it at 10 ms), so a Retry-After is honoured.
	MaxBackoff time.Duration
	// Timeout, when positive, ends the send's context after it.
	Timeout time.Duration
	// Retried: the adapter retries once and the message is delivered once,
	// with the id the fake answered. Every other field below is then unused.
	Retried bool
	// Unknown: the send fails with channel.ErrDeliveryUnknown, as a
	// *channel.DeliveryError naming the message after one attempt;
	// otherwise the error must not match it.
	Unknown bool
	// Err, when set, is an error the send's error must match.
	Err error
	// Retryable is what channel.IsRetryable reports on the send's error.
	Retryable bool
}

// SendFaults runs one subtest per row: start returns a fresh client and
// fake with row.Fault queued, and a text message to to is sent. A row that
// is not Retried must fail after exactly one request with nothing
// delivered: the Meta platforms take no idempotency key, so only a refusal
// may be retried.
func SendFaults[F any](t *testing.T, to channel.Address, start func(t *testing.T, f F, maxBackoff time.Duration) SendTarget, rows []SendFault[F]) {
	t.Helper()
	for _, tt := range rows {
		t.Run(tt.Name, func(t *testing.T) {
			t.Parallel()
			target := start(t, tt.Fault, tt.MaxBackoff)
			ctx := t.Context()
			if tt.Timeout > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tt.Timeout)
				defer cancel()
			}
			m := &channel.Message{To: to, Text: "hi"}
			r, err := target.Send(ctx, m)
			if tt.Retried {
				require.NoError(t, err)
				assert.Equal(t, 2, target.Requests())
				ids := target.SentIDs()
				require.Len(t, ids, 1, "exactly one message delivered")
				assert.Equal(t, ids[0], r.MessageID)
				return
			}
			require.Error(t, err)
			assert.Equal(t, 1, target.Requests(), "not retried")
			assert.Empty(t, target.SentIDs())
			assert.Equal(t, tt.Unknown, errors.Is(err, channel.ErrDeliveryUnknown), "%v", err)
			if tt.Unknown {
				var de *channel.DeliveryError
				require.ErrorAs(t, err, &de)
				assert.Same(t, m, de.Message)
				assert.Equal(t, 1, de.Attempts)
				assert.False(t, de.Attempted.IsZero())
			}
			if tt.Err != nil {
				assert.ErrorIs(t, err, tt.Err)
			}
			assert.Equal(t, tt.Retryable, channel.IsRetryable(err), "%v", err)
		})
	}
}
