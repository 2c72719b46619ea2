package channel_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/channel/channeltest"
)

// sharedWindows is a WindowStore two Windows share, as two instances
// share a database, counting the reads.
type sharedWindows struct {
	mu    sync.Mutex
	last  map[channel.Address]time.Time
	reads int
}

func (s *sharedWindows) Touch(_ context.Context, a channel.Address, at time.Time, _ time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if at.After(s.last[a]) {
		s.last[a] = at
	}
	return nil
}

func (s *sharedWindows) LastSeen(_ context.Context, a channel.Address) (time.Time, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reads++
	t, ok := s.last[a]
	return t, ok, nil
}

func (s *sharedWindows) takeReads() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := s.reads
	s.reads = 0
	return n
}

// With a Store, a window this instance saw open is not read again while it
// is open; one it does not know, or knows only as closed, is read, so a
// message received by another instance opens it here too.
func TestWindowsAskTheStoreOnlyWhenTheyDoNotKnow(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	clk := channeltest.NewClock(t0)
	store := &sharedWindows{last: map[channel.Address]time.Time{}}
	a := channel.NewWindows(channel.WindowConfig{Store: store, Clock: clk.Now})
	b := channel.NewWindows(channel.WindowConfig{Store: store, Clock: clk.Now})
	alice := channel.Address{Channel: channel.WhatsApp, ID: "85291230001"}
	msg := func(at time.Time) channel.Event {
		return channel.Event{Type: channel.EventMessage, From: alice, Time: at}
	}
	ctx := context.Background()

	require.NoError(t, a.ObserveContext(ctx, msg(t0)))
	open, err := a.OpenContext(ctx, alice)
	require.NoError(t, err)
	require.True(t, open)
	require.Zero(t, store.takeReads(), "a saw the message: no read")

	open, err = b.OpenContext(ctx, alice)
	require.NoError(t, err)
	require.True(t, open, "opened on a, open on b")
	require.Equal(t, 1, store.takeReads())
	_, _ = b.OpenContext(ctx, alice)
	require.Zero(t, store.takeReads(), "b remembers what it read")

	clk.Advance(23 * time.Hour)
	require.NoError(t, b.ObserveContext(ctx, msg(clk.Now()))) // the customer writes again, to b
	clk.Advance(2 * time.Hour)                                // 25 h after the first message
	open, err = a.OpenContext(ctx, alice)
	require.NoError(t, err)
	require.True(t, open, "a's own knowledge ran out; the store has b's later message")
	require.Equal(t, 1, store.takeReads())

	clk.Advance(24 * time.Hour)
	open, err = a.OpenContext(ctx, alice)
	require.NoError(t, err)
	require.False(t, open)
	require.Equal(t, 1, store.takeReads(), "a closed window is asked every time")
}

func TestInteraction(t *testing.T) {
	t.Parallel()
	alice := channel.Address{Channel: channel.LINE, ID: "U4af4980629"}
	tests := []struct {
		name string
		e    channel.Event
		want channel.Address
		ok   bool
	}{
		{"message", channel.Event{Type: channel.EventMessage, From: alice}, alice, true},
		{"sender only on the message", channel.Event{Type: channel.EventMessage, Message: &channel.Message{From: alice}}, alice, true},
		{"postback", channel.Event{Type: channel.EventPostback, From: alice}, alice, true},
		{"follow", channel.Event{Type: channel.EventFollow, From: alice}, alice, true},
		{"unfollow", channel.Event{Type: channel.EventUnfollow, From: alice}, channel.Address{}, false},
		{"delivery status", channel.Event{Type: channel.EventStatus, From: alice}, channel.Address{}, false},
		{"no sender", channel.Event{Type: channel.EventMessage}, channel.Address{}, false},
	}
	for _, tt := range tests {
		got, ok := channel.Interaction(tt.e)
		require.Equal(t, tt.ok, ok, tt.name)
		if ok {
			require.Equal(t, tt.want, got, tt.name)
		}
	}
}
