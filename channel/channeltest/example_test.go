package channeltest_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/channel/channeltest"
)

// echoBot answers every text message; it is the code under test.
type echoBot struct{ out channel.Sender }

func (b echoBot) HandleEvent(ctx context.Context, e channel.Event) error {
	if e.Type != channel.EventMessage || e.Message.Text == "" {
		return nil
	}
	reply := "You said: " + e.Message.Text
	if strings.Contains(strings.ToLower(e.Message.Text), "parcel") {
		reply = "Please send your order number."
	}
	_, err := b.out.Send(ctx, &channel.Message{To: e.From, Text: reply})
	return err
}

// A test of a tiny bot: a customer writes on WhatsApp, the bot answers
// through the fake, and the test reads what was sent.
func Example() {
	ctx := context.Background()
	fake := channeltest.New(channeltest.Config{})
	bot := echoBot{out: fake}

	customer := fake.Customer(channel.WhatsApp, "85291234567")
	if err := customer.Says(ctx, bot, "where is my parcel"); err != nil {
		fmt.Println("error:", err)
	}
	for _, m := range fake.SentTo(customer.Address) {
		fmt.Println(m.To, "<-", m.Text)
	}
	// Output: whatsapp:85291234567 <- Please send your order number.
}

// Failures are injected to test how a bot copes with throttling.
func ExampleFake_FailNext() {
	ctx := context.Background()
	fake := channeltest.New(channeltest.Config{})
	fake.FailNext(1, &channel.APIError{Channel: channel.LINE, StatusCode: 429, Err: channel.ErrRateLimited})

	to := channel.Address{Channel: channel.LINE, ID: "U4af4980629"}
	_, err := fake.Send(ctx, &channel.Message{To: to, Text: "hello"})
	fmt.Println(err, channel.IsRetryable(err))
	_, err = fake.Send(ctx, &channel.Message{To: to, Text: "hello"})
	fmt.Println(err, len(fake.Sent()))
	// Output:
	// line: api error (http 429) true
	// <nil> 1
}
