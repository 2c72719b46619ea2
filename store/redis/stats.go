package redis

import (
	"context"
	"fmt"
	"strings"

	goredis "github.com/redis/go-redis/v9"

	"github.com/switchboard-go/switchboard/autoreply"
	"github.com/switchboard-go/switchboard/store/internal/statrows"
)

// StatsStore is an autoreply.StatsStore on Redis: one hash "rulestats"
// whose fields are "<kind>\x00<name>", added to with HINCRBY in one MULTI.
// Safe for concurrent use.
type StatsStore struct{ s *Store }

// RuleStats returns the StatsStore of s.
func (s *Store) RuleStats() *StatsStore { return &StatsStore{s: s} }

var _ autoreply.StatsStore = (*StatsStore)(nil)

// AddStats implements autoreply.StatsStore in one round trip.
func (st *StatsStore) AddStats(ctx context.Context, d autoreply.StatsSnapshot) error {
	rows := statrows.Rows(d)
	if len(rows) == 0 {
		return nil
	}
	key := st.s.Key("rulestats")
	_, err := st.s.rdb.TxPipelined(ctx, func(p goredis.Pipeliner) error {
		for _, r := range rows {
			p.HIncrBy(ctx, key, r.Kind+"\x00"+r.Name, r.N)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("redis: add stats: %w", err)
	}
	return nil
}

// LoadStats implements autoreply.StatsStore.
func (st *StatsStore) LoadStats(ctx context.Context) (autoreply.StatsSnapshot, error) {
	m, err := st.s.rdb.HGetAll(ctx, st.s.Key("rulestats")).Result()
	if err != nil {
		return autoreply.StatsSnapshot{}, fmt.Errorf("redis: stats: %w", err)
	}
	rows := make([]statrows.Row, 0, len(m))
	for f, v := range m {
		kind, name, _ := strings.Cut(f, "\x00")
		var n int64
		if _, err := fmt.Sscan(v, &n); err != nil {
			return autoreply.StatsSnapshot{}, fmt.Errorf("redis: stats: %w", err)
		}
		rows = append(rows, statrows.Row{Kind: kind, Name: name, N: n})
	}
	return statrows.Snapshot(rows), nil
}
