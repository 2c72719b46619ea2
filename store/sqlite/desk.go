package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/desk"
)

// Desk is a desk.Store in the SQLite file: capacity is checked and claimed
// in one immediate transaction (BEGIN IMMEDIATE, the DB's single connection),
// so processes sharing the file never exceed an agent's capacity nor assign a
// conversation twice. Safe for concurrent use.
type Desk struct {
	db *sql.DB
}

var _ desk.Store = (*Desk)(nil)

// NewDesk returns the desk store of db (its tables come with db's
// migrations).
func NewDesk(db *DB) *Desk { return &Desk{db: db.db} }

func deskErr(op string, err error) error {
	if err == nil || errors.Is(err, desk.ErrNotFound) || errors.Is(err, desk.ErrConflict) ||
		errors.Is(err, desk.ErrCapacity) || errors.Is(err, desk.ErrInvalid) {
		return err
	}
	return fmt.Errorf("sqlite: desk %s: %w", op, err)
}

// encodeConv splits c into its JSON without and with only the transcript.
func encodeConv(c desk.Conversation) (data, transcript []byte, err error) {
	t := c.Transcript
	c.Transcript = nil
	if data, err = json.Marshal(c); err != nil {
		return nil, nil, err
	}
	if t == nil {
		t = []desk.Entry{}
	}
	transcript, err = json.Marshal(t)
	return data, transcript, err
}

func decodeConv(data, transcript []byte, status, agent string, version int64) (desk.Conversation, error) {
	var c desk.Conversation
	if err := json.Unmarshal(data, &c); err != nil {
		return c, err
	}
	if transcript != nil {
		if err := json.Unmarshal(transcript, &c.Transcript); err != nil {
			return c, err
		}
		if len(c.Transcript) == 0 {
			c.Transcript = nil
		}
	}
	c.Status, c.Agent, c.Version = desk.Status(status), agent, version
	return c, nil
}

func (s *Desk) tx(ctx context.Context, op string, f func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil) // immediate: the DB opens with _txlock=immediate
	if err != nil {
		return deskErr(op, err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	if err := f(tx); err != nil {
		return deskErr(op, err)
	}
	return deskErr(op, tx.Commit())
}

// CreateConversation implements desk.Store.
func (s *Desk) CreateConversation(ctx context.Context, c desk.Conversation) (desk.Conversation, error) {
	if c.ID == "" || c.Agent != "" || c.Status == desk.StatusAssigned {
		return desk.Conversation{}, fmt.Errorf("%w: a new conversation needs an id and no agent", desk.ErrConflict)
	}
	c.Version = 1
	data, tr, err := encodeConv(c)
	if err != nil {
		return desk.Conversation{}, deskErr("create", err)
	}
	err = s.tx(ctx, "create", func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM desk_conversations WHERE id = ?
			OR (channel = ? AND customer = ? AND status IN ('queued', 'assigned'))`, c.ID, c.Customer.Channel, c.Customer.ID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return fmt.Errorf("%w: id taken or the customer has an open conversation", desk.ErrConflict)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO desk_conversations (id, channel, customer, status, agent, priority, queued_ns, version, data, transcript)
			VALUES (?, ?, ?, ?, '', ?, ?, 1, ?, ?)`, c.ID, c.Customer.Channel, c.Customer.ID, c.Status, c.Priority, c.QueuedAt.UnixNano(), data, tr)
		return err
	})
	if err != nil {
		return desk.Conversation{}, err
	}
	return c.Clone(), nil
}

const convCols = `status, agent, version, data, transcript`

func scanConv(row interface{ Scan(...any) error }) (desk.Conversation, error) {
	var status, agent string
	var version int64
	var data, tr []byte
	if err := row.Scan(&status, &agent, &version, &data, &tr); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return desk.Conversation{}, desk.ErrNotFound
		}
		return desk.Conversation{}, err
	}
	return decodeConv(data, tr, status, agent, version)
}

// Conversation implements desk.Store.
func (s *Desk) Conversation(ctx context.Context, id string) (desk.Conversation, error) {
	c, err := scanConv(s.db.QueryRowContext(ctx, `SELECT `+convCols+` FROM desk_conversations WHERE id = ?`, id))
	return c, deskErr("get", err)
}

