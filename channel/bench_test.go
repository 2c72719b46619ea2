package channel_test

import (
	"context"
	"runtime"
	"strconv"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/channel/channeltest"
)

// benchTargets returns n WhatsApp recipients and messages to them.
func benchTargets(n int) []*channel.Message {
	ms := make([]*channel.Message, n)
	for i := range ms {
		ms[i] = &channel.Message{To: channel.Address{Channel: channel.WhatsApp, ID: "8529" + strconv.Itoa(1000000+i)}, Text: "Your parcel is out for delivery"}
	}
	return ms
}

// runSends sends b.N messages through s, moving the clock 1 ms per send so
// that 10,000 rotating recipients each get one message every 10 s.
func runSends(b *testing.B, s channel.Sender, clk *channeltest.Clock, ms []*channel.Message) {
	b.Helper()
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		clk.Advance(time.Millisecond)
		if _, err := s.Send(ctx, ms[i%len(ms)]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBare is the baseline for BenchmarkChain: the fake sender alone.
func BenchmarkBare(b *testing.B) {
	clk := channeltest.NewClock(t0)
	fake := channeltest.New(channeltest.Config{Clock: clk.Now})
	runSends(b, discardRecorded(fake), clk, benchTargets(10_000))
}

// BenchmarkChain is the fake sender behind a channel-wide limit (high rate),
// a per-recipient limit, the window check and the media check. The issue's
// target: at most 250 ns and 1 allocation more than BenchmarkBare.
func BenchmarkChain(b *testing.B) {
	clk := channeltest.NewClock(t0)
	fake := channeltest.New(channeltest.Config{Clock: clk.Now})
	ms := benchTargets(10_000)
	w := channel.NewWindows(channel.WindowConfig{Clock: clk.Now})
	for _, m := range ms {
		w.Observe(channel.Event{Type: channel.EventMessage, From: m.To, Time: t0})
	}
	s := channel.Chain(discardRecorded(fake),
		channel.RateLimit(rate.Limit(1e9), 1_000_000, clk.Now),
		channel.PerRecipient(channel.RecipientLimitConfig{Every: 6 * time.Second, Burst: 2, Clock: clk.Now}),
		w.Middleware(),
		channel.MediaLimit(channel.DefaultMediaLimits()),
	)
	runSends(b, s, clk, ms)
}

// discardRecorded keeps the fake's record short so that a long benchmark
// measures sending, not the growth of the fake's log.
func discardRecorded(f *channeltest.Fake) channel.Sender {
	n := 0
	return channel.SenderFunc(func(ctx context.Context, m *channel.Message) (channel.Receipt, error) {
		if n++; n%4096 == 0 {
			f.Reset()
		}
		return f.Send(ctx, m)
	})
}

// BenchmarkDedupe measures Dedupe over MemoryDedupeStore on events with
// distinct ids, each never seen, after 1,500,000 were seen (a store of
// 1,000,000 keys, full and evicting), and reports the store's heap per id
// held. New ids are what a webhook stream is made of.
func BenchmarkDedupe(b *testing.B) {
	benchDedupe(b, func() benchStore { return channel.NewMemoryDedupeStore(1_000_000) }, newIDs(b.N))
}

// BenchmarkDedupeBaselineHandler is the floor under BenchmarkDedupe: the
// same events straight to the handler, nothing remembered.
func BenchmarkDedupeBaselineHandler(b *testing.B) {
	h := channel.HandlerFunc(func(context.Context, channel.Event) error { return nil })
	ids := newIDs(b.N)
	ctx := context.Background()
	e := channel.Event{Type: channel.EventMessage, Channel: channel.WhatsApp}
	b.ReportAllocs()
	b.ResetTimer()
	for _, id := range ids {
		e.ID = id
		_ = h.HandleEvent(ctx, e)
	}
}

// BenchmarkDedupeRedelivered is the rarer case: 65,536 ids cycled, new on
// their first pass, then each a redelivery of a done id.
func BenchmarkDedupeRedelivered(b *testing.B) {
	benchDedupe(b, func() benchStore { return channel.NewMemoryDedupeStore(1_000_000) }, cycle(newIDs(1<<16), b.N))
}

// newIDs returns n message ids never used by benchDedupe's warm-up.
func newIDs(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = "wamid.new" + strconv.Itoa(i)
	}
	return ids
}

// cycle returns n ids taking ids in turn.
func cycle(ids []string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = ids[i%len(ids)]
	}
	return out
}

// A benchStore is a DedupeStore with its key count.
type benchStore interface {
	channel.DedupeStore
	Len() int
}

// benchDedupe brings a Dedupe over a fresh store to its steady state (full
// and evicting), then measures b.N events with the given ids.
func benchDedupe(b *testing.B, newStore func() benchStore, ids []string) {
	b.Helper()
	const seen = 1_500_000
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	store := newStore()
	h := channel.Dedupe(channel.HandlerFunc(func(context.Context, channel.Event) error { return nil }),
		channel.DedupeConfig{Store: store, Clock: func() time.Time { return t0 }})
	ctx := context.Background()
	e := channel.Event{Type: channel.EventMessage, Channel: channel.WhatsApp}
	for i := range seen {
		e.ID = "wamid.HBgLODUyOTEyMzQ1NjcVAgARGBI" + strconv.Itoa(i)
		_ = h.HandleEvent(ctx, e)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	held := store.Len()
	heapPerID := (float64(after.HeapAlloc) - float64(before.HeapAlloc)) / float64(held)
	b.ReportAllocs()
	b.ResetTimer()
	for _, id := range ids[:b.N] {
		e.ID = id
		_ = h.HandleEvent(ctx, e)
	}
	b.StopTimer()
	b.ReportMetric(heapPerID, "heapB/id") // after the loop: ResetTimer drops metrics
}

// BenchmarkDedupeParallel is Dedupe under contention: every goroutine
// cycles through the same 65,536 ids (new once, then redelivered) on a
// store of 1,048,576 keys. Its ns/op is throughput across the goroutines.
func BenchmarkDedupeParallel(b *testing.B) {
	store := channel.NewMemoryDedupeStore(1 << 20)
	h := channel.Dedupe(channel.HandlerFunc(func(context.Context, channel.Event) error { return nil }),
		channel.DedupeConfig{Store: store, Clock: func() time.Time { return t0 }})
	fresh := make([]string, 1<<16)
	for i := range fresh {
		fresh[i] = "mid." + strconv.Itoa(i)
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		e := channel.Event{Type: channel.EventMessage, Channel: channel.Messenger}
		i := 0
		for pb.Next() {
			e.ID = fresh[i%len(fresh)]
			i++
			_ = h.HandleEvent(context.Background(), e)
		}
	})
}
