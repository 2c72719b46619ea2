package redis

import (
	"context"
	"fmt"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/switchboard-go/switchboard/channel"
)

// QuotaStore is a channel.QuotaStore on Redis: a sorted set "quota:<name>"
// of the counted sends scored by time (µs), members the recipient (unique
// mode) or the recipient and a sequence number. Take is one Lua script:
// expire, check and count are atomic. Safe for concurrent use.
type QuotaStore struct {
	s        *Store
	set, seq string
}

// Quota returns the QuotaStore of the quota called name on s.
func (s *Store) Quota(name string) *QuotaStore {
	return &QuotaStore{s: s, set: s.Key("quota", name), seq: s.Key("quota", name, "seq")}
}

var _ channel.QuotaStore = (*QuotaStore)(nil)

// quotaTake: KEYS set, seq; ARGV now_us, window_us, limit, unique (1/0),
// recipient. Returns {wait_us, ticket}.
var quotaTake = goredis.NewScript(`
local now, window = tonumber(ARGV[1]), tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if ARGV[4] == '1' and redis.call('ZSCORE', KEYS[1], ARGV[5]) then return {0, ''} end
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
	local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
	return {math.max(1, tonumber(oldest[2]) + window - now), ''}
end
local member = ARGV[5]
if ARGV[4] ~= '1' then member = member .. '\0' .. redis.call('INCR', KEYS[2]) end
redis.call('ZADD', KEYS[1], now, member)
redis.call('PEXPIRE', KEYS[1], math.ceil(window / 1000) + 1000)
return {0, member}`)

// Take implements channel.QuotaStore in one round trip.
func (q *QuotaStore) Take(ctx context.Context, a channel.Address, now time.Time, window time.Duration, limit int, unique bool) (time.Duration, string, error) {
	u := "0"
	if unique {
		u = "1"
	}
	res, err := quotaTake.Run(ctx, q.s.rdb, []string{q.set, q.seq}, now.UnixMicro(), window.Microseconds(), limit, u, a.String()).Slice()
	if err != nil || len(res) != 2 {
		return 0, "", fmt.Errorf("redis: quota: %w", err)
	}
	wait, _ := res[0].(int64)
	ticket, _ := res[1].(string)
	return time.Duration(wait) * time.Microsecond, ticket, nil
}

// Refund implements channel.QuotaStore.
func (q *QuotaStore) Refund(ctx context.Context, ticket string) error {
	if ticket == "" {
		return nil
	}
	if err := q.s.rdb.ZRem(ctx, q.set, ticket).Err(); err != nil {
		return fmt.Errorf("redis: quota refund: %w", err)
	}
	return nil
}

// Used implements channel.QuotaStore.
func (q *QuotaStore) Used(ctx context.Context, now time.Time, window time.Duration) (int, error) {
	n, err := q.s.rdb.ZCount(ctx, q.set, fmt.Sprintf("(%d", now.Add(-window).UnixMicro()), "+inf").Result()
	if err != nil {
		return 0, fmt.Errorf("redis: quota: %w", err)
	}
	return int(n), nil
}
