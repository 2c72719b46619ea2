package wechat

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/switchboard-go/switchboard/channel"
)

// Token is an access token and the moment WeChat stops accepting it. It is
// a plain value, safe to copy and share.
type Token struct {
	// Value is the access_token; it is a secret: never log it.
	Value string
	// ExpiresAt is when WeChat stops accepting Value (fetch time plus
	// expires_in).
	ExpiresAt time.Time
}

// IsZero reports whether t holds no token.
func (t Token) IsZero() bool { return t.Value == "" }

// TokenStore holds the access token one account's instances share. WeChat
// keeps a single current token per AppID: fetching a new one invalidates the
// previous one (after a short grace), so instances that each fetched their own
// would knock each other out. A shared store lets exactly one instance fetch
// and the others read the result.
//
// The contract is small enough for Redis (GET; a Lua compare-and-set; SET NX
// PX for the lease) or SQL (SELECT; UPDATE ... WHERE value = old; UPDATE ...
// WHERE lease_until < now). Use one store per AppID.
//
// Implementations must be safe for concurrent use.
type TokenStore interface {
	// Load returns the stored token, or the zero Token when there is none.
	Load(ctx context.Context) (Token, error)
	// Replace stores next only if the stored token's Value is still
	// old.Value (a zero old matches an empty store): a compare-and-swap, so
	// a token another instance already replaced is never overwritten, and an
	// invalid token is only discarded if it is still the current one. It
	// reports whether it stored next.
	Replace(ctx context.Context, old, next Token) (bool, error)
	// Lease grants the caller the right to fetch a new token until now+ttl
	// and reports false when another holder's lease has not expired. It
	// keeps instances from fetching at the same moment; Replace keeps them
	// correct when a lease runs out mid-fetch. A successful Replace may end
	// the lease early.
	Lease(ctx context.Context, now time.Time, ttl time.Duration) (bool, error)
	// Release ends the fetch lease at once, whoever holds it, so the next
	// caller (in this instance or another) may fetch without waiting for
	// the lease to run out. A client calls it after a failed fetch (a 503,
	// a timeout). Releasing a lease nobody holds is not an error. (Redis:
	// DEL of the lease key; SQL: UPDATE ... SET lease_until = NULL.)
	Release(ctx context.Context) error
}

// MemoryTokenStore is the in-memory TokenStore, for a single instance (the
// default) or for tests. The zero value is ready to use and safe for
// concurrent use.
type MemoryTokenStore struct {
	mu         sync.Mutex
	tok        Token
	leaseUntil time.Time
}

// NewMemoryTokenStore returns an empty MemoryTokenStore.
func NewMemoryTokenStore() *MemoryTokenStore { return &MemoryTokenStore{} }

// Load implements TokenStore. It never fails.
func (s *MemoryTokenStore) Load(context.Context) (Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tok, nil
}

// Replace implements TokenStore. It never fails.
func (s *MemoryTokenStore) Replace(_ context.Context, old, next Token) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tok.Value != old.Value {
		return false, nil
	}
	s.tok = next
	s.leaseUntil = time.Time{}
	return true, nil
}

// Lease implements TokenStore. It never fails.
func (s *MemoryTokenStore) Lease(_ context.Context, now time.Time, ttl time.Duration) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if now.Before(s.leaseUntil) {
		return false, nil
	}
	s.leaseUntil = now.Add(ttl)
	return true, nil
}

// Release implements TokenStore. It never fails.
func (s *MemoryTokenStore) Release(context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.leaseUntil = time.Time{}
	return nil
}

// tokens hands out the access token: from a local copy while it is fresh,
// else through one flight per process that reads the shared store and, when
// the store's token is stale too, takes the lease and fetches.
type tokens struct {
	store  TokenStore
	fetch  func(ctx context.Context, force bool) (Token, error)
	clock  channel.Clock
	margin time.Duration // refresh this long before ExpiresAt
	lease  time.Duration // how long one fetch may hold the lease
	poll   time.Duration // how often a waiter re-reads the store

	cached atomic.Pointer[cachedToken]

	mu     sync.Mutex
	flight *flight
}

// cachedToken is the local copy of the token and when to look again.
type cachedToken struct {
	Token
	refreshAt time.Time
}

// flight is one in-progress refresh; every caller waiting for a token joins
// the same one (a singleflight of one key).
type flight struct {
	done chan struct{}
	tok  Token
	err  error
}

func (t *tokens) now() time.Time {
	if t.clock == nil {
		return time.Now()
	}
	return t.clock()
}

func (t *tokens) fresh(tok Token, bad string) bool {
	return tok.Value != "" && tok.Value != bad && t.now().Add(t.margin).Before(tok.ExpiresAt)
}

