package fedex

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/tracking"
	"github.com/switchboard-go/switchboard/tracking/internal/adaptertest"
	"github.com/switchboard-go/switchboard/tracking/internal/oauth"
)

func TestStatusOf(t *testing.T) {
	t.Parallel()
	adaptertest.Statuses(t, StatusOf, map[string]tracking.Status{
		CodeLabelCreated:      tracking.StatusInfoReceived,
		CodePickedUp:          tracking.StatusInTransit,
		CodeInTransit:         tracking.StatusInTransit,
		CodeArrived:           tracking.StatusInTransit,
		CodeDeparted:          tracking.StatusInTransit,
		CodeAtSortFacility:    tracking.StatusInTransit,
		CodeOutForDelivery:    tracking.StatusOutForDelivery,
		CodeDelivered:         tracking.StatusDelivered,
		CodeDeliveryException: tracking.StatusFailedAttempt,
		CodeShipmentException: tracking.StatusException,
		CodeCancelled:         tracking.StatusCancelled,
		CodeReturnToShipper:   tracking.StatusReturned,
		CodeHoldAtLocation:    tracking.StatusAvailableForPickup,
		CodeClearanceDelay:    tracking.StatusCustomsHeld,
		"ZZ":                  tracking.StatusUnknown,
		"":                    tracking.StatusUnknown,
	})
	t.Run("derived fallback", func(t *testing.T) {
		t.Parallel()
		assert.Equal(t, tracking.StatusInTransit, statusOf("AA", "IT"))
		assert.Equal(t, tracking.StatusDelivered, statusOf("DL", "IT"), "code wins")
	})
}

func TestParseBatch(t *testing.T) {
	t.Parallel()
	got, err := Parse(adaptertest.Testdata(t, "batch.json"))
	require.NoError(t, err)
	require.Len(t, got, 3)

	t.Run("delivered", func(t *testing.T) {
		t.Parallel()
		r := got["123456789012"]
		require.NoError(t, r.Err)
		s := r.Shipment
		assert.Equal(t, tracking.StatusDelivered, s.Status)
		assert.Equal(t, "DL", s.RawCode)
		assert.Equal(t, "J.DOE", s.Signer)
		assert.Equal(t, tracking.Location{City: "Norton", Region: "VA", PostalCode: "24273", CountryCode: "US"}, s.Location)
		require.Len(t, s.Events, 4)
		assert.Equal(t, tracking.StatusOutForDelivery, s.Events[1].Status)
		assert.Equal(t, "DP", s.Events[2].RawCode)
		assert.Equal(t, tracking.StatusInTransit, s.Events[2].Status)
		est := time.FixedZone("", -5*3600)
		assert.True(t, s.LastUpdate.Equal(time.Date(2026, 11, 18, 16, 12, 0, 0, est)))
	})
	t.Run("not found", func(t *testing.T) {
		t.Parallel()
		r := got["987654321098"]
		require.ErrorIs(t, r.Err, tracking.ErrNotFound)
		assert.Nil(t, r.Shipment)
	})
	t.Run("window", func(t *testing.T) {
		t.Parallel()
		s := got["111111111111"].Shipment
		require.NotNil(t, s)
		assert.Equal(t, tracking.StatusInTransit, s.Status, "AA falls back on derivedCode IT")
		assert.Equal(t, 4*time.Hour, s.ETA.To.Sub(s.ETA.From))
	})
}

func TestFirstError(t *testing.T) {
	t.Parallel()
	code, msg := oauth.FirstError(adaptertest.Testdata(t, "unauthorized.json"))
	assert.Equal(t, "NOT.AUTHORIZED.ERROR", code)
	assert.Contains(t, msg, "expired")
}

func FuzzParse(f *testing.F) {
	f.Add(adaptertest.Testdata(f, "batch.json"))
	f.Add(adaptertest.Testdata(f, "unauthorized.json"))
	f.Add([]byte(`{"output":{"completeTrackResults":[{"trackResults":[]}]}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		got, err := Parse(body)
		if err != nil {
			return
		}
		adaptertest.OneOfEach(t, got)
	})
}
