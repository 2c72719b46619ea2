package notify_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/channel/channeltest"
	"github.com/switchboard-go/switchboard/notify"
	"github.com/switchboard-go/switchboard/tracking"
)

// noon UTC on a Wednesday: 20:00 in Bangkok, 07:00 in New York, 13:00 in
// Berlin.
var t0 = time.Date(2026, 6, 10, 12, 0, 0, 0, time.UTC)

type openSet map[channel.Address]bool

func (o openSet) Open(a channel.Address) bool { return o[a] }

func addr(ch channel.Kind, id string) channel.Address { return channel.Address{Channel: ch, ID: id} }

func notice(id string, to channel.Address, k notify.Kind) notify.Notice {
	return notify.Notice{ID: id, To: to, Kind: k, TemplateKey: "parcel_status", TimeZone: "Europe/Berlin"}
}

func newPlanner(t *testing.T, clk *channeltest.Clock, open openSet, mod func(*notify.Config)) *notify.Planner {
	t.Helper()
	cfg := notify.Config{Windows: open, Clock: clk.Now}
	if mod != nil {
		mod(&cfg)
	}
	p, err := notify.New(cfg)
	require.NoError(t, err)
	return p
}

func planOne(t *testing.T, p *notify.Planner, n notify.Notice) notify.Decision {
	t.Helper()
	ds, err := p.Plan(context.Background(), n)
	require.NoError(t, err)
	require.Len(t, ds, 1)
	return ds[0]
}

func TestPlanRoutes(t *testing.T) {
	t.Parallel()
	wa, ms, ln, wc := addr(channel.WhatsApp, "85291230003"), addr(channel.Messenger, "psid1"), addr(channel.LINE, "U1"), addr(channel.WeChat, "o1")
	cases := []struct {
		name   string
		open   bool
		to     channel.Address
		kind   notify.Kind
		action notify.Action
		route  notify.Route
		reason notify.Reason
		tag    string
	}{
		{"whatsapp inside the window", true, wa, notify.Utility, notify.Send, notify.FreeText, notify.ReasonWindowOpen, ""},
		{"whatsapp outside: template", false, wa, notify.Marketing, notify.Send, notify.Template, notify.ReasonTemplate, ""},
		{"messenger outside: tag", false, ms, notify.Transactional, notify.Send, notify.Tagged, notify.ReasonTag, "POST_PURCHASE_UPDATE"},
		{"messenger outside: utility tag", false, ms, notify.Utility, notify.Send, notify.Tagged, notify.ReasonTag, "ACCOUNT_UPDATE"},
		{"messenger outside: no marketing tag", false, ms, notify.Marketing, notify.Drop, 0, notify.ReasonNoRoute, ""},
		{"line: push", false, ln, notify.Marketing, notify.Send, notify.Push, notify.ReasonPush, ""},
		{"wechat inside", true, wc, notify.Transactional, notify.Send, notify.FreeText, notify.ReasonWindowOpen, ""},
		{"wechat outside: nothing", false, wc, notify.Transactional, notify.Drop, 0, notify.ReasonNoRoute, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			clk := channeltest.NewClock(t0)
			p := newPlanner(t, clk, openSet{c.to: c.open}, nil)
			d := planOne(t, p, notice("n1", c.to, c.kind))
			assert.Equal(t, c.action, d.Action)
			assert.Equal(t, c.route, d.Route)
			assert.Equal(t, c.reason, d.Reason)
			assert.Equal(t, c.tag, d.Tag)
			assert.Zero(t, p.Pending())
		})
	}
}

type sent int

func (s sent) SentSince(context.Context, channel.Address) (int, error) { return int(s), nil }

func TestPlanWeChatMessageLimit(t *testing.T) {
	t.Parallel()
	wc := addr(channel.WeChat, "o1")
	for n, want := range map[int]notify.Action{4: notify.Send, 5: notify.Drop} {
		clk := channeltest.NewClock(t0)
		p := newPlanner(t, clk, openSet{wc: true}, func(c *notify.Config) { c.WeChatSent = sent(n) })
		assert.Equal(t, want, planOne(t, p, notice("n", wc, notify.Transactional)).Action, "%d sent", n)
	}
}

