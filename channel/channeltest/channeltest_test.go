package channeltest_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/channel/channeltest"
)

var t0 = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

func text(to channel.Address, s string) *channel.Message { return &channel.Message{To: to, Text: s} }

func TestFakeRecordsAndAnswers(t *testing.T) {
	t.Parallel()
	clk := channeltest.NewClock(t0)
	f := channeltest.New(channeltest.Config{Clock: clk.Now})
	a := channel.Address{Channel: channel.LINE, ID: "U1"}
	b := channel.Address{Channel: channel.WhatsApp, ID: "852"}
	r1, err := f.Send(context.Background(), text(a, "one"))
	require.NoError(t, err)
	r2, err := f.Send(context.Background(), text(b, "two"))
	require.NoError(t, err)
	assert.NotEqual(t, r1.MessageID, r2.MessageID)
	assert.Equal(t, a, r1.To)

	sent := f.Sent()
	require.Len(t, sent, 2)
	assert.Equal(t, "one", sent[0].Text)
	assert.Equal(t, t0, sent[0].Time)
	assert.Equal(t, channel.Address{Channel: channel.LINE, ID: "shop"}, sent[0].From)
	assert.Len(t, f.SentTo(b), 1)

	f.Reset()
	assert.Empty(t, f.Sent())
}

func TestFakeRejectsBadInput(t *testing.T) {
	t.Parallel()
	f := channeltest.New(channeltest.Config{})
	tests := []struct {
		name string
		m    *channel.Message
		want error
	}{
		{"nil", nil, channel.ErrInvalidMessage},
		{"empty recipient", &channel.Message{To: channel.Address{Channel: channel.LINE}, Text: "x"}, channel.ErrInvalidRecipient},
		{"unknown kind", &channel.Message{To: channel.Address{Channel: "telex", ID: "1"}, Text: "x"}, channel.ErrInvalidRecipient},
		{"empty template param", &channel.Message{To: channel.Address{Channel: channel.WhatsApp, ID: "1"},
			Template: &channel.Template{Name: "t", Params: []string{" "}}}, channel.ErrInvalidMessage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.Send(context.Background(), tt.m)
			assert.ErrorIs(t, err, tt.want)
		})
	}
	assert.Empty(t, f.Sent())
}

func TestFakeFailNextAndThrottle(t *testing.T) {
	t.Parallel()
	clk := channeltest.NewClock(t0)
	f := channeltest.New(channeltest.Config{Clock: clk.Now})
	to := channel.Address{Channel: channel.Messenger, ID: "psid"}
	boom := errors.New("boom")
	f.FailNext(2, boom)
	for range 2 {
		_, err := f.Send(context.Background(), text(to, "x"))
		assert.ErrorIs(t, err, boom)
	}
	_, err := f.Send(context.Background(), text(to, "x"))
	require.NoError(t, err)

	f.ThrottleAbove(1, 1)
	_, err = f.Send(context.Background(), text(to, "a"))
	require.NoError(t, err)
	_, err = f.Send(context.Background(), text(to, "b"))
	require.ErrorIs(t, err, channel.ErrRateLimited)
	wait, ok := channel.RetryAfter(err)
	assert.True(t, ok)
	assert.Equal(t, time.Second, wait)
	assert.True(t, channel.IsRetryable(err))
	clk.Advance(time.Second)
	_, err = f.Send(context.Background(), text(to, "c"))
	require.NoError(t, err)
	f.ThrottleAbove(rate.Inf, 0)
	assert.Len(t, f.Sent(), 3)
}

func TestFakeLatencyHonoursContext(t *testing.T) {
	t.Parallel()
	f := channeltest.New(channeltest.Config{})
	f.SetLatency(time.Hour)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	_, err := f.Send(ctx, text(channel.Address{Channel: channel.LINE, ID: "U"}, "x"))
	assert.ErrorIs(t, err, context.DeadlineExceeded)
}

func TestWaitForSends(t *testing.T) {
	t.Parallel()
	f := channeltest.New(channeltest.Config{})
	to := channel.Address{Channel: channel.WeChat, ID: "openid"}
	var wg sync.WaitGroup
	for range 5 {
		wg.Go(func() { _, _ = f.Send(context.Background(), text(to, "x")) })
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	got, err := f.WaitForSends(ctx, 5)
	require.NoError(t, err)
	assert.Len(t, got, 5)
	wg.Wait()

	short, cancel2 := context.WithTimeout(context.Background(), 5*time.Millisecond)
	defer cancel2()
	got, err = f.WaitForSends(short, 6)
	assert.ErrorIs(t, err, channeltest.ErrTimeout)
	assert.Len(t, got, 5)
}

func TestCustomerMessages(t *testing.T) {
	t.Parallel()
	clk := channeltest.NewClock(t0)
	f := channeltest.New(channeltest.Config{Clock: clk.Now})
	c := f.Customer(channel.WhatsApp, "85291234567")
	c.Name, c.Phone = "Ada", "85291234567"
	var got []channel.Event
	h := channel.HandlerFunc(func(_ context.Context, e channel.Event) error { got = append(got, e); return nil })
	require.NoError(t, c.Says(context.Background(), h, "hi"))
	require.NoError(t, c.Says(context.Background(), h, "where is my parcel"))
	require.NoError(t, c.Follows(context.Background(), h))
	require.Len(t, got, 3)
	assert.Equal(t, channel.EventMessage, got[0].Type)
	assert.NotEqual(t, got[0].ID, got[1].ID, "each message has its own id")
	assert.Equal(t, "where is my parcel", got[1].Message.Text)
	assert.Equal(t, "Ada", got[1].Message.Contact.Name)
	assert.Equal(t, t0, got[1].Time)
	assert.Equal(t, channel.EventFollow, got[2].Type)
}
