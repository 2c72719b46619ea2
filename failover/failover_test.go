package failover_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/channel/channeltest"
	"github.com/switchboard-go/switchboard/failover"
	"github.com/switchboard-go/switchboard/whatsapp"
	"github.com/switchboard-go/switchboard/whatsapp/whatsapptest"
)

var t0 = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

// api is a fake endpoint whose answers are slow (it moves the shared clock
// forward by delay, so nothing sleeps), failing or fine, on demand.
type api struct {
	srv    *httptest.Server
	clk    *channeltest.Clock
	mu     sync.Mutex
	delay  time.Duration
	status int
	calls  atomic.Int64
	auth   atomic.Value // last Authorization header
}

func newAPI(t *testing.T, clk *channeltest.Clock) *api {
	a := &api{clk: clk, status: http.StatusOK}
	a.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.calls.Add(1)
		a.auth.Store(r.Header.Get("Authorization"))
		a.mu.Lock()
		d, st := a.delay, a.status
		a.mu.Unlock()
		a.clk.Advance(d)
		w.WriteHeader(st)
		fmt.Fprint(w, r.URL.Path)
	}))
	t.Cleanup(a.srv.Close)
	return a
}

func (a *api) set(delay time.Duration, status int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.delay, a.status = delay, status
}

func newTransport(t *testing.T, clk *channeltest.Clock, primary, backup *api, mod func(*failover.Config)) *failover.Transport {
	t.Helper()
	cfg := failover.Config{
		Endpoints: []failover.Endpoint{
			{Name: "primary", URL: primary.srv.URL + "/v21.0"},
			{Name: "backup", URL: backup.srv.URL + "/proxy/v21.0", Header: http.Header{"Authorization": {"Bearer backup-token"}}},
		},
		Clock: clk.Now,
	}
	if mod != nil {
		mod(&cfg)
	}
	tr, err := failover.New(cfg)
	require.NoError(t, err)
	return tr
}

