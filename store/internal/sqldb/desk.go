package sqldb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/desk"
)

// Desk is what the desk.Store of both backends share over the desk_*
// tables of migration 0100: the backend adds MarkFired (desk_fired.at is
// Unix ns on SQLite, a timestamptz on PostgreSQL).
type Desk struct {
	db        DB
	forUpdate string
	newest    string
	unique    func(error) bool
	claim     ClaimFunc
}

// ClaimFunc is the part of Assign that each database makes atomic its own
// way: inside Assign's transaction tx, it raises the load of agentID if the
// agent is online and below capacity, and takes the queued conversation
// convID, returning it and the agent's stored JSON. It returns
// desk.ErrNotFound, desk.ErrConflict or desk.ErrCapacity when it cannot.
type ClaimFunc func(ctx context.Context, tx Conn, convID, agentID string, capacity int) (c desk.Conversation, agent []byte, err error)

// DeskDialect is how the desk SQL of one backend differs.
type DeskDialect struct {
	// ForUpdate ends a SELECT of a row the transaction is about to update:
	// " FOR UPDATE" on PostgreSQL, "" on SQLite (whose transactions take
	// the write lock when they begin).
	ForUpdate string
	// Newest is the column that orders a customer's conversations by
	// creation.
	Newest string
	// Unique reports whether err is the violation of a unique key, which
	// a concurrent CreateConversation may cause after the check; nil where
	// transactions are serialized.
	Unique func(error) bool
	// Claim is Assign's check of the capacity and claim.
	Claim ClaimFunc
}

// NewDesk returns the Desk of db.
func NewDesk(db DB, d DeskDialect) Desk { return Desk{db, d.ForUpdate, d.Newest, d.Unique, d.Claim} }

