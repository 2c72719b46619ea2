package notify_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/channel/channeltest"
	"github.com/switchboard-go/switchboard/notify"
)

// benchNotices returns n utility notices to 10,000 customers, a third of
// them in each of three zones.
func benchNotices(n int) []notify.Notice {
	zones := []string{"Asia/Bangkok", "Europe/Berlin", "America/New_York"}
	ns := make([]notify.Notice, n)
	for i := range ns {
		c := strconv.Itoa(i % 10_000)
		ns[i] = notify.Notice{ID: "n" + strconv.Itoa(i), To: channel.Address{Channel: channel.WhatsApp, ID: c},
			Kind: notify.Utility, TemplateKey: "invoice_ready", TimeZone: zones[i%3]}
	}
	return ns
}

// BenchmarkPlan is plans per second through the whole planner: the
// duplicate check, quiet hours in the customer's zone, the window, the
// quota and the atomic frequency cap (in memory), the clock moving 10 s a
// notice so caps free up.
func BenchmarkPlan(b *testing.B) {
	clk := channeltest.NewClock(time.Date(2026, 6, 10, 6, 0, 0, 0, time.UTC))
	windows := channel.NewWindows(channel.WindowConfig{Clock: clk.Now})
	p, err := notify.New(notify.Config{Windows: windows, Clock: clk.Now})
	if err != nil {
		b.Fatal(err)
	}
	ns := benchNotices(b.N)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		clk.Advance(10 * time.Second)
		if _, err := p.Plan(ctx, ns[i]); err != nil {
			b.Fatal(err)
		}
		if i%4096 == 0 {
			_, _ = p.Due(ctx)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "plans/s")
}

// BenchmarkPlanBaselineWindowOnly is the least a shop's own code does per
// notice: a window check and a map of the last send per customer. Its
// ratio to BenchmarkPlan is what the planner's rules cost.
func BenchmarkPlanBaselineWindowOnly(b *testing.B) {
	clk := channeltest.NewClock(time.Date(2026, 6, 10, 6, 0, 0, 0, time.UTC))
	windows := channel.NewWindows(channel.WindowConfig{Clock: clk.Now})
	last := map[channel.Address]time.Time{}
	ns := benchNotices(b.N)
	sends := 0
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		clk.Advance(10 * time.Second)
		n := ns[i]
		if t, ok := last[n.To]; (!ok || clk.Now().Sub(t) >= 24*time.Hour) && windows.Open(n.To) {
			last[n.To] = clk.Now()
			sends++
		}
	}
	_ = sends
}
