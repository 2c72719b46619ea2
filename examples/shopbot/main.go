// Command shopbot runs a shop's customer-service bot on Switchboard's fake
// channels, with no setup and no network, and prints the conversation as a
// transcript.
//
//	go run ./examples/shopbot
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/channel/channeltest"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "shopbot:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("shopbot", flag.ContinueOnError)
	if err := fs.Parse(args); err != nil {
		return err
	}
	return scripted(ctx, out)
}

// bot answers every text message; later issues replace it with the full
// pipeline (identity, autoreply, tracking).
type bot struct{ out channel.Sender }

func (b bot) HandleEvent(ctx context.Context, e channel.Event) error {
	if e.Type != channel.EventMessage || e.Message == nil {
		return nil
	}
	reply := "Thanks for your message! A team member will answer soon."
	if strings.Contains(strings.ToLower(e.Message.Text), "parcel") {
		reply = "Please send your order number and I will look your parcel up."
	}
	_, err := b.out.Send(ctx, &channel.Message{To: e.From, Text: reply})
	return err
}

func scripted(ctx context.Context, out io.Writer) error {
	clk := channeltest.NewClock(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))
	fake := channeltest.New(channeltest.WithClock(clk.Now))
	b := bot{out: fake}
	script := []struct {
		kind channel.Kind
		id   string
		text string
	}{
		{channel.WhatsApp, "85291234567", "Hi, where is my parcel?"},
		{channel.LINE, "U4af4980629b0e6a2c1f3d5e7a9b1c3d5", "Can I return a jacket?"},
	}
	for _, s := range script {
		c := fake.Customer(s.kind, s.id)
		fmt.Fprintf(out, "%-9s %s > %s\n", s.kind, s.id, s.text)
		before := len(fake.Sent())
		if err := c.Says(ctx, b, s.text); err != nil {
			return err
		}
		for _, m := range fake.Sent()[before:] {
			fmt.Fprintf(out, "%-9s %s < %s\n", s.kind, "bot", m.Text)
		}
		clk.Advance(time.Minute)
	}
	return nil
}
