package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	goredis "github.com/redis/go-redis/v9"

	"github.com/switchboard-go/switchboard/desk"
	"github.com/switchboard-go/switchboard/store/postgres"
	"github.com/switchboard-go/switchboard/store/redis"
	"github.com/switchboard-go/switchboard/store/sqlite"
)

// openStore opens the desk's store: SQLite by default (the file
// SWITCHBOARD_SQLITE names, else one in the temporary directory), PostgreSQL
// (SWITCHBOARD_POSTGRES_URL) or Redis (SWITCHBOARD_REDIS_URL) when kind says
// so, or memory. The returned func closes it.
func openStore(ctx context.Context, kind, sqlitePath string) (desk.Store, string, func(), error) {
	switch kind {
	case "memory":
		return desk.NewMemoryStore(), "memory", func() {}, nil
	case "sqlite", "":
		if sqlitePath == "" {
			sqlitePath = os.Getenv("SWITCHBOARD_SQLITE")
		}
		if sqlitePath == "" {
			sqlitePath = filepath.Join(os.TempDir(), "switchboard-agentdesk.db")
		}
		db, err := sqlite.Open(ctx, sqlitePath)
		if err != nil {
			return nil, "", nil, err
		}
		return sqlite.NewDesk(db), "sqlite " + sqlitePath, func() { db.Close() }, nil
	case "postgres":
		url := os.Getenv("SWITCHBOARD_POSTGRES_URL")
		if url == "" {
			return nil, "", nil, fmt.Errorf("-store postgres needs SWITCHBOARD_POSTGRES_URL")
		}
		db, err := postgres.Open(ctx, url, postgres.Options{Schema: "agentdesk"})
		if err != nil {
			return nil, "", nil, err
		}
		return postgres.NewDesk(db), "postgres (schema agentdesk)", db.Close, nil
	case "redis":
		url := os.Getenv("SWITCHBOARD_REDIS_URL")
		if url == "" {
			return nil, "", nil, fmt.Errorf("-store redis needs SWITCHBOARD_REDIS_URL")
		}
		opts, err := goredis.ParseURL(url)
		if err != nil {
			return nil, "", nil, fmt.Errorf("SWITCHBOARD_REDIS_URL does not parse")
		}
		c := goredis.NewClient(opts)
		s, err := redis.New(c, "switchboard:agentdesk")
		if err != nil {
			c.Close()
			return nil, "", nil, err
		}
		return redis.NewDesk(s), "redis (prefix switchboard:agentdesk:)", func() { c.Close() }, nil
	}
	return nil, "", nil, fmt.Errorf("unknown -store %q: sqlite, postgres, redis or memory", kind)
}
