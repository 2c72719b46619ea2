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

func isUniqueViolation(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}

// claimConv raises the agent's load with a conditional UPDATE (online,
// load < capacity) and takes the conversation with SELECT … FOR UPDATE SKIP
// LOCKED, so it never waits behind another instance's lock.
func claimConv(ctx context.Context, tx sqldb.Conn, convID, agentID string, capacity int) (desk.Conversation, []byte, error) {
	var agent []byte
	err := tx.QueryRow(ctx, `UPDATE desk_agents SET load = load + 1 WHERE id = $1 AND online AND load < $2 RETURNING data`,
		agentID, capacity).Scan(&agent)
	if errors.Is(err, sql.ErrNoRows) {
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM desk_agents WHERE id = $1`, agentID).Scan(&n); err != nil {
			return desk.Conversation{}, nil, err
		}
		if n == 0 {
			return desk.Conversation{}, nil, desk.ErrNotFound
		}
		if err := convState(ctx, tx, convID); err != nil {
			return desk.Conversation{}, nil, err
		}
		return desk.Conversation{}, nil, desk.ErrCapacity
	}
	if err != nil {
		return desk.Conversation{}, nil, err
	}
	c, err := sqldb.ScanConv(tx.QueryRow(ctx, `SELECT `+sqldb.ConvCols+` FROM desk_conversations WHERE id = $1 AND status = 'queued'
		FOR UPDATE SKIP LOCKED`, convID))
	if errors.Is(err, desk.ErrNotFound) {
		if err := convState(ctx, tx, convID); err != nil {
			return c, nil, err
		}
		return c, nil, fmt.Errorf("%w: conversation being changed by another instance", desk.ErrConflict)
	}
	return c, agent, err
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