// get returns a usable token. bad is a token the API just refused (or ""):
// get never returns it, and replaces it in the store only while it is still
// the current one.
func (t *tokens) get(ctx context.Context, bad string) (Token, error) {
	// A flight started before this caller's token was refused may bring back
	// that very token; then this caller starts (or joins) a newer one.
	for range 3 {
		if c := t.cached.Load(); c != nil && c.Value != bad && t.now().Before(c.refreshAt) {
			return c.Token, nil
		}
		f := t.join(ctx, bad)
		select {
		case <-f.done:
		case <-ctx.Done():
			return Token{}, ctx.Err()
		}
		if f.err != nil {
			return Token{}, f.err
		}
		if bad == "" || f.tok.Value != bad {
			return f.tok, nil
		}
	}
	return Token{}, errors.New("wechat: no access token other than the refused one")
}

// join returns the refresh in progress, starting one if there is none.
func (t *tokens) join(ctx context.Context, bad string) *flight {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.flight == nil {
		f := &flight{done: make(chan struct{})}
		t.flight = f
		// The refresh outlives any one caller's cancellation: the others
		// waiting on it still want the token. It keeps ctx's values.
		go t.run(context.WithoutCancel(ctx), f, bad)
	}
	return t.flight
}

func (t *tokens) run(ctx context.Context, f *flight, bad string) {
	ctx, cancel := context.WithTimeout(ctx, t.lease+t.lease)
	defer cancel()
	var prev Token // the local token, usable while a shared store is down
	if c := t.cached.Load(); c != nil && c.Value != bad && t.now().Before(c.ExpiresAt) {
		prev = c.Token
	}
	f.tok, f.err = t.refresh(ctx, bad, prev)
	if f.err == nil {
		// Look again margin before expiry; a token already inside the margin
		// (a short-lived one, or the stable endpoint handing back the current
		// token) is looked at again halfway to its expiry, so short tokens
		// never cause a fetch per call.
		now := t.now()
		at := f.tok.ExpiresAt.Add(-t.margin)
		if !now.Before(at) {
			at = now.Add(f.tok.ExpiresAt.Sub(now) / 2)
		}
		t.cached.Store(&cachedToken{Token: f.tok, refreshAt: at})
	}
	t.mu.Lock()
	t.flight = nil
	t.mu.Unlock()
	close(f.done)
}

// refresh reads the store and, when its token is stale or bad, fetches a new
// one under the lease. Without the lease it waits for the holder's token.
// When the store or the fetch fails it falls back to a token that is inside
// the refresh margin but has not expired (prev, or the store's), if any.
func (t *tokens) refresh(ctx context.Context, bad string, prev Token) (Token, error) {
	fallback := prev
	for {
		cur, err := t.store.Load(ctx)
		if err != nil {
			if !fallback.IsZero() {
				return fallback, nil
			}
			return Token{}, fmt.Errorf("wechat: token store: %w", err)
		}
		if t.fresh(cur, bad) {
			return cur, nil
		}
		if cur.Value != bad && cur.Value != "" && t.now().Before(cur.ExpiresAt) {
			fallback = cur
		}
		ok, err := t.store.Lease(ctx, t.now(), t.lease)
		if err != nil {
			if !fallback.IsZero() {
				return fallback, nil
			}
			return Token{}, fmt.Errorf("wechat: token store: %w", err)
		}
		if ok {
			// Another instance may have stored a token between our Load and
			// our Lease (its Replace ended its lease): look again before
			// fetching, or WeChat would issue a second token and invalidate
			// the one every other instance just read.
			if again, err := t.store.Load(ctx); err == nil && t.fresh(again, bad) {
				_ = t.store.Release(ctx)
				return again, nil
			}
			// force: the stable-token endpoint in normal mode hands back the
			// token it considers current; when that is the one WeChat just
			// refused, only a forced refresh helps.
			next, err := t.fetch(ctx, bad != "" && cur.Value == bad)
			if err == nil && next.Value == bad && bad != "" {
				next, err = t.fetch(ctx, true)
				if err == nil && next.Value == bad {
					err = errors.New("wechat: token endpoint keeps returning the refused token")
				}
			}
			if err != nil {
				// Free the lease: the next caller, here or in another
				// instance, fetches at once instead of waiting it out.
				// Best effort: a store that fails here lets the lease
				// expire on its own.
				_ = t.store.Release(ctx)
				if !fallback.IsZero() {
					return fallback, nil
				}
				return Token{}, err
			}
			swapped, err := t.store.Replace(ctx, cur, next)
			if err != nil {
				// WeChat already issued next: use it even if sharing failed.
				return next, nil
			}
			if swapped {
				return next, nil
			}
			// Another instance stored a token while we fetched (its lease
			// had run out): ours is newer at WeChat, the stored one still
			// works during WeChat's grace. Take ours only if nothing fresh
			// is stored.
			if stored, err := t.store.Load(ctx); err == nil && t.fresh(stored, bad) {
				return stored, nil
			}
			return next, nil
		}
		// Another instance holds the lease: wait for its token.
		timer := time.NewTimer(t.poll)
		select {
		case <-ctx.Done():
			timer.Stop()
			if !fallback.IsZero() {
				return fallback, nil
			}
			return Token{}, ctx.Err()
		case <-timer.C:
		}
	}
}
