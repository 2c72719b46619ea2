package channel_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/channel/channeltest"
)

func counting(n *atomic.Int64) channel.Sender {
	return channel.SenderFunc(func(_ context.Context, m *channel.Message) (channel.Receipt, error) {
		n.Add(1)
		return channel.Receipt{To: m.To}, nil
	})
}

func to(id string) *channel.Message {
	return &channel.Message{To: channel.Address{Channel: channel.WhatsApp, ID: id}, Text: "x"}
}

// requireLimited asserts that err is a rate-limit refusal asking to wait
// wait before the next try.
func requireLimited(t *testing.T, err error, wait time.Duration, msgAndArgs ...any) {
	t.Helper()
	require.ErrorIs(t, err, channel.ErrRateLimited, msgAndArgs...)
	got, ok := channel.RetryAfter(err)
	require.True(t, ok, "the refusal says when to retry")
	assert.Equal(t, wait, got, msgAndArgs...)
}

func TestRateLimitBurstThenRefuseWithinDeadline(t *testing.T) {
	t.Parallel()
	clk := channeltest.NewClock(t0)
	var n atomic.Int64
	s := channel.RateLimit(10, 3, clk.Now)(counting(&n))
	ctx := context.Background()
	for range 3 {
		_, err := s.Send(ctx, to("a"))
		require.NoError(t, err)
	}
	// The fourth would wait 100 ms; a deadline sooner than that fails at once
	// (the deadline is wall-clock time, whatever the limiter's clock says).
	short, cancel := context.WithTimeout(ctx, 10*time.Millisecond)
	defer cancel()
	_, err := s.Send(short, to("a"))
	requireLimited(t, err, 100*time.Millisecond)
	// Time passes: a token is back, no wait.
	clk.Advance(100 * time.Millisecond)
	_, err = s.Send(ctx, to("a"))
	require.NoError(t, err)
	assert.EqualValues(t, 4, n.Load())
}

func TestRateLimitWaitsForItsTurn(t *testing.T) {
	t.Parallel()
	var n atomic.Int64
	s := channel.RateLimit(1000, 1, nil)(counting(&n)) // real clock, 1 ms per send
	start := time.Now()
	for range 5 {
		_, err := s.Send(context.Background(), to("a"))
		require.NoError(t, err)
	}
	assert.GreaterOrEqual(t, time.Since(start), 3*time.Millisecond)
	assert.EqualValues(t, 5, n.Load())
}

func TestRateLimitCancelledWhileWaiting(t *testing.T) {
	t.Parallel()
	var n atomic.Int64
	s := channel.RateLimit(0.001, 1, nil)(counting(&n))
	_, err := s.Send(context.Background(), to("a"))
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(5 * time.Millisecond); cancel() }()
	_, err = s.Send(ctx, to("a"))
	assert.ErrorIs(t, err, context.Canceled)
	assert.EqualValues(t, 1, n.Load())
}

func TestPerRecipient(t *testing.T) {
	t.Parallel()
	clk := channeltest.NewClock(t0)
	var n atomic.Int64
	s := channel.PerRecipient(channel.RecipientLimitConfig{Every: 6 * time.Second, Burst: 2, Clock: clk.Now})(counting(&n))
	ctx := context.Background()
	for range 2 {
		_, err := s.Send(ctx, to("alice"))
		require.NoError(t, err)
	}
	_, err := s.Send(ctx, to("alice"))
	requireLimited(t, err, 6*time.Second, "third message inside the burst window")
	_, err = s.Send(ctx, to("bob"))
	require.NoError(t, err, "other recipients are independent")

	clk.Advance(6 * time.Second)
	_, err = s.Send(ctx, to("alice"))
	require.NoError(t, err)
	_, err = s.Send(ctx, to("alice"))
	require.ErrorIs(t, err, channel.ErrRateLimited)
	clk.Advance(3 * time.Second)
	_, err = s.Send(ctx, to("alice"))
	requireLimited(t, err, 3*time.Second)
	assert.EqualValues(t, 4, n.Load())
}

func TestPerRecipientConcurrentBurstIsExact(t *testing.T) {
	t.Parallel()
	clk := channeltest.NewClock(t0)
	var n atomic.Int64
	s := channel.PerRecipient(channel.RecipientLimitConfig{Every: time.Minute, Burst: 3, Clock: clk.Now})(counting(&n))
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() { _, _ = s.Send(context.Background(), to("same")) })
	}
	wg.Wait()
	assert.EqualValues(t, 3, n.Load())
}

func TestPerRecipientMemoryIsBounded(t *testing.T) {
	t.Parallel()
	clk := channeltest.NewClock(t0)
	var n atomic.Int64
	// MaxRecipients 64 over 32 shards: even with every recipient still
	// limited, the state stays small; the cost is a looser limit, never a
	// wrong refusal.
	s := channel.PerRecipient(channel.RecipientLimitConfig{Every: time.Hour, Burst: 1, MaxRecipients: 64, Clock: clk.Now})(counting(&n))
	for i := range 100_000 {
		_, err := s.Send(context.Background(), to(string(rune('a'+i%26))+time.Duration(i).String()))
		require.NoError(t, err)
	}
	assert.EqualValues(t, 100_000, n.Load())
}

