package dhl_test

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
	"github.com/switchboard-go/switchboard/tracking/dhl"
	"github.com/switchboard-go/switchboard/tracking/internal/adaptertest"
	"github.com/switchboard-go/switchboard/tracking/trackingtest"
)

var start = time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)

func setup(t *testing.T, retry channel.Retry) (*trackingtest.DHL, *channeltest.Clock, *dhl.Client) {
	t.Helper()
	clock := channeltest.NewClock(start)
	srv := trackingtest.NewDHL(trackingtest.Config{Clock: clock.Now})
	t.Cleanup(srv.Close)
	srv.Add(trackingtest.Script{
		Number: "7777777770",
		Signer: "A. Chan",
		ETA:    start.Add(30 * time.Hour),
		Steps: []trackingtest.Step{
			{At: start.Add(-2 * time.Hour), Status: tracking.StatusInfoReceived, Description: "Shipment information received", City: "HONG KONG", CountryCode: "HK"},
			{At: start.Add(-time.Hour), Status: tracking.StatusInTransit, Description: "Shipment picked up", City: "HONG KONG", CountryCode: "HK"},
			{At: start.Add(20 * time.Hour), Status: tracking.StatusInTransit, Description: "Processed", City: "LEIPZIG", CountryCode: "DE"},
			{At: start.Add(26 * time.Hour), Status: tracking.StatusDelivered, Description: "Delivered", City: "BERLIN", CountryCode: "DE"},
		},
	})
	c, err := dhl.New(dhl.Config{APIKey: srv.APIKey, Service: dhl.ServiceExpress, BaseURL: srv.URL, HTTPClient: srv.Client(), Retry: retry, Clock: clock.Now})
	require.NoError(t, err)
	return srv, clock, c
}

func fastRetry(n int) channel.Retry {
	return channel.Retry{MaxAttempts: n, MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond}
}

func TestAdapter(t *testing.T) {
	t.Parallel()
	adaptertest.Run(t, adaptertest.Adapter{
		Carrier: tracking.DHL, Number: "7777777770", Unknown: "1234567890",
		NewEmpty: func() error { _, err := dhl.New(dhl.Config{}); return err },
		Start: func(t *testing.T) (adaptertest.Fake, tracking.Tracker) {
			srv, _, c := setup(t, fastRetry(1))
			return srv, c
		},
		Refused: func(t *testing.T) (tracking.Tracker, string) {
			srv, _, _ := setup(t, fastRetry(1))
			c, err := dhl.New(dhl.Config{APIKey: "wrong-key", BaseURL: srv.URL, HTTPClient: srv.Client()})
			require.NoError(t, err)
			return c, "wrong-key"
		},
	})
}

func TestTrackAdvancesWithClock(t *testing.T) {
	t.Parallel()
	srv, clock, c := setup(t, fastRetry(1))
	ctx := context.Background()

	s, err := c.Track(ctx, "7777 7777 70")
	require.NoError(t, err)
	assert.Equal(t, tracking.StatusInTransit, s.Status)
	assert.Len(t, s.Events, 2)
	assert.True(t, s.LastUpdate.Equal(start.Add(-time.Hour)))
	assert.True(t, s.FetchedAt.Equal(start))
	assert.True(t, s.ETA.From.Equal(start.Add(30*time.Hour)))
	assert.Empty(t, s.Signer)

	clock.Advance(27 * time.Hour)
	s, err = c.Track(ctx, "7777777770")
	require.NoError(t, err)
	assert.Equal(t, tracking.StatusDelivered, s.Status)
	assert.Equal(t, "BERLIN", s.Location.City)
	assert.Equal(t, "A. Chan", s.Signer)
	assert.Len(t, s.Events, 4)
	assert.Equal(t, 2, srv.Calls())
}

func TestTrackErrors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t.Run("not found carries the problem title", func(t *testing.T) {
		t.Parallel()
		_, _, c := setup(t, fastRetry(1))
		_, err := c.Track(ctx, "1234567890")
		var ae *tracking.APIError
		require.ErrorAs(t, err, &ae)
		assert.Equal(t, http.StatusNotFound, ae.StatusCode)
		assert.Equal(t, tracking.ErrorCode("No result found"), ae.Code)
	})
	t.Run("5xx retried", func(t *testing.T) {
		t.Parallel()
		srv, _, c := setup(t, fastRetry(3))
		srv.Fail(http.StatusServiceUnavailable, 2, 0)
		s, err := c.Track(ctx, "7777777770")
		require.NoError(t, err)
		assert.Equal(t, tracking.StatusInTransit, s.Status)
		assert.Equal(t, 3, srv.Calls())
	})
	t.Run("5xx exhausted", func(t *testing.T) {
		t.Parallel()
		srv, _, c := setup(t, fastRetry(2))
		srv.Fail(http.StatusInternalServerError, 5, 0)
		_, err := c.Track(ctx, "7777777770")
		var ae *tracking.APIError
		require.ErrorAs(t, err, &ae)
		assert.True(t, ae.Retryable())
		assert.NotErrorIs(t, err, tracking.ErrNotFound)
	})
	t.Run("wrong service", func(t *testing.T) {
		t.Parallel()
		_, _, c := setup(t, fastRetry(1))
		_, err := c.TrackService(ctx, "7777777770", dhl.ServiceParcelDE)
		require.ErrorIs(t, err, tracking.ErrNotFound)
	})
}
