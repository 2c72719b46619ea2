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

// fakeClock is a settable time source.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
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

func newTestEngine(t testing.TB, mod func(*autoreply.Config)) (*autoreply.Engine, *tracker, *fakeClock) {
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