func call(t *testing.T, c *http.Client, u string) string {
	t.Helper()
	resp, err := c.Get(u)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// pool is a Transport over a fake primary and backup that share one clock,
// with a client sending through it.
type pool struct {
	clk             *channeltest.Clock
	primary, backup *api
	tr              *failover.Transport
	c               *http.Client
}

func newPool(t *testing.T, mod func(*failover.Config)) *pool {
	t.Helper()
	clk := channeltest.NewClock(t0)
	p := &pool{clk: clk, primary: newAPI(t, clk), backup: newAPI(t, clk)}
	p.tr = newTransport(t, clk, p.primary, p.backup, mod)
	p.c = &http.Client{Transport: p.tr}
	return p
}

// get sends a GET for path on the primary's host through the transport and
// returns the path the answering endpoint saw.
func (p *pool) get(t *testing.T, path string) string {
	t.Helper()
	return call(t, p.c, p.primary.srv.URL+path)
}

func TestSwitchAfterExactlyTheThirdSlowCall(t *testing.T) {
	t.Parallel()
	var switches []string
	p := newPool(t, func(c *failover.Config) {
		c.OnSwitch = func(from, to, why string) { switches = append(switches, from+"→"+to) }
	})
	p.primary.set(1600*time.Millisecond, http.StatusOK)
	for i := range 3 {
		assert.Equal(t, "primary", p.tr.Active(), "before call %d", i+1)
		assert.Equal(t, "/v21.0/123/messages", p.get(t, "/v21.0/123/messages"))
	}
	assert.Equal(t, "backup", p.tr.Active(), "switched after exactly the 3rd")
	assert.Equal(t, []string{"primary→backup"}, switches)
	assert.Equal(t, "/proxy/v21.0/123/messages", p.get(t, "/v21.0/123/messages"), "sent under the backup's base")
	assert.Equal(t, "Bearer backup-token", p.backup.auth.Load(), "the backup's own credentials")
	assert.EqualValues(t, 3, p.primary.calls.Load())
}

func TestFailuresTripButClientErrorsDoNot(t *testing.T) {
	t.Parallel()
	p := newPool(t, nil)
	p.primary.set(0, http.StatusBadRequest)
	for range 10 {
		p.get(t, "/v21.0/x")
	}
	assert.Equal(t, "primary", p.tr.Active(), "a 4xx is the platform answering")
	p.primary.set(0, http.StatusBadGateway)
	for range 3 {
		p.get(t, "/v21.0/x")
	}
	assert.Equal(t, "backup", p.tr.Active())

	// A transport error counts too.
	p2 := newPool(t, nil)
	p2.primary.srv.CloseClientConnections()
	p2.primary.srv.Close()
	for range 3 {
		_, err := p2.c.Get(p2.primary.srv.URL + "/v21.0/x")
		require.Error(t, err, "never retried on the backup by the transport")
	}
	assert.Equal(t, "backup", p2.tr.Active())
}

func TestNoFlappingUnderAlternatingAnswers(t *testing.T) {
	t.Parallel()
	p := newPool(t, nil)
	for i := range 200 {
		if i%2 == 0 {
			p.primary.set(2*time.Second, http.StatusOK)
		} else {
			p.primary.set(100*time.Millisecond, http.StatusOK)
		}
		p.get(t, "/v21.0/x")
	}
	assert.Equal(t, "primary", p.tr.Active())
	assert.Zero(t, p.backup.calls.Load())
	days := p.tr.Stats("primary", t0)
	require.Len(t, days, 1)
	assert.Equal(t, 200, days[0].Calls)
	assert.Equal(t, 100, days[0].Slow)
	assert.InDelta(t, 1.0, days[0].Availability(), 1e-9, "slow is not down")
}

func TestFailbackAfterHoldAndHealthyProbes(t *testing.T) {
	t.Parallel()
	p := newPool(t, nil)
	tr := p.tr
	trip := func() {
		p.primary.set(0, http.StatusServiceUnavailable)
		for range 3 {
			p.get(t, "/v21.0/x")
		}
		require.Equal(t, "backup", tr.Active())
	}
	healthy, failing := true, false
	probe := func(ctx context.Context, ep failover.Endpoint) error {
		if ep.Name != "primary" {
			return errors.New("unexpected probe")
		}
		if !healthy || failing {
			return errors.New("down")
		}
		return nil
	}
	trip()
	for range 3 {
		tr.Probe(context.Background(), probe)
	}
	assert.Equal(t, "backup", tr.Active(), "healthy, but the 30 s hold has not passed")
	p.clk.Advance(29 * time.Second)
	tr.Probe(context.Background(), probe)
	assert.Equal(t, "backup", tr.Active())
	failing = true
	p.clk.Advance(time.Second)
	tr.Probe(context.Background(), probe)
	assert.Equal(t, "backup", tr.Active(), "a failed probe starts the count again")
	failing = false
	tr.Probe(context.Background(), probe)
	tr.Probe(context.Background(), probe)
	assert.Equal(t, "backup", tr.Active(), "two good probes are not three")
	tr.Probe(context.Background(), probe)
	assert.Equal(t, "primary", tr.Active(), "failed back")

	// The second ejection holds 60 s.
	trip()
	for range 3 {
		tr.Probe(context.Background(), probe)
	}
	p.clk.Advance(59 * time.Second)
	tr.Probe(context.Background(), probe)
	assert.Equal(t, "backup", tr.Active(), "the hold doubled")
	p.clk.Advance(time.Second)
	tr.Probe(context.Background(), probe)
	assert.Equal(t, "primary", tr.Active())
}

func TestOtherHostsPassThrough(t *testing.T) {
	t.Parallel()
	p := newPool(t, nil)
	media := newAPI(t, p.clk)
	assert.Equal(t, "/media/1", call(t, p.c, media.srv.URL+"/media/1"))
	assert.Equal(t, "/v2/x", p.get(t, "/v2/x"), "outside the primary's path: untouched")
	assert.EqualValues(t, 1, media.calls.Load())
}

func TestNewRefusesBadEndpoints(t *testing.T) {
	t.Parallel()
	for _, eps := range [][]failover.Endpoint{
		nil,
		{{Name: "a", URL: "not a url"}},
		{{Name: "", URL: "https://x"}},
		{{Name: "a", URL: "https://x"}, {Name: "a", URL: "https://y"}},
	} {
		_, err := failover.New(failover.Config{Endpoints: eps})
		assert.ErrorIs(t, err, failover.ErrNoEndpoints)
	}
	_, err := failover.New(failover.Config{Endpoints: []failover.Endpoint{{Name: "a", URL: "https://user:secret@x/?token=abc%"}}})
	if err != nil {
		assert.NotContains(t, err.Error(), "secret")
	}
}

// TestInstancesFollowWithinOneSecond: three instances share a bus; one
// trips and the others follow within 1 s, without having seen a slow call.
func TestInstancesFollowWithinOneSecond(t *testing.T) {
	t.Parallel()
	clk := channeltest.NewClock(t0)
	primary, backup := newAPI(t, clk), newAPI(t, clk)
	bus := failover.NewMemoryBus()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var trs []*failover.Transport
	for range 3 {
		tr := newTransport(t, clk, primary, backup, func(c *failover.Config) { c.Bus, c.Group = bus, "whatsapp" })
		trs = append(trs, tr)
		go func() { _ = tr.Follow(ctx) }()
	}
	require.Eventually(t, func() bool { return bus.Subscribers("whatsapp") == 3 }, time.Second, time.Millisecond)
	primary.set(2*time.Second, http.StatusOK)
	c := &http.Client{Transport: trs[0]}
	for range 3 {
		call(t, c, primary.srv.URL+"/v21.0/x")
	}
	start := time.Now()
	require.Eventually(t, func() bool {
		return trs[1].Active() == "backup" && trs[2].Active() == "backup"
	}, time.Second, time.Millisecond)
	t.Logf("followed in %v", time.Since(start))
	assert.Equal(t, "backup", trs[0].Active(), "the tripping instance switched at once, locally")
}

// TestWhatsAppSendsMoveToTheBackup runs the real WhatsApp client over the
// transport: the primary fake answers slowly (through a proxy that moves
// the clock), the backup fake gets the sends after the third.
func TestWhatsAppSendsMoveToTheBackup(t *testing.T) {
	t.Parallel()
	clk := channeltest.NewClock(t0)
	slowFake, backupFake := whatsapptest.NewServer(whatsapptest.Config{}), whatsapptest.NewServer(whatsapptest.Config{})
	defer slowFake.Close()
	defer backupFake.Close()
	target, _ := url.Parse(slowFake.ClientConfig().BaseURL)
	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.Transport = slowFake.Client().Transport
	primary := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		clk.Advance(2 * time.Second)
		proxy.ServeHTTP(w, r)
	}))
	defer primary.Close()
	tr, err := failover.New(failover.Config{Clock: clk.Now, Base: backupFake.Client().Transport, Endpoints: []failover.Endpoint{
		{Name: "primary", URL: primary.URL},
		{Name: "backup", URL: backupFake.ClientConfig().BaseURL},
	}})
	require.NoError(t, err)
	cfg := slowFake.ClientConfig()
	cfg.BaseURL = primary.URL
	cfg.HTTPClient = &http.Client{Transport: tr, Timeout: 10 * time.Second}
	wa, err := whatsapp.New(cfg)
	require.NoError(t, err)
	to := channel.Address{Channel: channel.WhatsApp, ID: "85291230003"}
	for i := range 5 {
		_, err := wa.Send(context.Background(), &channel.Message{To: to, Text: fmt.Sprint("update ", i)})
		require.NoError(t, err)
	}
	assert.Len(t, slowFake.Sent(), 3, "three slow sends, each delivered once")
	assert.Len(t, backupFake.Sent(), 2, "the rest on the backup")
	assert.Equal(t, "backup", tr.Active())
}
