package postgres

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
)

// FailoverBus is a failover.Bus on PostgreSQL LISTEN/NOTIFY: a switch
// announced by one instance reaches every instance listening on the same
// database and schema. It is safe for concurrent use.
type FailoverBus struct{ d *DB }

// FailoverBus returns the database's failover bus.
func (d *DB) FailoverBus() *FailoverBus { return &FailoverBus{d: d} }

// channel is the NOTIFY channel of group: a short identifier derived from
// the schema and the group, so any group name is safe.
func (b *FailoverBus) channel(group string) string {
	sum := sha256.Sum256([]byte(b.d.schema + "\x00" + group))
	return "switchboard_failover_" + hex.EncodeToString(sum[:8])
}

// Publish implements failover.Bus.
func (b *FailoverBus) Publish(ctx context.Context, group, name string) error {
	if _, err := b.d.pool.Exec(ctx, "SELECT pg_notify($1, $2)", b.channel(group), name); err != nil {
		return fmt.Errorf("postgres: failover notify: %w", err)
	}
	return nil
}

// Subscribe implements failover.Bus: it holds one pooled connection
// listening until ctx ends, and returns an error when that connection is
// lost (the caller subscribes again).
func (b *FailoverBus) Subscribe(ctx context.Context, group string, f func(string)) error {
	conn, err := b.d.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("postgres: failover listen: %w", err)
	}
	defer conn.Release()
	ch := b.channel(group)
	if _, err := conn.Exec(ctx, "LISTEN "+ch); err != nil {
		return fmt.Errorf("postgres: failover listen: %w", err)
	}
	defer func() { _, _ = conn.Exec(context.WithoutCancel(ctx), "UNLISTEN "+ch) }()
	for {
		n, err := conn.Conn().WaitForNotification(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return fmt.Errorf("postgres: failover listen: %w", err)
		}
		f(n.Payload)
	}
}