func TestPlanDropsInvalidExpiredAndDuplicates(t *testing.T) {
	t.Parallel()
	clk := channeltest.NewClock(t0)
	wa := addr(channel.WhatsApp, "1")
	p := newPlanner(t, clk, openSet{wa: true}, nil)
	for _, n := range []notify.Notice{
		{To: wa, Kind: notify.Utility, TemplateKey: "k"},
		{ID: "x", Kind: notify.Utility, TemplateKey: "k"},
		{ID: "x", To: wa, TemplateKey: "k"},
		{ID: "x", To: wa, Kind: notify.Utility},
	} {
		assert.Equal(t, notify.ReasonInvalid, planOne(t, p, n).Reason)
	}
	n := notice("exp", wa, notify.Transactional)
	n.ExpiresAt = t0
	assert.Equal(t, notify.ReasonExpired, planOne(t, p, n).Reason)
	assert.Equal(t, notify.Send, planOne(t, p, notice("once", wa, notify.Transactional)).Action)
	d := planOne(t, p, notice("once", wa, notify.Transactional))
	assert.Equal(t, notify.Drop, d.Action)
	assert.Equal(t, notify.ReasonDuplicate, d.Reason)
}

func TestPlanNotBeforeAndDue(t *testing.T) {
	t.Parallel()
	clk := channeltest.NewClock(t0)
	wa := addr(channel.WhatsApp, "1")
	p := newPlanner(t, clk, openSet{wa: true}, nil)
	n := notice("later", wa, notify.Transactional)
	n.NotBefore = t0.Add(time.Hour)
	d := planOne(t, p, n)
	assert.Equal(t, notify.Defer, d.Action)
	assert.Equal(t, n.NotBefore, d.At)
	next, ok := p.NextDue()
	require.True(t, ok)
	assert.Equal(t, n.NotBefore, next)

	clk.Advance(59 * time.Minute)
	ds, err := p.Due(context.Background())
	require.NoError(t, err)
	assert.Empty(t, ds, "not yet")
	clk.Advance(time.Minute)
	ds, err = p.Due(context.Background())
	require.NoError(t, err)
	require.Len(t, ds, 1)
	assert.Equal(t, notify.Send, ds[0].Action)
	assert.Zero(t, p.Pending())
}

