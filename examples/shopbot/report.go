package main

import (
	"bytes"
	"context"
	"fmt"
	"hash/fnv"
	"os"
	"sync"
	"time"

	"github.com/switchboard-go/switchboard/autoreply"
	"github.com/switchboard-go/switchboard/examples/internal/shop"
	"github.com/switchboard-go/switchboard/insights"
)

// recorder turns what the shop does during a run into insights events:
// each customer message, the rule that answered it or the miss, the bot's
// answer, hand-offs and proactive notices. It reads the shop's counters
// before and after each message, so the shop itself needs no hook. The
// demo has no agent desk yet (package desk will emit its own events), so
// the report's agent figures stay empty rather than invented.
type recorder struct {
	mu  sync.Mutex
	log *insights.MemoryLog
	err error
}

// before is the shop's counters before a message.
type before struct {
	sum   shop.Summary
	rules map[string]int64
}

func newRecorder() *recorder { return &recorder{log: insights.NewMemoryLog()} }

func ruleCounts(e *autoreply.Engine) map[string]int64 {
	m := map[string]int64{}
	for _, r := range e.Stats().Rules {
		m[r.Rule] = r.Triggered
	}
	return m
}

func (r *recorder) snapshot(w *world) before {
	return before{sum: w.shop.Summary(), rules: ruleCounts(w.shop.Engine())}
}

// said records customer c's message and what the bot did with it. The
// conversation is named by a hash of the customer's address and the
// customer by the masked address: no phone number in clear.
func (r *recorder) said(w *world, c customer, text string, b before) {
	now := w.clk.Now()
	after := w.shop.Summary()
	h := fnv.New32a()
	h.Write([]byte(c.id))
	base := insights.Event{Conversation: fmt.Sprintf("%s-%08x", c.kind, h.Sum32()), Channel: c.kind,
		Customer: shop.Mask(c.address()), Language: c.lang}
	ev := func(k insights.Kind, rule string) insights.Event {
		e := base
		e.Time, e.Kind, e.Rule = now, k, rule
		return e
	}
	in := ev(insights.MessageIn, "")
	in.Text = text
	events := []insights.Event{in}
	for name, n := range ruleCounts(w.shop.Engine()) {
		if n > b.rules[name] {
			events = append(events, ev(insights.RuleMatched, name))
		}
	}
	if after.Fallbacks > b.sum.Fallbacks {
		events = append(events, ev(insights.RuleMissed, ""))
	}
	if after.Handoffs > b.sum.Handoffs {
		events = append(events, ev(insights.Handoff, ""))
	}
	if after.Answers+after.Asks+after.Fallbacks+after.Handoffs > b.sum.Answers+b.sum.Asks+b.sum.Fallbacks+b.sum.Handoffs {
		events = append(events, ev(insights.BotAnswer, ""))
	}
	r.append(events...)
}

// finish records the proactive notices the run sent.
func (r *recorder) finish(w *world, noticesBefore int64) {
	for range w.shop.Summary().Notices - noticesBefore {
		r.append(insights.Event{Time: w.clk.Now(), Kind: insights.NoticeSent})
	}
}

func (r *recorder) append(events ...insights.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.log.Append(context.Background(), events...); err != nil && r.err == nil {
		r.err = err
	}
}

// writeReport writes the weekly report of the week the run happened in
// (Monday to Sunday in Hong Kong, the shop's zone; business hours Monday to
// Friday 09:00–18:00) to path.
func (r *recorder) writeReport(ctx context.Context, w *world, path string) error {
	if r.err != nil {
		return fmt.Errorf("report: %w", r.err)
	}
	cal, err := insights.NewCalendar(hongKong, insights.WeekdayHours(9*time.Hour, 18*time.Hour))
	if err != nil {
		return err
	}
	back := (int(start.Weekday()) + 6) % 7
	from := time.Date(start.Year(), start.Month(), start.Day()-back, 0, 0, 0, 0, hongKong)
	m, err := insights.Compute(ctx, r.log, from, from.AddDate(0, 0, 7), insights.Options{Calendar: cal})
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	var buf bytes.Buffer
	if err := insights.WriteReport(&buf, m, insights.ReportOptions{Shop: "Switchboard demo shop"}); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	fmt.Fprintf(w.out, "\nweekly report: %s (%d events, %d conversations)\n", path, r.log.Len(), m.Conversations)
	return nil
}
