package wechat_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/channel/channeltest"
	"github.com/switchboard-go/switchboard/wechat"
	"github.com/switchboard-go/switchboard/wechat/wechattest"
)

func sendText(ctx context.Context, c *wechat.Client, openid, text string) error {
	_, err := c.Send(ctx, &channel.Message{To: to(openid), Text: text})
	return err
}

// sendMany sends n messages from n goroutines released at once.
func sendMany(t *testing.T, c *wechat.Client, n int) {
	t.Helper()
	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			<-start
			errs <- sendText(t.Context(), c, fmt.Sprintf("o%d", i), "hi")
		})
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
}

func TestTokenConcurrentCallersFetchOnce(t *testing.T) {
	t.Parallel()
	cases := map[string]func(srv *wechattest.Server, clk *channeltest.Clock){
		// The client's clock passes the expiry: it refreshes on its own.
		"expiry reached": func(_ *wechattest.Server, clk *channeltest.Clock) { clk.Advance(2 * time.Hour) },
		// WeChat expires the token early: every caller gets 42001.
		"expired by wechat": func(srv *wechattest.Server, _ *channeltest.Clock) { srv.ExpireTokens() },
	}
	for name, expire := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			store := &countingStore{TokenStore: wechat.NewMemoryTokenStore()}
			srv, c, clk := setup(t, wechattest.Config{}, func(cfg *wechat.Config) { cfg.TokenStore = store })
			require.NoError(t, sendText(t.Context(), c, "o0", "warm up"))
			require.Equal(t, 1, srv.TokenFetches())

			expire(srv, clk)
			sendMany(t, c, 100)

			assert.Equal(t, 2, srv.TokenFetches(), "100 senders after expiry cause exactly one fetch")
			assert.Equal(t, int32(2), store.leases.Load(), "one refresh in this process, not one per caller")
			assert.Len(t, srv.Sent(), 101)
		})
	}
}

func TestTokenRefreshedBeforeExpiry(t *testing.T) {
	t.Parallel()
	srv, c, clk := setup(t, wechattest.Config{}, func(cfg *wechat.Config) { cfg.RefreshMargin = 10 * time.Minute })
	require.NoError(t, sendText(t.Context(), c, "o1", "a"))
	clk.Advance(2*time.Hour - 10*time.Minute - time.Second)
	require.NoError(t, sendText(t.Context(), c, "o1", "b"))
	assert.Equal(t, 1, srv.TokenFetches(), "outside the margin the token is reused")
	clk.Advance(2 * time.Second)
	require.NoError(t, sendText(t.Context(), c, "o1", "c"))
	assert.Equal(t, 2, srv.TokenFetches(), "inside the margin it is refreshed before WeChat expires it")
}

func TestTokenRefusedRefreshesOnceAndRetries(t *testing.T) {
	t.Parallel()
	for _, code := range []int{wechat.CodeInvalidCredential, wechat.CodeInvalidAccessToken, wechat.CodeAccessTokenExpired} {
		t.Run(fmt.Sprint(code), func(t *testing.T) {
			t.Parallel()
			srv, c, _ := setup(t, wechattest.Config{}, nil)
			srv.FailSends(code)
			require.NoError(t, sendText(t.Context(), c, "o1", "hello"))
			assert.Equal(t, 2, srv.TokenFetches(), "one refresh")
			require.Len(t, srv.Sent(), 1, "one retry, delivered once")
			assert.Equal(t, "hello", srv.Sent()[0].Text)
		})
	}
}

func TestTokenRefusedTwiceGivesUp(t *testing.T) {
	t.Parallel()
	srv, c, _ := setup(t, wechattest.Config{}, nil)
	srv.FailSends(wechat.CodeInvalidCredential, wechat.CodeInvalidCredential, wechat.CodeInvalidCredential)
	err := sendText(t.Context(), c, "o1", "hello")
	var apiErr *wechat.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, wechat.CodeInvalidCredential, apiErr.Code)
	assert.ErrorIs(t, err, channel.ErrUnauthorized)
	assert.Equal(t, 2, srv.TokenFetches(), "refresh once, retry once, then stop")
	assert.Empty(t, srv.Sent())
}

func TestTokenSharedAcrossInstances(t *testing.T) {
	t.Parallel()
	store := wechat.NewMemoryTokenStore()
	srv, a, _ := setup(t, wechattest.Config{}, func(cfg *wechat.Config) { cfg.TokenStore = store })
	cfg := srv.Config()
	cfg.TokenStore = store
	b, err := wechat.New(cfg)
	require.NoError(t, err)

	var wg sync.WaitGroup
	for _, c := range []*wechat.Client{a, b} {
		wg.Go(func() { sendMany(t, c, 20) })
	}
	wg.Wait()
	assert.Equal(t, 1, srv.TokenFetches(), "two instances sharing a store fetch once")

	// Instance b learns the token was refused and refreshes; instance a,
	// refused later with the same old token, must take b's token, not fetch.
	srv.FailSends(wechat.CodeInvalidCredential)
	require.NoError(t, sendText(t.Context(), b, "o1", "from b"))
	require.Equal(t, 2, srv.TokenFetches())
	require.NoError(t, sendText(t.Context(), a, "o1", "from a"), "a's old token is gone at the fake: 40001, then b's token")
	assert.Equal(t, 2, srv.TokenFetches(), "the refused token was already replaced: no second fetch")
}

