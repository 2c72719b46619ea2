package sqlite

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/switchboard-go/switchboard/channel"
)

// QuotaStore is a channel.QuotaStore in the switchboard_quota_sends table.
// Take is one immediate transaction (SQLite's single writer makes it
// atomic). Safe for concurrent use.
type QuotaStore struct {
	db   *DB
	name string
}

// Quota returns the QuotaStore of the quota called name in d.
func (d *DB) Quota(name string) *QuotaStore { return &QuotaStore{db: d, name: name} }

var _ channel.QuotaStore = (*QuotaStore)(nil)

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
	member := a.String()
	if unique {
		var one int
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM switchboard_quota_sends WHERE quota = ? AND member = ?`, q.name, member).Scan(&one)
		if err == nil {
			return 0, "", tx.Commit()
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return 0, "", fmt.Errorf("sqlite: quota: %w", err)
		}
	} else {
		var b [8]byte
		_, _ = rand.Read(b[:])
		member += "\x00" + hex.EncodeToString(b[:])
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

// Refund implements channel.QuotaStore.
func (q *QuotaStore) Refund(ctx context.Context, ticket string) error {
	if ticket == "" {
		return nil
	}
	if _, err := q.db.db.ExecContext(ctx, `DELETE FROM switchboard_quota_sends WHERE quota = ? AND member = ?`, q.name, ticket); err != nil {
		return fmt.Errorf("sqlite: quota refund: %w", err)
	}
	return nil
}

// Used implements channel.QuotaStore.
func (q *QuotaStore) Used(ctx context.Context, now time.Time, window time.Duration) (int, error) {
	var n int
	if err := q.db.db.QueryRowContext(ctx, `SELECT count(*) FROM switchboard_quota_sends WHERE quota = ? AND at_us > ?`,
		q.name, now.Add(-window).UnixMicro()).Scan(&n); err != nil {
		return 0, fmt.Errorf("sqlite: quota: %w", err)
	}
	return n, nil
}
