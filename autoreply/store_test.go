package autoreply_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/autoreply"
	"github.com/switchboard-go/switchboard/channel"
)

func TestMemoryStore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clk := newFakeClock()
	s := autoreply.NewMemoryStore(clk.Now)
	a := channel.Address{Channel: channel.WeChat, ID: "o6_bmjrPTlm6_2sgVt7hMZOPfL2M"}

	_, ok, err := s.Load(ctx, a, clk.Now())
	require.NoError(t, err)
	assert.False(t, ok)

	c := autoreply.Conversation{Await: "order_number", AwaitRule: "where", Misses: 1, Triggered: map[string]int{"where": 1}}
	require.NoError(t, s.Save(ctx, a, c, clk.Now().Add(time.Hour)))
	c.Triggered["where"] = 99 // the store keeps its own copy

	got, ok, err := s.Load(ctx, a, clk.Now().Add(59*time.Minute))
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, map[string]int{"where": 1}, got.Triggered)
	assert.Equal(t, "order_number", got.Await)

	_, ok, _ = s.Load(ctx, a, clk.Now().Add(time.Hour))
	assert.False(t, ok, "expired at its deadline")

	require.NoError(t, s.Delete(ctx, a))
	require.NoError(t, s.Delete(ctx, a), "deleting twice is fine")
	_, ok, _ = s.Load(ctx, a, clk.Now())
	assert.False(t, ok)
}

func TestMemoryStoreSweeps(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clk := newFakeClock()
	s := autoreply.NewMemoryStore(clk.Now)
	for i := range 1000 {
		a := channel.Address{Channel: channel.LINE, ID: fmt.Sprint("old", i)}
		require.NoError(t, s.Save(ctx, a, autoreply.Conversation{}, clk.Now().Add(time.Minute)))
	}
	clk.Advance(time.Hour)
	for i := range 100 {
		a := channel.Address{Channel: channel.LINE, ID: fmt.Sprint("new", i)}
		require.NoError(t, s.Save(ctx, a, autoreply.Conversation{}, clk.Now().Add(time.Minute)))
	}
	assert.LessOrEqual(t, s.Len(), 100, "expired conversations were swept")
}
