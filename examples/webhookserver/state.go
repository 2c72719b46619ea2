package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/switchboard-go/switchboard/autoreply"
	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/examples/internal/shop"
	"github.com/switchboard-go/switchboard/store/postgres"
	"github.com/switchboard-go/switchboard/store/redis"
	"github.com/switchboard-go/switchboard/store/sqlite"
	"github.com/switchboard-go/switchboard/wechat"
)

// Where the server keeps its state. The first of these that is set wins:
// Redis (several instances; claims, windows, limits, conversations and the
// WeChat token are hot, short-lived state), then Postgres (several
// instances), then SQLite (one machine; a file that survives a restart).
const (
	envRedisURL    = "SWITCHBOARD_REDIS_URL"
	envRedisPrefix = "SWITCHBOARD_REDIS_PREFIX"
	envPostgresURL = "SWITCHBOARD_POSTGRES_URL"
	envPGSchema    = "SWITCHBOARD_POSTGRES_SCHEMA"
	envSQLite      = "SWITCHBOARD_SQLITE"
	defaultSQLite  = "switchboard.db"
)

// state is the set of stores one server uses, and how to close them.
type state struct {
	backend   string
	dedupe    channel.DedupeStore
	windows   channel.WindowStore
	limits    channel.RecipientLimitStore
	convs     autoreply.StateStore
	outbox    channel.Outbox // replies not delivered, or whose delivery is unknown
	tokens    func(appID string) wechat.TokenStore
	ping      func(context.Context) error // does the store answer (/readyz)
	rdb       *goredis.Client             // the Redis client, nil on SQL backends (tests hook it)
	closeFunc func() error
}

// purgeInterval is how often a SQL backend forgets expired state (Redis
// expires its keys by itself).
const purgeInterval = 10 * time.Minute

// openState opens the backend the environment names (see the env
// constants); SWITCHBOARD_SQLITE defaults to ./switchboard.db. A SQL
// backend purges expired rows every purgeInterval until ctx ends. The error
// never holds a URL's password.
func openState(ctx context.Context, getenv func(string) string, log *slog.Logger) (*state, error) {
	onPurgeError := func(err error) { log.Warn("state purge failed", "err", err) }
	if url := getenv(envRedisURL); url != "" {
		opt, err := goredis.ParseURL(url)
		if err != nil {
			return nil, errors.New(envRedisURL + ": not a redis:// URL")
		}
		c := goredis.NewClient(opt)
		if err := c.Ping(ctx).Err(); err != nil {
			c.Close()
			return nil, fmt.Errorf("%s: %w", envRedisURL, err)
		}
		s, err := redis.New(c, or(getenv(envRedisPrefix), "switchboard"))
		if err != nil {
			c.Close()
			return nil, err
		}
		return &state{backend: "redis", dedupe: s.Dedupe(), windows: s.Windows(), limits: s.RecipientLimits(),
			convs: s.Conversations(), outbox: s.Outbox(), tokens: func(id string) wechat.TokenStore { return s.WeChatTokens(id) },
			ping: func(ctx context.Context) error { return c.Ping(ctx).Err() }, rdb: c, closeFunc: c.Close}, nil
	}
	if url := getenv(envPostgresURL); url != "" {
		db, err := postgres.Open(ctx, url, postgres.Options{Schema: getenv(envPGSchema)})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", envPostgresURL, err)
		}
		go db.PurgeEvery(ctx, purgeInterval, nil, onPurgeError)
		return &state{backend: "postgres", dedupe: db.Dedupe(), windows: db.Windows(), limits: db.RecipientLimits(),
			convs: db.Conversations(), outbox: db.Outbox(), tokens: func(id string) wechat.TokenStore { return db.WeChatTokens(id) },
			ping: func(ctx context.Context) error { return db.Pool().Ping(ctx) }, closeFunc: func() error { db.Close(); return nil }}, nil
	}
	path := or(getenv(envSQLite), defaultSQLite)
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", envSQLite, err)
	}
	go db.PurgeEvery(ctx, purgeInterval, nil, onPurgeError)
	return &state{backend: "sqlite", dedupe: db.Dedupe(), windows: db.Windows(), limits: db.RecipientLimits(),
		convs: db.Conversations(), outbox: db.Outbox(), tokens: func(id string) wechat.TokenStore { return db.WeChatTokens(id) },
		ping: func(ctx context.Context) error { return db.SQL().PingContext(ctx) }, closeFunc: db.Close}, nil
}

// configure puts the stores into the platforms' configs and the shop's.
func (s *state) configure(cfg *config, opts *shop.Config, log *slog.Logger) {
	if c := cfg.WhatsApp; c != nil {
		c.Dedupe = s.dedupe
	}
	if c := cfg.Messenger; c != nil {
		c.Dedupe = s.dedupe
	}
	if c := cfg.LINE; c != nil {
		c.Dedupe = s.dedupe
	}
	if c := cfg.WeChat; c != nil {
		c.Dedupe = s.dedupe
		c.TokenStore = s.tokens(c.AppID)
	}
	cfg.limits = s.limits
	cfg.ready = s.ping
	opts.Windows = channel.NewWindows(channel.WindowConfig{Store: s.windows, Clock: opts.Clock})
	opts.State = s.convs
	opts.Outbox = s.outbox
	log.Info("state", "backend", s.backend)
}

func (s *state) Close() error { return s.closeFunc() }
