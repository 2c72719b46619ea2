package desk_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/desk"
)

// BenchmarkCalendarAdd: an SLA due time on a two-interval business week
// with a holiday, started on a Friday evening (the search crosses a weekend).
// BenchmarkCalendarAddBaseline is time.Time.Add, the 24/7 calendar.
func BenchmarkCalendarAdd(b *testing.B) {
	bkk, err := time.LoadLocation("Asia/Bangkok")
	if err != nil {
		b.Skip(err)
	}
	week := map[time.Weekday][]desk.Interval{}
	for d := time.Monday; d <= time.Friday; d++ {
		week[d] = []desk.Interval{{Start: 9 * 60, End: 12 * 60}, {Start: 13 * 60, End: 18 * 60}}
	}
	cal := &desk.Calendar{Location: bkk, Week: week, Holidays: []string{"2026-04-13"}}
	start := time.Date(2026, 4, 10, 17, 30, 0, 0, bkk)
	b.ReportAllocs()
	for b.Loop() {
		_ = cal.Add(start, 2*time.Hour)
	}
}

func BenchmarkCalendarAddBaseline(b *testing.B) {
	start := time.Date(2026, 4, 10, 17, 30, 0, 0, time.UTC)
	var cal *desk.Calendar
	b.ReportAllocs()
	for b.Loop() {
		_ = cal.Add(start, 2*time.Hour)
	}
}

// BenchmarkAssignQueued: one assignment pass over 100 queued conversations
// with 25 agents online (each pass assigns all 100; the setup requeues them
// outside the timer). BenchmarkAssignQueuedBaseline is the pass's floor: the
// same reads (agents and queue) without choosing or assigning.
func BenchmarkAssignQueued(b *testing.B) {
	benchAssign(b, false)
}

func BenchmarkAssignQueuedBaseline(b *testing.B) {
	benchAssign(b, true)
}

func benchAssign(b *testing.B, readOnly bool) {
	ctx := context.Background()
	st := desk.NewMemoryStore()
	d, err := desk.New(desk.Config{Store: st})
	if err != nil {
		b.Fatal(err)
	}
	for i := range 25 {
		id := fmt.Sprint("ag", i)
		if err := d.AddAgent(ctx, desk.Agent{ID: id, Languages: []string{"en", "th"}[i%2 : i%2+1]}); err != nil {
			b.Fatal(err)
		}
		if err := d.SetOnline(ctx, id, true); err != nil {
			b.Fatal(err)
		}
	}
	var ids []string
	for i := range 100 {
		c, err := d.Handoff(ctx, desk.Handoff{Customer: channel.Address{Channel: channel.WhatsApp, ID: fmt.Sprint(i)}, Language: []string{"en", "th"}[i%2]})
		if err != nil {
			b.Fatal(err)
		}
		ids = append(ids, c.ID)
	}
	b.ReportAllocs()
	for b.Loop() {
		if readOnly {
			if _, err := d.Agents(ctx); err != nil {
				b.Fatal(err)
			}
			if _, err := d.Queue(ctx); err != nil {
				b.Fatal(err)
			}
			continue
		}
		n, err := d.AssignQueued(ctx)
		if err != nil || n != 100 {
			b.Fatal(n, err)
		}
		b.StopTimer()
		for _, id := range ids {
			c, err := st.Conversation(ctx, id)
			if err != nil {
				b.Fatal(err)
			}
			c.Status = desk.StatusQueued
			if _, err := st.UpdateConversation(ctx, c); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
	}
}
