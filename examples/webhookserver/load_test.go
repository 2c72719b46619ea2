package main

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/internal/testenv"
	"github.com/switchboard-go/switchboard/line/linetest"
	"github.com/switchboard-go/switchboard/store/storetest"
	"github.com/switchboard-go/switchboard/whatsapp"
	"github.com/switchboard-go/switchboard/whatsapp/whatsapptest"
)

// The load benchmark drives the whole pipeline over loopback: a signed
// webhook POST → the server's route → adapter (signature, parse) → dedupe →
// identity → autoreply → catalog template → send over HTTP to the fake
// platform → 200 to the webhook. A fixed pool of clients each waits for its
// answer before sending the next message, so the latency measured is the
// webhook's round trip with the reply included.
//
// Message mix: benchPopulation distinct customers in turn (message i is from
// customer c = i mod P); a customer's k-th message is question(c+k), one of
// six FAQ texts matching six rules, so no customer repeats the previous
// question (that would hand off) and each message gets one automatic answer.
// No customer accepts the privacy notice, so identity resolves each to an
// anonymous profile and stores nothing. LINE events carry no reply token:
// every answer is a push with its X-Line-Retry-Key, the costlier path.
// With P = 50,000 a customer writes at most once every 10 s at 5,000 msg/s,
// under WhatsApp's pair limit (3, then one per 6 s), so no send is refused.
// WhatsApp's channel-wide limit is set to 1,000,000 msg/s
// (WHATSAPP_THROUGHPUT): the real Cloud API allows 80 or 1,000 per number,
// the benchmark measures our code, not Meta's cap.
//
//	go test -run='^$' -bench=Pipeline -benchtime=20000x ./examples/webhookserver
//
// The bounded-heap run pushes 1,000,000 messages through WhatsApp (whose fake
// forgets what it recorded every 50,000 messages, so its log does not count)
// and logs the heap after a GC every 100,000:
//
//	go test -run='^$' -bench='Pipeline/whatsapp/clients=32' -benchtime=1000000x -v ./examples/webhookserver
const benchPopulation = 50_000

// BenchmarkPipeline runs each platform with 32 concurrent clients (the
// throughput figure: enough requests in flight to keep both cores busy) and
// with 4 (the latency figure: with 32 in flight, a request mostly waits
// behind the other 31, and p50 is the queue, not the work).
func BenchmarkPipeline(b *testing.B) {
	for _, kind := range []channel.Kind{channel.LINE, channel.WhatsApp} {
		for _, clients := range []int{32, 4} {
			b.Run(fmt.Sprintf("%s/clients=%d", kind, clients), func(b *testing.B) { benchPipeline(b, kind, clients) })
		}
	}
}

func benchPipeline(b *testing.B, kind channel.Kind, clients int) {
	drive(b, start(b, options{env: map[string]string{envWAMPS: "1000000"}, log: io.Discard}), kind, clients)
}

// BenchmarkPipelineState is the WhatsApp pipeline with 32 clients and its
// state (claims, windows, the pair limit, conversations) in each backend,
// beside the anchor: a bare net/http server that does the same work by hand
// (read, check the signature, decode, POST one reply to the fake, 200) and
// keeps no state. The targets: Redis ≥ 0.4× the anchor's msgs/s,
// SQLite ≥ 0.3×. Postgres and Redis need SWITCHBOARD_POSTGRES_URL and
// SWITCHBOARD_REDIS_URL (skipped without them).
//
//	go test -run='^$' -bench=PipelineState -benchtime=5000x ./examples/webhookserver
func BenchmarkPipelineState(b *testing.B) {
	const clients = 32
	b.Run("anchor-net-http", func(b *testing.B) {
		f := newFakes()
		b.Cleanup(f.close)
		srv := httptest.NewServer(anchorHandler(f))
		defer srv.Close()
		drive(b, &harness{fakes: f, url: srv.URL}, channel.WhatsApp, clients)
	})
	backends := []struct {
		name string
		env  func(b *testing.B) map[string]string
	}{
		{"memory", func(*testing.B) map[string]string { return nil }},
		{"sqlite", func(b *testing.B) map[string]string {
			return map[string]string{envSQLite: filepath.Join(b.TempDir(), "switchboard.db")}
		}},
		{"postgres", func(b *testing.B) map[string]string {
			u, schema := storetest.PostgresURL(b)
			return map[string]string{envPostgresURL: u, envPGSchema: schema}
		}},
		{"redis", func(b *testing.B) map[string]string {
			u := testenv.RedisURL(b)
			prefix := storetest.Name(b)
			b.Cleanup(func() { storetest.DeletePrefix(b, storetest.RedisClient(b), prefix+":") })
			return map[string]string{envRedisURL: u, envRedisPrefix: prefix}
		}},
	}
	for _, be := range backends {
		b.Run(be.name, func(b *testing.B) {
			h := start(b, options{env: map[string]string{envWAMPS: "1000000"}, log: io.Discard, state: be.env(b)})
			drive(b, h, channel.WhatsApp, clients)
		})
	}
}

