package trackingtest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/switchboard-go/switchboard/internal/transport"
	"github.com/switchboard-go/switchboard/tracking"
)

// FedEx is a fake of FedEx's OAuth endpoint (POST /oauth/token, form
// client credentials) and Track API (POST /track/v1/trackingnumbers, Bearer
// token, up to 30 numbers, unknown numbers reported per number with
// TRACKING.TRACKINGNUMBER.NOTFOUND inside a 200 answer). Safe for concurrent
// use.
type FedEx struct {
	*httptest.Server
	fake
	// ClientID and ClientSecret are the credentials the fake accepts.
	ClientID, ClientSecret string
}

// NewFedEx starts a fake FedEx server. Close it when done.
func NewFedEx(o Config) *FedEx {
	f := &FedEx{ClientID: "test-fedex-id", ClientSecret: "test-fedex-secret"}
	f.Server = f.serve(o, map[string]http.HandlerFunc{
		"POST /oauth/token":              f.token,
		"POST /track/v1/trackingnumbers": f.track,
	})
	return f
}

// FedExCode renders a normalized status as the FedEx code the fake sends.
func FedExCode(s tracking.Status) string {
	switch s {
	case tracking.StatusInfoReceived:
		return "OC"
	case tracking.StatusInTransit:
		return "IT"
	case tracking.StatusCustomsHeld:
		return "CD"
	case tracking.StatusOutForDelivery:
		return "OD"
	case tracking.StatusAvailableForPickup:
		return "HL"
	case tracking.StatusFailedAttempt:
		return "DE"
	case tracking.StatusDelivered:
		return "DL"
	case tracking.StatusReturned:
		return "RS"
	case tracking.StatusCancelled:
		return "CA"
	case tracking.StatusException, tracking.StatusLost, tracking.StatusExpired:
		return "SE"
	}
	return ""
}

func fedexErrors(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, map[string]any{
		"transactionId": "fake-transaction",
		"errors":        []any{map[string]any{"code": code, "message": msg}},
	})
}

func (f *FedEx) token(w http.ResponseWriter, r *http.Request) {
	form, ok := grant(w, r, func(w http.ResponseWriter) {
		fedexErrors(w, http.StatusBadRequest, "BAD.REQUEST.ERROR", "The given client credentials were not valid.")
	})
	if !ok {
		return
	}
	if form.Get("client_id") != f.ClientID || form.Get("client_secret") != f.ClientSecret {
		fedexErrors(w, http.StatusUnauthorized, "NOT.AUTHORIZED.ERROR", "The given client credentials were not valid. Please modify your request and try again.")
		return
	}
	tok, ttl := f.issue()
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token": tok, "token_type": "bearer", "expires_in": int(ttl / time.Second), "scope": "CXS",
	})
}

func (f *FedEx) track(w http.ResponseWriter, r *http.Request) {
	if !f.authorized(r) {
		fedexErrors(w, http.StatusUnauthorized, "NOT.AUTHORIZED.ERROR", "Access token expired. Please modify your request and try again.")
		return
	}
	if st := f.admit(w); st != 0 {
		fedexErrors(w, st, "SCRIPTED.ERROR", http.StatusText(st))
		return
	}
	body, ok := transport.ReadBody(w, r, 1<<20)
	if !ok {
		return
	}
	var req struct {
		TrackingInfo []struct {
			TrackingNumberInfo struct {
				TrackingNumber string `json:"trackingNumber"`
			} `json:"trackingNumberInfo"`
		} `json:"trackingInfo"`
	}
	if json.Unmarshal(body, &req) != nil || len(req.TrackingInfo) == 0 || len(req.TrackingInfo) > 30 {
		fedexErrors(w, http.StatusBadRequest, "TRACKING.TRACKINGNUMBER.EMPTY", "Please provide 1 to 30 tracking numbers.")
		return
	}
	results := make([]any, 0, len(req.TrackingInfo))
	for _, ti := range req.TrackingInfo {
		n := ti.TrackingNumberInfo.TrackingNumber
		results = append(results, map[string]any{"trackingNumber": n, "trackResults": []any{f.result(n)}})
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"transactionId": "fake-transaction",
		"output":        map[string]any{"completeTrackResults": results},
	})
}

func (f *FedEx) result(n string) map[string]any {
	info := map[string]any{"trackingNumber": n, "carrierCode": "FDXE"}
	s, steps, ok := f.visible(n)
	if !ok {
		return map[string]any{
			"trackingNumberInfo": info,
			"error":              map[string]any{"code": "TRACKING.TRACKINGNUMBER.NOTFOUND", "message": "Tracking number cannot be found. Please correct the tracking number and try again."},
		}
	}
	events := make([]any, 0, len(steps))
	for _, st := range steps {
		code := st.code(FedExCode)
		events = append(events, map[string]any{
			"date": st.At.Format(time.RFC3339), "eventType": code, "eventDescription": st.Description,
			"derivedStatusCode": code, "scanLocation": map[string]any{"city": st.City, "countryCode": st.CountryCode},
		})
	}
	top := last(steps)
	code := top.code(FedExCode)
	res := map[string]any{
		"trackingNumberInfo": info,
		"latestStatusDetail": map[string]any{
			"code": code, "derivedCode": code, "description": top.Description, "statusByLocale": top.Description,
			"scanLocation": map[string]any{"city": top.City, "countryCode": top.CountryCode},
		},
		"scanEvents": events,
	}
	var dates []any
	if delivered(steps) {
		dates = append(dates, map[string]any{"type": "ACTUAL_DELIVERY", "dateTime": top.At.Format(time.RFC3339)})
		if s.Signer != "" {
			res["deliveryDetails"] = map[string]any{"receivedByName": s.Signer}
		}
	} else if !s.ETA.IsZero() {
		dates = append(dates, map[string]any{"type": "ESTIMATED_DELIVERY", "dateTime": s.ETA.Format(time.RFC3339)})
	}
	res["dateAndTimes"] = dates
	return res
}