// Latest implements desk.Store.
func (s *Desk) Latest(ctx context.Context, customer channel.Address) (desk.Conversation, error) {
	c, err := scanConv(s.db.QueryRowContext(ctx, `SELECT `+convCols+` FROM desk_conversations
		WHERE channel = ? AND customer = ? ORDER BY rowid DESC LIMIT 1`, customer.Channel, customer.ID))
	return c, deskErr("latest", err)
}

// UpdateConversation implements desk.Store.
func (s *Desk) UpdateConversation(ctx context.Context, c desk.Conversation) (desk.Conversation, error) {
	err := s.tx(ctx, "update", func(tx *sql.Tx) error {
		var status, agent string
		var version int64
		err := tx.QueryRowContext(ctx, `SELECT status, agent, version FROM desk_conversations WHERE id = ?`, c.ID).Scan(&status, &agent, &version)
		if errors.Is(err, sql.ErrNoRows) {
			return desk.ErrNotFound
		}
		if err != nil {
			return err
		}
		if version != c.Version {
			return fmt.Errorf("%w: version %d, stored %d", desk.ErrConflict, c.Version, version)
		}
		if c.Agent != "" && c.Agent != agent || c.Status == desk.StatusAssigned && status != string(desk.StatusAssigned) {
			return fmt.Errorf("%w: agents are set only by Assign", desk.ErrConflict)
		}
		if c.Status != desk.StatusAssigned {
			c.Agent = ""
		}
		if status == string(desk.StatusAssigned) && c.Status != desk.StatusAssigned {
			if _, err := tx.ExecContext(ctx, `UPDATE desk_agents SET load = load - 1 WHERE id = ? AND load > 0`, agent); err != nil {
				return err
			}
		}
		c.Version++
		data, tr, err := encodeConv(c)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE desk_conversations SET status = ?, agent = ?, priority = ?, queued_ns = ?, version = ?, data = ?, transcript = ?
			WHERE id = ?`, c.Status, c.Agent, c.Priority, c.QueuedAt.UnixNano(), c.Version, data, tr, c.ID)
		return err
	})
	if err != nil {
		return desk.Conversation{}, err
	}
	return c.Clone(), nil
}

// Conversations implements desk.Store.
func (s *Desk) Conversations(ctx context.Context, q desk.Query) ([]desk.Conversation, error) {
	cols := convCols
	if q.Summary {
		cols = `status, agent, version, data, NULL`
	}
	var where []string
	var args []any
	if len(q.Statuses) > 0 {
		where = append(where, `status IN (?`+strings.Repeat(`, ?`, len(q.Statuses)-1)+`)`)
		for _, st := range q.Statuses {
			args = append(args, string(st))
		}
	}
	if q.Agent != "" {
		where = append(where, `agent = ?`)
		args = append(args, q.Agent)
	}
	query := `SELECT ` + cols + ` FROM desk_conversations`
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, ` AND `)
	}
	query += ` ORDER BY priority DESC, queued_ns, id`
	if q.Limit > 0 {
		query += fmt.Sprintf(` LIMIT %d`, q.Limit)
	}
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, deskErr("list", err)
	}
	defer rows.Close()
	var out []desk.Conversation
	for rows.Next() {
		c, err := scanConv(rows)
		if err != nil {
			return nil, deskErr("list", err)
		}
		out = append(out, c)
	}
	return out, deskErr("list", rows.Err())
}

// Assign implements desk.Store: the agent's load and the conversation's claim
// change in one immediate transaction.
func (s *Desk) Assign(ctx context.Context, convID, agentID string, capacity int, now time.Time) (desk.Conversation, error) {
	var c desk.Conversation
	err := s.tx(ctx, "assign", func(tx *sql.Tx) error {
		var err error
		c, err = scanConv(tx.QueryRowContext(ctx, `SELECT `+convCols+` FROM desk_conversations WHERE id = ?`, convID))
		if err != nil {
			return err
		}
		var online bool
		var load int
		var adata []byte
		err = tx.QueryRowContext(ctx, `SELECT online, load, data FROM desk_agents WHERE id = ?`, agentID).Scan(&online, &load, &adata)
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
		var a desk.Agent
		if err := json.Unmarshal(adata, &a); err != nil {
			return err
		}
		a.IdleSince = now
		if adata, err = json.Marshal(a); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE desk_agents SET load = load + 1, data = ? WHERE id = ?`, adata, agentID); err != nil {
			return err
		}
		c.Status, c.Agent, c.AssignedAt = desk.StatusAssigned, agentID, now
		c.Version++
		data, _, err := encodeConv(c)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE desk_conversations SET status = 'assigned', agent = ?, version = ?, data = ? WHERE id = ?`,
			agentID, c.Version, data, convID)
		return err
	})
	if err != nil {
		return desk.Conversation{}, err
	}
	return c, nil
}

// PutAgent implements desk.Store. The agent's load is kept.
func (s *Desk) PutAgent(ctx context.Context, a desk.Agent) error {
	if a.ID == "" {
		return fmt.Errorf("%w: agent without id", desk.ErrInvalid)
	}
	data, err := json.Marshal(a)
	if err != nil {
		return deskErr("put agent", err)
	}
	_, err = s.db.ExecContext(ctx, `INSERT INTO desk_agents (id, online, load, data) VALUES (?, ?, 0, ?)
		ON CONFLICT (id) DO UPDATE SET online = excluded.online, data = excluded.data`, a.ID, a.Online, data)
	return deskErr("put agent", err)
}

func scanAgent(row interface{ Scan(...any) error }) (desk.AgentState, error) {
	var load int
	var data []byte
	if err := row.Scan(&load, &data); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return desk.AgentState{}, desk.ErrNotFound
		}
		return desk.AgentState{}, err
	}
	var a desk.Agent
	err := json.Unmarshal(data, &a)
	return desk.AgentState{Agent: a, Load: load}, err
}

// Agent implements desk.Store.
func (s *Desk) Agent(ctx context.Context, id string) (desk.AgentState, error) {
	a, err := scanAgent(s.db.QueryRowContext(ctx, `SELECT load, data FROM desk_agents WHERE id = ?`, id))
	return a, deskErr("agent", err)
}

// Agents implements desk.Store.
func (s *Desk) Agents(ctx context.Context) ([]desk.AgentState, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT load, data FROM desk_agents ORDER BY id`)
	if err != nil {
		return nil, deskErr("agents", err)
	}
	defer rows.Close()
	var out []desk.AgentState
	for rows.Next() {
		a, err := scanAgent(rows)
		if err != nil {
			return nil, deskErr("agents", err)
		}
		out = append(out, a)
	}
	return out, deskErr("agents", rows.Err())
}

