package redis

import (
	"context"
	"fmt"
)

// FailoverBus is a failover.Bus on Redis pub/sub: a switch announced by one
// instance reaches every instance subscribed under the same prefix within
// a round trip. It is safe for concurrent use.
type FailoverBus struct{ s *Store }

// FailoverBus returns the store's failover bus.
func (s *Store) FailoverBus() *FailoverBus { return &FailoverBus{s: s} }

func (b *FailoverBus) channel(group string) string { return b.s.Key("failover", group) }

// Publish implements failover.Bus.
func (b *FailoverBus) Publish(ctx context.Context, group, name string) error {
	if err := b.s.rdb.Publish(ctx, b.channel(group), name).Err(); err != nil {
		return fmt.Errorf("redis: failover publish: %w", err)
	}
	return nil
}

// Subscribe implements failover.Bus. It returns when ctx ends, or with an
// error when the subscription fails; go-redis re-subscribes by itself after
// a lost connection.
func (b *FailoverBus) Subscribe(ctx context.Context, group string, f func(string)) error {
	sub := b.s.rdb.Subscribe(ctx, b.channel(group))
	defer sub.Close()
	if _, err := sub.Receive(ctx); err != nil {
		return fmt.Errorf("redis: failover subscribe: %w", err)
	}
	ch := sub.Channel()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case m, ok := <-ch:
			if !ok {
				return nil
			}
			f(m.Payload)
		}
	}
}
