package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/desk"
)

// Desk is a desk.Store in PostgreSQL, the source of truth for several
// instances. Assign raises the agent's load with a conditional UPDATE
// (load < capacity, online) and claims the conversation with SELECT … FOR
// UPDATE SKIP LOCKED in the same transaction: two instances never assign one
// conversation twice nor push an agent over capacity, and an Assign never
// waits behind another's lock. Safe for concurrent use.
type Desk struct {
	pool *pgxpool.Pool
}

var _ desk.Store = (*Desk)(nil)

// NewDesk returns the desk store of db (its tables come with db's
// migrations).
func NewDesk(db *DB) *Desk { return &Desk{pool: db.pool} }

func deskErr(op string, err error) error {
	if err == nil || errors.Is(err, desk.ErrNotFound) || errors.Is(err, desk.ErrConflict) ||
		errors.Is(err, desk.ErrCapacity) || errors.Is(err, desk.ErrInvalid) {
		return err
	}
	return fmt.Errorf("postgres: desk %s: %w", op, err)
}

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

const convCols = `status, agent, version, data, transcript`

func scanConv(row pgx.Row) (desk.Conversation, error) {
	var status, agent string
	var version int64
	var data, tr []byte
	if err := row.Scan(&status, &agent, &version, &data, &tr); err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
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
	_, err = s.pool.Exec(ctx, `INSERT INTO desk_conversations (id, channel, customer, status, agent, priority, queued_ns, version, data, transcript)
		VALUES ($1, $2, $3, $4, '', $5, $6, 1, $7, $8)`,
		c.ID, string(c.Customer.Channel), c.Customer.ID, string(c.Status), int(c.Priority), c.QueuedAt.UnixNano(), data, tr)
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "23505" {
		return desk.Conversation{}, fmt.Errorf("%w: id taken or the customer has an open conversation", desk.ErrConflict)
	}
	if err != nil {
		return desk.Conversation{}, deskErr("create", err)
	}
	return c.Clone(), nil
}

// Conversation implements desk.Store.
func (s *Desk) Conversation(ctx context.Context, id string) (desk.Conversation, error) {
	c, err := scanConv(s.pool.QueryRow(ctx, `SELECT `+convCols+` FROM desk_conversations WHERE id = $1`, id))
	return c, deskErr("get", err)
}

// Latest implements desk.Store.
func (s *Desk) Latest(ctx context.Context, customer channel.Address) (desk.Conversation, error) {
	c, err := scanConv(s.pool.QueryRow(ctx, `SELECT `+convCols+` FROM desk_conversations
		WHERE channel = $1 AND customer = $2 ORDER BY seq DESC LIMIT 1`, string(customer.Channel), customer.ID))
	return c, deskErr("latest", err)
}

// UpdateConversation implements desk.Store.
func (s *Desk) UpdateConversation(ctx context.Context, c desk.Conversation) (desk.Conversation, error) {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var status, agent string
		var version int64
		err := tx.QueryRow(ctx, `SELECT status, agent, version FROM desk_conversations WHERE id = $1 FOR UPDATE`, c.ID).Scan(&status, &agent, &version)
		if errors.Is(err, pgx.ErrNoRows) {
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
		return desk.Conversation{}, deskErr("update", err)
	}
	return c.Clone(), nil
}

// Conversations implements desk.Store.
func (s *Desk) Conversations(ctx context.Context, q desk.Query) ([]desk.Conversation, error) {
	cols := convCols
	if q.Summary {
		cols = `status, agent, version, data, NULL::jsonb`
	}
	var where []string
	var args []any
	if len(q.Statuses) > 0 {
		sts := make([]string, len(q.Statuses))
		for i, st := range q.Statuses {
			sts[i] = string(st)
		}
		args = append(args, sts)
		where = append(where, fmt.Sprintf(`status = ANY($%d)`, len(args)))
	}
	if q.Agent != "" {
		args = append(args, q.Agent)
		where = append(where, fmt.Sprintf(`agent = $%d`, len(args)))
	}
	query := `SELECT ` + cols + ` FROM desk_conversations`
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, ` AND `)
	}
	query += ` ORDER BY priority DESC, queued_ns, id`
	if q.Limit > 0 {
		query += fmt.Sprintf(` LIMIT %d`, q.Limit)
	}
	rows, err := s.pool.Query(ctx, query, args...)
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

