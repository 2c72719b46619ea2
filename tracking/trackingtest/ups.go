package trackingtest

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"time"

	"github.com/switchboard-go/switchboard/internal/fakefault"
	"github.com/switchboard-go/switchboard/tracking"
)

// UPS is a fake of UPS's OAuth endpoint (POST /security/v1/oauth/token,
// client id and secret as HTTP Basic) and Tracking API (GET
// /api/track/v1/details/{inquiryNumber}, Bearer token, transId and
// transactionSrc headers required, 404 TW0001 for unknown numbers). Safe for
// concurrent use.
type UPS struct {
	*httptest.Server
	fake
	// ClientID and ClientSecret are the credentials the fake accepts.
	ClientID, ClientSecret string

	transIDs fakefault.Log[string]
}

// NewUPS starts a fake UPS server. Close it when done.
func NewUPS(o Config) *UPS {
	u := &UPS{ClientID: "test-ups-id", ClientSecret: "test-ups-secret"}
	u.Server = u.serve(o, map[string]http.HandlerFunc{
		"POST /security/v1/oauth/token":      u.token,
		"GET /api/track/v1/details/{number}": u.track,
	})
	return u
}

// TransIDs returns the transId header of every tracking call, in order.
func (u *UPS) TransIDs() []string { return u.transIDs.All() }

// UPSType renders a normalized status as the UPS status type letter the fake
// sends.
func UPSType(s tracking.Status) string {
	switch s {
	case tracking.StatusInfoReceived:
		return "M"
	case tracking.StatusDelivered:
		return "D"
	case tracking.StatusOutForDelivery:
		return "O"
	case tracking.StatusUnknown:
		return ""
	case tracking.StatusInTransit, tracking.StatusCustomsHeld, tracking.StatusAvailableForPickup:
		return "I"
	}
	return "X"
}

func upsErrors(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, map[string]any{"response": map[string]any{"errors": []any{map[string]any{"code": code, "message": msg}}}})
}

func (u *UPS) token(w http.ResponseWriter, r *http.Request) {
	if _, ok := grant(w, r, func(w http.ResponseWriter) {
		upsErrors(w, http.StatusBadRequest, "10400", "Invalid/Missing grant_type")
	}); !ok {
		return
	}
	id, secret, basic := r.BasicAuth()
	if !basic || id != u.ClientID || secret != u.ClientSecret {
		upsErrors(w, http.StatusUnauthorized, "10401", "ClientId is Invalid")
		return
	}
	tok, ttl := u.issue()
	// UPS sends expires_in and issued_at as strings.
	writeJSON(w, http.StatusOK, map[string]any{
		"token_type": "Bearer", "issued_at": strconv.FormatInt(u.now().UnixMilli(), 10), "client_id": id,
		"access_token": tok, "expires_in": strconv.Itoa(int(ttl / time.Second)), "status": "approved",
	})
}

func (u *UPS) track(w http.ResponseWriter, r *http.Request) {
	if !u.authorized(r) {
		upsErrors(w, http.StatusUnauthorized, "250002", "Invalid Authentication Information.")
		return
	}
	tid, src := r.Header.Get("transId"), r.Header.Get("transactionSrc")
	if tid == "" || len(tid) > 32 || src == "" {
		upsErrors(w, http.StatusBadRequest, "VSS000", "Invalid or missing transId / transactionSrc header")
		return
	}
	u.transIDs.Add(tid)
	if st := u.admit(w); st != 0 {
		upsErrors(w, st, "SCRIPTED", http.StatusText(st))
		return
	}
	number := r.PathValue("number")
	s, steps, ok := u.visible(number)
	if !ok {
		upsErrors(w, http.StatusNotFound, "TW0001", "Tracking Information Not Found")
		return
	}
	acts := make([]any, 0, len(steps))
	for _, st := range steps {
		acts = append(acts, upsActivity(st))
	}
	top := last(steps)
	typ := top.code(UPSType)
	p := map[string]any{
		"trackingNumber": tracking.Normalize(s.Number),
		"currentStatus":  map[string]any{"type": typ, "description": top.Description, "code": "", "simplifiedTextDescription": top.Description},
		"activity":       acts,
	}
	if delivered(steps) {
		p["deliveryDate"] = []any{map[string]any{"type": "DEL", "date": top.At.Format("20060102")}}
		if s.Signer != "" {
			p["deliveryInformation"] = map[string]any{"receivedBy": s.Signer}
		}
	} else if !s.ETA.IsZero() {
		p["deliveryDate"] = []any{map[string]any{"type": "SDD", "date": s.ETA.UTC().Format("20060102")}}
		p["deliveryTime"] = map[string]any{"type": "EOD", "startTime": "", "endTime": s.ETA.UTC().Format("150405")}
	}
	writeJSON(w, http.StatusOK, map[string]any{"trackResponse": map[string]any{"shipment": []any{
		map[string]any{"inquiryNumber": tracking.Normalize(number), "package": []any{p}},
	}}})
}

func upsActivity(st Step) map[string]any {
	typ := st.code(UPSType)
	return map[string]any{
		"location": map[string]any{"address": map[string]any{"city": st.City, "countryCode": st.CountryCode}},
		"status":   map[string]any{"type": typ, "description": st.Description, "code": typ},
		"date":     st.At.Format("20060102"), "time": st.At.Format("150405"),
		"gmtDate": st.At.UTC().Format("20060102"), "gmtTime": st.At.UTC().Format("15:04:05"), "gmtOffset": st.At.Format("-07:00"),
	}
}
