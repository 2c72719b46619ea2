package trackingtest

import (
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/switchboard-go/switchboard/tracking"
)

// DHL is a fake of DHL's Unified Shipment Tracking API: GET
// /track/shipments?trackingNumber=…&service=… with the DHL-API-Key header,
// answering the documented shapes and RFC 7807 problem bodies. Safe for
// concurrent use.
type DHL struct {
	*httptest.Server
	fake
	// APIKey is the key the fake accepts.
	APIKey string
}

// NewDHL starts a fake DHL server. Close it when done.
func NewDHL(o Config) *DHL {
	d := &DHL{APIKey: "test-dhl-key"}
	d.Server = d.serve(o, map[string]http.HandlerFunc{
		"GET /track/shipments": d.track,
	})
	return d
}

// DHLCode renders a normalized status as the DHL statusCode the fake sends.
func DHLCode(s tracking.Status) string {
	switch s {
	case tracking.StatusInfoReceived:
		return "pre-transit"
	case tracking.StatusDelivered:
		return "delivered"
	case tracking.StatusUnknown:
		return "unknown"
	case tracking.StatusException, tracking.StatusFailedAttempt, tracking.StatusLost,
		tracking.StatusReturned, tracking.StatusCancelled, tracking.StatusExpired:
		return "failure"
	}
	return "transit"
}

func problem(w http.ResponseWriter, status int, title, detail string) {
	w.Header().Set("Content-Type", "application/problem+json")
	writeJSONNoCT(w, status, map[string]any{"type": "about:blank", "status": status, "title": title, "detail": detail})
}

func (d *DHL) track(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("DHL-API-Key") != d.APIKey {
		problem(w, http.StatusUnauthorized, "Unauthorized", "Invalid API key.")
		return
	}
	if st := d.admit(w); st != 0 {
		problem(w, st, http.StatusText(st), "Scripted or limited answer.")
		return
	}
	number := r.URL.Query().Get("trackingNumber")
	if number == "" {
		problem(w, http.StatusBadRequest, "Bad Request", "trackingNumber is required.")
		return
	}
	s, steps, ok := d.visible(number)
	service := s.Service
	if service == "" {
		service = "express"
	}
	if q := r.URL.Query().Get("service"); ok && q != "" && q != service {
		ok = false
	}
	if !ok {
		problem(w, http.StatusNotFound, "No result found", "No shipment with given tracking number found.")
		return
	}
	events := make([]map[string]any, 0, len(steps))
	for _, st := range steps {
		events = append(events, dhlEvent(st))
	}
	sh := map[string]any{
		"id":      tracking.Normalize(s.Number),
		"service": service,
		"status":  dhlEvent(last(steps)),
		"events":  events,
	}
	if !s.ETA.IsZero() && !delivered(steps) {
		sh["estimatedTimeOfDelivery"] = s.ETA.Format(time.RFC3339)
	}
	if s.Signer != "" && delivered(steps) {
		sh["details"] = map[string]any{"proofOfDelivery": map[string]any{
			"timestamp": last(steps).At.Format(time.RFC3339),
			"signed":    map[string]any{"type": "Person", "name": s.Signer},
		}}
	}
	writeJSON(w, http.StatusOK, map[string]any{"shipments": []any{sh}})
}

func dhlEvent(st Step) map[string]any {
	return map[string]any{
		"timestamp":   st.At.Format(time.RFC3339),
		"location":    map[string]any{"address": map[string]any{"addressLocality": st.City, "countryCode": st.CountryCode}},
		"statusCode":  st.code(DHLCode),
		"status":      st.Description,
		"description": st.Description,
	}
}
