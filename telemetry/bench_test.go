package telemetry_test

import (
	"context"
	"testing"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/channel/channeltest"
	"github.com/switchboard-go/switchboard/telemetry"
)

// pipeline is one inbound event whose handler sends one reply through the
// fake channel, the shape of the bot's hot path.
func pipeline(b *testing.B, tel *telemetry.Telemetry) {
	b.Helper()
	fake := channeltest.New(channeltest.Config{})
	n := 0
	var sender channel.Sender = channel.SenderFunc(func(ctx context.Context, m *channel.Message) (channel.Receipt, error) {
		if n++; n%4096 == 0 {
			fake.Reset()
		}
		return fake.Send(ctx, m)
	})
	send := channel.Chain(sender, tel.Sender())
	from := channel.Address{Channel: channel.WhatsApp, ID: "85291230003"}
	h := tel.Handler(channel.HandlerFunc(func(ctx context.Context, e channel.Event) error {
		_, err := send.Send(ctx, &channel.Message{To: e.From, Text: "Your parcel is out for delivery"})
		return err
	}))
	e := channel.Event{Type: channel.EventMessage, Channel: channel.WhatsApp, ID: "wamid.1", From: from}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if err := h.HandleEvent(ctx, e); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPipelineBaseline has no telemetry at all.
func BenchmarkPipelineBaseline(b *testing.B) { pipeline(b, nil) }

// BenchmarkPipelineTelemetryOff is a Telemetry made without providers: it
// must cost nothing over the baseline (the wrappers return what they wrap).
func BenchmarkPipelineTelemetryOff(b *testing.B) {
	tel, err := telemetry.New(telemetry.Config{})
	if err != nil {
		b.Fatal(err)
	}
	pipeline(b, tel)
}

// BenchmarkPipelineTelemetryOn records every span and metric with the SDK.
func BenchmarkPipelineTelemetryOn(b *testing.B) { pipeline(b, newRecordedDiscard(b)) }
