package whatsapp_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/channel/channeltest"
	"github.com/switchboard-go/switchboard/whatsapp"
	"github.com/switchboard-go/switchboard/whatsapp/whatsapptest"
)

func TestDefaultLimitsPairRate(t *testing.T) {
	t.Parallel()
	srv := whatsapptest.NewServer(whatsapptest.Config{})
	defer srv.Close()
	clock := channeltest.NewClock(time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC))
	send := channel.Chain(newClient(t, srv, nil), whatsapp.DefaultLimits(clock.Now))
	ctx := context.Background()
	msg := func(to string) *channel.Message {
		return &channel.Message{To: channel.Address{Channel: channel.WhatsApp, ID: to}, Text: "hi"}
	}
	for range whatsapp.PairBurst {
		_, err := send.Send(ctx, msg("16505551234"))
		require.NoError(t, err)
	}
	_, err := send.Send(ctx, msg("16505551234"))
	require.ErrorIs(t, err, channel.ErrRateLimited)
	wait, ok := channel.RetryAfter(err)
	require.True(t, ok)
	assert.Equal(t, whatsapp.PairInterval, wait)
	assert.Len(t, srv.Sent(), whatsapp.PairBurst, "the over-limit send never reached the network")

	_, err = send.Send(ctx, msg("5511987654321"))
	assert.NoError(t, err, "another customer is not affected")

	clock.Advance(whatsapp.PairInterval)
	_, err = send.Send(ctx, msg("16505551234"))
	assert.NoError(t, err)
}
