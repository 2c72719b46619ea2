package storetest_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	goredis "github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/internal/testenv"
	"github.com/switchboard-go/switchboard/store/postgres"
	"github.com/switchboard-go/switchboard/store/redis"
	"github.com/switchboard-go/switchboard/store/storetest"
)

// claimSoon claims key, allowing one failure: the call that meets the
// broken connection may fail (Dedupe turns that into a 5xx and the platform
// redelivers); the next one must succeed on a fresh connection.
func claimSoon(t *testing.T, s channel.DedupeStore, key string) (channel.ClaimStatus, int) {
	t.Helper()
	failures := 0
	for range 2 {
		st, err := s.Claim(context.Background(), key, storetest.T0, time.Minute)
		if err == nil {
			return st, failures
		}
		failures++
	}
	t.Fatalf("no recovery after a killed connection")
	return 0, failures
}

// Killing the store's own connection (CLIENT KILL ID; only ours, the server
// is shared) is recovered without a restart, and no claim is lost.
func TestRedisRecoversFromKilledConnection(t *testing.T) {
	opt, err := goredis.ParseURL(testenv.RedisURL(t))
	require.NoError(t, err)
	opt.PoolSize = 1
	c := goredis.NewClient(opt)
	defer c.Close()
	s, err := redis.New(c, storetest.Name(t))
	require.NoError(t, err)
	t.Cleanup(func() { storetest.DeletePrefix(t, storetest.RedisClient(t), s.Prefix()) })
	d := s.Dedupe()
	st, failures := claimSoon(t, d, "a")
	require.Equal(t, channel.ClaimNew, st)
	require.Zero(t, failures)

	id, err := c.ClientID(context.Background()).Result()
	require.NoError(t, err)
	require.NoError(t, storetest.RedisClient(t).ClientKillByFilter(context.Background(), "ID", strconv.FormatInt(id, 10)).Err())

	st, failures = claimSoon(t, d, "a")
	assert.Equal(t, channel.ClaimInFlight, st, "the claim made before the kill is still there")
	st, _ = claimSoon(t, d, "b")
	assert.Equal(t, channel.ClaimNew, st)
	t.Logf("calls failed after CLIENT KILL: %d", failures)
}

// pg_terminate_backend on the pool's connection is recovered the same way.
func TestPostgresRecoversFromTerminatedBackend(t *testing.T) {
	url, schema := storetest.PostgresURL(t)
	ctx := context.Background()
	db, err := postgres.Open(ctx, url, postgres.Options{Schema: schema, MaxConns: 1})
	require.NoError(t, err)
	defer db.Close()
	d := db.Dedupe()
	st, _ := claimSoon(t, d, "a")
	require.Equal(t, channel.ClaimNew, st)

	var pid int
	require.NoError(t, db.Pool().QueryRow(ctx, `SELECT pg_backend_pid()`).Scan(&pid))
	admin, err := pgx.Connect(ctx, url)
	require.NoError(t, err)
	defer admin.Close(ctx)
	var ok bool
	require.NoError(t, admin.QueryRow(ctx, `SELECT pg_terminate_backend($1)`, pid).Scan(&ok))
	require.True(t, ok)

	st, failures := claimSoon(t, d, "a")
	assert.Equal(t, channel.ClaimInFlight, st, "the claim made before the kill is still there")
	st, _ = claimSoon(t, d, "b")
	assert.Equal(t, channel.ClaimNew, st)
	t.Logf("calls failed after pg_terminate_backend: %d", failures)
}

// A store that does not answer at all (nothing listens) fails the webhook
// with ErrUnavailable through Dedupe; the handler never runs.
func TestUnreachableRedisFailsTheWebhook(t *testing.T) {
	c := goredis.NewClient(&goredis.Options{Addr: "127.0.0.1:1", MaxRetries: -1, DialTimeout: 200 * time.Millisecond})
	defer c.Close()
	s, err := redis.New(c, "x")
	require.NoError(t, err)
	called := false
	h := channel.Dedupe(channel.HandlerFunc(func(context.Context, channel.Event) error { called = true; return nil }),
		channel.DedupeConfig{Store: s.Dedupe()})
	err = h.HandleEvent(context.Background(), channel.Event{Channel: channel.WhatsApp, ID: "wamid.1"})
	require.ErrorIs(t, err, channel.ErrUnavailable)
	assert.False(t, called)
}
