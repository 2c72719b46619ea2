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
// and Unix milliseconds) and expiring with it (PX; an in-flight claim
// channel.TakeoverMemory after it), so the server forgets expired claims by
// itself. The deadline is compared with the caller's
// clock, so an injected clock works as it does for the other stores. Each
// call is one round trip (a Lua script where check and set must be
// atomic; see Store for a webhook delivery's round trips). Safe for
// concurrent use.
type DedupeStore struct{ s *Store }

// Dedupe returns the DedupeStore of s.
func (s *Store) Dedupe() *DedupeStore { return &DedupeStore{s: s} }

var _ channel.DedupeStore = (*DedupeStore)(nil)

// claimScript: KEYS[1] the claim; ARGV now_ms, until_ms, px, memory_ms.
// Returns {status, wait}: status (a channel.ClaimStatus number) 1 new, 2 in
// flight, 3 done, 4 taken over
// (an in-flight claim whose lease ran out less than memory_ms ago). With
// KEYS[2], a customer's window, and ARGV at_ns, px, it also touches the
// window, whatever the claim's answer. With KEYS[3], the customer's
// allowance, and ARGV now_us, every_us, tau_us, a claim the caller gets
// also charges one send to it: wait is 0 when charged, else the wait in µs
// (and nothing is charged); without, or for a claim the caller does not
// get, wait is -1.
var claimScript = pipelineScript(gcraLua + touchLua + `
local now = tonumber(ARGV[1])
local status = 1
local v = redis.call('GET', KEYS[1])
if v and tonumber(string.sub(v, 2)) > now then
	status = 2
	if string.sub(v, 1, 1) == 'd' then status = 3 end
else
	if v and string.sub(v, 1, 1) == 'f' and tonumber(string.sub(v, 2)) + tonumber(ARGV[4]) > now then
		status = 4
	end
	redis.call('SET', KEYS[1], 'f' .. ARGV[2], 'PX', ARGV[3])
end
if #KEYS >= 2 then touch(KEYS[2], ARGV[5], ARGV[6]) end
local wait = -1
if #KEYS >= 3 and (status == 1 or status == 4) then
	wait = gcra(KEYS[3], tonumber(ARGV[7]), tonumber(ARGV[8]), tonumber(ARGV[9]))
end
return {status, wait}`)

// releaseScript deletes KEYS[1] only while it is in flight.
var releaseScript = pipelineScript(`
local v = redis.call('GET', KEYS[1])
if v and string.sub(v, 1, 1) == 'f' then return redis.call('DEL', KEYS[1]) end
return 0`)

func (d *DedupeStore) key(k string) string { return d.s.prefix + "dedupe:" + k }

// px is how long Redis keeps a claim: its duration, at least 1 ms.
func px(d time.Duration) int64 { return max(d.Milliseconds(), 1) }

// Claim implements channel.DedupeStore. With a channel.Delivery in ctx
// whose event is an interaction by a customer, the same round trip touches
// the customer's window and reads their conversation for the calls that
// follow, and a new claim charges the customer's per-recipient allowance
// for the reply (see Store).
func (d *DedupeStore) Claim(ctx context.Context, key string, now time.Time, lease time.Duration) (channel.ClaimStatus, error) {
	var claim *goredis.Cmd
	// The key outlives the lease by channel.TakeoverMemory, so that the
	// claim after a holder that stopped knows it takes over.
	keys, args := []string{d.key(key)}, []any{now.UnixMilli(), now.Add(lease).UnixMilli(),
		px(lease + channel.TakeoverMemory), channel.TakeoverMemory.Milliseconds()}
	pre := d.s.prefetch(ctx, now)
	var c *charge
	if pre != nil && !d.s.cluster { // one script may touch every key
		keys = append(keys, d.s.windowKey(pre.from))
		args = append(args, pre.at, px(deliveryWindowTTL))
		if c = d.s.chargeable(pre.from, now); c != nil {
			keys = append(keys, c.key)
			args = append(args, now.UnixMicro(), c.with.every, c.with.tau)
		}
	}
	err := d.s.pipelined(ctx, func(p goredis.Pipeliner) {
		claim = claimScript.EvalSha(ctx, p, keys, args...)
		if pre != nil {
			if d.s.cluster {
				touchScript.EvalSha(ctx, p, []string{d.s.windowKey(pre.from)}, pre.at, px(deliveryWindowTTL))
			}
			pre.conv = p.Get(ctx, d.s.convKey(pre.from))
		}
	})
	if err != nil {
		return 0, fmt.Errorf("redis: claim: %w", err)
	}
	res, err := claim.Int64Slice()
	if err != nil {
		return 0, fmt.Errorf("redis: claim: %w", err)
	}
	if len(res) != 2 {
		return 0, fmt.Errorf("redis: claim: %d values in the answer, want 2", len(res))
	}
	if pre != nil {
		if (res[0] != 1 && res[0] != 4) || res[1] != 0 {
			c = nil // no charge made
		}
		d.s.prefetched(ctx, pre, c)
	}
	return claimStatus(res[0])
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
		releaseScript.EvalSha(ctx, p, []string{d.key(key)})
	})
	if err != nil {
		return fmt.Errorf("redis: release: %w", err)
	}
	return nil
}

// claimStatus reads the claim's answer, a channel.ClaimStatus number;
// anything else reads as in flight, which makes the platform retry.
func claimStatus(n int64) (channel.ClaimStatus, error) {
	if st := channel.ClaimStatus(n); st >= channel.ClaimNew && st <= channel.ClaimTakenOver {
		return st, nil
	}
	return channel.ClaimInFlight, nil
}
