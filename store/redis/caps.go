package redis

import (
	"context"
	"fmt"
	"strconv"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/switchboard-go/switchboard/notify"
)

// NoticeCaps is a notify.CapStore on Redis: one key per customer under
// "cap:", holding the last capped notice's time (Unix µs) and expiring
// with the period; one Lua script checks and takes. Safe for concurrent
// use.
type NoticeCaps struct{ s *Store }

// NoticeCaps returns the store's notice cap store.
func (s *Store) NoticeCaps() *NoticeCaps { return &NoticeCaps{s: s} }

var _ notify.CapStore = (*NoticeCaps)(nil)

// capScript: KEYS[1]; ARGV now_us, period_us, px. Returns -1 when taken,
// else the last time (µs) that holds the cap.
var capScript = goredis.NewScript(`
local v = redis.call('GET', KEYS[1])
if v and tonumber(v) + tonumber(ARGV[2]) > tonumber(ARGV[1]) then return tonumber(v) end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
return -1`)

// Take implements notify.CapStore in one round trip.
func (c *NoticeCaps) Take(ctx context.Context, customer string, now time.Time, period time.Duration) (bool, time.Time, error) {
	last, err := capScript.Run(ctx, c.s.rdb, []string{c.s.Key("cap", customer)},
		strconv.FormatInt(now.UnixMicro(), 10), strconv.FormatInt(period.Microseconds(), 10), px(period)).Int64()
	if err != nil {
		return false, time.Time{}, fmt.Errorf("redis: notice cap: %w", err)
	}
	if last < 0 {
		return true, time.Time{}, nil
	}
	return false, time.UnixMicro(last).Add(period).UTC(), nil
}
