package main

import (
	"context"
	"flag"
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
// swapped (a restarted one takes the place of the killed one). It counts
// the requests in flight to each slot.
type lb struct {
	mu       sync.RWMutex
	proxies  []*httputil.ReverseProxy
	inflight []atomic.Int64
}

func balancer(urls []*url.URL) *lb {
	b := &lb{proxies: make([]*httputil.ReverseProxy, len(urls)), inflight: make([]atomic.Int64, len(urls))}
	for i, u := range urls {
		b.set(i, u)
	}
	return b
}

func (b *lb) set(i int, u *url.URL) {
	p := httputil.NewSingleHostReverseProxy(u)
	p.ErrorHandler = func(w http.ResponseWriter, _ *http.Request, _ error) { w.WriteHeader(http.StatusBadGateway) }
	b.mu.Lock()
	b.proxies[i] = p
	b.mu.Unlock()
}

func (b *lb) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b.mu.RLock()
	i := rand.IntN(len(b.proxies))
	p := b.proxies[i]
	b.mu.RUnlock()
	b.inflight[i].Add(1)
	defer b.inflight[i].Add(-1)
	p.ServeHTTP(w, r)
}

// clusterMessages is how many customer messages each cluster run sends,
// split over the four platforms; CI keeps the default, the scale is
// -cluster.messages=2000.
var clusterMessages = flag.Int("cluster.messages", 160, "customer messages per cluster test run (each delivered 3 times)")

// member is one instance of the cluster as the test drives it.
type member interface {
	addr() *url.URL
	kill()
	// failures are the replies the instance queued as undelivered (none
	// for a child process: its outbox is not the test's to read).
	failures() []shop.Failure
}

func (in *instance) addr() *url.URL           { return in.url }
func (in *instance) failures() []shop.Failure { return in.srv.shop.Failures() }

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
			spawn := func(env map[string]string) member { return startInstance(t, env) }
			r := runCluster(t, be, spawn, spawn)
			assert.Zero(t, r.dup, "no message answered twice")
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
			spawn := func(env map[string]string) member {
				if n++; n < be.instances {
					return startInstance(t, env)
				}
				return startChild(t, env)
			}
			restart := func(env map[string]string) member { return startChild(t, env) }
			r := runCluster(t, be, spawn, restart)
			assert.Zero(t, r.dup, "no message answered twice, not even one the killed child held (held at the kill: %d)", r.heldAtKill)
		})
	}
}

// clusterResult is what runCluster counted.
type clusterResult struct {
	dup        int // messages answered more than once
	heldAtKill int // deliveries in flight to the victim when it was killed
}

// runCluster starts be.instances members (spawn), balances 3 deliveries
// of each of -cluster.messages messages over them (two at the same moment,
// each retried like a platform until acknowledged), kills the last member
// halfway and, with be.restart, puts restart's member in its place. It
// asserts nothing lost and at most one WeChat token fetch, logs the
// figures and returns the duplicates for the caller to judge.
func runCluster(t *testing.T, be clusterBackend, spawn, restart func(map[string]string) member) clusterResult {
	t.Helper()
	f := newFakes(t)
	env := f.env()
	for k, v := range be.env(t) {
		env[k] = v
	}
	var members []member
	var urls []*url.URL
	for range be.instances {
		m := spawn(env)
		members = append(members, m)
		urls = append(urls, m.addr())
	}
	bal := balancer(urls)
	lb := httptest.NewServer(bal)
	defer lb.Close()
	h := &harness{fakes: f, url: lb.URL, hc: &http.Client{Timeout: 10 * time.Second}}

	perPlatform := max(1, *clusterMessages/len(platforms()))
	var all []customer
	for _, kind := range platforms() {
		all = append(all, customers(kind, perPlatform, 7)...)
	}
	rand.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
	var deliveries, retries atomic.Int64
	// deliver sends one delivery and retries it like a platform until it
	// is acknowledged.
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
	var res clusterResult
	var wg sync.WaitGroup
	sem := make(chan struct{}, 16)
	began := time.Now()
	for i, c := range all {
		if i == len(all)/2 {
			victim := len(urls) - 1
			// Kill it while it holds deliveries (they are in flight
			// through the balancer from the first half's goroutines).
			eventually(2*time.Second, func() bool { return bal.inflight[victim].Load() > 0 })
			res.heldAtKill = int(bal.inflight[victim].Load())
			members[victim].kill()
			if be.restart {
				m := restart(env)
				members = append(members, m)
				bal.set(victim, m.addr())
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
	elapsed := time.Since(began)
	// A reply the killed instance could not finish is not lost: the shop
	// keeps it in the shared outbox as undelivered (or unknown: a
	// redelivery taken over from the killed instance, which may have sent
	// it), visible to the caller, and the message is not answered again.
	queued := map[channel.Address]bool{}
	failures, unknown := 0, 0
	for _, m := range members {
		for _, fl := range m.failures() {
			queued[fl.To] = true
		}
	}
	st, err := openState(t.Context(), func(k string) string { return env[k] }, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	pending, err := st.outbox.Pending(t.Context(), 1<<20)
	require.NoError(t, err)
	require.NoError(t, st.Close())
	for _, e := range pending {
		queued[e.Message.To] = true
		failures++
		if e.State == channel.OutboxUnknown {
			unknown++
		}
	}
	replies, unanswered, lost := 0, 0, 0
	for _, c := range all {
		n := h.repliesTo(c)
		replies += n
		switch {
		case n > 1:
			res.dup++
		case n == 0:
			unanswered++
			if !queued[channel.Address{Channel: c.kind, ID: c.id}] {
				lost++
			}
		}
	}
	t.Logf("%s: messages %d, deliveries %d (retried %d), replies %d, duplicates %d (deliveries held by the victim at the kill %d), unanswered %d (lost %d), in the outbox %d (unknown %d), wechat token fetches %d, %.1f s",
		be.name, len(all), deliveries.Load(), retries.Load(), replies, res.dup, res.heldAtKill, unanswered, lost, failures, unknown,
		f.wc.TokenFetches(), elapsed.Seconds())
	assert.Zero(t, lost, "no message lost: each is answered or queued as undelivered")
	assert.LessOrEqual(t, f.wc.TokenFetches(), 1, "one WeChat token fetch across instances")
	return res
}