// anchorHandler is the bare net/http pipeline: what a shop would write
// without Switchboard for WhatsApp text messages. It reads the body, checks
// X-Hub-Signature-256, decodes the messages, POSTs one text reply per
// message to the fake's Cloud API and answers 200 (502 when a reply fails).
// No dedupe, window, limit or conversation state.
func anchorHandler(f *fakes) http.Handler {
	cfg := f.wa.Config()
	sendURL := f.wa.URL + "/" + whatsapp.DefaultAPIVersion + "/" + cfg.PhoneNumberID + "/messages"
	hc := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	type envelope struct {
		Entry []struct {
			Changes []struct {
				Value struct {
					Messages []struct {
						From string `json:"from"`
						Text struct {
							Body string `json:"body"`
						} `json:"text"`
					} `json:"messages"`
				} `json:"value"`
			} `json:"changes"`
		} `json:"entry"`
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		if !hmac.Equal([]byte(metaSign(cfg.AppSecret, body)), []byte(r.Header.Get("X-Hub-Signature-256"))) {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		var env envelope
		if err := json.Unmarshal(body, &env); err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		for _, e := range env.Entry {
			for _, c := range e.Changes {
				for _, m := range c.Value.Messages {
					reply, _ := json.Marshal(map[string]any{"messaging_product": "whatsapp", "to": m.From,
						"type": "text", "text": map[string]string{"body": "Thanks! We answer: " + m.Text.Body}})
					req, _ := http.NewRequestWithContext(r.Context(), http.MethodPost, sendURL, bytes.NewReader(reply))
					req.Header.Set("Authorization", "Bearer "+cfg.AccessToken)
					req.Header.Set("Content-Type", "application/json")
					resp, err := hc.Do(req)
					if err != nil {
						w.WriteHeader(http.StatusBadGateway)
						return
					}
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != http.StatusOK {
						w.WriteHeader(http.StatusBadGateway)
						return
					}
				}
			}
		}
		w.WriteHeader(http.StatusOK)
	})
}

// drive pushes b.N signed webhooks of kind through the server at h.url
// from a fixed pool of clients and reports msgs/s and latency quantiles.
// With h.srv set (the Switchboard pipeline) it also checks the bot's
// summary: every message handled, none failed, handed off or fell back.
func drive(b *testing.B, h *harness, kind channel.Kind, clients int) {
	gen := newGenerator(b, h, kind)
	hc := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		MaxIdleConns: clients, MaxIdleConnsPerHost: clients, IdleConnTimeout: time.Minute,
	}}
	defer hc.CloseIdleConnections()

	var (
		next    atomic.Int64
		failed  atomic.Int64
		mu      sync.Mutex
		total   histogram
		maxHeap uint64
	)
	sample := max(int64(b.N/10), 100_000)
	b.ReportAllocs()
	b.ResetTimer()
	began := time.Now()
	var wg sync.WaitGroup
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var hist histogram
			w := gen.worker()
			for {
				i := next.Add(1) - 1
				if i >= int64(b.N) {
					break
				}
				req := w.request(i)
				t0 := time.Now()
				resp, err := hc.Do(req)
				if err == nil {
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				hist.observe(time.Since(t0))
				if err != nil || resp.StatusCode != http.StatusOK {
					failed.Add(1)
				}
				if (i+1)%50_000 == 0 && kind == channel.WhatsApp {
					h.wa.Reset() // the fake's own record of requests is not the pipeline's heap
				}
				if (i+1)%sample == 0 {
					heap := heapAfterGC()
					mu.Lock()
					maxHeap = max(maxHeap, heap)
					mu.Unlock()
					b.Logf("%d messages: heap %.1f MB", i+1, float64(heap)/(1<<20))
				}
			}
			mu.Lock()
			total.merge(&hist)
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(began)
	b.StopTimer()

	if n := failed.Load(); n > 0 {
		b.Fatalf("%d of %d webhooks failed", n, b.N)
	}
	heap := heapAfterGC()
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "msgs/s")
	b.ReportMetric(total.quantile(0.50).Seconds()*1e3, "p50-ms")
	b.ReportMetric(total.quantile(0.99).Seconds()*1e3, "p99-ms")
	if h.srv != nil {
		s := h.srv.shop.Summary()
		if s.Messages != int64(b.N) || s.SendFailures != 0 || s.Handoffs != 0 || s.Fallbacks != 0 {
			b.Fatalf("summary %+v after %d messages (failures %v)", s, b.N, h.srv.shop.Failures())
		}
		b.ReportMetric(s.P99.Seconds()*1e3, "bot-p99-ms")
	}
	b.ReportMetric(float64(heap)/(1<<20), "heapMB")
	b.ReportMetric(float64(max(maxHeap, heap))/(1<<20), "maxHeapMB")
}

