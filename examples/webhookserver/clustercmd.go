package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// errNoSharedState is the cluster command's answer when no shared backend
// is named: SQLite is one machine's file, not state instances share.
var errNoSharedState = errors.New("set " + envRedisURL + " or " + envPostgresURL + ": the cluster's instances share their state there")

// clusterCommand is `webhookserver cluster [-messages N]`: the cluster run
// of TestClusterExactlyOnce as a program. Three instances in this process
// share the Redis or Postgres the environment names (under a fresh key
// prefix or schema, removed at the end), behind a balancer, in front of the
// four platforms' fakes; each message is delivered three times (two at
// once) and one instance is closed abruptly halfway. It writes the figures
// line to stdout and fails when a message was answered twice or lost.
func clusterCommand(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("cluster", flag.ContinueOnError)
	messages := fs.Int("messages", 400, "customer messages, split over the four platforms, each delivered 3 times")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	// Unset rule and reply files stay unset: loadConfig's defaults apply.
	env := map[string]string{envRules: getenv(envRules), envReplies: getenv(envReplies)}
	name := fmt.Sprintf("cluster-demo-%d", time.Now().UnixNano())
	var backend string
	var cleanup func(context.Context) error
	switch {
	case getenv(envRedisURL) != "":
		backend = "redis"
		env[envRedisURL], env[envRedisPrefix] = getenv(envRedisURL), name
		cleanup = func(ctx context.Context) error { return deleteRedisKeys(ctx, env) }
	case getenv(envPostgresURL) != "":
		backend = "postgres"
		schema := strings.ReplaceAll(name, "-", "_")
		env[envPostgresURL], env[envPGSchema] = getenv(envPostgresURL), schema
		cleanup = func(ctx context.Context) error { return dropSchema(ctx, env[envPostgresURL], schema) }
	default:
		return errNoSharedState
	}
	r, err := runCluster(ctx, clusterOptions{messages: *messages, instances: 3, env: env})
	cleanupErr := cleanup(context.WithoutCancel(ctx))
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %s\n", backend, r)
	if cleanupErr != nil {
		return fmt.Errorf("removing %s: %w", name, cleanupErr)
	}
	if r.duplicates > 0 || r.lost > 0 {
		return fmt.Errorf("%d messages answered twice, %d lost", r.duplicates, r.lost)
	}
	return nil
}

// deleteRedisKeys deletes every key under the Redis prefix env names, a
// scan page (up to 1,000 keys) an UNLINK.
func deleteRedisKeys(ctx context.Context, env map[string]string) error {
	st, err := openState(ctx, func(k string) string { return env[k] }, slog.New(slog.DiscardHandler))
	if err != nil {
		return err
	}
	defer st.Close()
	var cursor uint64
	for {
		keys, next, err := st.rdb.Scan(ctx, cursor, env[envRedisPrefix]+":*", 1000).Result()
		if err != nil {
			return err
		}
		if len(keys) > 0 {
			if err := st.rdb.Unlink(ctx, keys...).Err(); err != nil {
				return err
			}
		}
		if cursor = next; cursor == 0 {
			return nil
		}
	}
}

// dropSchema drops schema and everything in it.
func dropSchema(ctx context.Context, url, schema string) error {
	c, err := pgx.Connect(ctx, url)
	if err != nil {
		return err
	}
	defer c.Close(ctx)
	_, err = c.Exec(ctx, "DROP SCHEMA IF EXISTS "+pgx.Identifier{schema}.Sanitize()+" CASCADE")
	return err
}
