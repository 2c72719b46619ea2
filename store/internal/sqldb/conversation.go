package sqldb

import (
	"context"
	"encoding/json"
	"time"

	"github.com/switchboard-go/switchboard/autoreply"
	"github.com/switchboard-go/switchboard/channel"
)

// Conversations is an autoreply.StateStore in the switchboard_conversations
// table, each conversation kept as JSON. Safe for concurrent use.
type Conversations struct{ db DB }

// NewConversations returns the Conversations of db.
func NewConversations(db DB) Conversations { return Conversations{db} }

// Load implements autoreply.StateStore. A stored state that does not decode
// is an error (never a silently reset conversation).
func (s *Conversations) Load(ctx context.Context, a channel.Address, now time.Time) (autoreply.Conversation, bool, error) {
	return getJSON[autoreply.Conversation](ctx, s.db, "conversation",
		`SELECT state FROM switchboard_conversations WHERE addr = $1 AND expires_ms > $2`, s.db.Key(a.String()), now.UnixMilli())
}

// Save implements autoreply.StateStore.
func (s *Conversations) Save(ctx context.Context, a channel.Address, c autoreply.Conversation, expires time.Time) error {
	b, err := json.Marshal(c)
	if err != nil {
		return s.db.wrap("conversation", err)
	}
	if _, err := s.db.Conn.Exec(ctx, `INSERT INTO switchboard_conversations (addr, state, expires_ms) VALUES ($1, $2, $3)
		ON CONFLICT (addr) DO UPDATE SET state = excluded.state, expires_ms = excluded.expires_ms`,
		s.db.Key(a.String()), string(b), expires.UnixMilli()); err != nil {
		return s.db.wrap("conversation save", err)
	}
	return nil
}

// Delete implements autoreply.StateStore.
func (s *Conversations) Delete(ctx context.Context, a channel.Address) error {
	if _, err := s.db.Conn.Exec(ctx, `DELETE FROM switchboard_conversations WHERE addr = $1`, s.db.Key(a.String())); err != nil {
		return s.db.wrap("conversation delete", err)
	}
	return nil
}
