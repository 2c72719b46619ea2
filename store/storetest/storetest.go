// Package storetest gives every test its own backend: a fresh SQLite file, a
// PostgreSQL schema, or a Redis key prefix, cleaned up when the test ends,
// so tests never see each other's state and may run in parallel. It also
// holds the conformance suite (Run*) that every backend of every state
// interface passes.
//
// Postgres and Redis come from testenv: without SWITCHBOARD_POSTGRES_URL or
// SWITCHBOARD_REDIS_URL the test skips with one line saying how to enable
// it (and fails when SWITCHBOARD_REQUIRE_SERVICES=1).
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	goredis "github.com/redis/go-redis/v9"

	"github.com/switchboard-go/switchboard/internal/testenv"
	"github.com/switchboard-go/switchboard/store/postgres"
	"github.com/switchboard-go/switchboard/store/redis"
	"github.com/switchboard-go/switchboard/store/sqlite"
)

// Name returns a fresh identifier for t: "t_" and 16 random hex digits,
// valid as a Postgres schema and a Redis key prefix.
func Name(t testing.TB) string {
	t.Helper()
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatalf("storetest: %v", err)
	}
	return "t_" + hex.EncodeToString(b[:])
}

// SQLite opens a migrated database in a new file under t.TempDir() and
// closes it when t ends.
func SQLite(t testing.TB) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "switchboard.db"))
	if err != nil {
		t.Fatalf("storetest: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// Postgres opens the database of SWITCHBOARD_POSTGRES_URL in a new schema
// of its own, migrated, and drops the schema when t ends.
func Postgres(t testing.TB) *postgres.DB {
	t.Helper()
	url := testenv.PostgresURL(t)
	schema := Name(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	db, err := postgres.Open(ctx, url, postgres.Options{Schema: schema})
	if err != nil {
		t.Fatalf("storetest: %v", err)
	}
	t.Cleanup(func() {
		db.Close()
		dropSchema(t, url, schema)
	})
	return db
}

// PostgresURL returns SWITCHBOARD_POSTGRES_URL and a fresh schema name
// that is dropped when t ends, for tests that open the database themselves
// (e.g. several instances sharing one schema).
func PostgresURL(t testing.TB) (url, schema string) {
	t.Helper()
	url = testenv.PostgresURL(t)
	schema = Name(t)
	t.Cleanup(func() { dropSchema(t, url, schema) })
	return url, schema
}

func dropSchema(t testing.TB, url, schema string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Errorf("storetest: drop schema: %v", err)
		return
	}
	defer c.Close(ctx)
	if _, err := c.Exec(ctx, `DROP SCHEMA IF EXISTS `+pgx.Identifier{schema}.Sanitize()+` CASCADE`); err != nil {
		t.Errorf("storetest: drop schema: %v", err)
	}
}

// RedisClient returns a client of SWITCHBOARD_REDIS_URL, closed when t
// ends.
func RedisClient(t testing.TB) *goredis.Client {
	t.Helper()
	opt, err := goredis.ParseURL(testenv.RedisURL(t))
	if err != nil {
		t.Fatalf("storetest: SWITCHBOARD_REDIS_URL: %v", err)
	}
	c := goredis.NewClient(opt)
	t.Cleanup(func() { c.Close() })
	return c
}

// Redis returns a Store on SWITCHBOARD_REDIS_URL under a fresh key prefix
// and deletes every key under that prefix when t ends.
func Redis(t testing.TB) *redis.Store {
	t.Helper()
	c := RedisClient(t)
	s, err := redis.New(c, Name(t))
	if err != nil {
		t.Fatalf("storetest: %v", err)
	}
	t.Cleanup(func() { DeletePrefix(t, c, s.Prefix()) })
	return s
}

// DeletePrefix deletes every key of c that starts with prefix.
func DeletePrefix(t testing.TB, c goredis.UniversalClient, prefix string) {
	t.Helper()
	if prefix == "" || strings.ContainsAny(prefix, "*?[") {
		t.Errorf("storetest: refusing to delete keys under %q", prefix)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	iter := c.Scan(ctx, 0, prefix+"*", 1000).Iterator()
	var keys []string
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
	}
	if err := iter.Err(); err != nil {
		t.Errorf("storetest: scan %s*: %v", prefix, err)
		return
	}
	for len(keys) > 0 {
		n := min(len(keys), 500)
		if err := c.Del(ctx, keys[:n]...).Err(); err != nil {
			t.Errorf("storetest: del: %v", err)
			return
		}
		keys = keys[n:]
	}
}
