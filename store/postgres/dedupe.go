package postgres

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/switchboard-go/switchboard/channel"
)

// claimSQL takes a free or expired key and answers, in one round trip and
// as a channel.ClaimStatus number, 1 (new), 2 (in flight), 3 (done) or 4
// (taken over: the row it replaced was an in-flight claim whose lease ran
// out less than channel.TakeoverMemory ago); old reads the row as it was
// before the statement. A key inserted by a concurrent claim makes the
// insert wait for it and then do nothing; the statement's snapshot may not
// see that row, which then reads as in flight — what it is.
var claimSQL = `WITH old AS (SELECT done, until FROM switchboard_dedupe WHERE key = $1),
taken AS (
	INSERT INTO switchboard_dedupe AS d (key, until, done) VALUES ($1, $2, false)
	ON CONFLICT (key) DO UPDATE SET until = excluded.until, done = false WHERE d.until <= $3
	RETURNING 1)
SELECT CASE WHEN EXISTS (SELECT 1 FROM taken) THEN
		CASE WHEN EXISTS (SELECT 1 FROM old WHERE NOT done AND until > $3::timestamptz - interval '` +
	strconv.FormatInt(int64(channel.TakeoverMemory.Seconds()), 10) + ` seconds') THEN 4 ELSE 1 END
	WHEN (SELECT done FROM switchboard_dedupe WHERE key = $1) THEN 3
	ELSE 2 END`

// Claim implements channel.DedupeStore with one statement (INSERT … ON
// CONFLICT … DO UPDATE … WHERE expired RETURNING).
func (s *DedupeStore) Claim(ctx context.Context, key string, now time.Time, lease time.Duration) (channel.ClaimStatus, error) {
	var st int
	if err := s.db.pool.QueryRow(ctx, claimSQL, []byte(key), now.Add(lease), now).Scan(&st); err != nil {
		return 0, fmt.Errorf("postgres: claim: %w", err)
	}
	return claimStatus(st)
}

// Complete implements channel.DedupeStore.
func (s *DedupeStore) Complete(ctx context.Context, key string, now time.Time, ttl time.Duration) error {
	_, err := s.db.pool.Exec(ctx, `INSERT INTO switchboard_dedupe (key, until, done) VALUES ($1, $2, true)
		ON CONFLICT (key) DO UPDATE SET until = excluded.until, done = true`, []byte(key), now.Add(ttl))
	if err != nil {
		return fmt.Errorf("postgres: complete: %w", err)
	}
	return nil
}

// Release implements channel.DedupeStore.
func (s *DedupeStore) Release(ctx context.Context, key string) error {
	if _, err := s.db.pool.Exec(ctx, `DELETE FROM switchboard_dedupe WHERE key = $1 AND NOT done`, []byte(key)); err != nil {
		return fmt.Errorf("postgres: release: %w", err)
	}
	return nil
}

// claimStatus reads the claim's answer, a channel.ClaimStatus number;
// anything else reads as in flight, which makes the platform retry.
func claimStatus(n int) (channel.ClaimStatus, error) {
	if st := channel.ClaimStatus(n); st >= channel.ClaimNew && st <= channel.ClaimTakenOver {
		return st, nil
	}
	return channel.ClaimInFlight, nil
}
