package redis

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/switchboard-go/switchboard/wechat"
)

// TokenStore is a wechat.TokenStore for one AppID on Redis: the token in
// "wx:<appid>:token" ("<expires ms>|<value>"; one small key per AppID, never expired by
// Redis, so a compare-and-swap against an expired token still matches) and
// the fetch lease in "wx:<appid>:lease" (its end in Unix ms, compared with
// the caller's clock, and expiring with PX). Replace and Lease are Lua
// scripts, so each is atomic and one round trip. The token is stored in
// clear; it is short-lived. Safe for concurrent use.
type TokenStore struct {
	s          *Store
	tok, lease string
}

// WeChatTokens returns the TokenStore of appID on s.
func (s *Store) WeChatTokens(appID string) *TokenStore {
	return &TokenStore{s: s, tok: s.Key("wx", appID, "token"), lease: s.Key("wx", appID, "lease")}
}

var _ wechat.TokenStore = (*TokenStore)(nil)

// Load implements wechat.TokenStore.
func (t *TokenStore) Load(ctx context.Context) (wechat.Token, error) {
	v, err := t.s.rdb.Get(ctx, t.tok).Result()
	if errors.Is(err, goredis.Nil) {
		return wechat.Token{}, nil
	}
	if err != nil {
		return wechat.Token{}, fmt.Errorf("redis: wechat token: %w", err)
	}
	return parseToken(v), nil
}

// parseToken reads "<expires ms>|<value>"; anything else is no token.
func parseToken(v string) wechat.Token {
	ms, val, ok := strings.Cut(v, "|")
	n, err := strconv.ParseInt(ms, 10, 64)
	if !ok || err != nil || val == "" {
		return wechat.Token{}
	}
	return wechat.Token{Value: val, ExpiresAt: time.UnixMilli(n).UTC()}
}

// replaceScript: KEYS token, lease; ARGV old value, new encoded. Returns 1
// when stored.
var replaceScript = goredis.NewScript(`
local v = redis.call('GET', KEYS[1])
local cur = ''
if v then
	local i = string.find(v, '|', 1, true)
	if i then cur = string.sub(v, i + 1) end
end
if cur ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
redis.call('DEL', KEYS[2])
return 1`)

// Replace implements wechat.TokenStore (a compare-and-swap that also ends
// the fetch lease).
func (t *TokenStore) Replace(ctx context.Context, old, next wechat.Token) (bool, error) {
	enc := strconv.FormatInt(next.ExpiresAt.UnixMilli(), 10) + "|" + next.Value
	n, err := replaceScript.Run(ctx, t.s.rdb, []string{t.tok, t.lease}, old.Value, enc).Int()
	if err != nil {
		return false, fmt.Errorf("redis: wechat token replace: %w", err)
	}
	return n == 1, nil
}

// leaseScript: KEYS lease; ARGV now ms, until ms, px. Returns 1 when taken.
var leaseScript = goredis.NewScript(`
local v = redis.call('GET', KEYS[1])
if v and tonumber(v) > tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1`)

// Lease implements wechat.TokenStore.
func (t *TokenStore) Lease(ctx context.Context, now time.Time, ttl time.Duration) (bool, error) {
	n, err := leaseScript.Run(ctx, t.s.rdb, []string{t.lease}, now.UnixMilli(), now.Add(ttl).UnixMilli(), px(ttl)).Int()
	if err != nil {
		return false, fmt.Errorf("redis: wechat token lease: %w", err)
	}
	return n == 1, nil
}

// Release ends the fetch lease (after a failed fetch), so the next caller
// fetches at once.
func (t *TokenStore) Release(ctx context.Context) error {
	if err := t.s.rdb.Del(ctx, t.lease).Err(); err != nil {
		return fmt.Errorf("redis: wechat token release: %w", err)
	}
	return nil
}
