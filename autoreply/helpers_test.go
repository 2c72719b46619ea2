package autoreply_test

import (
	"context"
	"errors"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/autoreply"
	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/channel/channeltest"
)

func loadTestRules(t testing.TB) *autoreply.RuleSet {
	t.Helper()
	f, err := os.Open("testdata/rules.json")
	require.NoError(t, err)
	defer f.Close()
	rs, err := autoreply.LoadRules(f)
	require.NoError(t, err)
	return rs
}

func newFakeClock() *channeltest.Clock {
	return channeltest.NewClock(time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC))
}

// tracker is a LookupFunc that records its calls.
type tracker struct {
	mu    sync.Mutex
	calls []string
	err   error
}

func (tr *tracker) lookup(_ context.Context, _ channel.Address, order string) (map[string]string, error) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	tr.calls = append(tr.calls, order)
	if tr.err != nil {
		return nil, tr.err
	}
	return map[string]string{"status": "in transit"}, nil
}

func (tr *tracker) Calls() []string {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	return append([]string(nil), tr.calls...)
}

var errCarrierDown = errors.New("carrier down")

func newTestEngine(t testing.TB, mod func(*autoreply.Config)) (*autoreply.Engine, *tracker, *channeltest.Clock) {
	t.Helper()
	tr := &tracker{}
	clk := newFakeClock()
	cfg := autoreply.Config{
		Rules:   loadTestRules(t),
		Lookups: map[string]autoreply.LookupFunc{"track": tr.lookup},
		Clock:   clk.Now,
	}
	if mod != nil {
		mod(&cfg)
	}
	e, err := autoreply.New(cfg)
	require.NoError(t, err)
	return e, tr, clk
}

func msg(from, text string) *channel.Message {
	return &channel.Message{From: channel.Address{Channel: channel.WhatsApp, ID: from}, Text: text}
}
