package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/switchboard-go/switchboard/desk"
	"github.com/switchboard-go/switchboard/store/internal/sqldb"
)

// Desk is a desk.Store in PostgreSQL, the source of truth for several
// instances. Assign raises the agent's load with a conditional UPDATE
// (load < capacity, online) and claims the conversation with SELECT … FOR
// UPDATE SKIP LOCKED in the same transaction: two instances never assign one
// conversation twice nor push an agent over capacity, and an Assign never
// waits behind another's lock. Safe for concurrent use.
type Desk struct {
	deskStore
	db sqldb.DB
}

type deskStore = sqldb.Desk

var _ desk.Store = (*Desk)(nil)

// NewDesk returns the desk store of db (its tables come with db's
// migrations).
func NewDesk(db *DB) *Desk {
	d := db.shared()
	return &Desk{deskStore: sqldb.NewDesk(d, sqldb.DeskDialect{ForUpdate: " FOR UPDATE", Newest: "seq", Unique: isUniqueViolation}), db: d}
}

func isUniqueViolation(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}

// Assign implements desk.Store: the capacity update and the SKIP LOCKED
// claim commit together or not at all.
func (s *Desk) Assign(ctx context.Context, convID, agentID string, capacity int, now time.Time) (desk.Conversation, error) {
	var c desk.Conversation
	err := s.db.Conn.Tx(ctx, func(tx sqldb.Conn) error {
		var agent []byte
		err := tx.QueryRow(ctx, `UPDATE desk_agents SET load = load + 1 WHERE id = $1 AND online AND load < $2 RETURNING data`,
			agentID, capacity).Scan(&agent)
		if errors.Is(err, sql.ErrNoRows) {
			var n int
			if err := tx.QueryRow(ctx, `SELECT count(*) FROM desk_agents WHERE id = $1`, agentID).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return desk.ErrNotFound
			}
			if err := convState(ctx, tx, convID); err != nil {
				return err
			}
			return desk.ErrCapacity
		}
		if err != nil {
			return err
		}
		c, err = sqldb.ScanConv(tx.QueryRow(ctx, `SELECT `+sqldb.ConvCols+` FROM desk_conversations WHERE id = $1 AND status = 'queued'
			FOR UPDATE SKIP LOCKED`, convID))
		if errors.Is(err, desk.ErrNotFound) {
			if err := convState(ctx, tx, convID); err != nil {
				return err
			}
			return fmt.Errorf("%w: conversation being changed by another instance", desk.ErrConflict)
		}
		if err != nil {
			return err
		}
		c, err = sqldb.Assigned(ctx, tx, c, agentID, agent, now)
		return err
	})
	if err != nil {
		return desk.Conversation{}, sqldb.DeskErr(s.db, "assign", err)
	}
	return c, nil
}

// convState returns ErrNotFound for a missing conversation and ErrConflict
// for one that is not queued (read without waiting for locks).
func convState(ctx context.Context, tx sqldb.Conn, convID string) error {
	var status string
	err := tx.QueryRow(ctx, `SELECT status FROM desk_conversations WHERE id = $1`, convID).Scan(&status)
	if errors.Is(err, sql.ErrNoRows) {
		return desk.ErrNotFound
	}
	if err != nil {
		return err
	}
	if status != string(desk.StatusQueued) {
		return fmt.Errorf("%w: conversation is %s", desk.ErrConflict, status)
	}
	return nil
}

// MarkFired implements desk.Store.
func (s *Desk) MarkFired(ctx context.Context, convID, key string, now time.Time) (bool, error) {
	n, err := s.db.Conn.Exec(ctx, `INSERT INTO desk_fired (conversation, key, at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
		convID, key, now)
	return n == 1, sqldb.DeskErr(s.db, "mark fired", err)
}
