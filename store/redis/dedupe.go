package redis

import (
	"context"
	"fmt"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/switchboard-go/switchboard/channel"
)

// DedupeStore is a channel.DedupeStore on Redis: one key per claim under
// the prefix's "dedupe:" space, holding its state and deadline ("f" or "d"
// and Unix milliseconds) and expiring with it (PX), so the server forgets
// expired claims by itself. The deadline is compared with the caller's
// clock, so an injected clock works as it does for the other stores. Each
// call is one round trip (a Lua script where check and set must be
// atomic; see Store for a webhook delivery's round trips). Safe for
// concurrent use.
type DedupeStore struct{ s *Store }

// Dedupe returns the DedupeStore of s.
func (s *Store) Dedupe() *DedupeStore { return &DedupeStore{s: s} }

var _ channel.DedupeStore = (*DedupeStore)(nil)

// claimScript: KEYS[1] the claim; ARGV now_ms, until_ms, px. Returns 1 new,
// 2 in flight, 3 done.
var claimScript = goredis.NewScript(`
local v = redis.call('GET', KEYS[1])
if v and tonumber(string.sub(v, 2)) > tonumber(ARGV[1]) then
	if string.sub(v, 1, 1) == 'd' then return 3 end
	return 2
end
redis.call('SET', KEYS[1], 'f' .. ARGV[2], 'PX', ARGV[3])
return 1`)

// releaseScript deletes KEYS[1] only while it is in flight.
var releaseScript = goredis.NewScript(`
local v = redis.call('GET', KEYS[1])
if v and string.sub(v, 1, 1) == 'f' then return redis.call('DEL', KEYS[1]) end
return 0`)

func (d *DedupeStore) key(k string) string { return d.s.prefix + "dedupe:" + k }

// px is how long Redis keeps a claim: its duration, at least 1 ms.
func px(d time.Duration) int64 { return max(d.Milliseconds(), 1) }

// Claim implements channel.DedupeStore. With a channel.Delivery in ctx
// whose event is an interaction by a customer, the same round trip touches
// the customer's window and reads their conversation for the calls that
// follow (see Store).
func (d *DedupeStore) Claim(ctx context.Context, key string, now time.Time, lease time.Duration) (channel.ClaimStatus, error) {
	var claim *goredis.Cmd
	keys, args := []string{d.key(key)}, []any{now.UnixMilli(), now.Add(lease).UnixMilli(), px(lease)}
	err := d.s.pipelined(ctx, func(p goredis.Pipeliner) {
		claim = claimScript.Eval(ctx, p, keys, args...)
		d.s.prefetch(ctx, p, now)
	})
	if err != nil {
		return 0, fmt.Errorf("redis: claim: %w", err)
	}
	st, err := claim.Int()
	if err != nil {
		return 0, fmt.Errorf("redis: claim: %w", err)
	}
	return claimStatus(st)
}

// Complete implements channel.DedupeStore. Writes of the delivery in ctx
// still waiting go in the same round trip.
func (d *DedupeStore) Complete(ctx context.Context, key string, now time.Time, ttl time.Duration) error {
	v := fmt.Sprintf("d%d", now.Add(ttl).UnixMilli())
	err := d.s.ending(ctx, func(p goredis.Pipeliner) {
		p.Set(ctx, d.key(key), v, time.Duration(px(ttl))*time.Millisecond)
	})
	if err != nil {
		return fmt.Errorf("redis: complete: %w", err)
	}
	return nil
}

// Release implements channel.DedupeStore. Writes of the delivery in ctx
// still waiting go in the same round trip.
func (d *DedupeStore) Release(ctx context.Context, key string) error {
	err := d.s.ending(ctx, func(p goredis.Pipeliner) {
		releaseScript.Eval(ctx, p, []string{d.key(key)})
	})
	if err != nil {
		return fmt.Errorf("redis: release: %w", err)
	}
	return nil
}

// claimStatus maps the script's answer to a ClaimStatus; anything unknown
// reads as in flight, which makes the platform retry.
func claimStatus(st int) (channel.ClaimStatus, error) {
	switch st {
	case 1:
		return channel.ClaimNew, nil
	case 3:
		return channel.ClaimDone, nil
	}
	return channel.ClaimInFlight, nil
}
