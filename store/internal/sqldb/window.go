package sqldb

import (
	"context"
	"time"

	"github.com/switchboard-go/switchboard/channel"
)

// Windows is a channel.WindowStore in the switchboard_windows table. Safe
// for concurrent use.
type Windows struct{ db DB }

// NewWindows returns the Windows of db.
func NewWindows(db DB) Windows { return Windows{db} }

// Touch implements channel.WindowStore: an upsert keeping the later time.
func (s *Windows) Touch(ctx context.Context, a channel.Address, at time.Time, ttl time.Duration) error {
	_, err := s.db.Conn.Exec(ctx, `INSERT INTO switchboard_windows AS w (addr, last_ns, expires_ms) VALUES ($1, $2, $3)
		ON CONFLICT (addr) DO UPDATE SET last_ns = excluded.last_ns, expires_ms = excluded.expires_ms
		WHERE excluded.last_ns > w.last_ns`, s.db.Key(a.String()), at.UnixNano(), at.Add(ttl).UnixMilli())
	if err != nil {
		return s.db.wrap("window touch", err)
	}
	return nil
}

// LastSeen implements channel.WindowStore.
func (s *Windows) LastSeen(ctx context.Context, a channel.Address) (time.Time, bool, error) {
	var ns int64
	err := s.db.Conn.QueryRow(ctx, `SELECT last_ns FROM switchboard_windows WHERE addr = $1`, s.db.Key(a.String())).Scan(&ns)
	if noRows(err) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, s.db.wrap("window", err)
	}
	return time.Unix(0, ns).UTC(), true, nil
}

// RecipientLimits is a channel.RecipientLimitStore in the
// switchboard_recipient_limits table (GCRA: one theoretical arrival time a
// recipient). Safe for concurrent use.
type RecipientLimits struct {
	db      DB
	takeSQL string
}

// NewRecipientLimits returns the RecipientLimits of db. takeSQL is the
// conditional upsert of recipient $1 at now $2 (ns) with the emission
// interval $3 and the tolerance $4 (ns): it sets tat_ns to max(tat_ns, now)
// + interval where max(tat_ns, now) - now is at most the tolerance, and
// returns tat_ns; no row means refused.
func NewRecipientLimits(db DB, takeSQL string) RecipientLimits { return RecipientLimits{db, takeSQL} }

// Take implements channel.RecipientLimitStore with one conditional upsert;
// a refusal reads the stored time to say how long to wait.
func (s *RecipientLimits) Take(ctx context.Context, a channel.Address, now time.Time, every time.Duration, burst int) (time.Duration, error) {
	n, e, tau := now.UnixNano(), int64(every), int64(every)*int64(max(burst, 1)-1)
	addr := s.db.Key(a.String())
	var tat int64
	err := s.db.Conn.QueryRow(ctx, s.takeSQL, addr, n, e, tau).Scan(&tat)
	if err == nil {
		return 0, nil
	}
	if !noRows(err) {
		return 0, s.db.wrap("recipient limit", err)
	}
	if err := s.db.Conn.QueryRow(ctx, `SELECT tat_ns FROM switchboard_recipient_limits WHERE addr = $1`, addr).Scan(&tat); err != nil {
		return 0, s.db.wrap("recipient limit", err)
	}
	return time.Duration(max(tat-n-tau, 1)), nil
}
