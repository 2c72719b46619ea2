package fedex_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/channel/channeltest"
	"github.com/switchboard-go/switchboard/tracking"
	"github.com/switchboard-go/switchboard/tracking/fedex"
	"github.com/switchboard-go/switchboard/tracking/internal/adaptertest"
	"github.com/switchboard-go/switchboard/tracking/trackingtest"
)

var start = time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)

func setup(t *testing.T) (*trackingtest.FedEx, *channeltest.Clock, *fedex.Client) {
	t.Helper()
	clock := channeltest.NewClock(start)
	srv := trackingtest.NewFedEx(trackingtest.Config{Clock: clock.Now})
	t.Cleanup(srv.Close)
	srv.Add(trackingtest.Script{Number: "123456789012", Signer: "J.DOE", Steps: []trackingtest.Step{
		{At: start.Add(-3 * time.Hour), Status: tracking.StatusInfoReceived, Description: "Shipment information sent to FedEx"},
		{At: start.Add(-time.Hour), Status: tracking.StatusInTransit, Code: "PU", Description: "Picked up", City: "Richmond", CountryCode: "US"},
		{At: start.Add(5 * time.Hour), Status: tracking.StatusDelivered, Description: "Delivered", City: "Norton", CountryCode: "US"},
	}})
	c, err := fedex.New(fedex.Config{
		ClientID: srv.ClientID, ClientSecret: srv.ClientSecret, BaseURL: srv.URL, HTTPClient: srv.Client(),
		Clock: clock.Now, Retry: channel.Retry{MaxAttempts: 1},
	})
	require.NoError(t, err)
	return srv, clock, c
}

func TestAdapter(t *testing.T) {
	t.Parallel()
	adaptertest.Run(t, adaptertest.Adapter{
		Carrier: tracking.FedEx, Number: "123456789012", Unknown: "999999999999", OAuth: true,
		NewEmpty: func() error { _, err := fedex.New(fedex.Config{ClientID: "x"}); return err },
		Start: func(t *testing.T) (adaptertest.Fake, tracking.Tracker) {
			srv, _, c := setup(t)
			return srv, c
		},
		Refused: func(t *testing.T) (tracking.Tracker, string) {
			srv, _, _ := setup(t)
			c, err := fedex.New(fedex.Config{ClientID: "x", ClientSecret: "s3cret-value", BaseURL: srv.URL, HTTPClient: srv.Client(), Retry: channel.Retry{MaxAttempts: 1}})
			require.NoError(t, err)
			return c, "s3cret-value"
		},
	})
}

func TestTrackBatch(t *testing.T) {
	t.Parallel()
	srv, clock, c := setup(t)
	ctx := context.Background()
	rs, err := c.TrackBatch(ctx, []string{"1234 5678 9012", "999999999999"})
	require.NoError(t, err)
	require.Len(t, rs, 2)
	require.NoError(t, rs[0].Err)
	assert.Equal(t, tracking.StatusInTransit, rs[0].Shipment.Status)
	assert.Equal(t, "PU", rs[0].Shipment.RawCode)
	assert.True(t, rs[0].Shipment.FetchedAt.Equal(start))
	assert.ErrorIs(t, rs[1].Err, tracking.ErrNotFound)
	assert.Equal(t, 1, srv.Calls())

	clock.Advance(6 * time.Hour)
	s, err := c.Track(ctx, "123456789012")
	require.NoError(t, err)
	assert.Equal(t, tracking.StatusDelivered, s.Status)
	assert.Equal(t, "J.DOE", s.Signer)
}

func TestTokenRefreshedBeforeExpiry(t *testing.T) {
	t.Parallel()
	srv, clock, c := setup(t)
	ctx := context.Background()
	_, err := c.Track(ctx, "123456789012")
	require.NoError(t, err)
	clock.Advance(50 * time.Minute)
	_, err = c.Track(ctx, "123456789012")
	require.NoError(t, err)
	assert.Equal(t, 1, srv.TokenCalls(), "token still valid")
	clock.Advance(9 * time.Minute) // 59 min: inside the 2 min refresh margin
	_, err = c.Track(ctx, "123456789012")
	require.NoError(t, err)
	assert.Equal(t, 2, srv.TokenCalls())
}

func TestErrorCarriesTransactionID(t *testing.T) {
	t.Parallel()
	srv, _, c := setup(t)
	srv.Fail(http.StatusServiceUnavailable, 1, 0)
	_, err := c.Track(context.Background(), "123456789012")
	var ae *tracking.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, tracking.ErrorCode("SCRIPTED.ERROR"), ae.Code)
	assert.Equal(t, "fake-transaction", ae.RequestID, "FedEx's transactionId")
	assert.Contains(t, ae.Error(), "[request fake-transaction]")
}
