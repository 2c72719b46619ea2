package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/switchboard-go/switchboard/desk"
	"github.com/switchboard-go/switchboard/store/internal/sqldb"
)

// claimConv reads the conversation and the agent and raises the agent's
// load; the immediate transaction makes the check and the raise atomic.
func claimConv(ctx context.Context, tx sqldb.Conn, convID, agentID string, capacity int) (desk.Conversation, []byte, error) {
	c, err := sqldb.ScanConv(tx.QueryRow(ctx, `SELECT `+sqldb.ConvCols+` FROM desk_conversations WHERE id = $1`, convID))
	if err != nil {
		return c, nil, err
	}
	var online bool
	var load int
	var agent []byte
	err = tx.QueryRow(ctx, `SELECT online, load, data FROM desk_agents WHERE id = $1`, agentID).Scan(&online, &load, &agent)
	if errors.Is(err, sql.ErrNoRows) {
		return c, nil, desk.ErrNotFound
	}
	if err != nil {
		return c, nil, err
	}
	if c.Status != desk.StatusQueued {
		return c, nil, fmt.Errorf("%w: conversation is %s", desk.ErrConflict, c.Status)
	}
	if !online || load >= capacity {
		return c, nil, desk.ErrCapacity
	}
	_, err = tx.Exec(ctx, `UPDATE desk_agents SET load = load + 1 WHERE id = $1`, agentID)
	return c, agent, err
}

// MarkFired implements desk.Store.
func (s *Desk) MarkFired(ctx context.Context, convID, key string, now time.Time) (bool, error) {
	n, err := s.db.Conn.Exec(ctx, `INSERT INTO desk_fired (conversation, key, at_ns) VALUES ($1, $2, $3)
		ON CONFLICT DO NOTHING`, convID, key, now.UnixNano())
	return n == 1, sqldb.DeskErr(s.db, "mark fired", err)
}
