package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/switchboard-go/switchboard/wechat"
)

// TokenStore is a wechat.TokenStore for one AppID in the
// switchboard_wechat_tokens table, shared by every instance. The token is stored in clear (it is
// short-lived; restrict the database role accordingly). Safe for concurrent use.
type TokenStore struct {
	db    *DB
	appID string
}

// WeChatTokens returns the TokenStore of appID in d.
func (d *DB) WeChatTokens(appID string) *TokenStore { return &TokenStore{db: d, appID: appID} }

var _ wechat.TokenStore = (*TokenStore)(nil)

// Load implements wechat.TokenStore.
func (s *TokenStore) Load(ctx context.Context) (wechat.Token, error) {
	var v string
	var exp int64
	err := s.db.pool.QueryRow(ctx, `SELECT value, expires_ms FROM switchboard_wechat_tokens WHERE app_id = $1`, s.appID).Scan(&v, &exp)
	if errors.Is(err, pgx.ErrNoRows) || (err == nil && v == "") {
		return wechat.Token{}, nil
	}
	if err != nil {
		return wechat.Token{}, fmt.Errorf("postgres: wechat token: %w", err)
	}
	return wechat.Token{Value: v, ExpiresAt: time.UnixMilli(exp).UTC()}, nil
}

// Replace implements wechat.TokenStore: a compare-and-swap on the stored
// value that also ends the fetch lease.
func (s *TokenStore) Replace(ctx context.Context, old, next wechat.Token) (bool, error) {
	r, err := s.db.pool.Exec(ctx, `INSERT INTO switchboard_wechat_tokens AS t (app_id, value, expires_ms, lease_until_ms)
		SELECT $1::text, $2::text, $3::bigint, 0 WHERE $4::text = ''
		ON CONFLICT (app_id) DO UPDATE SET value = excluded.value, expires_ms = excluded.expires_ms, lease_until_ms = 0
		WHERE t.value = $4::text`, s.appID, next.Value, next.ExpiresAt.UnixMilli(), old.Value)
	if err == nil && old.Value != "" {
		r, err = s.db.pool.Exec(ctx, `UPDATE switchboard_wechat_tokens SET value = $2, expires_ms = $3, lease_until_ms = 0
			WHERE app_id = $1 AND value = $4::text`, s.appID, next.Value, next.ExpiresAt.UnixMilli(), old.Value)
	}
	if err != nil {
		return false, fmt.Errorf("postgres: wechat token replace: %w", err)
	}
	return r.RowsAffected() == 1, nil
}

// Lease implements wechat.TokenStore.
func (s *TokenStore) Lease(ctx context.Context, now time.Time, ttl time.Duration) (bool, error) {
	r, err := s.db.pool.Exec(ctx, `INSERT INTO switchboard_wechat_tokens AS t (app_id, lease_until_ms) VALUES ($1, $2::bigint)
		ON CONFLICT (app_id) DO UPDATE SET lease_until_ms = excluded.lease_until_ms WHERE t.lease_until_ms <= $3::bigint`,
		s.appID, now.Add(ttl).UnixMilli(), now.UnixMilli())
	if err != nil {
		return false, fmt.Errorf("postgres: wechat token lease: %w", err)
	}
	return r.RowsAffected() == 1, nil
}

// Release ends the fetch lease (after a failed fetch), so the next caller
// fetches at once.
func (s *TokenStore) Release(ctx context.Context) error {
	if _, err := s.db.pool.Exec(ctx, `UPDATE switchboard_wechat_tokens SET lease_until_ms = 0 WHERE app_id = $1`, s.appID); err != nil {
		return fmt.Errorf("postgres: wechat token release: %w", err)
	}
	return nil
}
