package sqldb

import (
	"context"
	"time"

	"github.com/switchboard-go/switchboard/wechat"
)

// WeChatTokens is a wechat.TokenStore for one AppID in the
// switchboard_wechat_tokens table. Safe for concurrent use.
type WeChatTokens struct {
	db    DB
	appID string
}

// NewWeChatTokens returns the WeChatTokens of appID in db.
func NewWeChatTokens(db DB, appID string) WeChatTokens { return WeChatTokens{db, appID} }

// Load implements wechat.TokenStore.
func (s *WeChatTokens) Load(ctx context.Context) (wechat.Token, error) {
	var v string
	var exp int64
	err := s.db.Conn.QueryRow(ctx, `SELECT value, expires_ms FROM switchboard_wechat_tokens WHERE app_id = $1`, s.appID).Scan(&v, &exp)
	if noRows(err) || (err == nil && v == "") {
		return wechat.Token{}, nil
	}
	if err != nil {
		return wechat.Token{}, s.db.wrap("wechat token", err)
	}
	return wechat.Token{Value: v, ExpiresAt: time.UnixMilli(exp).UTC()}, nil
}

// Replace implements wechat.TokenStore: a compare-and-swap on the stored
// value that also ends the fetch lease. The first token of an AppID is an
// insert (old is empty), any later one an update.
func (s *WeChatTokens) Replace(ctx context.Context, old, next wechat.Token) (bool, error) {
	query := `INSERT INTO switchboard_wechat_tokens AS t (app_id, value, expires_ms, lease_until_ms) VALUES ($1, $2, $3, 0)
		ON CONFLICT (app_id) DO UPDATE SET value = excluded.value, expires_ms = excluded.expires_ms, lease_until_ms = 0
		WHERE t.value = $4`
	if old.Value != "" {
		query = `UPDATE switchboard_wechat_tokens SET value = $2, expires_ms = $3, lease_until_ms = 0
			WHERE app_id = $1 AND value = $4`
	}
	n, err := s.db.Conn.Exec(ctx, query, s.appID, next.Value, next.ExpiresAt.UnixMilli(), old.Value)
	if err != nil {
		return false, s.db.wrap("wechat token replace", err)
	}
	return n == 1, nil
}

// Lease implements wechat.TokenStore.
func (s *WeChatTokens) Lease(ctx context.Context, now time.Time, ttl time.Duration) (bool, error) {
	n, err := s.db.Conn.Exec(ctx, `INSERT INTO switchboard_wechat_tokens AS t (app_id, lease_until_ms) VALUES ($1, $2)
		ON CONFLICT (app_id) DO UPDATE SET lease_until_ms = excluded.lease_until_ms WHERE t.lease_until_ms <= $3`,
		s.appID, now.Add(ttl).UnixMilli(), now.UnixMilli())
	if err != nil {
		return false, s.db.wrap("wechat token lease", err)
	}
	return n == 1, nil
}

// Release ends the fetch lease (after a failed fetch), so the next caller
// fetches at once.
func (s *WeChatTokens) Release(ctx context.Context) error {
	if _, err := s.db.Conn.Exec(ctx, `UPDATE switchboard_wechat_tokens SET lease_until_ms = 0 WHERE app_id = $1`, s.appID); err != nil {
		return s.db.wrap("wechat token release", err)
	}
	return nil
}