func TestStableToken(t *testing.T) {
	t.Parallel()
	srv, c, _ := setup(t, wechattest.Config{}, func(cfg *wechat.Config) { cfg.StableToken = true })
	require.NoError(t, sendText(t.Context(), c, "o1", "a"))
	first, err := c.AccessToken(t.Context())
	require.NoError(t, err)

	// The stable endpoint's normal mode would hand back the refused token:
	// the client must force a refresh.
	srv.FailSends(wechat.CodeInvalidCredential)
	require.NoError(t, sendText(t.Context(), c, "o1", "b"))
	second, err := c.AccessToken(t.Context())
	require.NoError(t, err)
	assert.NotEqual(t, first.Value, second.Value)
	assert.Len(t, srv.Sent(), 2)
}

func TestTokenFetchErrors(t *testing.T) {
	t.Parallel()
	srv, c, _ := setup(t, wechattest.Config{}, func(cfg *wechat.Config) { cfg.AppSecret = "wrong-secret" })
	err := sendText(t.Context(), c, "o1", "a")
	var apiErr *wechat.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "token", apiErr.Op)
	assert.Equal(t, wechat.CodeInvalidAppSecret, apiErr.Code)
	assert.ErrorIs(t, err, channel.ErrUnauthorized)
	assert.NotContains(t, err.Error(), "wrong-secret")
	assert.Empty(t, srv.Sent())
}

func TestTokenNetworkErrorHidesSecrets(t *testing.T) {
	t.Parallel()
	srv := wechattest.NewServer(wechattest.Config{})
	cfg := srv.Config()
	srv.Close() // nothing listens any more
	cfg.Retry.MaxAttempts = 1
	c, err := wechat.New(cfg)
	require.NoError(t, err)
	err = sendText(t.Context(), c, "o1", "a")
	require.Error(t, err)
	assert.NotContains(t, err.Error(), cfg.AppSecret)
	assert.NotContains(t, err.Error(), "secret=")
}

func TestTokenWaitHonoursContext(t *testing.T) {
	t.Parallel()
	// Another instance holds the lease and never stores a token: a caller
	// waits, but only as long as its context allows.
	store := wechat.NewMemoryTokenStore()
	_, err := store.Lease(t.Context(), time.Now(), time.Hour)
	require.NoError(t, err)
	_, c, _ := setup(t, wechattest.Config{}, func(cfg *wechat.Config) {
		cfg.TokenStore = store
		cfg.Clock = nil
	})
	ctx, cancel := context.WithTimeout(t.Context(), 150*time.Millisecond)
	defer cancel()
	err = sendText(ctx, c, "o1", "a")
	assert.True(t, errors.Is(err, context.DeadlineExceeded), "got %v", err)
}

func TestMemoryTokenStore(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := wechat.NewMemoryTokenStore()
	now := time.Now()
	x := wechat.Token{Value: "X", ExpiresAt: now.Add(time.Hour)}
	y := wechat.Token{Value: "Y", ExpiresAt: now.Add(time.Hour)}

	ok, _ := s.Replace(ctx, y, x)
	assert.False(t, ok, "an empty store only matches a zero old token")
	ok, _ = s.Replace(ctx, wechat.Token{}, x)
	assert.True(t, ok)
	ok, _ = s.Replace(ctx, wechat.Token{}, y)
	assert.False(t, ok, "a stored token is not overwritten blindly")
	got, _ := s.Load(ctx)
	assert.Equal(t, x, got)

	ok, _ = s.Lease(ctx, now, time.Minute)
	assert.True(t, ok)
	ok, _ = s.Lease(ctx, now.Add(30*time.Second), time.Minute)
	assert.False(t, ok, "lease held")
	ok, _ = s.Lease(ctx, now.Add(61*time.Second), time.Minute)
	assert.True(t, ok, "lease expired")
	ok, _ = s.Replace(ctx, x, y)
	assert.True(t, ok)
	ok, _ = s.Lease(ctx, now.Add(62*time.Second), time.Minute)
	assert.True(t, ok, "a successful Replace ends the lease")
}

// countingStore counts the leases asked for.
type countingStore struct {
	wechat.TokenStore
	leases atomic.Int32
}

func (s *countingStore) Lease(ctx context.Context, now time.Time, ttl time.Duration) (bool, error) {
	s.leases.Add(1)
	return s.TokenStore.Lease(ctx, now, ttl)
}

// downStore is a TokenStore whose backend is unreachable.
type downStore struct{}

func (downStore) Load(context.Context) (wechat.Token, error) {
	return wechat.Token{}, errors.New("redis: connection refused")
}
func (downStore) Replace(context.Context, wechat.Token, wechat.Token) (bool, error) {
	return false, errors.New("redis: connection refused")
}
func (downStore) Lease(context.Context, time.Time, time.Duration) (bool, error) {
	return false, errors.New("redis: connection refused")
}
func (downStore) Release(context.Context) error { return errors.New("redis: connection refused") }

