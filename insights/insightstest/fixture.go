package insightstest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/insights"
)

// The fixture's shop is in Hong Kong (UTC+8) and opens Monday to Friday,
// 09:00–18:00. The period is the week Monday 23 to Sunday 29 November 2026.
var hkt = time.FixedZone("HKT", 8*3600)

// Week is the fixture's period: Monday 23 November 2026 00:00 Hong Kong
// time, and seven days later.
func Week() (from, to time.Time) {
	from = time.Date(2026, 11, 23, 0, 0, 0, 0, hkt)
	return from, from.AddDate(0, 0, 7)
}

// at is day d of the week (0 = Monday) at hh:mm:ss in Hong Kong.
func at(d, hh, mm, ss int) time.Time {
	return time.Date(2026, 11, 23+d, hh, mm, ss, 0, hkt)
}

// Calendar is the fixture shop's business hours: Monday to Friday,
// 09:00–18:00 Hong Kong time.
func Calendar() *insights.Calendar {
	cal, err := insights.NewCalendar(hkt, insights.WeekdayHours(9*time.Hour, 18*time.Hour))
	if err != nil {
		panic(err) // constant input; unreachable
	}
	return cal
}

// FixtureEvents are ten conversations, c1 … c10, and their hand-computed
// figures (wall clock; business hours where different):
//
//	conv ch  lang bot   hand-off     first agent reply     resolved   rating rules
//	c1   WA  en   30s   -            -                     -          -      where
//	c2   WA  en   20s   Mon 10:11    ann Mon 10:14 (3m)    10:20      5      returns
//	c3   FB  es   10s   Mon 11:01    bob 11:09 (8m), 11:12 11:30      3      miss ×2
//	c4   LN  th   30s   Mon 17:51    cat Tue 09:05 (15h14m; 9m+5m = 14m)   Tue 09:30, reopened Thu  4  miss
//	c5   WC  zh   15s   -            -                     -          -      where
//	c6   WC  zh   10s   Tue 14:31    ann 14:35 (4m)        14:40      2      returns
//	c7   WA  en    5s   -            -                     -          -      where
//	c8   FB  es   20s   Wed 15:21    bob 15:41 (20m)       15:50      -      miss
//	c9   WA  en   10s (Sat: 0)  Sat 11:01  ann 11:03 (2m; 0)  11:10   5      where
//	c10  LN  th   40s   Fri 17:01    none by the period's end (59m business) -  miss
func FixtureEvents() []insights.Event {
	var es []insights.Event
	type ev = insights.Event
	conv := func(id string, ch channel.Kind, lang string, events ...ev) {
		for _, e := range events {
			e.Conversation, e.Channel, e.Language = id, ch, lang
			es = append(es, e)
		}
	}
	in := func(t time.Time, text string) ev { return ev{Time: t, Kind: insights.MessageIn, Text: text} }
	bot := func(t time.Time) ev { return ev{Time: t, Kind: insights.BotAnswer} }
	hit := func(t time.Time, rule string) ev { return ev{Time: t, Kind: insights.RuleMatched, Rule: rule} }
	miss := func(t time.Time) ev { return ev{Time: t, Kind: insights.RuleMissed} }
	handoff := func(t time.Time) ev { return ev{Time: t, Kind: insights.Handoff} }
	assign := func(t time.Time, agent, team string) ev {
		return ev{Time: t, Kind: insights.AgentAssigned, Agent: agent, Team: team}
	}
	reply := func(t time.Time, agent string) ev { return ev{Time: t, Kind: insights.AgentReply, Agent: agent} }
	resolved := func(t time.Time) ev { return ev{Time: t, Kind: insights.Resolved} }
	rating := func(t time.Time, n int) ev { return ev{Time: t, Kind: insights.Rating, Score: n} }

	conv("c1", channel.WhatsApp, "en", in(at(0, 10, 0, 0), "Where is my parcel?"), hit(at(0, 10, 0, 0), "where"), bot(at(0, 10, 0, 30)))
	conv("c2", channel.WhatsApp, "en", in(at(0, 10, 10, 0), "return shoes please"), hit(at(0, 10, 10, 0), "returns"),
		bot(at(0, 10, 10, 20)), in(at(0, 10, 11, 0), "agent please"), handoff(at(0, 10, 11, 0)),
		assign(at(0, 10, 11, 30), "ann", "sales"), reply(at(0, 10, 14, 0), "ann"), resolved(at(0, 10, 20, 0)), rating(at(0, 10, 21, 0), 5))
	conv("c3", channel.Messenger, "es", in(at(0, 11, 0, 0), "¿Dónde está mi pedido?"), miss(at(0, 11, 0, 0)), bot(at(0, 11, 0, 10)),
		in(at(0, 11, 1, 0), "pedido 12345"), miss(at(0, 11, 1, 0)), handoff(at(0, 11, 1, 0)), assign(at(0, 11, 2, 0), "bob", "latam"),
		reply(at(0, 11, 9, 0), "bob"), in(at(0, 11, 10, 0), "¿hola?"), reply(at(0, 11, 12, 0), "bob"),
		resolved(at(0, 11, 30, 0)), rating(at(0, 11, 31, 0), 3))
	conv("c4", channel.LINE, "th", in(at(0, 17, 50, 0), "พัสดุ"), miss(at(0, 17, 50, 0)), bot(at(0, 17, 50, 30)), handoff(at(0, 17, 51, 0)),
		assign(at(1, 9, 0, 0), "cat", "sea"), reply(at(1, 9, 5, 0), "cat"), resolved(at(1, 9, 30, 0)), rating(at(1, 9, 31, 0), 4),
		ev{Time: at(3, 12, 0, 0), Kind: insights.Reopened})
	conv("c5", channel.WeChat, "zh", in(at(1, 14, 0, 0), "我的包裹到哪里了"), hit(at(1, 14, 0, 0), "where"), bot(at(1, 14, 0, 15)))
	conv("c6", channel.WeChat, "zh", in(at(1, 14, 30, 0), "包裹可以退货吗"), hit(at(1, 14, 30, 0), "returns"), bot(at(1, 14, 30, 10)),
		in(at(1, 14, 31, 0), "人工"), handoff(at(1, 14, 31, 0)), reply(at(1, 14, 35, 0), "ann"), resolved(at(1, 14, 40, 0)), rating(at(1, 14, 41, 0), 2))
	conv("c7", channel.WhatsApp, "en", in(at(2, 15, 0, 0), "where is my parcel"), hit(at(2, 15, 0, 0), "where"), bot(at(2, 15, 0, 5)))
	conv("c8", channel.Messenger, "es", in(at(2, 15, 20, 0), "pedido"), miss(at(2, 15, 20, 0)), bot(at(2, 15, 20, 20)), handoff(at(2, 15, 21, 0)),
		reply(at(2, 15, 41, 0), "bob"), resolved(at(2, 15, 50, 0)))
	conv("c9", channel.WhatsApp, "en", in(at(5, 11, 0, 0), "parcel not arrived"), hit(at(5, 11, 0, 0), "where"), bot(at(5, 11, 0, 10)),
		handoff(at(5, 11, 1, 0)), reply(at(5, 11, 3, 0), "ann"), resolved(at(5, 11, 10, 0)), rating(at(5, 11, 11, 0), 5))
	conv("c10", channel.LINE, "th", in(at(4, 17, 0, 0), "พัสดุ"), miss(at(4, 17, 0, 0)), bot(at(4, 17, 0, 40)), handoff(at(4, 17, 1, 0)))
	es = append(es,
		insights.Event{Time: at(0, 9, 0, 0), Kind: insights.RuleRevised, Rule: "returns"},
		insights.Event{Time: at(1, 12, 0, 0), Kind: insights.FileSent, FileKind: "invoice"},
		insights.Event{Time: at(2, 12, 0, 0), Kind: insights.FileSent, FileKind: "invoice"},
		insights.Event{Time: at(2, 13, 0, 0), Kind: insights.FileSent, FileKind: "manual"},
		insights.Event{Time: at(3, 8, 0, 0), Kind: insights.NoticeSent, Conversation: "c1"},
	)
	return es
}