// DeskErr returns err unless it is nil or one of desk's sentinel errors,
// wrapped as "<backend>: desk <op>: <err>".
func DeskErr(db DB, op string, err error) error {
	if err == nil || errors.Is(err, desk.ErrNotFound) || errors.Is(err, desk.ErrConflict) ||
		errors.Is(err, desk.ErrCapacity) || errors.Is(err, desk.ErrInvalid) {
		return err
	}
	return db.wrap("desk "+op, err)
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

// ConvCols are the columns ScanConv reads.
const ConvCols = `status, agent, version, data, transcript`

// ScanConv reads a conversation from the ConvCols of row; no row is
// desk.ErrNotFound, a NULL transcript a conversation without it.
func ScanConv(row Row) (desk.Conversation, error) {
	var status, agent string
	var version int64
	var data, tr []byte
	if err := row.Scan(&status, &agent, &version, &data, &tr); err != nil {
		if noRows(err) {
			return desk.Conversation{}, desk.ErrNotFound
		}
		return desk.Conversation{}, err
	}
	var c desk.Conversation
	if err := json.Unmarshal(data, &c); err != nil {
		return c, err
	}
	if tr != nil {
		if err := json.Unmarshal(tr, &c.Transcript); err != nil {
			return c, err
		}
		if len(c.Transcript) == 0 {
			c.Transcript = nil
		}
	}
	c.Status, c.Agent, c.Version = desk.Status(status), agent, version
	return c, nil
}

// CreateConversation implements desk.Store: a taken id, or an open
// conversation of the customer, is desk.ErrConflict.
func (s *Desk) CreateConversation(ctx context.Context, c desk.Conversation) (desk.Conversation, error) {
	if c.ID == "" || c.Agent != "" || c.Status == desk.StatusAssigned {
		return desk.Conversation{}, fmt.Errorf("%w: a new conversation needs an id and no agent", desk.ErrConflict)
	}
	c.Version = 1
	data, tr, err := encodeConv(c)
	if err != nil {
		return desk.Conversation{}, DeskErr(s.db, "create", err)
	}
	taken := fmt.Errorf("%w: id taken or the customer has an open conversation", desk.ErrConflict)
	err = s.db.Conn.Tx(ctx, func(tx Conn) error {
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM desk_conversations WHERE id = $1
			OR (channel = $2 AND customer = $3 AND status IN ('queued', 'assigned'))`, c.ID, string(c.Customer.Channel), c.Customer.ID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return taken
		}
		_, err := tx.Exec(ctx, `INSERT INTO desk_conversations (id, channel, customer, status, agent, priority, queued_ns, version, data, transcript)
			VALUES ($1, $2, $3, $4, '', $5, $6, 1, $7, $8)`,
			c.ID, string(c.Customer.Channel), c.Customer.ID, string(c.Status), int(c.Priority), c.QueuedAt.UnixNano(), data, tr)
		if err != nil && s.unique != nil && s.unique(err) {
			return taken // created by a concurrent transaction after the check
		}
		return err
	})
	if err != nil {
		return desk.Conversation{}, DeskErr(s.db, "create", err)
	}
	return c.Clone(), nil
}

// Conversation implements desk.Store.
func (s *Desk) Conversation(ctx context.Context, id string) (desk.Conversation, error) {
	c, err := ScanConv(s.db.Conn.QueryRow(ctx, `SELECT `+ConvCols+` FROM desk_conversations WHERE id = $1`, id))
	return c, DeskErr(s.db, "get", err)
}

// Latest implements desk.Store.
func (s *Desk) Latest(ctx context.Context, customer channel.Address) (desk.Conversation, error) {
	c, err := ScanConv(s.db.Conn.QueryRow(ctx, `SELECT `+ConvCols+` FROM desk_conversations
		WHERE channel = $1 AND customer = $2 ORDER BY `+s.newest+` DESC LIMIT 1`, string(customer.Channel), customer.ID))
	return c, DeskErr(s.db, "latest", err)
}

// UpdateConversation implements desk.Store.
func (s *Desk) UpdateConversation(ctx context.Context, c desk.Conversation) (desk.Conversation, error) {
	err := s.db.Conn.Tx(ctx, func(tx Conn) error {
		var status, agent string
		var version int64
		err := tx.QueryRow(ctx, `SELECT status, agent, version FROM desk_conversations WHERE id = $1`+s.forUpdate, c.ID).Scan(&status, &agent, &version)
		if noRows(err) {
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
			if _, err := tx.Exec(ctx, `UPDATE desk_agents SET load = load - 1 WHERE id = $1 AND load > 0`, agent); err != nil {
				return err
			}
		}
		c.Version++
		data, tr, err := encodeConv(c)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE desk_conversations SET status = $1, agent = $2, priority = $3, queued_ns = $4, version = $5, data = $6, transcript = $7
			WHERE id = $8`, string(c.Status), c.Agent, int(c.Priority), c.QueuedAt.UnixNano(), c.Version, data, tr, c.ID)
		return err
	})
	if err != nil {
		return desk.Conversation{}, DeskErr(s.db, "update", err)
	}
	return c.Clone(), nil
}

// Conversations implements desk.Store.
func (s *Desk) Conversations(ctx context.Context, q desk.Query) ([]desk.Conversation, error) {
	cols := ConvCols
	if q.Summary {
		cols = `status, agent, version, data, NULL`
	}
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if len(q.Statuses) > 0 {
		in := make([]string, len(q.Statuses))
		for i, st := range q.Statuses {
			in[i] = arg(string(st))
		}
		where = append(where, `status IN (`+strings.Join(in, `, `)+`)`)
	}
	if q.Agent != "" {
		where = append(where, `agent = `+arg(q.Agent))
	}
	query := `SELECT ` + cols + ` FROM desk_conversations`
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, ` AND `)
	}
	query += ` ORDER BY priority DESC, queued_ns, id`
	if q.Limit > 0 {
		query += fmt.Sprintf(` LIMIT %d`, q.Limit)
	}
	rows, err := s.db.Conn.Query(ctx, query, args...)
	if err != nil {
		return nil, DeskErr(s.db, "list", err)
	}
	out, err := scanAll(rows, func(r Rows) (desk.Conversation, error) { return ScanConv(r) })
	return out, DeskErr(s.db, "list", err)
}