// TestTokenFailedFetchReleasesLease: a token fetch that fails (a 503, a
// timeout) releases the fetch lease, so the next caller, in the same
// instance or another sharing the store, fetches at once instead of waiting
// the 30 s lease out. The clock is frozen: without the release the next
// caller would wait until its context ends.
func TestTokenFailedFetchReleasesLease(t *testing.T) {
	t.Parallel()
	faults := map[string]wechattest.Fault{
		"503":     {Path: "/cgi-bin/token", Status: http.StatusServiceUnavailable},
		"timeout": {Path: "/cgi-bin/token", Delay: time.Minute},
	}
	for name, fault := range faults {
		for _, instances := range []int{1, 2} {
			t.Run(fmt.Sprintf("%s/%d instances", name, instances), func(t *testing.T) {
				t.Parallel()
				store := &countingStore{TokenStore: wechat.NewMemoryTokenStore()}
				tweak := func(cfg *wechat.Config) {
					cfg.TokenStore = store
					cfg.Retry.MaxAttempts = 1
					cfg.HTTPClient = &http.Client{Timeout: 200 * time.Millisecond}
				}
				srv, first, clk := setup(t, wechattest.Config{}, tweak)
				next := first
				if instances == 2 {
					cfg := srv.Config()
					cfg.Clock = clk.Now
					tweak(&cfg)
					var err error
					next, err = wechat.New(cfg)
					require.NoError(t, err)
				}
				srv.Inject(fault)
				require.Error(t, sendText(t.Context(), first, "o1", "a"), "the token fetch fails")
				assert.Zero(t, srv.TokenFetches())

				ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
				defer cancel()
				require.NoError(t, sendText(ctx, next, "o1", "b"), "the next caller fetches at once")
				assert.Equal(t, 1, srv.TokenFetches())
				assert.Equal(t, int32(2), store.leases.Load(), "one lease per fetch, no waiting")
				assert.Len(t, srv.Sent(), 1)
			})
		}
	}
}

// TestTokenTwoInstancesFetchOnce: 100 callers over two instances sharing a
// store cause one fetch.
func TestTokenTwoInstancesFetchOnce(t *testing.T) {
	t.Parallel()
	store := wechat.NewMemoryTokenStore()
	srv, a, clk := setup(t, wechattest.Config{}, func(cfg *wechat.Config) { cfg.TokenStore = store })
	cfg := srv.Config()
	cfg.Clock, cfg.TokenStore = clk.Now, store
	b, err := wechat.New(cfg)
	require.NoError(t, err)
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for i := range 100 {
		c := a
		if i%2 == 1 {
			c = b
		}
		wg.Go(func() { errs <- sendText(t.Context(), c, fmt.Sprintf("o%d", i), "hi") })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	assert.Equal(t, 1, srv.TokenFetches(), "100 callers on two instances, one fetch")
	assert.Len(t, srv.Sent(), 100)
}

func TestTokenStoreDownNeverFetchesBehindItsBack(t *testing.T) {
	t.Parallel()
	srv, c, _ := setup(t, wechattest.Config{}, func(cfg *wechat.Config) { cfg.TokenStore = downStore{} })
	err := sendText(t.Context(), c, "o1", "a")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "token store")
	assert.Zero(t, srv.TokenFetches(), "fetching without the shared store would invalidate the other instances' token")
}

// storedWhileLeasing is a TokenStore in which another instance stores its
// freshly fetched token (ending its lease) just before this instance's
// Lease: the lease is granted, but the token is already there.
type storedWhileLeasing struct {
	*wechat.MemoryTokenStore
	theirs wechat.Token
	once   sync.Once
}

func (s *storedWhileLeasing) Lease(ctx context.Context, now time.Time, ttl time.Duration) (bool, error) {
	s.once.Do(func() { _, _ = s.MemoryTokenStore.Replace(ctx, wechat.Token{}, s.theirs) })
	return s.MemoryTokenStore.Lease(ctx, now, ttl)
}

func TestTokenStoredBetweenLoadAndLeaseIsNotFetchedAgain(t *testing.T) {
	t.Parallel()
	store := &storedWhileLeasing{MemoryTokenStore: wechat.NewMemoryTokenStore()}
	srv, c, clk := setup(t, wechattest.Config{}, func(cfg *wechat.Config) { cfg.TokenStore = store })
	// The other instance fetches the token the platform now holds.
	other := wechat.NewMemoryTokenStore()
	cfg := srv.Config()
	cfg.Clock, cfg.TokenStore = clk.Now, other
	b, err := wechat.New(cfg)
	require.NoError(t, err)
	require.NoError(t, sendText(t.Context(), b, "o0", "hi"))
	require.Equal(t, 1, srv.TokenFetches())
	store.theirs, err = other.Load(t.Context())
	require.NoError(t, err)

	require.NoError(t, sendText(t.Context(), c, "o1", "hi"))
	assert.Equal(t, 1, srv.TokenFetches(), "the token stored by the other instance is used, not fetched again")
	assert.Len(t, srv.Sent(), 2)
}