func TestPlanQuietHoursInTheCustomersZone(t *testing.T) {
	t.Parallel()
	wa := addr(channel.WhatsApp, "66891234567")
	cases := []struct {
		name  string
		n     func(notify.Notice) notify.Notice
		now   time.Time
		until time.Time // zero: sent
	}{
		{"profile zone: 20:00 in Bangkok is not quiet", func(n notify.Notice) notify.Notice { n.TimeZone = "Asia/Bangkok"; return n },
			t0, time.Time{}},
		{"profile zone: 22:00 in Bangkok waits for 08:00", func(n notify.Notice) notify.Notice { n.TimeZone = "Asia/Bangkok"; return n },
			t0.Add(2 * time.Hour), time.Date(2026, 6, 11, 1, 0, 0, 0, time.UTC)},
		{"phone zone: +66 is Bangkok", func(n notify.Notice) notify.Notice { n.TimeZone = ""; n.Phone = "+66891234567"; return n },
			t0.Add(2 * time.Hour), time.Date(2026, 6, 11, 1, 0, 0, 0, time.UTC)},
		{"shop zone when nothing is known (UTC): 14:00 is not quiet", func(n notify.Notice) notify.Notice { n.TimeZone = ""; return n },
			t0.Add(2 * time.Hour), time.Time{}},
		{"after midnight: 01:00 in Berlin waits for 08:00 the same day", func(n notify.Notice) notify.Notice { return n },
			time.Date(2026, 6, 10, 23, 0, 0, 0, time.UTC), time.Date(2026, 6, 11, 6, 0, 0, 0, time.UTC)},
		// +1 208 is Boise and Los Angeles: quiet while quiet in either.
		// 08:30 in Boise is not quiet, 07:30 in Los Angeles is: wait for
		// 08:00 there.
		{"several zones: the latest end", func(n notify.Notice) notify.Notice { n.TimeZone = ""; n.Phone = "12085550100"; return n },
			time.Date(2026, 6, 10, 14, 30, 0, 0, time.UTC), time.Date(2026, 6, 10, 15, 0, 0, 0, time.UTC)},
		// A toll-free number spans Guam to Newfoundland: the shop's zone
		// (UTC) decides, and 14:30 UTC is not quiet.
		{"non-geographic number: the shop's zone", func(n notify.Notice) notify.Notice { n.TimeZone = ""; n.Phone = "+18005550100"; return n },
			time.Date(2026, 6, 10, 14, 30, 0, 0, time.UTC), time.Time{}},
		// 8 March 2026: New York springs forward at 02:00 EST. Quiet ends
		// at 08:00 EDT, 12:00 UTC, not 13:00.
		{"DST spring forward", func(n notify.Notice) notify.Notice { n.TimeZone = "America/New_York"; return n },
			time.Date(2026, 3, 8, 6, 30, 0, 0, time.UTC), time.Date(2026, 3, 8, 12, 0, 0, 0, time.UTC)},
		// 25 October 2026: Berlin falls back at 03:00 CEST. 07:30 CET is
		// still quiet; it ends at 08:00 CET, 07:00 UTC.
		{"DST fall back", func(n notify.Notice) notify.Notice { return n },
			time.Date(2026, 10, 25, 6, 30, 0, 0, time.UTC), time.Date(2026, 10, 25, 7, 0, 0, 0, time.UTC)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			clk := channeltest.NewClock(c.now)
			p := newPlanner(t, clk, openSet{wa: true}, nil)
			d := planOne(t, p, c.n(notice("n", wa, notify.Utility)))
			if c.until.IsZero() {
				assert.Equal(t, notify.Send, d.Action)
				return
			}
			assert.Equal(t, notify.Defer, d.Action)
			assert.Equal(t, notify.ReasonQuietHours, d.Reason)
			assert.True(t, c.until.Equal(d.At), "until %v, got %v", c.until, d.At.UTC())
		})
	}
	t.Run("transactional ignores quiet hours by default", func(t *testing.T) {
		t.Parallel()
		clk := channeltest.NewClock(time.Date(2026, 6, 10, 23, 0, 0, 0, time.UTC))
		p := newPlanner(t, clk, openSet{wa: true}, nil)
		assert.Equal(t, notify.Send, planOne(t, p, notice("n", wa, notify.Transactional)).Action)
	})
}

func TestPlanFrequencyCap(t *testing.T) {
	t.Parallel()
	clk := channeltest.NewClock(t0)
	wa, ms := addr(channel.WhatsApp, "1"), addr(channel.Messenger, "2")
	p := newPlanner(t, clk, openSet{wa: true, ms: true}, nil)
	first := notice("a", wa, notify.Utility)
	first.Customer = "cust-1"
	assert.Equal(t, notify.Send, planOne(t, p, first).Action)
	second := notice("b", ms, notify.Marketing)
	second.Customer = "cust-1" // the same customer on another channel
	d := planOne(t, p, second)
	assert.Equal(t, notify.Defer, d.Action)
	assert.Equal(t, notify.ReasonCapped, d.Reason)
	assert.Equal(t, t0.Add(24*time.Hour), d.At)
	tx := notice("c", wa, notify.Transactional)
	tx.Customer = "cust-1"
	assert.Equal(t, notify.Send, planOne(t, p, tx).Action, "transactional is not capped")

	clk.Advance(24 * time.Hour)
	ds, err := p.Due(context.Background())
	require.NoError(t, err)
	require.Len(t, ds, 1)
	assert.Equal(t, notify.Send, ds[0].Action)
}

