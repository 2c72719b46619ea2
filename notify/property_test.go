package notify_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/channel/channeltest"
	"github.com/switchboard-go/switchboard/notify"
)

// TestPlannerProperties runs random schedules through a planner over the
// real channel.Windows, starting near DST changes (New York, Berlin,
// Sydney), with quiet hours across midnight, and checks every decision:
//   - every notice ends in exactly one terminal outcome (send, drop,
//     coalesced) and nothing is decided after it: nothing is lost;
//   - free text only inside the window; outside, a template only on
//     WhatsApp, a tag only on Messenger and never for marketing, nothing on
//     WeChat;
//   - no capped kind twice to one customer within 24 h;
//   - no quiet-houred kind sent within 21:00–08:00 local time;
//   - nothing sent before NotBefore or at or after ExpiresAt.
func TestPlannerProperties(t *testing.T) {
	t.Parallel()
	starts := []time.Time{
		time.Date(2026, 3, 7, 18, 0, 0, 0, time.UTC),   // New York springs forward on the 8th
		time.Date(2026, 10, 24, 18, 0, 0, 0, time.UTC), // Berlin falls back on the 25th
		time.Date(2026, 4, 4, 8, 0, 0, 0, time.UTC),    // Sydney falls back on the 5th
		time.Date(2026, 6, 10, 0, 0, 0, 0, time.UTC),
	}
	zones := []string{"America/New_York", "Europe/Berlin", "Australia/Sydney", "Asia/Bangkok", ""}
	phones := []string{"", "12085550100", "+66891234567", "+18005550100"}
	kinds := []notify.Kind{notify.Transactional, notify.Utility, notify.Marketing}
	const seeds = 40
	total := 0
	for seed := range seeds {
		rng := rand.New(rand.NewPCG(uint64(seed), 7))
		start := starts[seed%len(starts)]
		total += runSchedule(t, rng, start, zones, phones, kinds)
	}
	t.Logf("%d notices over %d schedules: no violations, nothing lost", total, seeds)
}

