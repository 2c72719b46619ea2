package redis

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	goredis "github.com/redis/go-redis/v9"

	"github.com/switchboard-go/switchboard/channel"
)

// Outbox is a channel.Outbox on Redis: each entry a JSON value under
// "outbox:<id>" (ids from INCR on "outbox:seq") and a sorted set "outbox"
// ordering them by failure time (µs). Put is one Lua script. Entries never
// expire: they wait for Resolve. Safe for concurrent use.
type Outbox struct{ s *Store }

// Outbox returns the Outbox of s.
func (s *Store) Outbox() *Outbox { return &Outbox{s: s} }

var _ channel.Outbox = (*Outbox)(nil)

// putScript: KEYS seq, index; ARGV entry prefix, JSON, score. Returns the id.
var putScript = goredis.NewScript(`
local id = redis.call('INCR', KEYS[1])
redis.call('SET', ARGV[1] .. id, ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], id)
return id`)

func (o *Outbox) entryPrefix() string { return o.s.Key("outbox", "") }

// Put implements channel.Outbox.
func (o *Outbox) Put(ctx context.Context, e channel.OutboxEntry) (string, error) {
	e.ID = ""
	b, err := json.Marshal(e)
	if err != nil {
		return "", fmt.Errorf("redis: outbox: %w", err)
	}
	id, err := putScript.Run(ctx, o.s.rdb, []string{o.s.Key("outbox", "seq"), o.s.Key("outbox")},
		o.entryPrefix(), b, e.At.UnixMicro()).Int64()
	if err != nil {
		return "", fmt.Errorf("redis: outbox put: %w", err)
	}
	return strconv.FormatInt(id, 10), nil
}

// Pending implements channel.Outbox in two round trips (the index, then
// the entries).
func (o *Outbox) Pending(ctx context.Context, limit int) ([]channel.OutboxEntry, error) {
	if limit <= 0 {
		return nil, nil
	}
	ids, err := o.s.rdb.ZRange(ctx, o.s.Key("outbox"), 0, int64(limit-1)).Result()
	if err != nil {
		return nil, fmt.Errorf("redis: outbox: %w", err)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	keys := make([]string, len(ids))
	for i, id := range ids {
		keys[i] = o.entryPrefix() + id
	}
	vals, err := o.s.rdb.MGet(ctx, keys...).Result()
	if err != nil {
		return nil, fmt.Errorf("redis: outbox: %w", err)
	}
	out := make([]channel.OutboxEntry, 0, len(ids))
	for i, v := range vals {
		s, ok := v.(string)
		if !ok {
			continue // resolved between the two reads
		}
		var e channel.OutboxEntry
		if err := json.Unmarshal([]byte(s), &e); err != nil {
			return nil, fmt.Errorf("redis: outbox entry %s: %w", ids[i], err)
		}
		e.ID = ids[i]
		out = append(out, e)
	}
	return out, nil
}

// Resolve implements channel.Outbox.
func (o *Outbox) Resolve(ctx context.Context, id string) error {
	_, err := o.s.rdb.TxPipelined(ctx, func(p goredis.Pipeliner) error {
		p.ZRem(ctx, o.s.Key("outbox"), id)
		p.Del(ctx, o.entryPrefix()+id)
		return nil
	})
	if err != nil {
		return fmt.Errorf("redis: outbox resolve: %w", err)
	}
	return nil
}
