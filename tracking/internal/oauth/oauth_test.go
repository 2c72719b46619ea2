package oauth

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/channel/channeltest"
)

func TestCacheSingleflight(t *testing.T) {
	t.Parallel()
	clk := channeltest.NewClock(time.Unix(1_800_000_000, 0))
	release := make(chan struct{})
	var fetches atomic.Int32
	c := NewCache(func(ctx context.Context) (Token, error) {
		fetches.Add(1)
		<-release
		return Token{Value: "t1", Expiry: clk.Now().Add(time.Hour)}, nil
	}, clk.Now, 0)

	var wg sync.WaitGroup
	results := make([]string, 20)
	for i := range results {
		wg.Go(func() {
			v, err := c.Token(context.Background())
			assert.NoError(t, err)
			results[i] = v
		})
	}
	// Hold the fetch until every other caller has joined it.
	for {
		c.mu.Lock()
		joined := c.joined
		c.mu.Unlock()
		if joined == len(results)-1 {
			break
		}
		runtime.Gosched()
	}
	close(release)
	wg.Wait()
	assert.Equal(t, int32(1), fetches.Load())
	for _, v := range results {
		assert.Equal(t, "t1", v)
	}
}

func TestCacheRefreshAndErrors(t *testing.T) {
	t.Parallel()
	clk := channeltest.NewClock(time.Unix(1_800_000_000, 0))
	n := 0
	fail := false
	c := NewCache(func(ctx context.Context) (Token, error) {
		if fail {
			return Token{}, errors.New("boom")
		}
		n++
		return Token{Value: string(rune('a' + n - 1)), Expiry: clk.Now().Add(10 * time.Minute)}, nil
	}, clk.Now, time.Minute)
	ctx := context.Background()

	v, err := c.Token(ctx)
	require.NoError(t, err)
	assert.Equal(t, "a", v)
	clk.Advance(8 * time.Minute)
	v, _ = c.Token(ctx)
	assert.Equal(t, "a", v, "2 min left, margin 1 min")
	clk.Advance(time.Minute + time.Second)
	v, _ = c.Token(ctx)
	assert.Equal(t, "b", v, "inside the margin: refreshed")

	c.Invalidate("stale-other")
	v, _ = c.Token(ctx)
	assert.Equal(t, "b", v, "invalidating another value is a no-op")
	c.Invalidate("b")
	fail = true
	_, err = c.Token(ctx)
	require.Error(t, err)
	fail = false
	v, err = c.Token(ctx)
	require.NoError(t, err)
	assert.Equal(t, "c", v, "errors are not cached")
	assert.Equal(t, 4, c.Fetches())
}

func TestCacheWaiterContext(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	c := NewCache(func(ctx context.Context) (Token, error) {
		select {
		case <-release:
		case <-ctx.Done():
			return Token{}, ctx.Err()
		}
		return Token{Value: "v", Expiry: time.Now().Add(time.Hour)}, nil
	}, nil, 0)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := c.Token(ctx)
	require.ErrorIs(t, err, context.Canceled)
	// The fetch started by the cancelled caller survives it and serves the
	// next caller.
	close(release)
	v, err := c.Token(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "v", v)
	assert.Equal(t, 1, c.Fetches())
}

func TestParseSeconds(t *testing.T) {
	t.Parallel()
	assert.Equal(t, int64(3599), parseSeconds([]byte(`3599`)))
	assert.Equal(t, int64(14399), parseSeconds([]byte(`"14399"`)))
	assert.Equal(t, int64(0), parseSeconds([]byte(`null`)))
}

func TestFirstError(t *testing.T) {
	t.Parallel()
	code, msg := FirstError([]byte(`{"errors":[{"code":"A","message":"m"}]}`))
	assert.Equal(t, "A", code)
	assert.Equal(t, "m", msg)
	code, _ = FirstError([]byte(`{"response":{"errors":[{"code":"B"}]}}`))
	assert.Equal(t, "B", code)
	code, _ = FirstError([]byte(`nope`))
	assert.Empty(t, code)
}
