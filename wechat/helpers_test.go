package wechat_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/channel/channeltest"
	"github.com/switchboard-go/switchboard/wechat"
	"github.com/switchboard-go/switchboard/wechat/wechattest"
)

func newClock() *channeltest.Clock {
	return channeltest.NewClock(time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC))
}

// setup starts a fake and a client on one clock; tweak edits the client's
// config before New.
func setup(t *testing.T, opts wechattest.Config, tweak func(*wechat.Config)) (*wechattest.Server, *wechat.Client, *channeltest.Clock) {
	t.Helper()
	clk := newClock()
	if opts.Clock == nil {
		opts.Clock = clk.Now
	}
	srv := wechattest.NewServer(opts)
	t.Cleanup(srv.Close)
	cfg := srv.Config()
	cfg.Retry.MinBackoff, cfg.Retry.MaxBackoff = time.Millisecond, time.Millisecond // keep transport retries fast
	cfg.Dedupe = channel.NewMemoryDedupeStore(1024)
	if tweak != nil {
		tweak(&cfg)
	}
	c, err := wechat.New(cfg)
	require.NoError(t, err)
	return srv, c, clk
}

func to(openid string) channel.Address { return channel.Address{Channel: channel.WeChat, ID: openid} }
