package desk_test

import (
	"context"
	"sync"
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

// recorder is a channel.Sender that records what it sent.
type recorder struct {
	mu   sync.Mutex
	sent []*channel.Message
	err  error
}

func (r *recorder) Send(_ context.Context, m *channel.Message) (channel.Receipt, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		return channel.Receipt{}, r.err
	}
	cp := *m
	r.sent = append(r.sent, &cp)
	return channel.Receipt{MessageID: "mid-" + time.Now().Format("150405.000000000"), Channel: m.To.Channel, To: m.To}, nil
}

func (r *recorder) Sent() []*channel.Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*channel.Message(nil), r.sent...)
}

type fixture struct {
	desk  *desk.Desk
	clock *channeltest.Clock
	send  *recorder
	store desk.Store
}

func newFixture(t *testing.T, mod func(*desk.Config)) *fixture {
	t.Helper()
	f := &fixture{clock: newClock(), send: &recorder{}, store: desk.NewMemoryStore()}
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
