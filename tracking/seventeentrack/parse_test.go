package seventeentrack

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/tracking"
	"github.com/switchboard-go/switchboard/tracking/internal/adaptertest"
)

func TestStatusOf(t *testing.T) {
	t.Parallel()
	adaptertest.Statuses(t, statusOfSub, map[string]tracking.Status{
		"NotFound_Other":                        tracking.StatusUnknown,
		"NotFound_InvalidCode":                  tracking.StatusUnknown,
		"InfoReceived":                          tracking.StatusInfoReceived,
		"InTransit_PickedUp":                    tracking.StatusInTransit,
		"InTransit_Other":                       tracking.StatusInTransit,
		"InTransit_Departure":                   tracking.StatusInTransit,
		"InTransit_Arrival":                     tracking.StatusInTransit,
		"InTransit_CustomsProcessing":           tracking.StatusCustomsHeld,
		"InTransit_CustomsReleased":             tracking.StatusInTransit,
		"InTransit_CustomsRequiringInformation": tracking.StatusCustomsHeld,
		"Expired_Other":                         tracking.StatusExpired,
		"AvailableForPickup_Other":              tracking.StatusAvailableForPickup,
		"OutForDelivery_Other":                  tracking.StatusOutForDelivery,
		"DeliveryFailure_Other":                 tracking.StatusFailedAttempt,
		"DeliveryFailure_NoBody":                tracking.StatusFailedAttempt,
		"DeliveryFailure_Security":              tracking.StatusFailedAttempt,
		"DeliveryFailure_Rejected":              tracking.StatusFailedAttempt,
		"DeliveryFailure_InvalidAddress":        tracking.StatusFailedAttempt,
		"Delivered_Other":                       tracking.StatusDelivered,
		"Exception_Other":                       tracking.StatusException,
		"Exception_Returning":                   tracking.StatusReturned,
		"Exception_Returned":                    tracking.StatusReturned,
		"Exception_NoBody":                      tracking.StatusException,
		"Exception_Security":                    tracking.StatusException,
		"Exception_Damage":                      tracking.StatusException,
		"Exception_Rejected":                    tracking.StatusException,
		"Exception_Delayed":                     tracking.StatusException,
		"Exception_Lost":                        tracking.StatusLost,
		"Exception_Destroyed":                   tracking.StatusLost,
		"Exception_Cancel":                      tracking.StatusCancelled,
		"Teleported_Other":                      tracking.StatusUnknown,
	})
	t.Run("main status alone", func(t *testing.T) {
		t.Parallel()
		for main, want := range map[string]tracking.Status{
			NotFound: tracking.StatusUnknown, InfoReceived: tracking.StatusInfoReceived, InTransit: tracking.StatusInTransit,
			Expired: tracking.StatusExpired, AvailableForPickup: tracking.StatusAvailableForPickup, OutForDelivery: tracking.StatusOutForDelivery,
			DeliveryFailure: tracking.StatusFailedAttempt, Delivered: tracking.StatusDelivered, Exception: tracking.StatusException,
		} {
			assert.Equal(t, want, StatusOf(main, ""), main)
		}
	})
}

func TestParse(t *testing.T) {
	t.Parallel()
	got, err := Parse(adaptertest.Testdata(t, "gettrackinfo.json"))
	require.NoError(t, err)
	require.Len(t, got, 3)

	s := got["RR123456785CN"].Shipment
	require.NotNil(t, s)
	assert.Equal(t, tracking.StatusCustomsHeld, s.Status)
	assert.Equal(t, "InTransit_CustomsProcessing", s.RawCode)
	assert.Equal(t, "Customs clearance in progress", s.RawDescription)
	assert.Equal(t, "China Post", s.Service)
	assert.Equal(t, tracking.Location{City: "BANGKOK", CountryCode: "TH"}, s.Location)
	require.Len(t, s.Events, 4)
	assert.Equal(t, "BANGKOK", s.Events[0].Location.City, "sorted newest first")
	assert.Equal(t, tracking.StatusInTransit, s.Events[1].Status)
	assert.Equal(t, "SHENZHEN", s.Events[2].Location.Text, "no structured city: the location text")
	assert.True(t, s.Events[3].Time.Equal(time.Date(2026, 11, 13, 9, 0, 0, 0, time.UTC)), "time_utc fallback")
	ict := time.FixedZone("", 7*3600)
	assert.True(t, s.LastUpdate.Equal(time.Date(2026, 11, 19, 16, 20, 0, 0, ict)))
	assert.True(t, s.ETA.From.Equal(time.Date(2026, 11, 22, 0, 0, 0, 0, ict)))

	nf := got["EE000000006HK"]
	require.NotNil(t, nf.Shipment, "registered, nothing yet: a shipment with unknown status")
	assert.Equal(t, tracking.StatusUnknown, nf.Shipment.Status)

	rej := got["LX123456789TW"]
	require.ErrorIs(t, rej.Err, tracking.ErrNotFound)
	assert.True(t, isUnregistered(rej.Err))
}

func TestParseErrorEnvelope(t *testing.T) {
	t.Parallel()
	_, err := Parse(adaptertest.Testdata(t, "error.json"))
	var ae *tracking.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, tracking.ErrorCode("-18010012"), ae.Code)
	assert.Contains(t, ae.Message, "invalid")
}

func FuzzParse(f *testing.F) {
	f.Add(adaptertest.Testdata(f, "gettrackinfo.json"))
	f.Add(adaptertest.Testdata(f, "error.json"))
	f.Fuzz(func(t *testing.T, body []byte) {
		got, err := Parse(body)
		if err != nil {
			return
		}
		adaptertest.OneOfEach(t, got)
	})
}