// FixtureOptions are the options CheckFixture computes with: the fixture
// Calendar, a file limit of 1 a week, and rule "where" last revised on
// 1 August 2026.
func FixtureOptions() insights.Options {
	return insights.Options{
		Calendar:  Calendar(),
		FileLimit: 1,
		Revised:   map[string]time.Time{"where": time.Date(2026, 8, 1, 0, 0, 0, 0, hkt)},
	}
}

func fixtureMetrics(t *testing.T, log insights.Log) *insights.Metrics {
	t.Helper()
	require.NoError(t, log.Append(context.Background(), FixtureEvents()...))
	from, to := Week()
	m, err := insights.Compute(context.Background(), log, from, to, FixtureOptions())
	require.NoError(t, err)
	return m
}

func stat(n int, median, p90 time.Duration) insights.Stat {
	return insights.Stat{Count: n, Median: median, P90: p90}
}

func withoutMean(s insights.Stat) insights.Stat { s.Mean = 0; return s }

const m = time.Minute

// CheckFixture appends FixtureEvents to log (which must be empty), computes
// the fixture week and checks every figure against the values computed by
// hand in FixtureEvents' comment.
func CheckFixture(t *testing.T, log insights.Log) {
	t.Helper()
	got := fixtureMetrics(t, log)
	weekFrom, _ := Week()

	assert.Equal(t, 10, got.Conversations)
	assert.Equal(t, 14, got.Messages)
	assert.Equal(t, 1, got.Notices)
	assert.Equal(t, 7, got.HandedOff)
	// c1, c5, c7 alone.
	assert.Equal(t, insights.Rate{Hits: 3, Total: 10, Rate: 0.3}, got.AutoHandled)

	durs := []struct {
		name       string
		got        insights.Stat
		want       insights.Stat
		wantMeanNS time.Duration // 0: not checked
	}{
		// Bot: 5 10 10 10 15 20 20 30 30 40 s → rank 5 = 15 s, rank 9 = 30 s.
		{"bot wall", got.BotResponse.Wall, stat(10, 15*time.Second, 30*time.Second), 19 * time.Second},
		// c9's Saturday answer is 0 in business time: 0 5 10 10 15 20 20 30 30 40.
		{"bot business", got.BotResponse.Business, stat(10, 15*time.Second, 30*time.Second), 18 * time.Second},
		// First response: 2m 3m 4m 8m 20m 15h14m → rank 3 = 4m, rank ⌈5.4⌉ = 6.
		{"first wall", got.FirstResponse.Wall, stat(6, 4*m, 15*time.Hour+14*m), 951 * m / 6},
		// 0 3 4 8 14 20 min.
		{"first business", got.FirstResponse.Business, stat(6, 4*m, 20*m), 49 * m / 6},
		// Reply waits add c3's second (2m): 2 2 3 4 8 20 914 → rank 4, rank 7.
		{"reply wall", got.Reply.Wall, stat(7, 4*m, 15*time.Hour+14*m), 0},
		{"reply business", got.Reply.Business, stat(7, 4*m, 20*m), 0},
		// Resolution: 10 10 10 30 30 940 min; business 0 10 10 30 30 40.
		{"resolution wall", got.Resolution.Wall, stat(6, 10*m, 15*time.Hour+40*m), 0},
		{"resolution business", got.Resolution.Business, stat(6, 10*m, 40*m), 0},
	}
	for _, d := range durs {
		t.Run(d.name, func(t *testing.T) {
			assert.Equal(t, d.want, withoutMean(d.got))
			if d.wantMeanNS != 0 {
				assert.Equal(t, d.wantMeanNS, d.got.Mean)
			}
		})
	}

	// FCR: resolved with agent replies c2 c3 c4 c6 c8 c9; c3 took two
	// replies, c4 reopened within 7 days → 4/6.
	assert.Equal(t, 4, got.FCR.Hits)
	assert.Equal(t, 6, got.FCR.Total)
	// SLA 15 min business: c8 (20m) and c10 (59m, unanswered) miss → 5/7.
	assert.Equal(t, 5, got.SLA.Hits)
	assert.Equal(t, 7, got.SLA.Total)
	require.Len(t, got.Breaches, 2)
	assert.Equal(t, "c10", got.Breaches[0].Conversation)
	assert.Equal(t, 59*m, got.Breaches[0].Waited)
	assert.False(t, got.Breaches[0].Answered)
	assert.Equal(t, "c8", got.Breaches[1].Conversation)
	assert.Equal(t, 20*m, got.Breaches[1].Waited)

	// Ratings 5 3 4 2 5: mean 3.8, no alert.
	assert.Equal(t, insights.Ratings{Count: 5, Mean: 3.8, Distribution: [5]int{0, 1, 1, 1, 2}}, got.Ratings)

	// Rules: where 4 triggers, c9 handed off after it → 25 %; returns 2
	// and 2 → 100 %. where revised 1 Aug: 121 days before the end, stale.
	require.Len(t, got.Rules, 2)
	assert.Equal(t, "returns", got.Rules[0].Rule)
	assert.Equal(t, 2, got.Rules[0].Triggers)
	assert.Equal(t, 2, got.Rules[0].HandoffsAfter)
	assert.True(t, got.Rules[0].Revise)
	assert.False(t, got.Rules[0].Stale)
	assert.True(t, at(0, 9, 0, 0).Equal(got.Rules[0].LastRevised), "last revised %v", got.Rules[0].LastRevised)
	assert.Equal(t, insights.RuleHealth{Rule: "where", Triggers: 4, HandoffsAfter: 1, FailureRate: 0.25, Revise: true,
		LastRevised: time.Date(2026, 8, 1, 0, 0, 0, 0, hkt), Stale: true}, got.Rules[1])
	// 6 matches, 5 misses.
	assert.Equal(t, insights.Rate{Hits: 6, Total: 11, Rate: 6.0 / 11}, got.HitRate)

	// Heat map (0 = Monday): Mon 10 h: 3, Mon 11 h: 3, Mon 17 h: 1,
	// Tue 14 h: 3, Wed 15 h: 2, Fri 17 h: 1, Sat 11 h: 1.
	var heat [7][24]int
	heat[0][10], heat[0][11], heat[0][17], heat[1][14], heat[2][15], heat[4][17], heat[5][11] = 3, 3, 1, 3, 2, 1, 1
	assert.Equal(t, heat, got.HeatMap)
	// By hour 10: 3, 11: 4 → 10–12 h holds 7 of 14.
	assert.Equal(t, insights.Peak{StartHour: 10, Share: 0.5}, got.Peak)

	// Channels: WhatsApp 4, the others 2 each (ties by name).
	require.Len(t, got.Channels, 4)
	assert.Equal(t, insights.ChannelShare{Channel: channel.WhatsApp, Conversations: 4, Messages: 5, Share: 0.4}, got.Channels[0])
	assert.Equal(t, []channel.Kind{channel.LINE, channel.Messenger, channel.WeChat},
		[]channel.Kind{got.Channels[1].Channel, got.Channels[2].Channel, got.Channels[3].Channel})

	// Agents (business first response): bob 8m, 20m → 14m; cat 14m; ann
	// 3m, 4m, 0 → 2m20s. Above 6 min: bob and cat (a tie, by name).
	require.Len(t, got.Agents, 3)
	assert.Equal(t, []string{"bob", "cat", "ann"}, []string{got.Agents[0].Agent, got.Agents[1].Agent, got.Agents[2].Agent})
	assert.Equal(t, 14*m, got.Agents[0].FirstResponse.Mean)
	assert.Equal(t, []bool{true, true, false}, []bool{got.Agents[0].Slow, got.Agents[1].Slow, got.Agents[2].Slow})
	assert.Equal(t, 140*time.Second, got.Agents[2].FirstResponse.Mean)
	assert.Equal(t, "latam", got.Agents[0].Team)

	// Files in the week of Monday 23: invoice 2 (> 1, flagged), manual 1.
	assert.Equal(t, []insights.FileCount{
		{Week: weekFrom, Kind: "invoice", Count: 2, Over: true},
		{Week: weekFrom, Kind: "manual", Count: 1},
	}, got.Files)

	// Hot words (once per message): parcel in c1 c7 c9; pedido in c3's
	// two messages and c8's (ties by text); พัส and สดุ in c4
	// c10; 包裹 in c5 c6. Stop words (where, is, my, dónde, está, mi,
	// please, 可以) and numbers are dropped.
	require.GreaterOrEqual(t, len(got.HotWords), 5)
	assert.Equal(t, []insights.Word{{Text: "parcel", Count: 3}, {Text: "pedido", Count: 3}, {Text: "พัส", Count: 2}, {Text: "สดุ", Count: 2}, {Text: "包裹", Count: 2}}, got.HotWords[:5])
	for _, w := range got.HotWords {
		assert.NotContains(t, []string{"where", "is", "my", "dónde", "mi", "please", "可以", "12345", "我的"}, w.Text)
	}

	// Trend, Monday: c1–c4, first responses 3m 8m 15h14m → median 8m;
	// FCR c2 yes, c3 no, c4 no → 1/3; ratings 5 3 4 → 4.
	require.Len(t, got.Trend, 7)
	mon := got.Trend[0]
	assert.Equal(t, weekFrom, mon.Start)
	assert.Equal(t, 4, mon.Conversations)
	assert.Equal(t, stat(3, 8*m, 15*time.Hour+14*m), withoutMean(mon.FirstResponse))
	assert.Equal(t, 1, mon.FCR.Hits)
	assert.Equal(t, 3, mon.FCR.Total)
	assert.InDelta(t, 4.0, mon.Rating, 1e-9)
	// Monday's rule events: c1 hit, c2 hit, c3 miss ×2, c4 miss.
	assert.Equal(t, 2, mon.HitRate.Hits)
	assert.Equal(t, 5, mon.HitRate.Total)

	// Breakdowns: ann answered c2 c6 c9 first (3m 4m 2m wall → 3m).
	ann := group(t, got, insights.ByAgent, "ann")
	assert.Equal(t, 3, ann.Conversations)
	assert.Equal(t, stat(3, 3*m, 4*m), withoutMean(ann.FirstResponse.Wall))
	// Rule "where": c1 c5 c7 c9, one handed off.
	where := group(t, got, insights.ByRule, "where")
	assert.Equal(t, 4, where.Conversations)
	assert.Equal(t, 1, where.HandedOff)
	es := group(t, got, insights.ByLanguage, "es")
	assert.Equal(t, insights.Rate{Hits: 1, Total: 2, Rate: 0.5}, es.FCR)
	wa := group(t, got, insights.ByChannel, "whatsapp")
	assert.Equal(t, 4, wa.Conversations)
	assert.Equal(t, insights.Rate{Hits: 2, Total: 4, Rate: 0.5}, wa.AutoHandled)
	sales := group(t, got, insights.ByTeam, "sales")
	assert.Equal(t, 1, sales.Conversations)
}

func group(t *testing.T, m *insights.Metrics, d insights.Dimension, key string) insights.Group {
	t.Helper()
	for _, g := range m.Groups[d] {
		if g.Key == key {
			return g
		}
	}
	require.Fail(t, fmt.Sprintf("no group %s=%s", d, key))
	return insights.Group{}
}
