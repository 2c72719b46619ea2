package main

import (
	"context"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/examples/internal/shop"
	"github.com/switchboard-go/switchboard/internal/testenv"
	"github.com/switchboard-go/switchboard/store/storetest"
)

// instance is one webhook server of the cluster.
type instance struct {
	url    *url.URL
	srv    *server
	st     *state
	cancel context.CancelFunc
	done   chan error
	dead   atomic.Bool
}

// startInstance builds a server from env exactly as run does (openState,
// configure, newServer) and serves it on a loopback port.
func startInstance(t *testing.T, env map[string]string) *instance {
	t.Helper()
	getenv := func(k string) string { return env[k] }
	cfg, err := loadConfig(getenv)
	require.NoError(t, err)
	fastRetries(&cfg)
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	ctx, cancel := context.WithCancel(context.Background())
	st, err := openState(ctx, getenv, log)
	require.NoError(t, err)
	// The claims of an instance killed mid-handling stay in flight until
	// their lease runs out; platforms retry for hours, this test for
	// seconds, so its leases are short.
	st.dedupe = shortLease{st.dedupe}
	var opts shop.Config
	st.configure(&cfg, &opts, log)
	srv, err := newServer(cfg, log, opts)
	require.NoError(t, err)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	u, _ := url.Parse("http://" + ln.Addr().String())
	in := &instance{url: u, srv: srv, st: st, cancel: cancel, done: make(chan error, 1)}
	go func() { in.done <- srv.serve(ctx, ln, 5*time.Second) }()
	t.Cleanup(func() { in.stop() })
	return in
}

// shortLease claims with a 2 s lease whatever the caller asks.
type shortLease struct{ channel.DedupeStore }

func (s shortLease) Claim(ctx context.Context, key string, now time.Time, _ time.Duration) (channel.ClaimStatus, error) {
	return s.DedupeStore.Claim(ctx, key, now, 2*time.Second)
}

// kill closes the instance at once: listener and every connection, no
// graceful shutdown (in-process, so its goroutines still end; not SIGKILL).
func (in *instance) kill() {
	if in.dead.Swap(true) {
		return
	}
	_ = in.srv.http.Close()
	in.cancel()
}

func (in *instance) stop() {
	if !in.dead.Swap(true) {
		in.cancel()
		<-in.done
	}
	_ = in.st.Close()
}

// lb sends each request to a random instance; a request to an instance
// that died answers 502, which the platform retries. Instances can be
// swapped (a restarted one takes the place of the killed one).
type lb struct {
	mu      sync.RWMutex
	proxies []*httputil.ReverseProxy
}

func balancer(instances []*instance) *lb {
	b := &lb{proxies: make([]*httputil.ReverseProxy, len(instances))}
	for i, in := range instances {
		b.set(i, in)
	}
	return b
}

func (b *lb) set(i int, in *instance) {
	p := httputil.NewSingleHostReverseProxy(in.url)
	p.ErrorHandler = func(w http.ResponseWriter, _ *http.Request, _ error) { w.WriteHeader(http.StatusBadGateway) }
	b.mu.Lock()
	b.proxies[i] = p
	b.mu.Unlock()
}

func (b *lb) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b.mu.RLock()
	p := b.proxies[rand.IntN(len(b.proxies))]
	b.mu.RUnlock()
	p.ServeHTTP(w, r)
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
	backends := []struct {
		name      string
		instances int
		restart   bool // restart the killed instance on the same state
		env       func(t *testing.T) map[string]string
	}{
		{"postgres", 3, false, func(t *testing.T) map[string]string {
			u, schema := storetest.PostgresURL(t)
			return map[string]string{envPostgresURL: u, envPGSchema: schema}
		}},
		{"redis", 3, false, func(t *testing.T) map[string]string {
			u := testenv.RedisURL(t)
			prefix := storetest.Name(t)
			t.Cleanup(func() { storetest.DeletePrefix(t, storetest.RedisClient(t), prefix+":") })
			return map[string]string{envRedisURL: u, envRedisPrefix: prefix}
		}},
		{"sqlite, one instance restarted", 1, true, func(t *testing.T) map[string]string {
			return map[string]string{envSQLite: filepath.Join(t.TempDir(), "switchboard.db")}
		}},
	}
	const perPlatform = 40 // 160 messages, 480 deliveries per backend
	for _, be := range backends {
		name := be.name
		t.Run(name, func(t *testing.T) {
			f := newFakes(t)
			env := f.env()
			for k, v := range be.env(t) {
				env[k] = v
			}
			var instances []*instance
			for range be.instances {
				instances = append(instances, startInstance(t, env))
			}
			bal := balancer(instances)
			lb := httptest.NewServer(bal)
			defer lb.Close()
			h := &harness{fakes: f, url: lb.URL, hc: &http.Client{Timeout: 10 * time.Second}}

			var all []customer
			for _, kind := range platforms() {
				all = append(all, customers(kind, perPlatform, 7)...)
			}
			rand.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
			var deliveries, retries atomic.Int64
			// deliver sends one delivery and retries it like a platform
			// until it is acknowledged.
			deliver := func(send func(context.Context, []byte) (int, error), body []byte) {
				for attempt := 0; ; attempt++ {
					deliveries.Add(1)
					status, err := send(context.Background(), body)
					if err == nil && status == http.StatusOK {
						return
					}
					retries.Add(1)
					if attempt == 500 { // 10 s: five leases
						t.Errorf("delivery never acknowledged: %d %v", status, err)
						return
					}
					time.Sleep(20 * time.Millisecond)
				}
			}
			var wg sync.WaitGroup
			sem := make(chan struct{}, 16)
			for i, c := range all {
				if i == len(all)/2 {
					victim := len(instances) - 1
					instances[victim].kill() // while deliveries are in flight
					if be.restart {
						instances = append(instances, startInstance(t, env))
						bal.set(victim, instances[len(instances)-1])
					}
				}
				body, send := h.message(c, question(i))
				sem <- struct{}{}
				wg.Go(func() {
					defer func() { <-sem }()
					var inner sync.WaitGroup
					inner.Go(func() { deliver(send, body) })
					inner.Go(func() { deliver(send, body) }) // two at the same moment
					inner.Wait()
					deliver(send, body) // and a later redelivery
				})
			}
			wg.Wait()
			// A reply the killed instance could not finish is not lost: the
			// shop queues it as undelivered (or unknown), visible to the
			// caller, and the message is not answered again.
			queued := map[channel.Address]bool{}
			failures := 0
			for _, in := range instances {
				for _, fl := range in.srv.shop.Failures() {
					queued[fl.To] = true
					failures++
				}
			}
			dup, unanswered, lost := 0, 0, 0
			for _, c := range all {
				switch n := h.repliesTo(c); {
				case n > 1:
					dup++
				case n == 0:
					unanswered++
					if !queued[channel.Address{Channel: c.kind, ID: c.id}] {
						lost++
					}
				}
			}
			t.Logf("%s: messages %d, deliveries %d (retried %d), duplicates %d, unanswered %d (all queued as undelivered: lost %d), failures queued %d, wechat token fetches %d",
				name, len(all), deliveries.Load(), retries.Load(), dup, unanswered, lost, failures, f.wc.TokenFetches())
			assert.Zero(t, dup, "no message answered twice")
			assert.Zero(t, lost, "no message lost: each is answered or queued as undelivered")
			assert.LessOrEqual(t, f.wc.TokenFetches(), 1, "one WeChat token fetch across instances")
		})
	}
}
