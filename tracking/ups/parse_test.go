package ups

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
		TypeInTransit:      tracking.StatusInTransit,
		TypeDelivered:      tracking.StatusDelivered,
		TypeException:      tracking.StatusException,
		TypePickup:         tracking.StatusInTransit,
		TypeManifestPickup: tracking.StatusInfoReceived,
		TypeOutForDelivery: tracking.StatusOutForDelivery,
		"E":                tracking.StatusUnknown,
		"":                 tracking.StatusUnknown,
	})
}

func TestParse(t *testing.T) {
	t.Parallel()
	est := time.FixedZone("", -5*3600)
	t.Run("delivered", func(t *testing.T) {
		t.Parallel()
		s, err := Parse(adaptertest.Testdata(t, "delivered.json"))
		require.NoError(t, err)
		assert.Equal(t, "1Z023E2X0214323462", s.Number)
		assert.Equal(t, tracking.StatusDelivered, s.Status)
		assert.Equal(t, "D", s.RawCode)
		assert.Equal(t, "Delivered", s.RawDescription)
		assert.Equal(t, "FRONT DESK", s.Signer)
		require.Len(t, s.Events, 4)
		assert.True(t, s.Events[0].Time.Equal(time.Date(2026, 11, 18, 14, 30, 0, 0, est)))
		_, off := s.Events[0].Time.Zone()
		assert.Equal(t, -5*3600, off)
		assert.Equal(t, tracking.StatusOutForDelivery, s.Events[1].Status)
		assert.Equal(t, tracking.StatusInfoReceived, s.Events[3].Status)
		assert.Equal(t, tracking.Location{City: "ATLANTA", Region: "GA", PostalCode: "30303", CountryCode: "US"}, s.Location)
		assert.True(t, s.LastUpdate.Equal(s.Events[0].Time))
		assert.True(t, s.ETA.IsZero())
	})
	t.Run("current status without type", func(t *testing.T) {
		t.Parallel()
		s, err := Parse(adaptertest.Testdata(t, "in_transit_no_type.json"))
		require.NoError(t, err)
		assert.Equal(t, tracking.StatusException, s.Status, "falls back on the newest activity's type")
		assert.Equal(t, "On the Way", s.RawDescription)
		assert.Equal(t, time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC), s.ETA.From)
		assert.Equal(t, time.Date(2026, 11, 24, 19, 0, 0, 0, time.UTC), s.ETA.To)
		_, off := s.Events[0].Time.Zone()
		assert.Equal(t, 8*3600, off)
	})
	t.Run("warning not found", func(t *testing.T) {
		t.Parallel()
		_, err := Parse(adaptertest.Testdata(t, "warning_not_found.json"))
		require.ErrorIs(t, err, tracking.ErrNotFound)
		var ae *tracking.APIError
		require.ErrorAs(t, err, &ae)
		assert.Equal(t, NotFoundCode, ae.Code)
	})
	t.Run("error body", func(t *testing.T) {
		t.Parallel()
		code, msg := oauth.FirstError(adaptertest.Testdata(t, "error_not_found.json"))
		assert.Equal(t, NotFoundCode, tracking.ErrorCode(code))
		assert.Equal(t, "Tracking Information Not Found", msg)
	})
	t.Run("malformed", func(t *testing.T) {
		t.Parallel()
		_, err := Parse([]byte(`{"trackResponse":`))
		require.Error(t, err)
		assert.NotErrorIs(t, err, tracking.ErrNotFound)
	})
}

func FuzzParse(f *testing.F) {
	for _, n := range []string{"delivered.json", "in_transit_no_type.json", "warning_not_found.json", "error_not_found.json"} {
		f.Add(adaptertest.Testdata(f, n))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		s, err := Parse(body)
		if (s == nil) == (err == nil) {
			t.Fatalf("exactly one of shipment and error: %v %v", s, err)
		}
	})
}
