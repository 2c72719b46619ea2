package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/examples/internal/shop"
	"github.com/switchboard-go/switchboard/line/linetest"
	"github.com/switchboard-go/switchboard/messenger/messengertest"
	"github.com/switchboard-go/switchboard/wechat/wechattest"
	"github.com/switchboard-go/switchboard/whatsapp/whatsapptest"
)

// The cluster run: several instances of the server share one state backend
// behind a balancer, in front of the four platforms' fakes; every message is
// delivered three times and one instance dies halfway. The tests
// (cluster_test.go) and the cluster command (clustercmd.go) both run it.

// fakes are the four platforms' fake APIs the server talks to.
type fakes struct {
	closeOnce sync.Once
	wa        *whatsapptest.Server
	fb        *messengertest.Server
	ln        *linetest.Server
	wc        *wechattest.Server
}

// newFakes starts the four fakes; close stops them.
func newFakes() *fakes {
	return &fakes{
		wa: whatsapptest.NewServer(whatsapptest.Config{}),
		fb: messengertest.NewServer(messengertest.Config{}),
		ln: linetest.NewServer(linetest.Config{}),
		wc: wechattest.NewServer(wechattest.Config{SafeMode: true, WebhookPath: "/webhooks/wechat"}),
	}
}

// close stops the four fakes; calling it again does nothing more.
func (f *fakes) close() {
	f.closeOnce.Do(func() { f.wa.Close(); f.fb.Close(); f.ln.Close(); f.wc.Close() })
}

// env is the server's environment as a shop would set it: credentials of the
// four accounts, each platform's API pointed at its fake, the rule and reply
// files of the shopbot example (relative to this package's directory, where
// tests run).
func (f *fakes) env() map[string]string {
	wa, fb, wc := f.wa.Config(), f.fb.Config(), f.wc.Config()
	return map[string]string{
		envRules:   "../shopbot/data/rules.json",
		envReplies: "../shopbot/data/replies.json",

		envWAToken: wa.AccessToken, envWAPhone: wa.PhoneNumberID, envWASecret: wa.AppSecret,
		envWAVerify: wa.VerifyToken, envWABaseURL: f.wa.URL,

		envFBToken: fb.PageAccessToken, envFBSecret: fb.AppSecret, envFBVerify: fb.VerifyToken,
		envFBBaseURL: f.fb.URL,

		envLineToken: f.ln.AccessToken(), envLineSecret: f.ln.ChannelSecret(), envLineBaseURL: f.ln.URL,

		envWCAppID: wc.AppID, envWCSecret: wc.AppSecret, envWCToken: wc.Token, envWCAESKey: wc.EncodingAESKey,
		envWCBaseURL: f.wc.URL,
	}
}

// customer is one person writing to the shop on one platform.
type customer struct {
	kind channel.Kind
	id   string // wa_id, PSID, LINE userId, openid
}

// customers returns n customers on kind with distinct, realistic ids.
func customers(kind channel.Kind, n, seed int) []customer {
	out := make([]customer, n)
	for i := range out {
		k := seed*100000 + i
		var id string
		switch kind {
		case channel.WhatsApp:
			id = fmt.Sprintf("8529%07d", k) // Hong Kong mobile numbers
		case channel.Messenger:
			id = fmt.Sprintf("%016d", 7100000000000000+k)
		case channel.LINE:
			id = fmt.Sprintf("U%032x", 0xc0ffee0000+k)
		default:
			id = fmt.Sprintf("oUpF8uMuAJO_M2pxb1Q9z%07d", k)
		}
		out[i] = customer{kind: kind, id: id}
	}
	return out
}

// platforms are the four channels the server serves.
func platforms() []channel.Kind {
	return []channel.Kind{channel.WhatsApp, channel.Messenger, channel.LINE, channel.WeChat}
}

// question returns the i-th of six texts that each match a different rule of
// rules.json, so a customer's consecutive messages are never "the same
// question twice" (which hands the conversation off).
func question(i int) string {
	qs := [...]string{
		"what payment methods do you accept?",
		"how long does delivery take to Spain",
		"I want to return these shoes",
		"can I get an invoice for my order",
		"my payment failed, what now?",
		"is it true to size?",
	}
	return qs[i%len(qs)]
}

