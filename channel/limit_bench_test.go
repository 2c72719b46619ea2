package channel_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/channel"
)

// benchPerRecipientNew sends one message to each of b.N new recipients
// through PerRecipient with the given bound, the clock a millisecond apart
// and every recipient still limited (Every is an hour), so nothing is
// forgotten for having refilled: below the bound nothing is dropped, past it
// every send drops the oldest.
func benchPerRecipientNew(b *testing.B, maxRecipients int) {
	msgs := make([]channel.Message, b.N)
	for i := range msgs {
		msgs[i] = channel.Message{To: channel.Address{Channel: channel.WhatsApp, ID: "8521234" + strconv.Itoa(i)}, Text: "x"}
	}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	nop := channel.SenderFunc(func(context.Context, *channel.Message) (channel.Receipt, error) { return channel.Receipt{}, nil })
	s := channel.PerRecipient(channel.RecipientLimitConfig{Every: time.Hour, MaxRecipients: maxRecipients, Clock: clock})(nop)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := range msgs {
		now = now.Add(time.Millisecond)
		if _, err := s.Send(ctx, &msgs[i]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPerRecipientBelowBound is the baseline: new recipients, none
// dropped (the bound is above any b.N of a short run).
func BenchmarkPerRecipientBelowBound(b *testing.B) { benchPerRecipientNew(b, 1<<24) }

// BenchmarkPerRecipientPastBound: every new recipient drops the oldest
// (bound 1,024, so all but the first 1,024 sends are past it).
func BenchmarkPerRecipientPastBound(b *testing.B) { benchPerRecipientNew(b, 1<<10) }
