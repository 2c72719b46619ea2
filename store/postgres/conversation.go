package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/jackc/pgx/v5"
	"time"

	"github.com/switchboard-go/switchboard/autoreply"
	"github.com/switchboard-go/switchboard/channel"
)

// ConversationStore is an autoreply.StateStore in the
// switchboard_conversations table (each conversation as JSON), shared by every instance. Safe for
// concurrent use.
type ConversationStore struct{ db *DB }

// Conversations returns the ConversationStore of d.
func (d *DB) Conversations() *ConversationStore { return &ConversationStore{db: d} }

var _ autoreply.StateStore = (*ConversationStore)(nil)

// Load implements autoreply.StateStore. A stored state that does not decode
// is an error (never a silently reset conversation).
func (s *ConversationStore) Load(ctx context.Context, a channel.Address, now time.Time) (autoreply.Conversation, bool, error) {
	var state string
	err := s.db.pool.QueryRow(ctx, `SELECT state FROM switchboard_conversations WHERE addr = $1 AND expires_ms > $2`,
		[]byte(a.String()), now.UnixMilli()).Scan(&state)
	if errors.Is(err, pgx.ErrNoRows) {
		return autoreply.Conversation{}, false, nil
	}
	if err != nil {
		return autoreply.Conversation{}, false, fmt.Errorf("postgres: conversation: %w", err)
	}
	var c autoreply.Conversation
	if err := json.Unmarshal([]byte(state), &c); err != nil {
		return autoreply.Conversation{}, false, fmt.Errorf("postgres: conversation: %w", err)
	}
	return c, true, nil
}

// Save implements autoreply.StateStore.
func (s *ConversationStore) Save(ctx context.Context, a channel.Address, c autoreply.Conversation, expires time.Time) error {
	b, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("postgres: conversation: %w", err)
	}
	if _, err := s.db.pool.Exec(ctx, `INSERT INTO switchboard_conversations (addr, state, expires_ms) VALUES ($1, $2, $3)
		ON CONFLICT (addr) DO UPDATE SET state = excluded.state, expires_ms = excluded.expires_ms`,
		[]byte(a.String()), string(b), expires.UnixMilli()); err != nil {
		return fmt.Errorf("postgres: conversation save: %w", err)
	}
	return nil
}

// Delete implements autoreply.StateStore.
func (s *ConversationStore) Delete(ctx context.Context, a channel.Address) error {
	if _, err := s.db.pool.Exec(ctx, `DELETE FROM switchboard_conversations WHERE addr = $1`, []byte(a.String())); err != nil {
		return fmt.Errorf("postgres: conversation delete: %w", err)
	}
	return nil
}
