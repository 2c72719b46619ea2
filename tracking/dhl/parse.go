package dhl

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/switchboard-go/switchboard/tracking"
	"github.com/switchboard-go/switchboard/tracking/internal/wire"
)

// Status codes of the Unified API's status.statusCode.
const (
	CodePreTransit = "pre-transit"
	CodeTransit    = "transit"
	CodeDelivered  = "delivered"
	CodeFailure    = "failure"
	CodeUnknown    = "unknown"
)

// StatusOf maps a statusCode onto the normalized set, following DHL's
// documented meaning of each: pre-transit (label created, DHL does not have
// the parcel yet) → info received; transit → in transit; delivered →
// delivered; failure (delivery failed or a problem occurred) → exception;
// unknown and anything undocumented → unknown.
func StatusOf(code string) tracking.Status {
	switch code {
	case CodePreTransit:
		return tracking.StatusInfoReceived
	case CodeTransit:
		return tracking.StatusInTransit
	case CodeDelivered:
		return tracking.StatusDelivered
	case CodeFailure:
		return tracking.StatusException
	}
	return tracking.StatusUnknown
}

// Parse decodes a 200 answer of GET /track/shipments, whose documented shape
// is {"shipments":[{"id","service","status":{"timestamp","location":
// {"address":{"addressLocality","countryCode","postalCode"}},"statusCode",
// "status","description"},"estimatedTimeOfDelivery",
// "estimatedDeliveryTimeFrame":{"estimatedFrom","estimatedThrough"},
// "details":{"proofOfDelivery":{"signed":{"name"}}},"events":[…status
// shape…]}]}, into shipments with events newest first. Unknown fields are
// skipped; malformed JSON or a field of the wrong type is an error; Parse
// never panics. FetchedAt is left zero (Track sets it).
func Parse(body []byte) ([]tracking.Shipment, error) {
	var r response
	if err := json.Unmarshal(body, &r); err != nil {
		return nil, fmt.Errorf("dhl: malformed response: %w", err)
	}
	out := make([]tracking.Shipment, 0, len(r.Shipments))
	for _, s := range r.Shipments {
		out = append(out, s.shipment())
	}
	return out, nil
}

// response is the body of GET /track/shipments, as far as Parse reads it.
type response struct {
	Shipments []rawShipment `json:"shipments"`
}

type rawShipment struct {
	ID      string   `json:"id"`
	Service string   `json:"service"`
	Status  rawEvent `json:"status"`
	ETA     string   `json:"estimatedTimeOfDelivery"`
	Frame   struct {
		From    string `json:"estimatedFrom"`
		Through string `json:"estimatedThrough"`
	} `json:"estimatedDeliveryTimeFrame"`
	Details struct {
		ProofOfDelivery struct {
			Signed signer `json:"signed"`
		} `json:"proofOfDelivery"`
	} `json:"details"`
	Events []rawEvent `json:"events"`
}

// rawEvent is an event or status as DHL sends it.
type rawEvent struct {
	Timestamp string `json:"timestamp"`
	Location  struct {
		Address struct {
			Locality    string `json:"addressLocality"`
			CountryCode string `json:"countryCode"`
			PostalCode  string `json:"postalCode"`
		} `json:"address"`
	} `json:"location"`
	StatusCode  string `json:"statusCode"`
	Status      string `json:"status"`
	Description string `json:"description"`
}

func (e *rawEvent) describe() string {
	if e.Description != "" {
		return e.Description
	}
	return e.Status
}

func (e *rawEvent) location() tracking.Location {
	a := e.Location.Address
	return tracking.Location{City: a.Locality, CountryCode: a.CountryCode, PostalCode: a.PostalCode}
}

// signer is proofOfDelivery.signed: the documented object
// {"type","name","familyName","givenName"} or, leniently, a bare string.
type signer string

func (s *signer) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		return json.Unmarshal(b, (*string)(s))
	}
	var o struct {
		Name       string `json:"name"`
		GivenName  string `json:"givenName"`
		FamilyName string `json:"familyName"`
	}
	if err := json.Unmarshal(b, &o); err != nil {
		return err
	}
	*s = signer(o.Name)
	if o.Name == "" {
		*s = signer(strings.TrimSpace(o.GivenName + " " + o.FamilyName))
	}
	return nil
}

func (r *rawShipment) shipment() tracking.Shipment {
	cur := &r.Status
	s := tracking.Shipment{
		Carrier: tracking.DHL, Number: r.ID, Service: r.Service,
		Status: StatusOf(cur.StatusCode), RawCode: cur.StatusCode, RawDescription: cur.describe(),
		Location: cur.location(), Signer: string(r.Details.ProofOfDelivery.Signed),
	}
	s.LastUpdate, _ = wire.ParseTime(cur.Timestamp)
	for i := range r.Events {
		e := &r.Events[i]
		t, _ := wire.ParseTime(e.Timestamp)
		s.Events = append(s.Events, tracking.Event{
			Time: t, Location: e.location(), Status: StatusOf(e.StatusCode),
			RawCode: e.StatusCode, Description: e.describe(),
		})
	}
	if len(s.Events) > 0 {
		// DHL lists events newest first; sort anyway, so a differently
		// ordered answer still reads right.
		wire.NewestFirst(s.Events)
		if s.Events[0].Time.After(s.LastUpdate) {
			s.LastUpdate = s.Events[0].Time
		}
	}
	if t, ok := wire.ParseTime(r.Frame.From); ok {
		s.ETA.From = t
		s.ETA.To, _ = wire.ParseTime(r.Frame.Through)
	} else if t, ok := wire.ParseTime(r.ETA); ok {
		s.ETA = tracking.ETA{From: t, To: t, DateOnly: len(r.ETA) == len(time.DateOnly)}
	}
	return s
}

// problem reads DHL's RFC 7807 error body {"status","title","detail"}:
// the title is the code, the detail (or the title) the message.
func problem(body []byte) (code, msg string) {
	var p struct {
		Title  string `json:"title"`
		Detail string `json:"detail"`
	}
	if json.Unmarshal(body, &p) != nil {
		return "", ""
	}
	msg = p.Detail
	if msg == "" {
		msg = p.Title
	}
	return p.Title, msg
}