// target is a webhook server as a platform sees it: its base URL
// (http://127.0.0.1:port) and the client that delivers to it.
type target struct {
	url string
	hc  *http.Client
}

// post sends body to path with header and returns the status.
func (t target) post(ctx context.Context, path string, body []byte, header http.Header) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.url+path, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	for k, v := range header {
		req.Header[k] = v
	}
	return t.do(req)
}

// do sends req and returns the status, the body read and discarded.
func (t target) do(req *http.Request) (int, error) {
	resp, err := t.hc.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, nil
}

// message builds the platform's webhook for text from c and a function that
// delivers that exact body (signed) to to; calling it again is a
// redelivery.
func (f *fakes) message(to target, c customer, text string) ([]byte, func(context.Context, []byte) (int, error)) {
	switch c.kind {
	case channel.WhatsApp:
		body, _ := f.wa.MessageWebhook(whatsapptest.Inbound{From: c.id, Name: "Ana Lima", Text: text})
		return body, func(ctx context.Context, b []byte) (int, error) {
			return f.wa.DeliverURL(ctx, to.url+"/webhooks/whatsapp", to.hc, b)
		}
	case channel.Messenger:
		body, _ := f.fb.MessageWebhook(messengertest.Inbound{PSID: c.id, Text: text})
		return body, func(ctx context.Context, b []byte) (int, error) {
			return f.fb.DeliverURL(ctx, to.url+"/webhooks/messenger", to.hc, b)
		}
	case channel.LINE:
		return f.lineMessage(to, c, text, true)
	default:
		body := f.wc.Text(c.id, text)
		return body, func(ctx context.Context, b []byte) (int, error) {
			d, err := f.wc.DeliverURL(ctx, to.url+"/webhooks/wechat", b)
			return d.Status, err
		}
	}
}

// lineMessage is message for LINE; without a reply token (one that expired
// or was used) the bot's answer goes out as a push, with a retry key.
func (f *fakes) lineMessage(to target, c customer, text string, withToken bool) ([]byte, func(context.Context, []byte) (int, error)) {
	e := f.ln.TextEvent(c.id, text)
	if !withToken {
		e.ReplyToken = ""
	}
	body, _ := f.ln.WebhookBody(e)
	return body, func(ctx context.Context, b []byte) (int, error) {
		return to.post(ctx, "/webhooks/line", b, http.Header{
			"X-Line-Signature": {linetest.Sign(f.ln.ChannelSecret(), b)}, "Content-Type": {"application/json"}})
	}
}

// repliesTo is how many replies the fake platform of c accepted for c.
func (f *fakes) repliesTo(c customer) int {
	n := 0
	switch c.kind {
	case channel.WhatsApp:
		for _, s := range f.wa.Sent() {
			if s.To == c.id {
				n++
			}
		}
	case channel.Messenger:
		for _, s := range f.fb.Sent() {
			if s.To == c.id {
				n++
			}
		}
	case channel.LINE:
		for _, s := range f.ln.Sent() {
			for _, to := range s.To {
				if to == c.id {
					n += len(s.Messages)
				}
			}
		}
	default:
		for _, s := range f.wc.Sent() {
			if s.ToUser == c.id {
				n++
			}
		}
	}
	return n
}

