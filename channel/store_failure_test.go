package channel_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/channel"
)

var errDown = errors.New("connection refused")

type downWindows struct{}

func (downWindows) Touch(context.Context, channel.Address, time.Time, time.Duration) error {
	return errDown
}
func (downWindows) LastSeen(context.Context, channel.Address) (time.Time, bool, error) {
	return time.Time{}, false, errDown
}

type downLimits struct{}

func (downLimits) Take(context.Context, channel.Address, time.Time, time.Duration, int) (time.Duration, error) {
	return 0, errDown
}

type downQuota struct{}

func (downQuota) Take(context.Context, channel.Address, time.Time, time.Duration, int, bool) (time.Duration, string, error) {
	return 0, "", errDown
}
func (downQuota) Refund(context.Context, string) error { return errDown }
func (downQuota) Used(context.Context, time.Time, time.Duration) (int, error) {
	return 0, errDown
}

// A send that cannot check its window or its limit does not go out, and a
// webhook that cannot record the window does not reach its handler.
func TestStoreDownNeverSendsUnchecked(t *testing.T) {
	t.Parallel()
	w := channel.NewWindows(channel.WindowConfig{Store: downWindows{}})
	tests := []struct {
		name string
		mw   channel.Middleware
		msg  *channel.Message
	}{
		{"window", w.Middleware(), to("85212340003")},
		{"per recipient", channel.PerRecipient(channel.RecipientLimitConfig{Every: time.Second, Store: downLimits{}}), to("85212340003")},
		{"quota", channel.NewQuota(channel.QuotaConfig{Limit: 5, Store: downQuota{}}).Middleware(), to("85212340003")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var n atomic.Int64
			_, err := tt.mw(counting(&n)).Send(context.Background(), tt.msg)
			require.ErrorIs(t, err, channel.ErrUnavailable)
			require.ErrorIs(t, err, errDown)
			assert.Zero(t, n.Load())
		})
	}
	t.Run("template skips the window check", func(t *testing.T) {
		var n atomic.Int64
		m := to("85212340003")
		m.Template = &channel.Template{Name: "order_update", Language: "en"}
		_, err := w.Middleware()(counting(&n)).Send(context.Background(), m)
		require.NoError(t, err)
		assert.EqualValues(t, 1, n.Load())
	})
	t.Run("track", func(t *testing.T) {
		called := false
		h := w.Track(channel.HandlerFunc(func(context.Context, channel.Event) error { called = true; return nil }))
		err := h.HandleEvent(context.Background(), channel.Event{Type: channel.EventMessage,
			From: channel.Address{Channel: channel.WhatsApp, ID: "85212340003"}})
		require.ErrorIs(t, err, channel.ErrUnavailable)
		assert.False(t, called)
	})
}
