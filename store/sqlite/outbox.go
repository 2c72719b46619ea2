package sqlite

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/switchboard-go/switchboard/channel"
)

// Outbox is a channel.Outbox in the switchboard_outbox table. Safe for
// concurrent use.
type Outbox struct{ db *DB }

// Outbox returns the Outbox of d.
func (d *DB) Outbox() *Outbox { return &Outbox{db: d} }

var _ channel.Outbox = (*Outbox)(nil)

// Put implements channel.Outbox.
func (o *Outbox) Put(ctx context.Context, e channel.OutboxEntry) (string, error) {
	b, err := json.Marshal(e.Message)
	if err != nil {
		return "", fmt.Errorf("sqlite: outbox: %w", err)
	}
	var id int64
	if err := o.db.db.QueryRowContext(ctx, `INSERT INTO switchboard_outbox (message, state, err, at_ns) VALUES (?, ?, ?, ?) RETURNING id`,
		string(b), int(e.State), e.Err, e.At.UnixNano()).Scan(&id); err != nil {
		return "", fmt.Errorf("sqlite: outbox put: %w", err)
	}
	return strconv.FormatInt(id, 10), nil
}

// Pending implements channel.Outbox.
func (o *Outbox) Pending(ctx context.Context, limit int) ([]channel.OutboxEntry, error) {
	rows, err := o.db.db.QueryContext(ctx, `SELECT id, message, state, err, at_ns FROM switchboard_outbox ORDER BY at_ns, id LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("sqlite: outbox: %w", err)
	}
	defer rows.Close()
	var out []channel.OutboxEntry
	for rows.Next() {
		var (
			id, at int64
			msg    string
			e      channel.OutboxEntry
		)
		if err := rows.Scan(&id, &msg, &e.State, &e.Err, &at); err != nil {
			return nil, fmt.Errorf("sqlite: outbox: %w", err)
		}
		if err := json.Unmarshal([]byte(msg), &e.Message); err != nil {
			return nil, fmt.Errorf("sqlite: outbox entry %d: %w", id, err)
		}
		e.ID, e.At = strconv.FormatInt(id, 10), time.Unix(0, at).UTC()
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: outbox: %w", err)
	}
	return out, nil
}

// Resolve implements channel.Outbox.
func (o *Outbox) Resolve(ctx context.Context, id string) error {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return nil // no such entry
	}
	if _, err := o.db.db.ExecContext(ctx, `DELETE FROM switchboard_outbox WHERE id = ?`, n); err != nil {
		return fmt.Errorf("sqlite: outbox resolve: %w", err)
	}
	return nil
}
