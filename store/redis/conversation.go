package redis

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/switchboard-go/switchboard/autoreply"
	"github.com/switchboard-go/switchboard/channel"
)

// ConversationStore is an autoreply.StateStore on Redis: one key per
// customer under "conv:" holding "<expires ms>|<JSON>" and expiring a
// second after it (EXAT), so Redis forgets ended conversations by itself while
// Load still honours the caller's clock. Safe for concurrent use.
type ConversationStore struct{ s *Store }

// Conversations returns the ConversationStore of s.
func (s *Store) Conversations() *ConversationStore { return &ConversationStore{s: s} }

var _ autoreply.StateStore = (*ConversationStore)(nil)

func (c *ConversationStore) key(a channel.Address) string { return c.s.convKey(a) }

// convKey is the key of a's conversation.
func (s *Store) convKey(a channel.Address) string { return s.prefix + "conv:" + a.String() }

// errBadState is returned for a stored value that does not decode.
var errBadState = errors.New("redis: conversation: stored state does not decode")

// Load implements autoreply.StateStore: one round trip, or none when the
// claim of the delivery in ctx read the conversation already (see Store).
func (c *ConversationStore) Load(ctx context.Context, a channel.Address, now time.Time) (autoreply.Conversation, bool, error) {
	get := c.s.takePrefetched(ctx, a)
	if get == nil {
		err := c.s.pipelined(ctx, func(p goredis.Pipeliner) { get = p.Get(ctx, c.key(a)) })
		if err != nil {
			return autoreply.Conversation{}, false, fmt.Errorf("redis: conversation: %w", err)
		}
	}
	v, err := get.Result()
	if errors.Is(err, goredis.Nil) {
		return autoreply.Conversation{}, false, nil
	}
	if err != nil {
		return autoreply.Conversation{}, false, fmt.Errorf("redis: conversation: %w", err)
	}
	ms, body, ok := strings.Cut(v, "|")
	exp, perr := strconv.ParseInt(ms, 10, 64)
	if !ok || perr != nil {
		return autoreply.Conversation{}, false, errBadState
	}
	if exp <= now.UnixMilli() {
		return autoreply.Conversation{}, false, nil
	}
	var conv autoreply.Conversation
	if err := json.Unmarshal([]byte(body), &conv); err != nil {
		return autoreply.Conversation{}, false, fmt.Errorf("%w: %w", errBadState, err)
	}
	return conv, true, nil
}

// Save implements autoreply.StateStore. Inside a delivery (a
// channel.Delivery in ctx) the write waits for the delivery's next round
// trip — usually its completion, after the reply — and a failure is
// reported there (see Store); otherwise it is one round trip.
func (c *ConversationStore) Save(ctx context.Context, a channel.Address, conv autoreply.Conversation, expires time.Time) error {
	b, err := json.Marshal(conv)
	if err != nil {
		return fmt.Errorf("redis: conversation: %w", err)
	}
	v := strconv.FormatInt(expires.UnixMilli(), 10) + "|" + string(b)
	c.s.forget(ctx, a)
	// One SET … EXAT (whole seconds, so a second late: Load compares the
	// exact milliseconds).
	err = c.s.later(ctx, func(ctx context.Context, p goredis.Pipeliner) {
		p.SetArgs(ctx, c.key(a), v, goredis.SetArgs{ExpireAt: expires.Add(time.Second)})
	})
	if err != nil {
		return fmt.Errorf("redis: conversation save: %w", err)
	}
	return nil
}

// Delete implements autoreply.StateStore; inside a delivery it waits as
// Save does.
func (c *ConversationStore) Delete(ctx context.Context, a channel.Address) error {
	c.s.forget(ctx, a)
	err := c.s.later(ctx, func(ctx context.Context, p goredis.Pipeliner) { p.Del(ctx, c.key(a)) })
	if err != nil {
		return fmt.Errorf("redis: conversation delete: %w", err)
	}
	return nil
}
