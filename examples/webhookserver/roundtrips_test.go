package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/internal/testenv"
	"github.com/switchboard-go/switchboard/store/storetest"
)

// roundTrips counts the Redis round trips of the server by command and key
// kind (the key without the prefix and the customer: "claim", "win", …);
// a pipeline counts as one round trip. Safe for concurrent use.
type roundTrips struct {
	prefix string
	mu     sync.Mutex
	byCall map[string]int
	total  int
}

func (rt *roundTrips) DialHook(next goredis.DialHook) goredis.DialHook { return next }

func (rt *roundTrips) ProcessHook(next goredis.ProcessHook) goredis.ProcessHook {
	return func(ctx context.Context, cmd goredis.Cmder) error {
		rt.count(rt.name(cmd))
		return next(ctx, cmd)
	}
}

func (rt *roundTrips) ProcessPipelineHook(next goredis.ProcessPipelineHook) goredis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []goredis.Cmder) error {
		names := make([]string, len(cmds))
		for i, c := range cmds {
			names[i] = rt.name(c)
		}
		rt.count("pipeline[" + strings.Join(names, " ") + "]")
		return next(ctx, cmds)
	}
}

func (rt *roundTrips) count(name string) {
	rt.mu.Lock()
	rt.byCall[name]++
	rt.total++
	rt.mu.Unlock()
}

// name is the command and the kind of its first key: EVALSHA's key is its
// fourth argument, the others' their second.
func (rt *roundTrips) name(cmd goredis.Cmder) string {
	args := cmd.Args()
	name := strings.ToUpper(cmd.Name())
	at := 1
	if name == "EVALSHA" || name == "EVAL" {
		at = 3
	}
	if len(args) <= at {
		return name
	}
	key, _ := args[at].(string)
	key = strings.TrimPrefix(key, rt.prefix+":")
	if i := strings.IndexByte(key, ':'); i >= 0 {
		key = key[:i]
	}
	return name + " " + key
}

func (rt *roundTrips) reset() map[string]int {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	out := rt.byCall
	rt.byCall, rt.total = map[string]int{}, 0
	return out
}

// TestRedisRoundTripsPerMessage counts, with a go-redis hook, the Redis
// round trips the whole pipeline makes per WhatsApp message with its state
// in Redis (claim, window, pair limit, conversation), after a warm-up. It
// logs each call and asserts the count, so a change that adds a round trip
// fails here: 2 (the claim with the window touch, the conversation read and
// the reply's pair-limit charge; the completion with the conversation
// save), down from 7 before deliveries shared their round trips.
func TestRedisRoundTripsPerMessage(t *testing.T) {
	url := testenv.RedisURL(t)
	prefix := storetest.Name(t)
	t.Cleanup(func() { storetest.DeletePrefix(t, storetest.RedisClient(t), prefix+":") })
	rt := &roundTrips{prefix: prefix, byCall: map[string]int{}}
	h := start(t, options{env: map[string]string{envWAMPS: "1000000"}, log: io.Discard,
		state:  map[string]string{envRedisURL: url, envRedisPrefix: prefix},
		opened: func(st *state) { st.rdb.AddHook(rt) }})
	gen := newGenerator(t, h, channel.WhatsApp)
	gen.pop = 1000
	w := gen.worker()
	hc := &http.Client{Timeout: 10 * time.Second}
	send := func(from, to int64) {
		for i := from; i < to; i++ {
			resp, err := hc.Do(w.request(i))
			require.NoError(t, err)
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			require.Equal(t, http.StatusOK, resp.StatusCode)
		}
	}
	send(0, 10) // warm-up: scripts loaded (EVALSHA, NOSCRIPT, EVAL), the WeChat token
	rt.reset()
	const n = 100
	send(10, 10+n)
	calls := rt.reset()
	total := 0
	var lines []string
	for name, c := range calls {
		total += c
		lines = append(lines, fmt.Sprintf("%s: %.2f", name, float64(c)/n))
	}
	sort.Strings(lines)
	t.Logf("Redis round trips per message: %.2f\n%s", float64(total)/n, strings.Join(lines, "\n"))
	assert.LessOrEqual(t, float64(total)/n, 2.0, "round trips per message")
}
