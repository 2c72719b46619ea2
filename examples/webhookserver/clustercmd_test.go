package main

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/internal/testenv"
	"github.com/switchboard-go/switchboard/store/storetest"
)

// TestClusterCommand runs `webhookserver cluster -messages 40` on Redis:
// one figures line, no message answered twice or lost, and no key left
// under the run's prefix.
func TestClusterCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("cluster test: not in -short")
	}
	env := map[string]string{envRedisURL: testenv.RedisURL(t),
		envRules: "../shopbot/data/rules.json", envReplies: "../shopbot/data/replies.json"}
	var out bytes.Buffer
	err := clusterCommand(t.Context(), []string{"-messages", "40"}, func(k string) string { return env[k] }, &out)
	t.Log(out.String())
	require.NoError(t, err)
	assert.Regexp(t, `^redis: messages 40, deliveries \d+ \(retried \d+\), replies \d+, duplicates 0 \(.*\), unanswered \d+ \(lost 0\), in the outbox \d+ \(unknown \d+\), wechat token fetches 1, [\d.]+ s\n$`, out.String())
	keys, err := storetest.RedisClient(t).Keys(t.Context(), "cluster-demo-*").Result()
	require.NoError(t, err)
	assert.Empty(t, keys, "the run's keys are deleted")
}

// TestClusterCommandWantsSharedState: without Redis or Postgres the command
// refuses, saying what to set.
func TestClusterCommandWantsSharedState(t *testing.T) {
	var out bytes.Buffer
	err := clusterCommand(t.Context(), nil, func(string) string { return "" }, &out)
	require.ErrorIs(t, err, errNoSharedState)
	assert.Contains(t, err.Error(), envRedisURL)
	assert.Empty(t, out.String())
}
