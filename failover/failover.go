package failover

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/switchboard-go/switchboard/channel"
)

// Endpoint is one base URL of a platform's API.
type Endpoint struct {
	// Name identifies the endpoint in switches, stats and announcements.
	Name string
	// URL is the base URL: requests under the first endpoint's URL are sent
	// under this one instead, path suffix and query kept.
	URL string
	// Header is set on every request to this endpoint, replacing the
	// request's own values (an Authorization for another account).
	Header http.Header
}

// Bus carries switches between instances.
type Bus interface {
	// Publish announces that group's active endpoint is now name.
	Publish(ctx context.Context, group, name string) error
	// Subscribe calls f for every announcement of group (its own included)
	// until ctx ends.
	Subscribe(ctx context.Context, group string, f func(name string)) error
}

// Config configures a Transport. Endpoints is required; every other field
// has the default its comment gives.
type Config struct {
	// Endpoints, in order of preference; the first is the primary and must
	// be the base URL the adapter is configured with.
	Endpoints []Endpoint
	// Slow is the latency above which a call counts against its endpoint;
	// 0 means 1.5 s (a normal WhatsApp call takes under 800 ms).
	Slow time.Duration
	// Trips is how many consecutive slow or failed calls switch away; 0
	// means 3.
	Trips int
	// Hold is the least time an ejected endpoint waits before failback; it
	// doubles with each ejection of that endpoint, up to MaxHold. 0 means
	// 30 s and MaxHold 0 means 30 min.
	Hold, MaxHold time.Duration
	// HealthyProbes is how many good probes in a row an ejected endpoint
	// needs before failback; 0 means 3.
	HealthyProbes int
	// Base sends the requests; nil means http.DefaultTransport.
	Base http.RoundTripper
	// Clock times calls and holds; nil means time.Now.
	Clock channel.Clock
	// Bus shares switches with other instances under Group; nil keeps them
	// local.
	Bus Bus
	// Group is the topic of this Transport's switches on Bus: instances
	// with the same Group follow each other's switches.
	Group string
	// OnSwitch, if set, is told of every switch (from, to, why).
	OnSwitch func(from, to, reason string)
}

type endpoint struct {
	Endpoint
	base *url.URL

	bad        int       // consecutive slow or failed calls while active
	ejected    bool      // waiting for failback
	ejectedAt  time.Time // when it was last ejected
	ejections  int       // how many times
	goodProbes int       // good probes in a row since ejection
	stats      map[string]*DayStats
}

// Transport is a failover http.RoundTripper. It is safe for concurrent use.
type Transport struct {
	cfg Config

	mu     sync.Mutex
	eps    []*endpoint
	active int
}

// ErrNoEndpoints: Config.Endpoints is empty or an endpoint's URL is not
// absolute.
var ErrNoEndpoints = errors.New("failover: at least one endpoint with an absolute URL is required")

// New returns a Transport. With a Bus, call Follow to receive other
// instances' switches.
func New(cfg Config) (*Transport, error) {
	if len(cfg.Endpoints) == 0 {
		return nil, ErrNoEndpoints
	}
	if cfg.Slow <= 0 {
		cfg.Slow = 1500 * time.Millisecond
	}
	if cfg.Trips <= 0 {
		cfg.Trips = 3
	}
	if cfg.Hold <= 0 {
		cfg.Hold = 30 * time.Second
	}
	if cfg.MaxHold <= 0 {
		cfg.MaxHold = 30 * time.Minute
	}
	if cfg.HealthyProbes <= 0 {
		cfg.HealthyProbes = 3
	}
	if cfg.Base == nil {
		cfg.Base = http.DefaultTransport
	}
	t := &Transport{cfg: cfg}
	seen := map[string]bool{}
	for _, e := range cfg.Endpoints {
		u, err := url.Parse(e.URL)
		if err != nil || u.Scheme == "" || u.Host == "" || e.Name == "" || seen[e.Name] {
			return nil, fmt.Errorf("%w: endpoint %q (%s)", ErrNoEndpoints, e.Name, redactURL(e.URL))
		}
		seen[e.Name] = true
		u.Path = strings.TrimSuffix(u.Path, "/")
		t.eps = append(t.eps, &endpoint{Endpoint: e, base: u, stats: map[string]*DayStats{}})
	}
	return t, nil
}

func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "invalid URL"
	}
	u.User, u.RawQuery = nil, ""
	return u.String()
}

func (t *Transport) now() time.Time { return t.cfg.Clock.Now() }

// Active returns the name of the endpoint requests go to now.
func (t *Transport) Active() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.eps[t.active].Name
}

// RoundTrip sends req to the active endpoint when it is under the primary's
// base URL (other requests, such as media downloads from another host, pass
// through), and records the outcome. It never retries.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	t.mu.Lock()
	i := t.active
	ep := t.eps[i]
	primary := t.eps[0].base
	t.mu.Unlock()
	if !under(req.URL, primary) {
		return t.cfg.Base.RoundTrip(req)
	}
	out := req.Clone(req.Context())
	u := *req.URL
	u.Scheme, u.Host = ep.base.Scheme, ep.base.Host
	u.Path = ep.base.Path + strings.TrimPrefix(req.URL.Path, primary.Path)
	u.RawPath = ""
	out.URL, out.Host = &u, ""
	for k, v := range ep.Header {
		out.Header[k] = v
	}
	start := t.now()
	resp, err := t.cfg.Base.RoundTrip(out)
	elapsed := t.now().Sub(start)
	good := err == nil && resp.StatusCode < 500 && elapsed <= t.cfg.Slow
	if err != nil && req.Context().Err() != nil {
		return resp, err // the caller gave up: says nothing about the endpoint
	}
	t.record(i, good, err != nil || resp.StatusCode >= 500, elapsed, start)
	return resp, err
}

