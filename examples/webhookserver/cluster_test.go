package main

import (
	"flag"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/internal/testenv"
	"github.com/switchboard-go/switchboard/store/storetest"
)

// clusterMessages is how many customer messages each cluster run sends,
// split over the four platforms; CI keeps the default, the scale is
// -cluster.messages=2000.
var clusterMessages = flag.Int("cluster.messages", 160, "customer messages per cluster test run (each delivered 3 times)")

// clusterBackend is a state backend the cluster shares.
type clusterBackend struct {
	name      string
	instances int
	restart   bool // restart the killed instance on the same state
	env       func(t *testing.T) map[string]string
}

func postgresCluster(t *testing.T) map[string]string {
	u, schema := storetest.PostgresURL(t)
	return map[string]string{envPostgresURL: u, envPGSchema: schema}
}

func redisCluster(t *testing.T) map[string]string {
	u := testenv.RedisURL(t)
	prefix := storetest.Name(t)
	t.Cleanup(func() { storetest.DeletePrefix(t, storetest.RedisClient(t), prefix+":") })
	return map[string]string{envRedisURL: u, envRedisPrefix: prefix}
}

// TestClusterExactlyOnce: three instances share Postgres or Redis behind a
// loopback balancer; every message of every platform is delivered three
// times to random instances (two at the same moment), one instance is
// closed abruptly halfway while deliveries are in flight, and the platform
// retries every non-200. With SQLite, the one instance is closed halfway
// and restarted on the same file. Counted at the fake platforms: no message
// answered twice; every message answered, or queued as undelivered by the
// instance whose send the kill cut off (visible to the caller, never lost
// silently); one WeChat token fetch across the instances.
func TestClusterExactlyOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("cluster test: not in -short")
	}
	backends := []clusterBackend{
		{"postgres", 3, false, postgresCluster},
		{"redis", 3, false, redisCluster},
		{"sqlite, one instance restarted", 1, true, func(t *testing.T) map[string]string {
			return map[string]string{envSQLite: filepath.Join(t.TempDir(), "switchboard.db")}
		}},
	}
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			o := clusterOptions{messages: *clusterMessages, instances: be.instances, env: be.env(t)}
			if be.restart {
				o.restart = func(env map[string]string) (member, error) { return startInstance(env) }
			}
			r := checkCluster(t, be.name, o)
			assert.Zero(t, r.duplicates, "no message answered twice")
		})
	}
}

// TestClusterSIGKILL is the cluster with a real crash: the third instance
// is a child process (this test binary, re-executed as a server) killed with
// SIGKILL halfway and started again. Its claims stay in flight until their
// lease (2 s here) runs out; then another instance handles those messages.
// A child killed after a reply left but before its claim was marked done
// leaves a claim whose lease runs out; the instance that takes it over
// does not answer again blindly (channel.GuardTakeover) but keeps the reply
// in the shared outbox as unknown, so no message is answered twice.
//
//	go test ./examples/webhookserver -run=ClusterSIGKILL -v -cluster.messages=2000
func TestClusterSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("cluster test: not in -short")
	}
	for _, be := range []clusterBackend{{"postgres", 3, true, postgresCluster}, {"redis", 3, true, redisCluster}} {
		t.Run(be.name, func(t *testing.T) {
			n := 0
			child := func(env map[string]string) (member, error) { return startChild(t, env), nil }
			o := clusterOptions{messages: *clusterMessages, instances: be.instances, env: be.env(t), restart: child,
				spawn: func(env map[string]string) (member, error) {
					if n++; n < be.instances {
						return startInstance(env)
					}
					return child(env)
				}}
			r := checkCluster(t, be.name, o)
			assert.Zero(t, r.duplicates, "no message answered twice, not even one the killed child held (held at the kill: %d)", r.heldAtKill)
		})
	}
}

// checkCluster runs the cluster, logs the figures and asserts nothing lost
// and at most one WeChat token fetch; it returns the figures for the caller
// to judge the duplicates.
func checkCluster(t *testing.T, name string, o clusterOptions) clusterResult {
	t.Helper()
	r, err := runCluster(t.Context(), o)
	t.Logf("%s: %s", name, r)
	require.NoError(t, err)
	assert.Zero(t, r.lost, "no message lost: each is answered or queued as undelivered")
	assert.LessOrEqual(t, r.tokenFetches, 1, "one WeChat token fetch across instances")
	return r
}
