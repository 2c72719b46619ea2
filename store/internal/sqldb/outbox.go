package sqldb

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/switchboard-go/switchboard/channel"
)

// Outbox is a channel.Outbox in the switchboard_outbox table, the message
// kept as JSON. Safe for concurrent use.
type Outbox struct{ db DB }

// NewOutbox returns the Outbox of db.
func NewOutbox(db DB) Outbox { return Outbox{db} }

// Put implements channel.Outbox.
func (o *Outbox) Put(ctx context.Context, e channel.OutboxEntry) (string, error) {
	b, err := json.Marshal(e.Message)
	if err != nil {
		return "", o.db.wrap("outbox", err)
	}
	var id int64
	if err := o.db.Conn.QueryRow(ctx, `INSERT INTO switchboard_outbox (message, state, err, at_ns) VALUES ($1, $2, $3, $4) RETURNING id`,
		string(b), int(e.State), e.Err, e.At.UnixNano()).Scan(&id); err != nil {
		return "", o.db.wrap("outbox put", err)
	}
	return strconv.FormatInt(id, 10), nil
}

// Pending implements channel.Outbox.
func (o *Outbox) Pending(ctx context.Context, limit int) ([]channel.OutboxEntry, error) {
	rows, err := o.db.Conn.Query(ctx, `SELECT id, message, state, err, at_ns FROM switchboard_outbox ORDER BY at_ns, id LIMIT $1`, limit)
	if err != nil {
		return nil, o.db.wrap("outbox", err)
	}
	out, err := scanAll(rows, func(r Rows) (channel.OutboxEntry, error) {
		var (
			id, at int64
			msg    string
			e      channel.OutboxEntry
		)
		if err := r.Scan(&id, &msg, &e.State, &e.Err, &at); err != nil {
			return e, err
		}
		if err := json.Unmarshal([]byte(msg), &e.Message); err != nil {
			return e, fmt.Errorf("entry %d: %w", id, err)
		}
		e.ID, e.At = strconv.FormatInt(id, 10), time.Unix(0, at).UTC()
		return e, nil
	})
	if err != nil {
		return nil, o.db.wrap("outbox", err)
	}
	return out, nil
}

// Resolve implements channel.Outbox.
func (o *Outbox) Resolve(ctx context.Context, id string) error {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return nil // no such entry
	}
	if _, err := o.db.Conn.Exec(ctx, `DELETE FROM switchboard_outbox WHERE id = $1`, n); err != nil {
		return o.db.wrap("outbox resolve", err)
	}
	return nil
}