// Assign implements desk.Store: the claim, the agent's IdleSince and the
// conversation's new status, agent and version commit together or not at
// all.
func (s *Desk) Assign(ctx context.Context, convID, agentID string, capacity int, now time.Time) (desk.Conversation, error) {
	var c desk.Conversation
	err := s.db.Conn.Tx(ctx, func(tx Conn) error {
		var agent []byte
		var err error
		if c, agent, err = s.claim(ctx, tx, convID, agentID, capacity); err != nil {
			return err
		}
		var a desk.Agent
		if err := json.Unmarshal(agent, &a); err != nil {
			return err
		}
		a.IdleSince = now
		if agent, err = json.Marshal(a); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE desk_agents SET data = $1 WHERE id = $2`, agent, agentID); err != nil {
			return err
		}
		c.Status, c.Agent, c.AssignedAt = desk.StatusAssigned, agentID, now
		c.Version++
		data, _, err := encodeConv(c)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE desk_conversations SET status = 'assigned', agent = $1, version = $2, data = $3 WHERE id = $4`,
			agentID, c.Version, data, convID)
		return err
	})
	if err != nil {
		return desk.Conversation{}, DeskErr(s.db, "assign", err)
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
		return DeskErr(s.db, "put agent", err)
	}
	_, err = s.db.Conn.Exec(ctx, `INSERT INTO desk_agents (id, online, load, data) VALUES ($1, $2, 0, $3)
		ON CONFLICT (id) DO UPDATE SET online = excluded.online, data = excluded.data`, a.ID, a.Online, data)
	return DeskErr(s.db, "put agent", err)
}

func scanAgent(row Row) (desk.AgentState, error) {
	var load int
	var data []byte
	if err := row.Scan(&load, &data); err != nil {
		if noRows(err) {
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
	a, err := scanAgent(s.db.Conn.QueryRow(ctx, `SELECT load, data FROM desk_agents WHERE id = $1`, id))
	return a, DeskErr(s.db, "agent", err)
}

// Agents implements desk.Store.
func (s *Desk) Agents(ctx context.Context) ([]desk.AgentState, error) {
	rows, err := s.db.Conn.Query(ctx, `SELECT load, data FROM desk_agents ORDER BY id`)
	if err != nil {
		return nil, DeskErr(s.db, "agents", err)
	}
	out, err := scanAll(rows, func(r Rows) (desk.AgentState, error) { return scanAgent(r) })
	return out, DeskErr(s.db, "agents", err)
}

// AppendAudit implements desk.Store.
func (s *Desk) AppendAudit(ctx context.Context, e desk.AuditEntry) error {
	data, err := json.Marshal(e)
	if err != nil {
		return DeskErr(s.db, "audit", err)
	}
	_, err = s.db.Conn.Exec(ctx, `INSERT INTO desk_audit (conversation, data) VALUES ($1, $2)`, e.ConversationID, data)
	return DeskErr(s.db, "audit", err)
}

// Audit implements desk.Store.
func (s *Desk) Audit(ctx context.Context, convID string) ([]desk.AuditEntry, error) {
	rows, err := s.db.Conn.Query(ctx, `SELECT data FROM desk_audit WHERE conversation = $1 ORDER BY seq`, convID)
	if err != nil {
		return nil, DeskErr(s.db, "audit", err)
	}
	out, err := scanAll(rows, func(r Rows) (desk.AuditEntry, error) {
		var data []byte
		var e desk.AuditEntry
		if err := r.Scan(&data); err != nil {
			return e, err
		}
		return e, json.Unmarshal(data, &e)
	})
	return out, DeskErr(s.db, "audit", err)
}