// TestPlanCapAcrossPlanners: planners of several instances sharing one cap
// store and one seen store let exactly one capped notice per customer
// through, however many arrive at once.
func TestPlanCapAcrossPlanners(t *testing.T) {
	t.Parallel()
	clk := channeltest.NewClock(t0)
	wa := addr(channel.WhatsApp, "1")
	caps, seen := notify.NewMemoryCapStore(), channel.NewMemoryDedupeStore(0)
	planners := make([]*notify.Planner, 3)
	for i := range planners {
		planners[i] = newPlanner(t, clk, openSet{wa: true}, func(c *notify.Config) { c.Caps, c.Seen = caps, seen })
	}
	var sends atomic.Int64
	var wg sync.WaitGroup
	for i := range 300 {
		wg.Go(func() {
			n := notice(fmt.Sprint("promo-", i%100), wa, notify.Marketing) // each id 3 times
			ds, err := planners[i%3].Plan(context.Background(), n)
			if err != nil {
				t.Error(err)
				return
			}
			for _, d := range ds {
				if d.Action == notify.Send {
					sends.Add(1)
				}
			}
		})
	}
	wg.Wait()
	assert.EqualValues(t, 1, sends.Load())
	pending := 0
	for _, p := range planners {
		pending += p.Pending()
	}
	assert.Equal(t, 99, pending, "the 99 other ids wait for the cap; the duplicates were dropped")
}

func TestPlanCoalesce(t *testing.T) {
	t.Parallel()
	clk := channeltest.NewClock(time.Date(2026, 6, 10, 23, 0, 0, 0, time.UTC)) // 01:00 Berlin
	wa := addr(channel.WhatsApp, "1")
	p := newPlanner(t, clk, openSet{wa: true}, nil)
	older := notice("s1", wa, notify.Utility)
	older.CoalesceKey = "order-7"
	assert.Equal(t, notify.Defer, planOne(t, p, older).Action)
	newer := notice("s2", wa, notify.Utility)
	newer.CoalesceKey = "order-7"
	ds, err := p.Plan(context.Background(), newer)
	require.NoError(t, err)
	require.Len(t, ds, 2)
	assert.Equal(t, notify.Coalesced, ds[0].Action)
	assert.Equal(t, "s1", ds[0].Notice.ID)
	assert.Equal(t, "s2", ds[0].ReplacedBy)
	assert.Equal(t, notify.Defer, ds[1].Action)
	assert.Equal(t, 1, p.Pending())
}

type fixedQuota channel.QuotaUsage

func (q fixedQuota) Usage() channel.QuotaUsage { return channel.QuotaUsage(q) }

func TestPlanQuotaBatchesMarketingOnly(t *testing.T) {
	t.Parallel()
	clk := channeltest.NewClock(t0.Add(10 * time.Minute))
	ln := addr(channel.LINE, "U1")
	p := newPlanner(t, clk, openSet{}, func(c *notify.Config) {
		c.Quotas = map[channel.Kind]notify.QuotaSource{channel.LINE: fixedQuota{Used: 850, Limit: 1000, Fraction: 0.85}}
	})
	d := planOne(t, p, notice("m", ln, notify.Marketing))
	assert.Equal(t, notify.Defer, d.Action)
	assert.Equal(t, notify.ReasonQuota, d.Reason)
	assert.Equal(t, t0.Add(time.Hour), d.At)
	assert.Equal(t, notify.Send, planOne(t, p, notice("t", ln, notify.Transactional)).Action)
}

type downCaps struct{}

func (downCaps) Take(context.Context, string, time.Time, time.Duration) (bool, time.Time, error) {
	return false, time.Time{}, errors.New("redis: connection refused")
}