func TestQuotaMessages(t *testing.T) {
	t.Parallel()
	clk := channeltest.NewClock(t0)
	var n atomic.Int64
	q := channel.NewQuota(channel.QuotaConfig{Limit: 5, Clock: clk.Now})
	s := q.Middleware()(counting(&n))
	ctx := context.Background()
	for i := range 4 {
		_, err := s.Send(ctx, to("a"))
		require.NoError(t, err)
		clk.Advance(time.Hour * time.Duration(i+1))
	}
	u := q.Usage()
	assert.Equal(t, 4, u.Used)
	assert.True(t, u.Above(0.75))
	assert.False(t, u.Above(0.8))
	_, err := s.Send(ctx, to("b"))
	require.NoError(t, err)
	_, err = s.Send(ctx, to("c"))
	// Sends at 0h, 1h, 3h, 6h, 10h; now 10h: the first leaves at 24h.
	requireLimited(t, err, 14*time.Hour)
	clk.Advance(14 * time.Hour)
	_, err = s.Send(ctx, to("c"))
	require.NoError(t, err)
	assert.Equal(t, 5, q.Usage().Used)
}

func TestQuotaUniqueRecipients(t *testing.T) {
	t.Parallel()
	clk := channeltest.NewClock(t0)
	var n atomic.Int64
	q := channel.NewQuota(channel.QuotaConfig{Limit: 2, UniqueRecipients: true, Clock: clk.Now})
	s := q.Middleware()(counting(&n))
	ctx := context.Background()
	for _, id := range []string{"a", "a", "b", "a", "b"} {
		_, err := s.Send(ctx, to(id))
		require.NoError(t, err, "a counted recipient costs nothing")
	}
	_, err := s.Send(ctx, to("c"))
	requireLimited(t, err, 24*time.Hour, "until the first counted recipient leaves the window")
	assert.Equal(t, channel.QuotaUsage{Used: 2, Limit: 2, Fraction: 1}, q.Usage())
	clk.Advance(24 * time.Hour)
	_, err = s.Send(ctx, to("c"))
	require.NoError(t, err)
	assert.Equal(t, 1, q.Usage().Used)
}

func TestQuotaRefundsFailedSends(t *testing.T) {
	t.Parallel()
	q := channel.NewQuota(channel.QuotaConfig{Limit: 1, Clock: channeltest.NewClock(t0).Now})
	fake := channeltest.New(channeltest.Config{})
	fake.FailNext(1, &channel.APIError{StatusCode: 500, Temporary: true})
	s := q.Middleware()(fake)
	_, err := s.Send(context.Background(), to("a"))
	require.Error(t, err)
	assert.Zero(t, q.Usage().Used)
	_, err = s.Send(context.Background(), to("a"))
	require.NoError(t, err)
}

func TestWindows(t *testing.T) {
	t.Parallel()
	clk := channeltest.NewClock(t0)
	w := channel.NewWindows(channel.WindowConfig{Clock: clk.Now})
	fake := channeltest.New(channeltest.Config{})
	s := w.Middleware()(fake)
	ctx := context.Background()
	wc := channel.Address{Channel: channel.WeChat, ID: "openid"}
	ln := channel.Address{Channel: channel.LINE, ID: "U1"}
	free := func(a channel.Address) *channel.Message { return &channel.Message{To: a, Text: "update"} }
	tmpl := &channel.Message{To: wa, Template: &channel.Template{Name: "parcel_update", Language: "en", Params: []string{"1Z"}}}

	_, err := s.Send(ctx, free(wa))
	require.ErrorIs(t, err, channel.ErrWindowClosed, "never wrote")
	_, err = s.Send(ctx, free(ln))
	require.NoError(t, err, "LINE has no window")

	h := w.Track(channel.HandlerFunc(func(context.Context, channel.Event) error { return nil }))
	require.NoError(t, h.HandleEvent(ctx, channel.Event{Type: channel.EventMessage, From: wa, Time: clk.Now()}))
	require.NoError(t, h.HandleEvent(ctx, channel.Event{Type: channel.EventMessage, From: wc, Time: clk.Now()}))
	require.NoError(t, h.HandleEvent(ctx, channel.Event{Type: channel.EventStatus, From: wa, Time: clk.Now().Add(20 * time.Hour)}))

	clk.Advance(23 * time.Hour)
	_, err = s.Send(ctx, free(wa))
	require.NoError(t, err)
	closes, ok := w.ClosesAt(wa)
	assert.True(t, ok)
	assert.Equal(t, t0.Add(24*time.Hour), closes, "a status event does not extend the window")

	clk.Advance(time.Hour)
	_, err = s.Send(ctx, free(wa))
	require.ErrorIs(t, err, channel.ErrWindowClosed, "24 h passed")
	_, err = s.Send(ctx, tmpl)
	require.NoError(t, err, "templates go any time")
	_, err = s.Send(ctx, &channel.Message{To: channel.Address{Channel: channel.Messenger, ID: "p"}, Text: "x", Tag: "POST_PURCHASE_UPDATE"})
	require.NoError(t, err, "tagged messages are the platform's call")
	_, err = s.Send(ctx, free(wc))
	require.NoError(t, err, "WeChat's window is 48 h")
	clk.Advance(24 * time.Hour)
	_, err = s.Send(ctx, free(wc))
	require.ErrorIs(t, err, channel.ErrWindowClosed)
	assert.Len(t, fake.Sent(), 5)
}