func heapAfterGC() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// generator builds signed webhook bodies cheaply: a body the fake built once
// with placeholders, cut around them, refilled per message.
type generator struct {
	pop    int64 // distinct customers, benchPopulation unless a test sets fewer
	url    string
	kind   channel.Kind
	parts  [][]byte // the template cut at each placeholder
	fills  []int    // which value goes after parts[i]: 0 id, 1 customer, 2 text
	secret []byte
}

const (
	phID   = "wamid.PLACEHOLDERID"
	phFrom = "85200000000"
	phText = "PLACEHOLDERTEXT"
	phLine = "U0000000000000000000000000000000"
)

func newGenerator(tb testing.TB, h *harness, kind channel.Kind) *generator {
	tb.Helper()
	g := &generator{kind: kind, pop: benchPopulation}
	var body []byte
	holders := []string{phID, phFrom, phText}
	switch kind {
	case channel.WhatsApp:
		body, _ = h.wa.MessageWebhook(whatsapptest.Inbound{ID: phID, From: phFrom, Name: "Ana Lima", Text: phText})
		g.url, g.secret = h.url+"/webhooks/whatsapp", []byte(h.wa.Config().AppSecret)
	default:
		holders[1] = phLine
		body, _ = h.ln.WebhookBody(linetest.Event{
			Type: "message", Mode: "active", Timestamp: time.Now().UnixMilli(),
			Source: linetest.Source{Type: "user", UserID: phLine}, WebhookEventID: phID,
			Message: &linetest.EventMessage{ID: phID, Type: "text", Text: phText},
		})
		g.url, g.secret = h.url+"/webhooks/line", []byte(h.ln.ChannelSecret())
	}
	for {
		at, which := -1, 0
		for k, ph := range holders {
			if j := bytes.Index(body, []byte(ph)); j >= 0 && (at < 0 || j < at) {
				at, which = j, k
			}
		}
		if at < 0 {
			g.parts = append(g.parts, body)
			break
		}
		g.parts = append(g.parts, body[:at])
		g.fills = append(g.fills, which)
		body = body[at+len(holders[which]):]
	}
	if len(g.fills) < 3 {
		tb.Fatalf("template has %d placeholders", len(g.fills))
	}
	return g
}

// worker is one client's body buffer and HMAC.
type worker struct {
	g   *generator
	mac hash.Hash
	buf []byte
}

func (g *generator) worker() *worker {
	return &worker{g: g, mac: hmac.New(sha256.New, g.secret)}
}

