// Package fakefault is the fault injection (and the request log) the four fake platforms
// (whatsapptest, messengertest, linetest, wechattest) share, so each offers
// the same shape: a Fault with Path, Status, Delay, Reset, AfterAccept,
// RetryAfter and Times fields (plus the platform's own error code fields),
// queued with Inject and applied by Serve.
//
// The point of AfterAccept is the failure a client cannot tell apart from a
// refused request: the platform accepted and recorded the message, and then
// the answer was lost (a 5xx, a reset connection, an answer slower than the
// client's timeout). The same faults without AfterAccept happen before the
// platform saw the request.
package fakefault

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"
)

// Spec is the platform-neutral part of a fault.
type Spec struct {
	// Path limits the fault to requests whose URL path ends with it
	// ("/messages", "/v2/bot/message/push", "/cgi-bin/token"); empty
	// matches every API request.
	Path string
	// Delay holds the answer back this long, or until the client gives up
	// (its context ends or it closes the connection). Before acceptance the
	// request is then dropped unrecorded if the client gave up; after
	// acceptance the message counts all the same.
	Delay time.Duration
	// Reset closes the connection without an answer (the handler hijacks it
	// and closes it), as a proxy or a crashing server would.
	Reset bool
	// AfterAccept makes the platform first handle and record the request,
	// then apply the fault instead of sending its answer.
	AfterAccept bool
	// Times is how many matching requests the fault applies to; 0 means 1.
	Times int
}

// Queue holds pending faults of type F in order. The zero value is empty
// and ready; safe for concurrent use.
type Queue[F any] struct {
	mu    sync.Mutex
	items []item[F]
}

type item[F any] struct {
	path  string
	times int
	f     F
}

// Push queues f for requests whose path ends with path (empty: any), times
// times (< 1: once).
func (q *Queue[F]) Push(path string, times int, f F) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.items = append(q.items, item[F]{path: path, times: max(times, 1), f: f})
}

// Take returns the first fault matching path and uses up one of its times.
func (q *Queue[F]) Take(path string) (F, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for i := range q.items {
		it := &q.items[i]
		if !strings.HasSuffix(path, it.path) {
			continue
		}
		f := it.f
		it.times--
		if it.times <= 0 {
			q.items = append(q.items[:i], q.items[i+1:]...)
		}
		return f, true
	}
	var zero F
	return zero, false
}

// Len is the number of faults still queued (each counted once, whatever its
// Times).
func (q *Queue[F]) Len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.items)
}

// Serve answers r under the fault s. accept handles the request normally
// (it records the message and writes the platform's answer); fail writes
// the fault's error answer and reports whether it wrote one (false when the
// fault has no status or code). The order:
//
//   - before acceptance: wait Delay (if the client gives up meanwhile,
//     nothing is recorded); then Reset closes the connection, or fail
//     answers, or, with neither, accept handles the request late;
//   - AfterAccept: accept handles and records the request into a buffer;
//     then wait Delay (the message counts even if the client gave up); then
//     Reset closes the connection, or fail answers instead of the buffered
//     answer, or, with neither, the buffered answer is sent late.
func Serve(w http.ResponseWriter, r *http.Request, s Spec, accept func(http.ResponseWriter), fail func(http.ResponseWriter) bool) {
	// Read the body first: net/http notices a client that gave up (and
	// ends r's context) only once the body was read to its end.
	if r.Body != nil {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	if !s.AfterAccept {
		if !wait(r, s.Delay) {
			return
		}
		switch {
		case s.Reset:
			reset(w)
		case fail(w):
		default:
			accept(w)
		}
		return
	}
	rec := httptest.NewRecorder()
	accept(rec)
	if !wait(r, s.Delay) {
		return
	}
	if s.Reset {
		reset(w)
		return
	}
	if fail(w) {
		return
	}
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
}

// wait holds for d or until the client gives up; it reports whether the
// client is still there.
func wait(r *http.Request, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-r.Context().Done():
		return false
	case <-t.C:
		return true
	}
}

// reset closes the connection under w without writing an answer. A writer
// that cannot be hijacked (HTTP/2, a recorder) gets a panic of
// http.ErrAbortHandler, which net/http turns into an aborted stream.
func reset(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(interface{ SetLinger(int) error }); ok {
		_ = tc.SetLinger(0) // RST rather than FIN, as a crashed peer
	}
	_ = conn.Close()
}

// Log is an append-only record a fake server keeps (requests received,
// messages accepted, uploads), read back as a copy. The zero value is empty
// and ready; safe for concurrent use.
type Log[T any] struct {
	mu    sync.Mutex
	items []T
}

// Add appends v.
func (l *Log[T]) Add(v T) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.items = append(l.items, v)
}

// All returns a copy of every item, in order (nil when there is none).
func (l *Log[T]) All() []T {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]T(nil), l.items...)
}

// Reset forgets every item.
func (l *Log[T]) Reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.items = nil
}
