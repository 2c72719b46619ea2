package seventeentrack_test

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
	"github.com/switchboard-go/switchboard/tracking/seventeentrack"
	"github.com/switchboard-go/switchboard/tracking/trackingtest"
)

var start = time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)

func setup(t *testing.T, auto bool) (*trackingtest.SeventeenTrack, *channeltest.Clock, *seventeentrack.Client) {
	t.Helper()
	clock := channeltest.NewClock(start)
	srv := trackingtest.NewSeventeenTrack(trackingtest.Config{Clock: clock.Now})
	t.Cleanup(srv.Close)
	srv.Add(trackingtest.Script{Number: "RR123456785CN", Service: "China Post", Steps: []trackingtest.Step{
		{At: start.Add(-48 * time.Hour), Status: tracking.StatusInTransit, Code: "InTransit_PickedUp", Description: "Posting/Collection", City: "SHENZHEN", CountryCode: "CN"},
		{At: start.Add(2 * time.Hour), Status: tracking.StatusCustomsHeld, Description: "Customs clearance", City: "BANGKOK", CountryCode: "TH"},
		{At: start.Add(30 * time.Hour), Status: tracking.StatusDelivered, Description: "Delivered", City: "BANGKOK", CountryCode: "TH"},
	}})
	c, err := seventeentrack.New(seventeentrack.Config{Token: srv.Token, AutoRegister: auto, BaseURL: srv.URL, HTTPClient: srv.Client(), Clock: clock.Now, Retry: channel.Retry{MaxAttempts: 1}})
	require.NoError(t, err)
	return srv, clock, c
}

func TestAdapter(t *testing.T) {
	t.Parallel()
	const number = "RR123456785CN"
	adaptertest.Run(t, adaptertest.Adapter{
		Carrier: tracking.SeventeenTrack, Number: number, Unknown: "EE000000006HK",
		NewEmpty: func() error { _, err := seventeentrack.New(seventeentrack.Config{}); return err },
		Start: func(t *testing.T) (adaptertest.Fake, tracking.Tracker) {
			srv, _, c := setup(t, false)
			require.NoError(t, c.Register(context.Background(), []string{number}))
			return srv, c
		},
		Refused: func(t *testing.T) (tracking.Tracker, string) {
			srv, _, _ := setup(t, false)
			c, err := seventeentrack.New(seventeentrack.Config{Token: "wrong-token-x", BaseURL: srv.URL, HTTPClient: srv.Client(), Retry: channel.Retry{MaxAttempts: 1}})
			require.NoError(t, err)
			return c, "wrong-token-x"
		},
	})
}

func TestUnregisteredIsNotFound(t *testing.T) {
	t.Parallel()
	srv, _, c := setup(t, false)
	_, err := c.Track(context.Background(), "RR123456785CN")
	require.ErrorIs(t, err, tracking.ErrNotFound)
	assert.Equal(t, 0, srv.Registrations())
}

func TestAutoRegisterAndAdvance(t *testing.T) {
	t.Parallel()
	srv, clock, c := setup(t, true)
	ctx := context.Background()
	rs, err := c.TrackBatch(ctx, []string{"RR123456785CN", "EE000000006HK"})
	require.NoError(t, err)
	require.Len(t, rs, 2)
	require.NoError(t, rs[0].Err)
	assert.Equal(t, tracking.StatusInTransit, rs[0].Shipment.Status)
	assert.Equal(t, "InTransit_PickedUp", rs[0].Shipment.RawCode)
	assert.Equal(t, "China Post", rs[0].Shipment.Service)
	require.NoError(t, rs[1].Err)
	assert.Equal(t, tracking.StatusUnknown, rs[1].Shipment.Status, "registered but unknown to the carrier")
	assert.Equal(t, 1, srv.Registrations())
	assert.Equal(t, 2, srv.Calls())

	clock.Advance(3 * time.Hour)
	s, err := c.Track(ctx, "RR123456785CN")
	require.NoError(t, err)
	assert.Equal(t, tracking.StatusCustomsHeld, s.Status)
	assert.Equal(t, 1, srv.Registrations(), "no second registration")

	require.NoError(t, c.Register(ctx, []string{"RR123456785CN"}), "already registered is fine")
}