// request builds message i: customer i mod pop, its (i / pop)-th question,
// a fresh message id.
func (w *worker) request(i int64) *http.Request {
	c, k := i%w.g.pop, i/w.g.pop
	var vals [3][]byte
	vals[0] = strconv.AppendInt([]byte("bench."), i, 10)
	if w.g.kind == channel.WhatsApp {
		vals[1] = strconv.AppendInt([]byte("8529"), 1_000_000+c, 10)
	} else {
		vals[1] = append(strconv.AppendInt([]byte("U"), 1<<60+c, 16), "0000000000000000"...)
	}
	vals[2] = []byte(question(int(k + c)))
	buf := w.buf[:0]
	for j, p := range w.g.parts {
		buf = append(buf, p...)
		if j < len(w.g.fills) {
			buf = append(buf, vals[w.g.fills[j]]...)
		}
	}
	body := bytes.Clone(buf)
	w.buf = buf
	w.mac.Reset()
	w.mac.Write(body)
	sum := w.mac.Sum(nil)
	req, _ := http.NewRequest(http.MethodPost, w.g.url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if w.g.kind == channel.WhatsApp {
		req.Header.Set("X-Hub-Signature-256", "sha256="+hex.EncodeToString(sum))
	} else {
		req.Header.Set("X-Line-Signature", base64.StdEncoding.EncodeToString(sum))
	}
	return req
}

// histogram is a fixed log-scale latency histogram (buckets 2 % wide).
type histogram struct {
	buckets [1200]uint64
	n       uint64
}

func (h *histogram) observe(d time.Duration) {
	i := 0
	if d > 1 {
		i = min(int(math.Log(float64(d))/math.Log(1.02)), len(h.buckets)-1)
	}
	h.buckets[i]++
	h.n++
}

func (h *histogram) merge(o *histogram) {
	for i, c := range o.buckets {
		h.buckets[i] += c
	}
	h.n += o.n
}

func (h *histogram) quantile(q float64) time.Duration {
	rank := uint64(math.Ceil(q * float64(h.n)))
	var seen uint64
	for i, c := range h.buckets {
		if seen += c; seen >= rank && c > 0 {
			return time.Duration(math.Pow(1.02, float64(i)+0.5))
		}
	}
	return 0
}

// TestPipelineHeapAndGoroutines asserts, with counts small enough for CI,
// what BenchmarkPipeline's long run only logs. Through the whole pipeline
// (signed webhook → adapter → dedupe → identity → autoreply → send to the
// fake → 200), every webhook is answered 200 and gets its reply; on
// WhatsApp (the benchmark's bounded-heap platform, whose fake forgets its
// records between phases) the heap after a GC grows by a bounded amount per
// message once every customer has written (a dedupe claim, not a body) and
// stays under a fixed bound; and once the server and the fakes stop, the
// goroutines are back to the baseline. Not parallel: it measures the
// process's heap and goroutines.
func TestPipelineHeapAndGoroutines(t *testing.T) {
	for _, kind := range []channel.Kind{channel.WhatsApp, channel.LINE} {
		t.Run(string(kind), func(t *testing.T) {
			baseline := goroutines()
			h := start(t, options{env: map[string]string{envWAMPS: "1000000"}, log: io.Discard})
			gen := newGenerator(t, h, kind)
			// Each customer writes three times: under WhatsApp's pair limit
			// (3 at once), and the per-customer state exists after phase 1.
			const customers, total = 400, 1200
			gen.pop = customers
			hc := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 8}}
			var next atomic.Int64
			run := func(n int64) {
				var wg sync.WaitGroup
				for range 8 {
					wg.Add(1)
					go func() {
						defer wg.Done()
						w := gen.worker()
						for i := next.Add(1) - 1; i < n; i = next.Add(1) - 1 {
							resp, err := hc.Do(w.request(i))
							if !assert.NoError(t, err) {
								return
							}
							_, _ = io.Copy(io.Discard, resp.Body)
							resp.Body.Close()
							assert.Equal(t, http.StatusOK, resp.StatusCode)
						}
					}()
				}
				wg.Wait()
				next.Store(n)
			}
			run(customers)
			h.wa.Reset()
			heapWarm := heapAfterGC()
			run(total)
			h.wa.Reset()
			heapEnd := heapAfterGC()
			s := h.srv.shop.Summary()
			assert.EqualValues(t, total, s.Messages)
			assert.Zero(t, s.SendFailures)
			if kind == channel.WhatsApp {
				perMsg := (float64(heapEnd) - float64(heapWarm)) / (total - customers)
				t.Logf("heap %.1f MB after %d messages, %.1f MB after %d: %.0f B per message",
					float64(heapWarm)/(1<<20), customers, float64(heapEnd)/(1<<20), total, perMsg)
				assert.Less(t, perMsg, 512.0, "heap growth per message (a retained body would be 1 KB or more)")
				assert.Less(t, heapEnd, uint64(256<<20), "heap bound")
			}

			hc.CloseIdleConnections()
			require.NoError(t, h.stop())
			h.fakes.close()
			assert.True(t, eventually(5*time.Second, func() bool { return goroutines() <= baseline }),
				"goroutines: %d after stop, %d before start", goroutines(), baseline)
			t.Logf("goroutines: %d before start, %d after stop", baseline, goroutines())
		})
	}
}

// goroutines counts the process's goroutines after letting finished ones
// exit.
func goroutines() int {
	runtime.Gosched()
	return runtime.NumGoroutine()
}
