package trackingtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/switchboard-go/switchboard/internal/transport"
	"github.com/switchboard-go/switchboard/tracking"
)

// SeventeenTrack is a fake of 17TRACK's API v2.2: POST /track/v2.2/register
// and POST /track/v2.2/gettrackinfo with the 17token header, up to 40
// numbers per call. Like 17TRACK it only reports registered numbers: a
// scripted number must be registered first (gettrackinfo rejects it with
// -18019902 until then), and a registered number without visible steps comes
// back accepted with status NotFound. Safe for concurrent use.
type SeventeenTrack struct {
	*httptest.Server
	fake
	// Token is the 17token the fake accepts.
	Token string

	registered    map[string]bool // guarded by fake.mu
	registrations int
}

// NewSeventeenTrack starts a fake 17TRACK server. Close it when done.
func NewSeventeenTrack(o Config) *SeventeenTrack {
	s := &SeventeenTrack{Token: "test-17track-token", registered: map[string]bool{}}
	s.Server = s.serve(o, map[string]http.HandlerFunc{
		"POST /track/v2.2/register":     s.register,
		"POST /track/v2.2/gettrackinfo": s.track,
	})
	return s
}

// Registrations returns how many register calls the fake received.
func (s *SeventeenTrack) Registrations() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.registrations
}

// SeventeenTrackSubStatus renders a normalized status as the 17TRACK
// sub-status the fake sends.
func SeventeenTrackSubStatus(st tracking.Status) string {
	switch st {
	case tracking.StatusInfoReceived:
		return "InfoReceived"
	case tracking.StatusInTransit:
		return "InTransit_Other"
	case tracking.StatusCustomsHeld:
		return "InTransit_CustomsProcessing"
	case tracking.StatusOutForDelivery:
		return "OutForDelivery_Other"
	case tracking.StatusAvailableForPickup:
		return "AvailableForPickup_Other"
	case tracking.StatusFailedAttempt:
		return "DeliveryFailure_Other"
	case tracking.StatusDelivered:
		return "Delivered_Other"
	case tracking.StatusException:
		return "Exception_Other"
	case tracking.StatusLost:
		return "Exception_Lost"
	case tracking.StatusReturned:
		return "Exception_Returned"
	case tracking.StatusCancelled:
		return "Exception_Cancel"
	case tracking.StatusExpired:
		return "Expired_Other"
	}
	return "NotFound_Other"
}

func envelopeError(w http.ResponseWriter, status, code int, msg string) {
	writeJSON(w, status, map[string]any{"code": code, "data": map[string]any{"errors": []any{map[string]any{"code": code, "message": msg}}}})
}

// items reads the request body; ok is false after an answer was written.
func (s *SeventeenTrack) items(w http.ResponseWriter, r *http.Request) ([]string, bool) {
	if r.Header.Get("17token") != s.Token {
		envelopeError(w, http.StatusUnauthorized, http.StatusUnauthorized, "Unauthorized: invalid 17token.")
		return nil, false
	}
	body, ok := transport.ReadBody(w, r, 1<<20)
	if !ok {
		return nil, false
	}
	var items []struct {
		Number string `json:"number"`
	}
	if json.Unmarshal(body, &items) != nil || len(items) == 0 || len(items) > 40 {
		envelopeError(w, http.StatusOK, -18010012, "The data submitted is invalid: 1 to 40 items are accepted.")
		return nil, false
	}
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.Number
	}
	return out, true
}

func (s *SeventeenTrack) register(w http.ResponseWriter, r *http.Request) {
	numbers, ok := s.items(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	s.registrations++
	accepted, rejected := []any{}, []any{}
	for _, n := range numbers {
		key := tracking.Normalize(n)
		if s.registered[key] {
			rejected = append(rejected, map[string]any{"number": n, "error": map[string]any{
				"code": -18019901, "message": fmt.Sprintf("The tracking number '%s' has been registered, don't need to repeat registration.", n)}})
			continue
		}
		s.registered[key] = true
		accepted = append(accepted, map[string]any{"number": n, "carrier": 0})
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"code": 0, "data": map[string]any{"accepted": accepted, "rejected": rejected}})
}

func (s *SeventeenTrack) track(w http.ResponseWriter, r *http.Request) {
	numbers, ok := s.items(w, r)
	if !ok {
		return
	}
	if st := s.admit(w); st != 0 {
		envelopeError(w, st, st, http.StatusText(st))
		return
	}
	accepted, rejected := []any{}, []any{}
	for _, n := range numbers {
		s.mu.Lock()
		reg := s.registered[tracking.Normalize(n)]
		s.mu.Unlock()
		if !reg {
			rejected = append(rejected, map[string]any{"number": n, "error": map[string]any{
				"code": -18019902, "message": fmt.Sprintf("The tracking number '%s' does not register, please register first.", n)}})
			continue
		}
		accepted = append(accepted, s.trackInfo(n))
	}
	writeJSON(w, http.StatusOK, map[string]any{"code": 0, "data": map[string]any{"accepted": accepted, "rejected": rejected}})
}

func (s *SeventeenTrack) trackInfo(n string) map[string]any {
	sc, steps, ok := s.visible(n)
	info := map[string]any{
		"latest_status": map[string]any{"status": "NotFound", "sub_status": "NotFound_Other", "sub_status_descr": nil},
		"latest_event":  nil,
		"tracking":      map[string]any{"providers_hash": 0, "providers": []any{}},
	}
	if ok {
		events := make([]any, 0, len(steps))
		for _, st := range steps {
			events = append(events, seventeenEvent(st))
		}
		sub := last(steps).code(SeventeenTrackSubStatus)
		main, _, _ := strings.Cut(sub, "_")
		name := sc.Service
		if name == "" {
			name = "China Post"
		}
		info["latest_status"] = map[string]any{"status": main, "sub_status": sub, "sub_status_descr": nil}
		info["latest_event"] = seventeenEvent(last(steps))
		info["tracking"] = map[string]any{"providers_hash": 1, "providers": []any{map[string]any{
			"provider":           map[string]any{"key": 3011, "name": name, "country": "CN"},
			"latest_sync_status": "Success", "latest_sync_time": s.now().UTC().Format(time.RFC3339),
			"events": events,
		}}}
		if !sc.ETA.IsZero() && !delivered(steps) {
			info["time_metrics"] = map[string]any{"estimated_delivery_date": map[string]any{
				"source": "Official", "from": sc.ETA.Format(time.RFC3339), "to": sc.ETA.Format(time.RFC3339)}}
		}
	}
	return map[string]any{"number": n, "carrier": 3011, "param": nil, "tag": "", "track_info": info}
}

func seventeenEvent(st Step) map[string]any {
	sub := st.code(SeventeenTrackSubStatus)
	main, _, _ := strings.Cut(sub, "_")
	loc := strings.Trim(st.City+", "+st.CountryCode, ", ")
	return map[string]any{
		"time_iso": st.At.Format(time.RFC3339), "time_utc": st.At.UTC().Format(time.RFC3339),
		"description": st.Description, "location": loc, "stage": main, "sub_status": sub,
		"address": map[string]any{"country": st.CountryCode, "state": nil, "city": st.City, "street": nil, "postal_code": nil},
	}
}