func TestPlanStoreDownIsAnErrorAndNothingIsLost(t *testing.T) {
	t.Parallel()
	clk := channeltest.NewClock(t0)
	wa := addr(channel.WhatsApp, "1")
	caps := &switchableCaps{CapStore: notify.NewMemoryCapStore(), down: true}
	p := newPlanner(t, clk, openSet{wa: true}, func(c *notify.Config) { c.Caps = caps })
	_, err := p.Plan(context.Background(), notice("n", wa, notify.Utility))
	require.ErrorIs(t, err, channel.ErrUnavailable)
	caps.down = false
	assert.Equal(t, notify.Send, planOne(t, p, notice("n", wa, notify.Utility)).Action, "planned again, not a duplicate")
}

type switchableCaps struct {
	notify.CapStore
	down bool
}

func (s *switchableCaps) Take(ctx context.Context, c string, now time.Time, p time.Duration) (bool, time.Time, error) {
	if s.down {
		return downCaps{}.Take(ctx, c, now, p)
	}
	return s.CapStore.Take(ctx, c, now, p)
}

func TestNewNeedsWindows(t *testing.T) {
	t.Parallel()
	_, err := notify.New(notify.Config{})
	assert.ErrorIs(t, err, notify.ErrNoWindows)
}

func TestFromChange(t *testing.T) {
	t.Parallel()
	to := addr(channel.WhatsApp, "1")
	cases := []struct {
		c   tracking.Change
		key string
	}{
		{tracking.Change{Kind: tracking.StatusChanged, To: tracking.StatusOutForDelivery}, notify.KeyParcelOutForDelivery},
		{tracking.Change{Kind: tracking.StatusChanged, To: tracking.StatusCustomsHeld}, notify.KeyParcelCustomsHold},
		{tracking.Change{Kind: tracking.StatusChanged, To: tracking.StatusException}, notify.KeyParcelException},
		{tracking.Change{Kind: tracking.StatusChanged, To: tracking.StatusDelivered}, notify.KeyParcelDelivered},
		{tracking.Change{Kind: tracking.StatusChanged, To: tracking.StatusInTransit}, notify.KeyParcelStatus},
		{tracking.Change{Kind: tracking.BecameStale, Stale: tracking.Staleness{Reason: tracking.StaleNoUpdate, Since: t0}}, notify.KeyParcelNoUpdate},
		{tracking.Change{Kind: tracking.BecameStale}, ""},
		{tracking.Change{Kind: tracking.NewEvents}, ""},
		{tracking.Change{Kind: tracking.StatusChanged, To: tracking.StatusUnknown}, ""},
	}
	for _, c := range cases {
		c.c.Carrier, c.c.Number, c.c.Ref = "dhl", "JD0001", "order-7"
		n, ok := notify.FromChange(c.c, to, "cust-1", t0)
		if c.key == "" {
			assert.False(t, ok, "%+v", c.c)
			continue
		}
		require.True(t, ok)
		assert.Equal(t, c.key, n.TemplateKey)
		assert.Equal(t, notify.Transactional, n.Kind)
		assert.Equal(t, "JD0001", n.Vars["tracking_number"])
		assert.NotEmpty(t, n.ID)
		assert.Equal(t, t0.Add(72*time.Hour), n.ExpiresAt)
	}
	a, _ := notify.FromChange(cases[0].c, to, "", t0)
	b, _ := notify.FromChange(cases[4].c, to, "", t0)
	assert.Equal(t, a.CoalesceKey, b.CoalesceKey, "one parcel, one coalesce key")
	assert.NotEqual(t, a.ID, b.ID)
}

func TestEstimatePromotion(t *testing.T) {
	t.Parallel()
	e := notify.EstimatePromotion(100, channel.QuotaUsage{Used: 500, Limit: 1000}, 0)
	assert.Equal(t, 300, e.Calls)
	assert.InDelta(t, 0.8, e.After, 1e-9)
	assert.False(t, e.Warn, "exactly 80 % is not above")
	e = notify.EstimatePromotion(101, channel.QuotaUsage{Used: 500, Limit: 1000}, 0)
	assert.True(t, e.Warn)
	assert.True(t, notify.EstimatePromotion(1, channel.QuotaUsage{}, 0).Warn, "no quota: warn")
}
