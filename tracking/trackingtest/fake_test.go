package trackingtest_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/channel/channeltest"
	"github.com/switchboard-go/switchboard/tracking"
	"github.com/switchboard-go/switchboard/tracking/trackingtest"
)

var start = time.Date(2026, 11, 20, 23, 59, 0, 0, time.UTC)

func get(t *testing.T, srv *trackingtest.DHL, number string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, srv.URL+"/track/shipments?trackingNumber="+number, nil)
	require.NoError(t, err)
	req.Header.Set("DHL-API-Key", srv.APIKey)
	resp, err := srv.Client().Do(req)
	require.NoError(t, err)
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func TestLimitsAndFaults(t *testing.T) {
	t.Parallel()
	clock := channeltest.NewClock(start)
	srv := trackingtest.NewDHL(trackingtest.Config{Clock: clock.Now, Rate: 1, Burst: 1, Daily: 3})
	defer srv.Close()
	srv.Add(trackingtest.Script{Number: "1", Steps: []trackingtest.Step{{At: start, Status: tracking.StatusInTransit}}})

	assert.Equal(t, http.StatusOK, get(t, srv, "1").StatusCode)
	r := get(t, srv, "1")
	assert.Equal(t, http.StatusTooManyRequests, r.StatusCode, "rate: 1/s")
	assert.Equal(t, "1", r.Header.Get("Retry-After"))

	clock.Advance(time.Second)
	assert.Equal(t, http.StatusNotFound, get(t, srv, "2").StatusCode)
	clock.Advance(time.Second)
	srv.Fail(http.StatusBadGateway, 2, 0)
	assert.Equal(t, http.StatusBadGateway, get(t, srv, "1").StatusCode)
	assert.Equal(t, http.StatusBadGateway, get(t, srv, "1").StatusCode)
	r = get(t, srv, "1")
	assert.Equal(t, http.StatusTooManyRequests, r.StatusCode, "daily quota of 3 used")
	assert.Equal(t, "58", r.Header.Get("Retry-After"), "seconds until UTC midnight")

	clock.Advance(time.Minute) // next day
	assert.Equal(t, http.StatusOK, get(t, srv, "1").StatusCode)
	assert.Equal(t, 7, srv.Calls())
}

func TestStepsAppearWithClock(t *testing.T) {
	t.Parallel()
	clock := channeltest.NewClock(start)
	srv := trackingtest.NewDHL(trackingtest.Config{Clock: clock.Now})
	defer srv.Close()
	srv.Add(trackingtest.Script{Number: "1", Steps: []trackingtest.Step{
		{At: start.Add(time.Hour), Status: tracking.StatusInfoReceived, Description: "first"},
		{At: start.Add(2 * time.Hour), Status: tracking.StatusDelivered, Description: "second"},
	}})
	assert.Equal(t, http.StatusNotFound, get(t, srv, "1").StatusCode, "nothing visible yet")
	clock.Advance(time.Hour)
	r := get(t, srv, "1")
	require.Equal(t, http.StatusOK, r.StatusCode)
	body, err := io.ReadAll(r.Body)
	require.NoError(t, err)
	assert.Contains(t, string(body), `"statusCode":"pre-transit"`)
	assert.NotContains(t, string(body), "second")
}

// TestAuthRequired sends each fake a tracking call without credentials: it
// answers 401 and does not count the call.
func TestAuthRequired(t *testing.T) {
	t.Parallel()
	dhl := trackingtest.NewDHL(trackingtest.Config{})
	fedex := trackingtest.NewFedEx(trackingtest.Config{})
	ups := trackingtest.NewUPS(trackingtest.Config{})
	seventeen := trackingtest.NewSeventeenTrack(trackingtest.Config{})
	for _, srv := range []*httptest.Server{dhl.Server, fedex.Server, ups.Server, seventeen.Server} {
		t.Cleanup(srv.Close)
	}
	cases := []struct {
		name         string
		srv          *httptest.Server
		calls        func() int
		method, path string
	}{
		{"DHL", dhl.Server, dhl.Calls, http.MethodGet, "/track/shipments?trackingNumber=1"},
		{"FedEx", fedex.Server, fedex.Calls, http.MethodPost, "/track/v1/trackingnumbers"},
		{"UPS", ups.Server, ups.Calls, http.MethodGet, "/api/track/v1/details/1Z999AA10123456784"},
		{"17TRACK", seventeen.Server, seventeen.Calls, http.MethodPost, "/track/v2.2/gettrackinfo"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			req, err := http.NewRequest(tc.method, tc.srv.URL+tc.path, strings.NewReader(`[{"number":"1"}]`))
			require.NoError(t, err)
			resp, err := tc.srv.Client().Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
			assert.Equal(t, 0, tc.calls(), "refused before counting")
		})
	}
}

func TestCarrierCodes(t *testing.T) {
	t.Parallel()
	for _, s := range tracking.Statuses() {
		t.Run(s.String(), func(t *testing.T) {
			t.Parallel()
			assert.NotEmpty(t, trackingtest.DHLCode(s))
			assert.NotEmpty(t, trackingtest.SeventeenTrackSubStatus(s))
			if s != tracking.StatusUnknown {
				assert.NotEmpty(t, trackingtest.FedExCode(s))
				assert.NotEmpty(t, trackingtest.UPSType(s))
			}
		})
	}
}
