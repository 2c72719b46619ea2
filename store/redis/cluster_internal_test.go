package redis

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/channel"
)

// On a Redis Cluster client one script may not touch keys in two slots:
// the claim's round trip then touches the window in a script of its own
// and charges no allowance, so the reply's Take asks the server.
func TestClaimOnClusterTouchesApartAndChargesNothing(t *testing.T) {
	s, c := newTestStore(t)
	s.cluster = true
	ctx := context.Background()
	now := time.Date(2030, 3, 1, 12, 0, 0, 0, time.UTC) // in the future, as storetest.T0: the server drops keys whose absolute expiry is behind its clock
	from := channel.Address{Channel: channel.WhatsApp, ID: "85291234567"}
	_, err := s.RecipientLimits().Take(ctx, channel.Address{Channel: channel.WhatsApp, ID: "1"}, now, time.Second, 1)
	require.NoError(t, err)

	e := channel.Event{Type: channel.EventMessage, Channel: channel.WhatsApp, ID: "wamid.c", From: from, Time: now}
	dctx := channel.WithDelivery(ctx, &channel.Delivery{Event: e})
	st, err := s.Dedupe().Claim(dctx, channel.DedupeKey(e.Channel, e.ID), now, time.Minute)
	require.NoError(t, err)
	require.Equal(t, channel.ClaimNew, st)
	seen, ok, err := s.Windows().LastSeen(ctx, from)
	require.NoError(t, err)
	require.True(t, ok, "the claim's round trip touched the window")
	require.True(t, seen.Equal(now))
	require.Zero(t, c.Exists(ctx, s.limitKey(from)).Val(), "no allowance charged by the claim")
	wait, err := s.RecipientLimits().Take(dctx, from, now, time.Second, 1)
	require.NoError(t, err)
	require.Zero(t, wait)
	require.EqualValues(t, 1, c.Exists(ctx, s.limitKey(from)).Val(), "the take charged it")
}
