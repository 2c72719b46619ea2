package insights_test

import (
	"context"
	"fmt"
	"time"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/insights"
)

// A conversation the bot answered, then handed to a person who replied
// four minutes later: the first response counts from the hand-off, and
// the bot's own answer time is reported apart.
func ExampleCompute() {
	ctx := context.Background()
	hk := time.FixedZone("HKT", 8*3600)
	t0 := time.Date(2026, 11, 23, 10, 0, 0, 0, hk) // a Monday
	log := insights.NewMemoryLog()
	ev := func(d time.Duration, k insights.Kind) insights.Event {
		return insights.Event{Time: t0.Add(d), Kind: k, Conversation: "c1", Channel: channel.WhatsApp, Language: "en"}
	}
	reply := ev(6*time.Minute, insights.AgentReply)
	reply.Agent = "ann"
	rating := ev(10*time.Minute, insights.Rating)
	rating.Score = 5
	in := ev(0, insights.MessageIn)
	in.Text = "Where is my parcel?"
	_ = log.Append(ctx, in, ev(20*time.Second, insights.BotAnswer), ev(2*time.Minute, insights.Handoff),
		reply, ev(9*time.Minute, insights.Resolved), rating)

	cal, _ := insights.NewCalendar(hk, insights.WeekdayHours(9*time.Hour, 18*time.Hour))
	m, _ := insights.Compute(ctx, log, t0.Add(-10*time.Hour), t0.Add(14*time.Hour), insights.Options{Calendar: cal})
	fmt.Println("bot:", m.BotResponse.Wall.Median)
	fmt.Println("first response:", m.FirstResponse.Business.Median)
	fmt.Println("FCR:", m.FCR.Hits, "of", m.FCR.Total)
	fmt.Println("hot word:", m.HotWords[0].Text)
	// Output:
	// bot: 20s
	// first response: 4m0s
	// FCR: 1 of 1
	// hot word: parcel
}
