package wechat_test

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/wechat"
	"github.com/switchboard-go/switchboard/wechat/wechattest"
)

// clock is a settable time source shared by a client and the fake.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// setup starts a fake and a client on one clock; tweak edits the client's
// config before New.
func setup(t *testing.T, opts wechattest.Options, tweak func(*wechat.Config)) (*wechattest.Server, *wechat.Client, *clock) {
	t.Helper()
	clk := newClock()
	if opts.Clock == nil {
		opts.Clock = clk.Now
	}
	srv := wechattest.NewServer(opts)
	t.Cleanup(srv.Close)
	cfg := srv.Config()
	cfg.MinBackoff, cfg.MaxBackoff = time.Millisecond, time.Millisecond // keep transport retries fast
	cfg.Dedupe = channel.NewMemoryDedupeStore(1024)
	if tweak != nil {
		tweak(&cfg)
	}
	c, err := wechat.New(cfg)
	require.NoError(t, err)
	return srv, c, clk
}

func to(openid string) channel.Address { return channel.Address{Channel: channel.WeChat, ID: openid} }
