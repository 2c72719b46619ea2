package ups_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/channel/channeltest"
	"github.com/switchboard-go/switchboard/tracking"
	"github.com/switchboard-go/switchboard/tracking/internal/adaptertest"
	"github.com/switchboard-go/switchboard/tracking/trackingtest"
	"github.com/switchboard-go/switchboard/tracking/ups"
)

var start = time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)

const number = "1Z999AA10123456784"

func setup(t *testing.T) (*trackingtest.UPS, *channeltest.Clock, *ups.Client) {
	t.Helper()
	clock := channeltest.NewClock(start)
	srv := trackingtest.NewUPS(trackingtest.Config{Clock: clock.Now, TokenTTL: 4 * time.Hour})
	t.Cleanup(srv.Close)
	cst := time.FixedZone("", 8*3600)
	srv.Add(trackingtest.Script{Number: number, Signer: "FRONT DESK", ETA: start.Add(48 * time.Hour), Steps: []trackingtest.Step{
		{At: start.Add(-5 * time.Hour).In(cst), Status: tracking.StatusInfoReceived, Description: "Label created"},
		{At: start.Add(-time.Hour).In(cst), Status: tracking.StatusInTransit, Code: "P", Description: "Pickup Scan", City: "SHENZHEN", CountryCode: "CN"},
		{At: start.Add(30 * time.Hour), Status: tracking.StatusOutForDelivery, Description: "Out For Delivery Today", City: "ATLANTA", CountryCode: "US"},
		{At: start.Add(36 * time.Hour), Status: tracking.StatusDelivered, Description: "DELIVERED", City: "ATLANTA", CountryCode: "US"},
	}})
	c, err := ups.New(ups.Config{ClientID: srv.ClientID, ClientSecret: srv.ClientSecret, BaseURL: srv.URL, HTTPClient: srv.Client(), Clock: clock.Now, Retry: channel.Retry{MaxAttempts: 1}})
	require.NoError(t, err)
	return srv, clock, c
}

func TestAdapter(t *testing.T) {
	t.Parallel()
	adaptertest.Run(t, adaptertest.Adapter{
		Carrier: tracking.UPS, Number: number, Unknown: "1Z0000000000000000", OAuth: true,
		NewEmpty: func() error { _, err := ups.New(ups.Config{ClientSecret: "x"}); return err },
		Start: func(t *testing.T) (adaptertest.Fake, tracking.Tracker) {
			srv, _, c := setup(t)
			return srv, c
		},
		Refused: func(t *testing.T) (tracking.Tracker, string) {
			srv, _, _ := setup(t)
			c, err := ups.New(ups.Config{ClientID: srv.ClientID, ClientSecret: "nope-secret", BaseURL: srv.URL, HTTPClient: srv.Client(), Retry: channel.Retry{MaxAttempts: 1}})
			require.NoError(t, err)
			return c, "nope-secret"
		},
	})
}

func TestTrack(t *testing.T) {
	t.Parallel()
	srv, clock, c := setup(t)
	ctx := context.Background()
	s, err := c.Track(ctx, number)
	require.NoError(t, err)
	assert.Equal(t, tracking.StatusInTransit, s.Status)
	assert.Equal(t, "P", s.RawCode)
	assert.Equal(t, "SHENZHEN", s.Location.City)
	assert.True(t, s.LastUpdate.Equal(start.Add(-time.Hour)))
	_, off := s.LastUpdate.Zone()
	assert.Equal(t, 8*3600, off, "time keeps the carrier's zone")
	assert.Equal(t, start.Add(48*time.Hour), s.ETA.From)

	clock.Advance(40 * time.Hour)
	s, err = c.Track(ctx, number)
	require.NoError(t, err)
	assert.Equal(t, tracking.StatusDelivered, s.Status)
	assert.Equal(t, "FRONT DESK", s.Signer)
	assert.Len(t, s.Events, 4)

	ids := srv.TransIDs()
	require.Len(t, ids, 2)
	assert.NotEqual(t, ids[0], ids[1], "transId is unique per request")
	assert.Len(t, ids[0], 32)
	assert.Equal(t, 2, srv.TokenCalls(), "the 4 h token expired during the 40 h")
}

func TestTokenRefreshedBeforeExpiry(t *testing.T) {
	t.Parallel()
	srv, clock, c := setup(t)
	ctx := context.Background()
	_, err := c.Track(ctx, number)
	require.NoError(t, err)
	clock.Advance(4*time.Hour - time.Minute) // inside the 2 min refresh margin of the 4 h token
	_, err = c.Track(ctx, number)
	require.NoError(t, err)
	assert.Equal(t, 2, srv.TokenCalls())
}

func TestNotFoundCode(t *testing.T) {
	t.Parallel()
	_, _, c := setup(t)
	_, err := c.Track(context.Background(), "1Z0000000000000000")
	var ae *tracking.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, ups.NotFoundCode, ae.Code)
}
