package identity

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/channel/channeltest"
)

func newTestClock() *channeltest.Clock {
	return channeltest.NewClock(time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC))
}

// seqIDs returns deterministic ids p1, p2…
func seqIDs() func() string {
	var mu sync.Mutex
	n := 0
	return func() string {
		mu.Lock()
		defer mu.Unlock()
		n++
		return fmt.Sprintf("id%d", n)
	}
}

type fixture struct {
	reg   *Registry
	clock *channeltest.Clock
	store *MemoryStore
}

func newFixture(t *testing.T, cfg Config) fixture {
	t.Helper()
	clock := newTestClock()
	store := NewMemoryStore()
	cfg.Store, cfg.Clock, cfg.NewID = store, clock.Now, seqIDs()
	if cfg.DefaultRegion == "" {
		cfg.DefaultRegion = "HK"
	}
	reg, err := New(cfg)
	require.NoError(t, err)
	return fixture{reg: reg, clock: clock, store: store}
}

var ctx = context.Background()

// consent returns a consent given now.
func (f fixture) consent(msgID string) Consent {
	return Consent{Version: "2026-01", MessageID: msgID, Phrase: "agree", At: f.clock.Now()}
}

// customer records consent for addr and returns the profile id.
func (f fixture) customer(t *testing.T, addr channel.Address, h Hints) string {
	t.Helper()
	p, err := f.reg.RecordConsent(ctx, addr, f.consent("m-"+addr.ID), h)
	require.NoError(t, err)
	f.clock.Advance(time.Second)
	return p.ID
}

// raw returns the unmasked stored profile.
func (f fixture) raw(t *testing.T, id string) *Profile {
	t.Helper()
	p, err := f.store.GetProfile(ctx, id)
	require.NoError(t, err)
	return p
}

// reviews returns the review queue.
func (f fixture) reviews(t *testing.T) []Review {
	t.Helper()
	rs, err := f.reg.Reviews(ctx)
	require.NoError(t, err)
	return rs
}

// reviewKinds returns the kind of each item of the review queue.
func (f fixture) reviewKinds(t *testing.T) []ReviewKind {
	t.Helper()
	var kinds []ReviewKind
	for _, r := range f.reviews(t) {
		kinds = append(kinds, r.Kind)
	}
	return kinds
}

func wa(id string) channel.Address   { return channel.Address{Channel: channel.WhatsApp, ID: id} }
func line(id string) channel.Address { return channel.Address{Channel: channel.LINE, ID: id} }
func fb(id string) channel.Address   { return channel.Address{Channel: channel.Messenger, ID: id} }

// linkKeyOf is the index key of an address with no scope.
func linkKeyOf(a channel.Address) Key { return Link{Channel: a.Channel, ID: a.ID}.key() }
