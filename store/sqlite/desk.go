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

// Desk is a desk.Store in the SQLite file: capacity is checked and claimed
// in one immediate transaction (BEGIN IMMEDIATE, the DB's single connection),
// so processes sharing the file never exceed an agent's capacity nor assign a
// conversation twice. Safe for concurrent use.
type Desk struct {
	deskStore
	db sqldb.DB
}

type deskStore = sqldb.Desk

var _ desk.Store = (*Desk)(nil)

// NewDesk returns the desk store of db (its tables come with db's
// migrations).
func NewDesk(db *DB) *Desk {
	// The immediate transactions serialize creates, so the check before the
	// insert decides and no unique violation needs reading.
	d := db.shared()
	return &Desk{deskStore: sqldb.NewDesk(d, sqldb.DeskDialect{Newest: "rowid"}), db: d}
}

// Assign implements desk.Store: the agent's load and the conversation's claim
// change in one immediate transaction.
func (s *Desk) Assign(ctx context.Context, convID, agentID string, capacity int, now time.Time) (desk.Conversation, error) {
	var c desk.Conversation
	err := s.db.Conn.Tx(ctx, func(tx sqldb.Conn) error {
		var err error
		c, err = sqldb.ScanConv(tx.QueryRow(ctx, `SELECT `+sqldb.ConvCols+` FROM desk_conversations WHERE id = ?`, convID))
		if err != nil {
			return err
		}
		var online bool
		var load int
		var agent []byte
		err = tx.QueryRow(ctx, `SELECT online, load, data FROM desk_agents WHERE id = ?`, agentID).Scan(&online, &load, &agent)
		if errors.Is(err, sql.ErrNoRows) {
			return desk.ErrNotFound
		}
		if err != nil {
			return err
		}
		if c.Status != desk.StatusQueued {
			return fmt.Errorf("%w: conversation is %s", desk.ErrConflict, c.Status)
		}
		if !online || load >= capacity {
			return desk.ErrCapacity
		}
		if _, err := tx.Exec(ctx, `UPDATE desk_agents SET load = load + 1 WHERE id = ?`, agentID); err != nil {
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

// MarkFired implements desk.Store.
func (s *Desk) MarkFired(ctx context.Context, convID, key string, now time.Time) (bool, error) {
	n, err := s.db.Conn.Exec(ctx, `INSERT INTO desk_fired (conversation, key, at_ns) VALUES (?, ?, ?)
		ON CONFLICT DO NOTHING`, convID, key, now.UnixNano())
	return n == 1, sqldb.DeskErr(s.db, "mark fired", err)
}
