package redis

import (
	"errors"
	"strings"
	"sync"

	goredis "github.com/redis/go-redis/v9"
)

// Store is a handle on one Redis server (or cluster) under one key prefix.
// Safe for concurrent use.
type Store struct {
	rdb    goredis.UniversalClient
	prefix string
	// cluster: rdb is a Redis Cluster client, whose scripts may not touch
	// keys in two slots, so a claim does not charge an allowance.
	cluster bool
	// limits holds, per channel.Kind, the allowance the last
	// RecipientLimitStore.Take on the channel asked for.
	limits sync.Map

	// The pipelines waiting to be sent together (batch.go).
	batchMu  sync.Mutex
	queue    []*pipe
	inflight int // batches being sent
}

// ErrNoClient is returned by New for a nil client.
var ErrNoClient = errors.New("redis: nil client")

// New returns a Store whose keys all begin with prefix (e.g. "shop1:"; a
// prefix without a trailing ':' gets one). The caller owns client and
// closes it.
func New(client goredis.UniversalClient, prefix string) (*Store, error) {
	if client == nil {
		return nil, ErrNoClient
	}
	if prefix != "" && !strings.HasSuffix(prefix, ":") {
		prefix += ":"
	}
	_, cluster := client.(*goredis.ClusterClient)
	return &Store{rdb: client, prefix: prefix, cluster: cluster}, nil
}

// Client returns the client given to New.
func (s *Store) Client() goredis.UniversalClient { return s.rdb }

// Prefix returns the key prefix, ending in ':' unless empty.
func (s *Store) Prefix() string { return s.prefix }

// Key joins the prefix and parts with ':' — the key of one piece of state.
// Packages that keep their own keys on this server (desk, insights) build
// them with Key so a test's prefix isolates them too.
func (s *Store) Key(parts ...string) string {
	return s.prefix + strings.Join(parts, ":")
}