// Assign implements desk.Store: the capacity update and the SKIP LOCKED
// claim commit together or not at all.
func (s *Desk) Assign(ctx context.Context, convID, agentID string, capacity int, now time.Time) (desk.Conversation, error) {
	var c desk.Conversation
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var adata []byte
		err := tx.QueryRow(ctx, `UPDATE desk_agents SET load = load + 1 WHERE id = $1 AND online AND load < $2 RETURNING data`,
			agentID, capacity).Scan(&adata)
		if errors.Is(err, pgx.ErrNoRows) {
			var n int
			if err := tx.QueryRow(ctx, `SELECT count(*) FROM desk_agents WHERE id = $1`, agentID).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return desk.ErrNotFound
			}
			if err := s.convState(ctx, tx, convID); err != nil {
				return err
			}
			return desk.ErrCapacity
		}
		if err != nil {
			return err
		}
		c, err = scanConv(tx.QueryRow(ctx, `SELECT `+convCols+` FROM desk_conversations WHERE id = $1 AND status = 'queued'
			FOR UPDATE SKIP LOCKED`, convID))
		if errors.Is(err, desk.ErrNotFound) {
			if err := s.convState(ctx, tx, convID); err != nil {
				return err
			}
			return fmt.Errorf("%w: conversation being changed by another instance", desk.ErrConflict)
		}
		if err != nil {
			return err
		}
		var a desk.Agent
		if err := json.Unmarshal(adata, &a); err != nil {
			return err
		}
		a.IdleSince = now
		if adata, err = json.Marshal(a); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE desk_agents SET data = $1 WHERE id = $2`, adata, agentID); err != nil {
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
		return desk.Conversation{}, deskErr("assign", err)
	}
	return c, nil
}

// convState returns ErrNotFound for a missing conversation and ErrConflict
// for one that is not queued (read without waiting for locks).
func (s *Desk) convState(ctx context.Context, tx pgx.Tx, convID string) error {
	var status string
	err := tx.QueryRow(ctx, `SELECT status FROM desk_conversations WHERE id = $1`, convID).Scan(&status)
	if errors.Is(err, pgx.ErrNoRows) {
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

// PutAgent implements desk.Store. The agent's load is kept.
func (s *Desk) PutAgent(ctx context.Context, a desk.Agent) error {
	if a.ID == "" {
		return fmt.Errorf("%w: agent without id", desk.ErrInvalid)
	}
	data, err := json.Marshal(a)
	if err != nil {
		return deskErr("put agent", err)
	}
	_, err = s.pool.Exec(ctx, `INSERT INTO desk_agents (id, online, load, data) VALUES ($1, $2, 0, $3)
		ON CONFLICT (id) DO UPDATE SET online = excluded.online, data = excluded.data`, a.ID, a.Online, data)
	return deskErr("put agent", err)
}

func scanAgent(row pgx.Row) (desk.AgentState, error) {
	var load int
	var data []byte
	if err := row.Scan(&load, &data); err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
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
	a, err := scanAgent(s.pool.QueryRow(ctx, `SELECT load, data FROM desk_agents WHERE id = $1`, id))
	return a, deskErr("agent", err)
}

// Agents implements desk.Store.
func (s *Desk) Agents(ctx context.Context) ([]desk.AgentState, error) {
	rows, err := s.pool.Query(ctx, `SELECT load, data FROM desk_agents ORDER BY id`)
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
	tag, err := s.pool.Exec(ctx, `INSERT INTO desk_fired (conversation, key, at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
		convID, key, now)
	if err != nil {
		return false, deskErr("mark fired", err)
	}
	return tag.RowsAffected() == 1, nil
}

// AppendAudit implements desk.Store.
func (s *Desk) AppendAudit(ctx context.Context, e desk.AuditEntry) error {
	data, err := json.Marshal(e)
	if err != nil {
		return deskErr("audit", err)
	}
	_, err = s.pool.Exec(ctx, `INSERT INTO desk_audit (conversation, data) VALUES ($1, $2)`, e.ConversationID, data)
	return deskErr("audit", err)
}

// Audit implements desk.Store.
func (s *Desk) Audit(ctx context.Context, convID string) ([]desk.AuditEntry, error) {
	rows, err := s.pool.Query(ctx, `SELECT data FROM desk_audit WHERE conversation = $1 ORDER BY seq`, convID)
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
