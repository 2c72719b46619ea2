package redis

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/switchboard-go/switchboard/channel"
)

// WindowStore is a channel.WindowStore on Redis: one key per customer under
// "win:", holding the last time it wrote (Unix ns) and expiring with its
// window. Safe for concurrent use.
type WindowStore struct{ s *Store }

// Windows returns the WindowStore of s.
func (s *Store) Windows() *WindowStore { return &WindowStore{s: s} }

var _ channel.WindowStore = (*WindowStore)(nil)

// touchLua keeps the later of the time at key k and at (Unix ns, a string:
// exact), the key expiring px ms after a write.
const touchLua = `
local function touch(k, at, px)
	local v = redis.call('GET', k)
	if v and (#v > #at or (#v == #at and v >= at)) then return 0 end
	redis.call('SET', k, at, 'PX', px)
	return 1
end
`

// touchScript: KEYS[1]; ARGV at_ns, px.
var touchScript = pipelineScript(touchLua + `
return touch(KEYS[1], ARGV[1], ARGV[2])`)

func (w *WindowStore) key(a channel.Address) string { return w.s.windowKey(a) }

// windowKey is the key of a's window.
func (s *Store) windowKey(a channel.Address) string { return s.prefix + "win:" + a.String() }

// Touch implements channel.WindowStore in one round trip, or none when
// the claim of the delivery in ctx touched the window already (see Store).
func (w *WindowStore) Touch(ctx context.Context, a channel.Address, at time.Time, ttl time.Duration) error {
	if w.s.touchedBefore(ctx, a, at) {
		return nil
	}
	err := w.s.pipelined(ctx, func(p goredis.Pipeliner) {
		touchScript.EvalSha(ctx, p, []string{w.key(a)}, strconv.FormatInt(at.UnixNano(), 10), px(ttl))
	})
	if err != nil {
		return fmt.Errorf("redis: window touch: %w", err)
	}
	return nil
}

// LastSeen implements channel.WindowStore.
func (w *WindowStore) LastSeen(ctx context.Context, a channel.Address) (time.Time, bool, error) {
	var get *goredis.StringCmd
	err := w.s.pipelined(ctx, func(p goredis.Pipeliner) { get = p.Get(ctx, w.key(a)) })
	if err != nil {
		return time.Time{}, false, fmt.Errorf("redis: window: %w", err)
	}
	v, err := get.Int64()
	if errors.Is(err, goredis.Nil) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, fmt.Errorf("redis: window: %w", err)
	}
	return time.Unix(0, v).UTC(), true, nil
}

// RecipientLimitStore is a channel.RecipientLimitStore on Redis: one key
// per recipient under "rl:" holding its GCRA time (Unix µs, exact in Lua's
// numbers), expiring when its allowance is full again. Each Take is one
// Lua script: check and charge are atomic. Safe for concurrent use.
type RecipientLimitStore struct{ s *Store }

// RecipientLimits returns the RecipientLimitStore of s.
func (s *Store) RecipientLimits() *RecipientLimitStore { return &RecipientLimitStore{s: s} }

var _ channel.RecipientLimitStore = (*RecipientLimitStore)(nil)

// gcraLua charges one send to the allowance at key k (GCRA: the value is
// the theoretical arrival time, Unix µs, exact in Lua's numbers) at now
// with interval every and burst tolerance tau, all µs, and returns 0; or
// charges nothing and returns the wait in µs.
const gcraLua = `
local function gcra(k, now, every, tau)
	local tat = tonumber(redis.call('GET', k) or now)
	if tat < now then tat = now end
	if tat - now > tau then return tat - now - tau end
	local next = tat + every
	redis.call('SET', k, string.format('%d', next), 'PX', math.max(1, math.ceil((next - now) / 1000)))
	return 0
end
`

// takeScript: KEYS[1]; ARGV now_us, every_us, tau_us. Returns 0 when
// charged, else the wait in µs.
var takeScript = pipelineScript(gcraLua + `
return gcra(KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]))`)

// refundScript gives back one charge of every_us (ARGV[2]) to the
// allowance at KEYS[1] at now_us (ARGV[1]).
var refundScript = pipelineScript(`
local tat = tonumber(redis.call('GET', KEYS[1]))
if not tat then return 0 end
local now, next = tonumber(ARGV[1]), tat - tonumber(ARGV[2])
if next <= now then return redis.call('DEL', KEYS[1]) end
redis.call('SET', KEYS[1], string.format('%d', next), 'PX', math.max(1, math.ceil((next - now) / 1000)))
return 1`)

// allowance is a per-recipient limit in the scripts' units (µs).
type allowance struct{ every, tau int64 }

func (s *Store) limitKey(a channel.Address) string { return s.prefix + "rl:" + a.String() }

// Take implements channel.RecipientLimitStore in one round trip, which
// also carries the writes the delivery in ctx has waiting — or in none,
// when the claim of that delivery charged a's allowance already (see
// Store). It remembers every and burst per channel, so that the claims of
// later deliveries on the channel can charge the customer's allowance.
func (r *RecipientLimitStore) Take(ctx context.Context, a channel.Address, now time.Time, every time.Duration, burst int) (time.Duration, error) {
	e := every.Microseconds()
	al := allowance{every: e, tau: e * int64(max(burst, 1)-1)}
	if known, ok := r.s.limits.Load(a.Channel); !ok || known.(allowance) != al {
		r.s.limits.Store(a.Channel, al) // only when it changes: a Store allocates
	}
	if r.s.reserved(ctx, a, al) {
		return 0, nil
	}
	var take *goredis.Cmd
	err := r.s.pipelined(ctx, func(p goredis.Pipeliner) {
		take = takeScript.EvalSha(ctx, p, []string{r.s.limitKey(a)}, now.UnixMicro(), al.every, al.tau)
	})
	if err != nil {
		return 0, fmt.Errorf("redis: recipient limit: %w", err)
	}
	wait, err := take.Int64()
	if err != nil {
		return 0, fmt.Errorf("redis: recipient limit: %w", err)
	}
	return time.Duration(wait) * time.Microsecond, nil
}
