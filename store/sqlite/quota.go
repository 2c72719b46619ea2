package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/store/internal/sqldb"
)

// Take implements channel.QuotaStore.
func (q *QuotaStore) Take(ctx context.Context, a channel.Address, now time.Time, window time.Duration, limit int, unique bool) (wait time.Duration, ticket string, err error) {
	n, cut := now.UnixMicro(), now.Add(-window).UnixMicro()
	tx, err := q.db.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, "", fmt.Errorf("sqlite: quota: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it is a no-op
	if _, err := tx.ExecContext(ctx, `DELETE FROM switchboard_quota_sends WHERE quota = ? AND at_us <= ?`, q.name, cut); err != nil {
		return 0, "", fmt.Errorf("sqlite: quota: %w", err)
	}
	member := sqldb.Member(a, unique)
	if unique {
		var one int
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM switchboard_quota_sends WHERE quota = ? AND member = ?`, q.name, member).Scan(&one)
		if err == nil {
			return 0, "", tx.Commit()
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return 0, "", fmt.Errorf("sqlite: quota: %w", err)
		}
	}
	var used int
	var oldest sql.NullInt64
	if err := tx.QueryRowContext(ctx, `SELECT count(*), min(at_us) FROM switchboard_quota_sends WHERE quota = ?`, q.name).Scan(&used, &oldest); err != nil {
		return 0, "", fmt.Errorf("sqlite: quota: %w", err)
	}
	if used >= limit {
		return time.Duration(max(oldest.Int64+window.Microseconds()-n, 1)) * time.Microsecond, "", tx.Commit()
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO switchboard_quota_sends (quota, member, at_us) VALUES (?, ?, ?)`, q.name, member, n); err != nil {
		return 0, "", fmt.Errorf("sqlite: quota: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return 0, "", fmt.Errorf("sqlite: quota: %w", err)
	}
	return 0, member, nil
}
