package shop

import (
	"math"
	"sync"
	"sync/atomic"
	"time"
)

// latencies is a fixed-size log-scale histogram: memory stays constant however
// many messages pass, and quantiles are exact to within 2 %.
type latencies struct {
	mu      sync.Mutex
	buckets [latencyBuckets]uint64
	n       uint64
}

const (
	latencyBase    = 1.02 // bucket i holds [base^i, base^(i+1)) ns
	latencyBuckets = 1500 // up to ~8·10¹² ns, beyond any reply
)

func bucketOf(d time.Duration) int {
	if d < 1 {
		return 0
	}
	return min(int(math.Log(float64(d))/math.Log(latencyBase)), latencyBuckets-1)
}

func (l *latencies) observe(d time.Duration) {
	i := bucketOf(d)
	l.mu.Lock()
	l.buckets[i]++
	l.n++
	l.mu.Unlock()
}

// quantile returns the q-quantile (0 < q ≤ 1), 0 when nothing was observed.
func (l *latencies) quantile(q float64) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.n == 0 {
		return 0
	}
	rank := uint64(math.Ceil(q * float64(l.n)))
	var seen uint64
	for i, c := range l.buckets {
		if seen += c; seen >= rank {
			return time.Duration(math.Pow(latencyBase, float64(i)+0.5))
		}
	}
	return 0
}

// counters are the shop's running totals.
type counters struct {
	messages, answers, asks, handoffs, fallbacks, quiet, sendFailures, notices, files, duplicates atomic.Int64
}

// Summary is a snapshot of what the shop did.
type Summary struct {
	Messages     int64 // inbound customer messages handled
	Answers      int64 // automatic answers (FAQ replies and lookups)
	Asks         int64 // follow-up questions (e.g. "your order number?")
	Handoffs     int64 // conversations handed to a person
	Fallbacks    int64 // "I did not understand" answers
	Quiet        int64 // messages left to the person handling the conversation
	SendFailures int64 // replies that could not be delivered (see Shop.Failures)
	Notices      int64 // proactive parcel notices sent
	Files        int64 // documents (invoices) delivered in the chat or by link
	Duplicates   int64 // duplicate-profile candidates found
	P50, P99     time.Duration
}