func runSchedule(t *testing.T, rng *rand.Rand, start time.Time, zones, phones []string, kinds []notify.Kind) int {
	t.Helper()
	clk := channeltest.NewClock(start)
	windows := channel.NewWindows(channel.WindowConfig{Clock: clk.Now})
	p, err := notify.New(notify.Config{Windows: windows, Clock: clk.Now})
	require.NoError(t, err)
	ctx := context.Background()

	type customer struct {
		to    channel.Address
		zone  string
		phone string
	}
	var customers []customer
	for i := range 12 {
		ch := channel.Kinds()[i%4]
		customers = append(customers, customer{to: channel.Address{Channel: ch, ID: fmt.Sprint("c", i)},
			zone: zones[rng.IntN(len(zones))], phone: phones[rng.IntN(len(phones))]})
	}
	notices := map[string]notify.Notice{}
	terminal := map[string]notify.Action{}
	lastCapped := map[string]time.Time{}

	check := func(ds []notify.Decision) {
		now := clk.Now()
		for _, d := range ds {
			id := d.Notice.ID
			if a, done := terminal[id]; done {
				t.Fatalf("%s decided %v after %v", id, d.Action, a)
			}
			if d.Action == notify.Defer {
				require.True(t, d.At.After(now), "%s deferred to the past", id)
				continue
			}
			terminal[id] = d.Action
			if d.Action != notify.Send {
				continue
			}
			n := d.Notice
			require.False(t, n.NotBefore.After(now), "%s before NotBefore", id)
			require.True(t, n.ExpiresAt.IsZero() || now.Before(n.ExpiresAt), "%s sent expired", id)
			open := windows.Open(n.To)
			switch d.Route {
			case notify.FreeText:
				require.True(t, open || n.To.Channel == channel.LINE, "%s free text outside the window", id)
			case notify.Template:
				require.Equal(t, channel.WhatsApp, n.To.Channel)
			case notify.Tagged:
				require.Equal(t, channel.Messenger, n.To.Channel)
				require.NotEqual(t, notify.Marketing, n.Kind)
			case notify.Push:
				require.Equal(t, channel.LINE, n.To.Channel)
			}
			require.False(t, n.To.Channel == channel.WeChat && !open, "%s wechat outside the window", id)
			if n.Kind != notify.Transactional {
				if last, ok := lastCapped[n.To.String()]; ok {
					require.GreaterOrEqual(t, now.Sub(last), 24*time.Hour, "%s cap violated", id)
				}
				lastCapped[n.To.String()] = now
				for _, loc := range quietZones(n) {
					h := now.In(loc).Hour()
					require.False(t, h >= 21 || h < 8, "%s sent at %v in %s", id, now.In(loc), loc)
				}
			}
		}
	}

	next := 0
	for range 300 {
		clk.Advance(time.Duration(rng.IntN(90)) * time.Minute)
		switch r := rng.IntN(10); {
		case r < 3:
			c := customers[rng.IntN(len(customers))]
			windows.Observe(channel.Event{Type: channel.EventMessage, Channel: c.to.Channel, From: c.to, Time: clk.Now()})
		case r < 8:
			c := customers[rng.IntN(len(customers))]
			n := notify.Notice{ID: fmt.Sprint("n", next), To: c.to, Kind: kinds[rng.IntN(len(kinds))],
				TemplateKey: "k", TimeZone: c.zone, Phone: c.phone}
			next++
			if rng.IntN(3) == 0 {
				n.CoalesceKey = fmt.Sprint(c.to, "/order", rng.IntN(2))
			}
			if rng.IntN(4) == 0 {
				n.NotBefore = clk.Now().Add(time.Duration(rng.IntN(600)) * time.Minute)
			}
			if rng.IntN(2) == 0 {
				n.ExpiresAt = clk.Now().Add(time.Duration(1+rng.IntN(72)) * time.Hour)
			}
			if rng.IntN(10) == 0 {
				n.ID = fmt.Sprint("n", rng.IntN(next)) // a duplicate
			}
			if _, seen := notices[n.ID]; !seen {
				notices[n.ID] = n
			}
			ds, err := p.Plan(ctx, n)
			require.NoError(t, err)
			if _, seen := terminal[n.ID]; seen || isDuplicate(ds) {
				for _, d := range ds {
					if d.Notice.ID == n.ID {
						require.Equal(t, notify.ReasonDuplicate, d.Reason)
					}
				}
				continue
			}
			check(ds)
		default:
			ds, err := p.Due(ctx)
			require.NoError(t, err)
			check(ds)
		}
	}
	// Drain: everything pending ends within the longest expiry or cap.
	for range 24 * 20 {
		if p.Pending() == 0 {
			break
		}
		clk.Advance(30 * time.Minute)
		ds, err := p.Due(ctx)
		require.NoError(t, err)
		check(ds)
	}
	require.Zero(t, p.Pending(), "notices left pending")
	for id := range notices {
		_, ok := terminal[id]
		require.True(t, ok, "notice %s never reached an outcome", id)
	}
	return len(notices)
}

func isDuplicate(ds []notify.Decision) bool {
	return len(ds) == 1 && ds[0].Reason == notify.ReasonDuplicate
}

// quietZones are the zones the planner must respect for n, resolved here
// independently of the planner: the profile's zone, else the number's
// zone(s) as this test knows them, else UTC (the shop's default).
func quietZones(n notify.Notice) []*time.Location {
	name := func(s string) *time.Location {
		loc, err := time.LoadLocation(s)
		if err != nil {
			panic(err)
		}
		return loc
	}
	switch {
	case n.TimeZone != "":
		return []*time.Location{name(n.TimeZone)}
	case n.Phone == "12085550100":
		return []*time.Location{name("America/Boise"), name("America/Los_Angeles")}
	case n.Phone == "+66891234567":
		return []*time.Location{name("Asia/Bangkok")}
	}
	return []*time.Location{time.UTC}
}
