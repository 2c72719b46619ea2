package desk_test

import (
	"context"
	"fmt"
	"time"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/desk"
)

func Example() {
	ctx := context.Background()
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	sent := 0
	d, _ := desk.New(desk.Config{
		Clock: func() time.Time { return now },
		Teams: map[string]string{"refund": "after-sales"},
		Sender: channel.SenderFunc(func(_ context.Context, m *channel.Message) (channel.Receipt, error) {
			sent++
			return channel.Receipt{MessageID: "wamid.1"}, nil
		}),
	})
	_ = d.AddAgent(ctx, desk.Agent{ID: "ann", Teams: []string{"after-sales"}, Languages: []string{"en"}})
	_ = d.SetOnline(ctx, "ann", true)

	customer := channel.Address{Channel: channel.WhatsApp, ID: "85291230003"}
	c, _ := d.Handoff(ctx, desk.Handoff{Customer: customer, Reason: "keyword", InquiryType: "refund", Language: "en",
		Message: &channel.Message{From: customer, Text: "I want a refund"}})
	fmt.Println(c.Status, c.Team, c.Unanswered)

	_, _ = d.AssignQueued(ctx) // Run does this on every event
	fmt.Println(d.ReplyPolicy(c).Mode)
	c, _ = d.Reply(ctx, desk.Reply{ConversationID: c.ID, Agent: "ann", Text: "Your refund is on its way."})
	fmt.Println(c.Agent, c.Unanswered, sent)
	// Output:
	// queued after-sales true
	// free
	// ann false 1
}
