package desk_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/channel/channeltest"
	"github.com/switchboard-go/switchboard/desk"
)

func newClock() *channeltest.Clock {
	return channeltest.NewClock(time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC))
} // a Monday

type fixture struct {
	desk  *desk.Desk
	clock *channeltest.Clock
	send  *channeltest.Fake // records what the desk sent
	store desk.Store
}

func newFixture(t *testing.T, mod func(*desk.Config)) *fixture {
	t.Helper()
	clock := newClock()
	f := &fixture{clock: clock, send: channeltest.New(channeltest.Config{Clock: clock.Now}), store: desk.NewMemoryStore()}
	cfg := desk.Config{Store: f.store, Sender: f.send, Clock: f.clock.Now, RetryBackoff: time.Millisecond,
		Teams: map[string]string{"refund": "after-sales", "franchise": "partnerships"}}
	if mod != nil {
		mod(&cfg)
	}
	d, err := desk.New(cfg)
	require.NoError(t, err)
	f.desk = d
	return f
}

func wa(id string) channel.Address { return channel.Address{Channel: channel.WhatsApp, ID: id} }

func (f *fixture) handoff(t *testing.T, who channel.Address, typ, lang, text string) desk.Conversation {
	t.Helper()
	c, err := f.desk.Handoff(context.Background(), desk.Handoff{Customer: who, Reason: "keyword", InquiryType: typ,
		Language: lang, Message: &channel.Message{From: who, Text: text, ID: "m-" + text}})
	require.NoError(t, err)
	return c
}

func (f *fixture) agent(t *testing.T, a desk.Agent, online bool) {
	t.Helper()
	ctx := context.Background()
	require.NoError(t, f.desk.AddAgent(ctx, a))
	if online {
		require.NoError(t, f.desk.SetOnline(ctx, a.ID, true))
	}
}
