package redis

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/switchboard-go/switchboard/tracking"
)

// WatchStore is a tracking.WatchStore on Redis: each watch a JSON value
// under "watch:<carrier>\x00<number>", and a sorted set "watches:due" of
// the watches still polled, scored by next poll (µs), so Due is a range
// query, not a scan. Save and Delete are MULTI transactions. Safe for
// concurrent use.
type WatchStore struct{ s *Store }

// Watches returns the WatchStore of s.
func (s *Store) Watches() *WatchStore { return &WatchStore{s: s} }

var _ tracking.WatchStore = (*WatchStore)(nil)

func watchMember(c tracking.Carrier, number string) string { return string(c) + "\x00" + number }

func (ws *WatchStore) key(member string) string { return ws.s.prefix + "watch:" + member }
func (ws *WatchStore) due() string              { return ws.s.prefix + "watches:due" }

// Save implements tracking.WatchStore.
func (ws *WatchStore) Save(ctx context.Context, w tracking.Watch) error {
	b, err := json.Marshal(w)
	if err != nil {
		return fmt.Errorf("redis: watch: %w", err)
	}
	m := watchMember(w.Carrier, w.Number)
	_, err = ws.s.rdb.TxPipelined(ctx, func(p goredis.Pipeliner) error {
		p.Set(ctx, ws.key(m), b, 0)
		if w.Done {
			p.ZRem(ctx, ws.due(), m)
		} else {
			p.ZAdd(ctx, ws.due(), goredis.Z{Score: float64(w.NextPoll.UnixMicro()), Member: m})
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("redis: watch save: %w", err)
	}
	return nil
}

// Load implements tracking.WatchStore.
func (ws *WatchStore) Load(ctx context.Context, carrier tracking.Carrier, number string) (tracking.Watch, bool, error) {
	v, err := ws.s.rdb.Get(ctx, ws.key(watchMember(carrier, number))).Bytes()
	if errors.Is(err, goredis.Nil) {
		return tracking.Watch{}, false, nil
	}
	if err != nil {
		return tracking.Watch{}, false, fmt.Errorf("redis: watch: %w", err)
	}
	var w tracking.Watch
	if err := json.Unmarshal(v, &w); err != nil {
		return tracking.Watch{}, false, fmt.Errorf("redis: watch: %w", err)
	}
	return w, true, nil
}

// Delete implements tracking.WatchStore.
func (ws *WatchStore) Delete(ctx context.Context, carrier tracking.Carrier, number string) error {
	m := watchMember(carrier, number)
	_, err := ws.s.rdb.TxPipelined(ctx, func(p goredis.Pipeliner) error {
		p.Del(ctx, ws.key(m))
		p.ZRem(ctx, ws.due(), m)
		return nil
	})
	if err != nil {
		return fmt.Errorf("redis: watch delete: %w", err)
	}
	return nil
}

// Due implements tracking.WatchStore: a range of the due set, then the
// watches (two round trips). Ties in next poll come in carrier, number
// order (the set orders equal scores by member).
func (ws *WatchStore) Due(ctx context.Context, now time.Time, max int) ([]tracking.Watch, error) {
	members, err := ws.s.rdb.ZRangeByScore(ctx, ws.due(), &goredis.ZRangeBy{
		Min: "-inf", Max: strconv.FormatInt(now.UnixMicro(), 10), Count: int64(max),
	}).Result()
	if err != nil {
		return nil, fmt.Errorf("redis: watches due: %w", err)
	}
	if len(members) == 0 {
		return nil, nil
	}
	keys := make([]string, len(members))
	for i, m := range members {
		keys[i] = ws.key(m)
	}
	vals, err := ws.s.rdb.MGet(ctx, keys...).Result()
	if err != nil {
		return nil, fmt.Errorf("redis: watches due: %w", err)
	}
	out := make([]tracking.Watch, 0, len(vals))
	for i, v := range vals {
		s, ok := v.(string)
		if !ok {
			continue // deleted between the two reads
		}
		var w tracking.Watch
		if err := json.Unmarshal([]byte(s), &w); err != nil {
			return nil, fmt.Errorf("redis: watch %s: %w", strings.ReplaceAll(members[i], "\x00", " "), err)
		}
		out = append(out, w)
	}
	return out, nil
}