// under reports whether u is at or below base.
func under(u, base *url.URL) bool {
	if u.Host != base.Host || u.Scheme != base.Scheme {
		return false
	}
	return base.Path == "" || u.Path == base.Path || strings.HasPrefix(u.Path, base.Path+"/")
}

// record counts a call on endpoint i and switches when it tripped.
func (t *Transport) record(i int, good, failed bool, elapsed time.Duration, at time.Time) {
	t.mu.Lock()
	ep := t.eps[i]
	ep.day(at).add(failed, !failed && !good, elapsed)
	if good {
		ep.bad = 0
		t.mu.Unlock()
		return
	}
	ep.bad++
	if i != t.active || ep.bad < t.cfg.Trips {
		t.mu.Unlock()
		return
	}
	from := ep.Name
	next, ok := t.eject(i, at)
	t.mu.Unlock()
	if ok {
		t.switched(from, next, fmt.Sprintf("%d slow or failed calls in a row", t.cfg.Trips))
	}
}

// eject marks endpoint i ejected and makes the best endpoint that is not
// ejected active. It reports false, changing nothing else, when every other
// endpoint is ejected too. t.mu must be held.
func (t *Transport) eject(i int, at time.Time) (string, bool) {
	for j, e := range t.eps {
		if j != i && !e.ejected {
			ep := t.eps[i]
			ep.ejected, ep.ejectedAt, ep.goodProbes, ep.bad = true, at, 0, 0
			ep.ejections++
			t.active = j
			e.bad = 0
			return e.Name, true
		}
	}
	t.eps[i].bad = 0
	return "", false
}

func (t *Transport) hold(ep *endpoint) time.Duration {
	h := t.cfg.Hold
	for range ep.ejections - 1 {
		if h *= 2; h >= t.cfg.MaxHold {
			return t.cfg.MaxHold
		}
	}
	return h
}

// switched tells OnSwitch and the bus.
func (t *Transport) switched(from, to, reason string) {
	if t.cfg.OnSwitch != nil {
		t.cfg.OnSwitch(from, to, reason)
	}
	if t.cfg.Bus != nil {
		_ = t.cfg.Bus.Publish(context.Background(), t.cfg.Group, to)
	}
}

// Probe checks every ejected endpoint with probe (a light call, such as
// fetching the account's profile; nil error and a time under Slow count as
// healthy) and fails back to the best endpoint whose hold has passed with
// HealthyProbes good probes in a row. Run it on a ticker (see Run).
func (t *Transport) Probe(ctx context.Context, probe func(ctx context.Context, ep Endpoint) error) {
	t.mu.Lock()
	var ejected []*endpoint
	for _, e := range t.eps {
		if e.ejected {
			ejected = append(ejected, e)
		}
	}
	t.mu.Unlock()
	for _, e := range ejected {
		start := t.now()
		err := probe(ctx, e.Endpoint)
		elapsed := t.now().Sub(start)
		t.mu.Lock()
		e.day(start).add(err != nil, err == nil && elapsed > t.cfg.Slow, elapsed)
		if err == nil && elapsed <= t.cfg.Slow {
			e.goodProbes++
		} else {
			e.goodProbes = 0
		}
		t.mu.Unlock()
	}
	t.failback()
}

// failback makes the best endpoint that is ready active.
func (t *Transport) failback() {
	now := t.now()
	t.mu.Lock()
	from := t.eps[t.active].Name
	for j, e := range t.eps[:t.active] {
		if e.ejected && e.goodProbes >= t.cfg.HealthyProbes && !now.Before(e.ejectedAt.Add(t.hold(e))) {
			e.ejected, e.bad = false, 0
			t.active = j
			t.mu.Unlock()
			t.switched(from, e.Name, fmt.Sprintf("%d healthy probes after its hold", e.goodProbes))
			return
		}
	}
	t.mu.Unlock()
}

// Run probes every interval until ctx ends.
func (t *Transport) Run(ctx context.Context, every time.Duration, probe func(ctx context.Context, ep Endpoint) error) error {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
			t.Probe(ctx, probe)
		}
	}
}

// Follow applies other instances' switches from the Bus until ctx ends:
// moving to a less preferred endpoint ejects the current one here too;
// moving to a more preferred one is a failback. It returns at once without
// a Bus.
func (t *Transport) Follow(ctx context.Context) error {
	if t.cfg.Bus == nil {
		return nil
	}
	return t.cfg.Bus.Subscribe(ctx, t.cfg.Group, t.follow)
}

func (t *Transport) follow(name string) {
	now := t.now()
	t.mu.Lock()
	defer t.mu.Unlock()
	j := -1
	for k, e := range t.eps {
		if e.Name == name {
			j = k
		}
	}
	if j < 0 || j == t.active {
		return
	}
	cur := t.eps[t.active]
	if j > t.active && !cur.ejected {
		cur.ejected, cur.ejectedAt, cur.goodProbes, cur.bad = true, now, 0, 0
		cur.ejections++
	}
	t.eps[j].ejected, t.eps[j].bad = false, 0
	t.active = j
}