// MarkFired implements desk.Store.
func (s *Desk) MarkFired(ctx context.Context, convID, key string, now time.Time) (bool, error) {
	res, err := s.db.ExecContext(ctx, `INSERT INTO desk_fired (conversation, key, at_ns) VALUES (?, ?, ?)
		ON CONFLICT DO NOTHING`, convID, key, now.UnixNano())
	if err != nil {
		return false, deskErr("mark fired", err)
	}
	n, err := res.RowsAffected()
	return n == 1, deskErr("mark fired", err)
}

// AppendAudit implements desk.Store.
func (s *Desk) AppendAudit(ctx context.Context, e desk.AuditEntry) error {
	data, err := json.Marshal(e)
	if err != nil {
		return deskErr("audit", err)
	}
	_, err = s.db.ExecContext(ctx, `INSERT INTO desk_audit (conversation, data) VALUES (?, ?)`, e.ConversationID, data)
	return deskErr("audit", err)
}

// Audit implements desk.Store.
func (s *Desk) Audit(ctx context.Context, convID string) ([]desk.AuditEntry, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT data FROM desk_audit WHERE conversation = ? ORDER BY seq`, convID)
	if err != nil {
		return nil, deskErr("audit", err)
	}
	defer rows.Close()
	var out []desk.AuditEntry
	for rows.Next() {
		var data []byte
		var e desk.AuditEntry
		if err := rows.Scan(&data); err != nil {
			return nil, deskErr("audit", err)
		}
		if err := json.Unmarshal(data, &e); err != nil {
			return nil, deskErr("audit", err)
		}
		out = append(out, e)
	}
	return out, deskErr("audit", rows.Err())
}
