package dhl

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/tracking"
	"github.com/switchboard-go/switchboard/tracking/internal/adaptertest"
)

func TestStatusOf(t *testing.T) {
	t.Parallel()
	adaptertest.Statuses(t, StatusOf, map[string]tracking.Status{
		CodePreTransit:  tracking.StatusInfoReceived,
		CodeTransit:     tracking.StatusInTransit,
		CodeDelivered:   tracking.StatusDelivered,
		CodeFailure:     tracking.StatusException,
		CodeUnknown:     tracking.StatusUnknown,
		"":              tracking.StatusUnknown,
		"something-new": tracking.StatusUnknown,
	})
}

func TestParse(t *testing.T) {
	t.Parallel()
	cet := time.FixedZone("", 3600)
	hkt := time.FixedZone("", 8*3600)
	cases := []struct {
		file  string
		check func(t *testing.T, s tracking.Shipment)
	}{
		{"express_transit.json", func(t *testing.T, s tracking.Shipment) {
			assert.Equal(t, "7777777770", s.Number)
			assert.Equal(t, "express", s.Service)
			assert.Equal(t, tracking.StatusInTransit, s.Status)
			assert.Equal(t, "transit", s.RawCode)
			assert.Equal(t, "Processed at LEIPZIG - GERMANY", s.RawDescription)
			assert.Equal(t, tracking.Location{City: "LEIPZIG - GERMANY", CountryCode: "DE", PostalCode: "04109"}, s.Location)
			require.Len(t, s.Events, 4)
			assert.True(t, s.Events[0].Time.Equal(time.Date(2026, 11, 20, 14, 5, 0, 0, cet)))
			_, off := s.Events[1].Time.Zone()
			assert.Equal(t, 8*3600, off, "event keeps the carrier's zone")
			assert.Equal(t, tracking.StatusInfoReceived, s.Events[3].Status)
			assert.True(t, s.Events[3].Time.Equal(time.Date(2026, 11, 18, 18, 30, 0, 0, hkt)))
			assert.True(t, s.LastUpdate.Equal(s.Events[0].Time))
			assert.True(t, s.ETA.From.Equal(time.Date(2026, 11, 21, 9, 0, 0, 0, cet)))
			assert.True(t, s.ETA.To.Equal(time.Date(2026, 11, 21, 18, 0, 0, 0, cet)))
			assert.Empty(t, s.Signer)
		}},
		{"parcel_delivered.json", func(t *testing.T, s tracking.Shipment) {
			assert.Equal(t, "parcel-de", s.Service)
			assert.Equal(t, tracking.StatusDelivered, s.Status)
			assert.True(t, s.Terminal())
			assert.Equal(t, "M. Schmidt", s.Signer)
			require.Len(t, s.Events, 3)
			assert.True(t, s.Events[2].Location.IsZero())
			assert.True(t, s.LastUpdate.Equal(time.Date(2026, 11, 12, 11, 2, 0, 0, time.UTC)), "no zone → UTC")
		}},
		{"failure.json", func(t *testing.T, s tracking.Shipment) {
			assert.Equal(t, tracking.StatusException, s.Status)
			assert.Empty(t, s.Events)
			assert.Equal(t, "Consignee not available; delivery attempted", s.RawDescription)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			t.Parallel()
			got, err := Parse(adaptertest.Testdata(t, tc.file))
			require.NoError(t, err)
			require.Len(t, got, 1)
			assert.Equal(t, tracking.DHL, got[0].Carrier)
			tc.check(t, got[0])
		})
	}
}

func TestParseMalformed(t *testing.T) {
	t.Parallel()
	for name, body := range map[string]string{
		"empty":      "",
		"truncated":  `{"shipments":[{"id":"1"`,
		"wrong type": `{"shipments":{"id":"1"}}`,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse([]byte(body))
			assert.Error(t, err)
		})
	}
}

func TestProblem(t *testing.T) {
	t.Parallel()
	code, msg := problem(adaptertest.Testdata(t, "not_found.json"))
	assert.Equal(t, "No result found", code)
	assert.Equal(t, "No shipment with given tracking number found.", msg)
}

func FuzzParse(f *testing.F) {
	for _, name := range []string{"express_transit.json", "parcel_delivered.json", "failure.json", "not_found.json"} {
		f.Add(adaptertest.Testdata(f, name))
	}
	f.Add([]byte(`{"shipments":[{"details":{"proofOfDelivery":{"signed":"x"}}}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		ss, err := Parse(body)
		if err != nil {
			return
		}
		for _, s := range ss {
			for i := 1; i < len(s.Events); i++ {
				if s.Events[i].Time.After(s.Events[i-1].Time) {
					t.Fatalf("events not newest first")
				}
			}
		}
	})
}

// BenchmarkParse decodes one DHL answer into Shipments. The baselines decode
// the same bytes into Parse's wire structs alone (before any mapping or time
// parsing) and into map[string]any, what an untyped client would do.
func BenchmarkParse(b *testing.B) {
	body := adaptertest.Testdata(b, "express_transit.json")
	b.Run("typed", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			if _, err := Parse(body); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("baseline_encoding_json_struct", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			var r response
			if err := json.Unmarshal(body, &r); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("baseline_map_any", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			var m map[string]any
			if err := json.Unmarshal(body, &m); err != nil {
				b.Fatal(err)
			}
		}
	})
}