// eventually polls cond every few milliseconds for up to d.
func eventually(d time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(d)
	for {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// fastRetries makes the adapters retry within milliseconds: the fakes'
// Retry-After (whole seconds on the wire) is capped by MaxBackoff, so the
// fault tests stay fast while still exercising the retry path.
func fastRetries(c *config) {
	c.WhatsApp.Retry.MinBackoff, c.WhatsApp.Retry.MaxBackoff = time.Millisecond, 20*time.Millisecond
	c.Messenger.Retry.MinBackoff, c.Messenger.Retry.MaxBackoff = time.Millisecond, 20*time.Millisecond
	c.LINE.Retry.MinBackoff, c.LINE.Retry.MaxBackoff = time.Millisecond, 20*time.Millisecond
	c.WeChat.Retry.MinBackoff, c.WeChat.Retry.MaxBackoff = time.Millisecond, 20*time.Millisecond
}

// shortLease claims with a 2 s lease whatever the caller asks.
type shortLease struct{ channel.DedupeStore }

func (s shortLease) Claim(ctx context.Context, key string, now time.Time, _ time.Duration) (channel.ClaimStatus, error) {
	return s.DedupeStore.Claim(ctx, key, now, 2*time.Second)
}

// clusterServer builds a cluster instance's server from getenv exactly as
// run does (openState, configure, newServer), with fast retries and, since
// the claims of an instance killed mid-handling stay in flight until their
// lease runs out (platforms retry for hours, a cluster run for seconds),
// 2 s claim leases. Logs are discarded. The caller closes the state after
// the server stopped.
func clusterServer(ctx context.Context, getenv func(string) string) (*server, *state, error) {
	cfg, err := loadConfig(getenv)
	if err != nil {
		return nil, nil, err
	}
	fastRetries(&cfg)
	log := slog.New(slog.DiscardHandler)
	st, err := openState(ctx, getenv, log)
	if err != nil {
		return nil, nil, err
	}
	st.dedupe = shortLease{st.dedupe}
	var opts shop.Config
	st.configure(&cfg, &opts, log)
	srv, err := newServer(cfg, log, opts)
	if err != nil {
		_ = st.Close()
		return nil, nil, err
	}
	return srv, st, nil
}

// instance is one webhook server of the cluster, in this process.
type instance struct {
	url    *url.URL
	srv    *server
	st     *state
	cancel context.CancelFunc
	done   chan error
	dead   atomic.Bool
}

// startInstance builds a server from env (clusterServer) and serves it on a
// loopback port until kill or stop.
func startInstance(env map[string]string) (*instance, error) {
	ctx, cancel := context.WithCancel(context.Background())
	srv, st, err := clusterServer(ctx, func(k string) string { return env[k] })
	if err != nil {
		cancel()
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		cancel()
		_ = st.Close()
		return nil, err
	}
	u, _ := url.Parse("http://" + ln.Addr().String())
	in := &instance{url: u, srv: srv, st: st, cancel: cancel, done: make(chan error, 1)}
	go func() { in.done <- srv.serve(ctx, ln, 5*time.Second) }()
	return in, nil
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

// stop shuts the instance down (if kill did not) and closes its state.
func (in *instance) stop() {
	if !in.dead.Swap(true) {
		in.cancel()
		<-in.done
	}
	_ = in.st.Close()
}

func (in *instance) addr() *url.URL           { return in.url }
func (in *instance) failures() []shop.Failure { return in.srv.shop.Failures() }

// member is one instance of the cluster as runCluster drives it.
type member interface {
	addr() *url.URL
	kill()
	// stop ends the member when the run is over.
	stop()
	// failures are the replies the instance queued as undelivered (none
	// for a child process: its outbox is not the run's to read).
	failures() []shop.Failure
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

// clusterOptions say what runCluster runs.
type clusterOptions struct {
	messages  int               // customer messages, split over the four platforms
	instances int               // members started at the beginning
	env       map[string]string // the state backend's environment, over the fakes' env
	// spawn starts a member from the environment; nil: startInstance.
	spawn func(env map[string]string) (member, error)
	// restart, when set, starts the member that takes the killed one's
	// place, on the same state.
	restart func(env map[string]string) (member, error)
}

// clusterResult is what runCluster counted.
type clusterResult struct {
	messages     int           // customer messages sent
	deliveries   int64         // webhook deliveries, retries included
	retried      int64         // deliveries not acknowledged with 200
	replies      int           // replies the fake platforms accepted
	duplicates   int           // messages answered more than once
	heldAtKill   int           // deliveries in flight to the victim when it was killed
	unanswered   int           // messages without a reply
	lost         int           // unanswered and not queued in any outbox
	outbox       int           // replies pending in the shared outbox
	unknown      int           // of those, the ones whose delivery is unknown
	tokenFetches int           // WeChat token fetches across the instances
	elapsed      time.Duration // from the first delivery to the last
}

// String is the figures line.
func (r clusterResult) String() string {
	return fmt.Sprintf("messages %d, deliveries %d (retried %d), replies %d, duplicates %d (deliveries held by the victim at the kill %d), unanswered %d (lost %d), in the outbox %d (unknown %d), wechat token fetches %d, %.1f s",
		r.messages, r.deliveries, r.retried, r.replies, r.duplicates, r.heldAtKill, r.unanswered, r.lost, r.outbox, r.unknown,
		r.tokenFetches, r.elapsed.Seconds())
}

// runCluster starts o.instances members (o.spawn) in front of the four
// fakes, balances 3 deliveries of each of o.messages messages over them
// (two at the same moment, each retried like a platform until
// acknowledged), kills the last member halfway and, with o.restart, puts a
// new member in its place. It stops every member and the fakes before it
// returns the figures; the caller judges them. A delivery never
// acknowledged in 10 s is an error (returned with the figures).
func runCluster(ctx context.Context, o clusterOptions) (clusterResult, error) {
	f := newFakes()
	defer f.close()
	env := f.env()
	for k, v := range o.env {
		env[k] = v
	}
	spawn := o.spawn
	if spawn == nil {
		spawn = func(env map[string]string) (member, error) { return startInstance(env) }
	}
	var members []member
	defer func() {
		for _, m := range members {
			m.stop()
		}
	}()
	var urls []*url.URL
	for range o.instances {
		m, err := spawn(env)
		if err != nil {
			return clusterResult{}, err
		}
		members = append(members, m)
		urls = append(urls, m.addr())
	}
	bal := balancer(urls)
	lb := httptest.NewServer(bal)
	defer lb.Close()
	hc := &http.Client{Timeout: 10 * time.Second}
	defer hc.CloseIdleConnections()
	to := target{url: lb.URL, hc: hc}

	perPlatform := max(1, o.messages/len(platforms()))
	var all []customer
	for _, kind := range platforms() {
		all = append(all, customers(kind, perPlatform, 7)...)
	}
	rand.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
	var deliveries, retries, unacked atomic.Int64
	// deliver sends one delivery and retries it like a platform until it
	// is acknowledged.
	deliver := func(send func(context.Context, []byte) (int, error), body []byte) {
		for attempt := 0; ; attempt++ {
			deliveries.Add(1)
			status, err := send(ctx, body)
			if err == nil && status == http.StatusOK {
				return
			}
			retries.Add(1)
			if attempt == 500 || ctx.Err() != nil { // 10 s: five leases
				unacked.Add(1)
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	res := clusterResult{messages: len(all)}
	var wg sync.WaitGroup
	sem := make(chan struct{}, 16)
	began := time.Now()
	var restartErr error
	for i, c := range all {
		if i == len(all)/2 {
			victim := len(urls) - 1
			// Kill it while it holds deliveries (they are in flight
			// through the balancer from the first half's goroutines).
			eventually(2*time.Second, func() bool { return bal.inflight[victim].Load() > 0 })
			res.heldAtKill = int(bal.inflight[victim].Load())
			members[victim].kill()
			if o.restart != nil {
				m, err := o.restart(env)
				if err != nil {
					restartErr = err
				} else {
					members = append(members, m)
					bal.set(victim, m.addr())
				}
			}
		}
		body, send := f.message(to, c, question(i))
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
	res.elapsed = time.Since(began)
	res.deliveries, res.retried = deliveries.Load(), retries.Load()
	if restartErr != nil {
		return res, fmt.Errorf("restart: %w", restartErr)
	}
	// A reply the killed instance could not finish is not lost: the shop
	// keeps it in the shared outbox as undelivered (or unknown: a
	// redelivery taken over from the killed instance, which may have sent
	// it), visible to the caller, and the message is not answered again.
	queued := map[channel.Address]bool{}
	for _, m := range members {
		for _, fl := range m.failures() {
			queued[fl.To] = true
		}
	}
	st, err := openState(ctx, func(k string) string { return env[k] }, slog.New(slog.DiscardHandler))
	if err != nil {
		return res, err
	}
	pending, err := st.outbox.Pending(ctx, 1<<20)
	_ = st.Close()
	if err != nil {
		return res, err
	}
	for _, e := range pending {
		queued[e.Message.To] = true
		res.outbox++
		if e.State == channel.OutboxUnknown {
			res.unknown++
		}
	}
	for _, c := range all {
		n := f.repliesTo(c)
		res.replies += n
		switch {
		case n > 1:
			res.duplicates++
		case n == 0:
			res.unanswered++
			if !queued[channel.Address{Channel: c.kind, ID: c.id}] {
				res.lost++
			}
		}
	}
	res.tokenFetches = f.wc.TokenFetches()
	if n := unacked.Load(); n > 0 {
		return res, fmt.Errorf("%d deliveries never acknowledged", n)
	}
	return res, nil
}
