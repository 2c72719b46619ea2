package trackingtest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/internal/transport"
	"github.com/switchboard-go/switchboard/tracking"
)

// Step is one scripted carrier event. It becomes visible once the fake's
// clock reaches At, and is reported as having happened at At.
type Step struct {
	// At is when the event happens and becomes visible.
	At time.Time
	// Status is the normalized status the fake renders in its carrier's
	// codes.
	Status tracking.Status
	// Code overrides the carrier code the fake renders for Status (a
	// FedEx "AR", a UPS "M", a 17TRACK sub-status).
	Code string
	// Description is the carrier's text for the event.
	Description string
	// City and CountryCode are where it happens (ISO 3166-1 alpha-2).
	City, CountryCode string
}

// Script is a scripted shipment.
type Script struct {
	// Number is the tracking number the fake answers for.
	Number string
	Steps  []Step // any order
	// ETA is rendered as the carrier's estimate while not delivered.
	ETA time.Time
	// Signer is rendered once a delivered step is visible.
	Signer string
	// Service is DHL's service ("express" when empty) or 17TRACK's
	// provider name.
	Service string
}

// Config configures a fake server. The zero value works: time.Now, default
// credentials, no limits.
type Config struct {
	// Clock decides which steps are visible, token expiry and quota days.
	Clock channel.Clock
	// Rate and Burst limit calls per second (0 = unlimited); over it the fake
	// answers 429 with Retry-After: 1.
	Rate  rate.Limit
	Burst int // bucket size (0 = 1)
	// Daily caps calls per UTC day of Clock (0 = unlimited); over it the
	// fake answers 429 with Retry-After until midnight.
	Daily int
	// TokenTTL is the lifetime of issued OAuth tokens (0 = 1 h).
	TokenTTL time.Duration
}

// fault is a scripted failure for the next calls.
type fault struct {
	status     int
	retryAfter time.Duration
	n          int
}

// fake is the state every carrier fake shares.
type fake struct {
	opts Config

	mu       sync.Mutex
	scripts  map[string]Script
	calls    int
	tokens   int
	faults   []fault
	limiter  *rate.Limiter
	day      string
	dayCalls int
	issued   map[string]time.Time // token → expiry
}

// serve sets the fake up with o and starts a server answering routes
// (ServeMux patterns → handlers).
func (f *fake) serve(o Config, routes map[string]http.HandlerFunc) *httptest.Server {
	f.opts, f.scripts, f.issued = o, map[string]Script{}, map[string]time.Time{}
	if o.Rate > 0 {
		b := o.Burst
		if b <= 0 {
			b = 1
		}
		f.limiter = rate.NewLimiter(o.Rate, b)
	}
	mux := http.NewServeMux()
	for pattern, h := range routes {
		mux.HandleFunc(pattern, h)
	}
	return httptest.NewServer(mux)
}

// Add scripts a shipment (replacing one with the same number).
func (f *fake) Add(s Script) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.scripts[tracking.Normalize(s.Number)] = s
}

// Fail makes the next n tracking calls answer status (429, 500, 503, 404,
// ...), with a Retry-After header when retryAfter > 0.
func (f *fake) Fail(status, n int, retryAfter time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults = append(f.faults, fault{status: status, retryAfter: retryAfter, n: n})
}

// Calls returns how many tracking calls the fake received (token calls
// excluded), including refused ones.
func (f *fake) Calls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls
}

// TokenCalls returns how many OAuth token calls the fake received.
func (f *fake) TokenCalls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.tokens
}

func (f *fake) now() time.Time { return f.opts.Clock.Now() }

// admit counts a tracking call and decides whether it is refused by a
// scripted fault or a limit: it returns the status to answer (having set
// Retry-After on w when there is one), or 0.
func (f *fake) admit(w http.ResponseWriter) int {
	status, retryAfter := f.refusal()
	if retryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int((retryAfter+time.Second-1)/time.Second)))
	}
	return status
}

// refusal is admit's decision: the status and Retry-After, or 0.
func (f *fake) refusal() (status int, retryAfter time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	now := f.now()
	if len(f.faults) > 0 {
		ft := &f.faults[0]
		ft.n--
		st, ra := ft.status, ft.retryAfter
		if ft.n <= 0 {
			f.faults = f.faults[1:]
		}
		return st, ra
	}
	if f.opts.Daily > 0 {
		day := now.UTC().Format(time.DateOnly)
		if day != f.day {
			f.day, f.dayCalls = day, 0
		}
		if f.dayCalls >= f.opts.Daily {
			y, m, d := now.UTC().Date()
			midnight := time.Date(y, m, d+1, 0, 0, 0, 0, time.UTC)
			return http.StatusTooManyRequests, midnight.Sub(now)
		}
		f.dayCalls++
	}
	if f.limiter != nil && !f.limiter.AllowN(now, 1) {
		return http.StatusTooManyRequests, time.Second
	}
	return 0, 0
}

// visible returns the script's steps visible at the fake's now, newest first;
// ok is false when the number is unknown or nothing is visible yet (the
// carrier answers "not found" then).
func (f *fake) visible(number string) (s Script, steps []Step, ok bool) {
	f.mu.Lock()
	s, ok = f.scripts[tracking.Normalize(number)]
	f.mu.Unlock()
	if !ok {
		return s, nil, false
	}
	now := f.now()
	for _, st := range s.Steps {
		if !st.At.After(now) {
			steps = append(steps, st)
		}
	}
	slices.SortStableFunc(steps, func(a, b Step) int { return b.At.Compare(a.At) })
	return s, steps, len(steps) > 0
}

// issue mints an OAuth token valid for TokenTTL.
func (f *fake) issue() (token string, ttl time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.tokens++
	ttl = f.opts.TokenTTL
	if ttl <= 0 {
		ttl = time.Hour
	}
	token = "fake-token-" + strconv.Itoa(f.tokens)
	f.issued[token] = f.now().Add(ttl)
	return token, ttl
}

// authorized reports whether r carries a Bearer token this fake issued and
// that has not expired.
func (f *fake) authorized(r *http.Request) bool {
	h := r.Header.Get("Authorization")
	const p = "Bearer "
	if len(h) <= len(p) || h[:len(p)] != p {
		return false
	}
	f.mu.Lock()
	exp, ok := f.issued[h[len(p):]]
	f.mu.Unlock()
	return ok && f.now().Before(exp)
}

// Expire makes every issued token invalid, as if the carrier revoked them.
func (f *fake) Expire() {
	f.mu.Lock()
	clear(f.issued)
	f.mu.Unlock()
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// code is the carrier code the fake renders for st: st.Code when set, else
// render(st.Status).
func (st Step) code(render func(tracking.Status) string) string {
	if st.Code != "" {
		return st.Code
	}
	return render(st.Status)
}

// grant reads a client-credentials token request body. ok is false when an
// answer was written: by transport.ReadBody, or by refuse when the body is
// not a form whose grant_type is client_credentials.
func grant(w http.ResponseWriter, r *http.Request, refuse func(http.ResponseWriter)) (form url.Values, ok bool) {
	body, ok := transport.ReadBody(w, r, 1<<16)
	if !ok {
		return nil, false
	}
	form, err := url.ParseQuery(string(body))
	if err != nil || form.Get("grant_type") != "client_credentials" {
		refuse(w)
		return nil, false
	}
	return form, true
}

func last(steps []Step) Step { return steps[0] }

func delivered(steps []Step) bool {
	return len(steps) > 0 && steps[0].Status == tracking.StatusDelivered
}

func writeJSONNoCT(w http.ResponseWriter, status int, v any) {
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
