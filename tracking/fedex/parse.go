package fedex

import (
	"encoding/json"
	"fmt"

	"github.com/switchboard-go/switchboard/tracking"
	"github.com/switchboard-go/switchboard/tracking/internal/wire"
)

// Status codes of latestStatusDetail.code (and scanEvents[].derivedStatusCode)
// as FedEx documents them.
const (
	CodeLabelCreated      = "OC" // shipment information sent to FedEx
	CodePickedUp          = "PU"
	CodeInTransit         = "IT"
	CodeArrived           = "AR" // arrived at FedEx location
	CodeDeparted          = "DP" // left FedEx origin/location
	CodeAtSortFacility    = "AF"
	CodeOutForDelivery    = "OD"
	CodeDelivered         = "DL"
	CodeDeliveryException = "DE"
	CodeShipmentException = "SE"
	CodeCancelled         = "CA"
	CodeReturnToShipper   = "RS"
	CodeHoldAtLocation    = "HL"
	CodeClearanceDelay    = "CD"
)

// NotFoundCode is the per-number error code FedEx returns inside a 200 answer
// for a number it does not know.
const NotFoundCode tracking.ErrorCode = "TRACKING.TRACKINGNUMBER.NOTFOUND"

// StatusOf maps a FedEx status code onto the normalized set: OC → info
// received; PU, IT, AR, DP, AF → in transit; OD → out for delivery; DL →
// delivered; DE (delivery exception: nobody home, refused, address) → failed
// attempt; SE → exception; CA → cancelled; RS → returned; HL (held at a FedEx
// location for pickup) → available for pickup; CD → customs held. Anything
// else → unknown.
func StatusOf(code string) tracking.Status {
	switch code {
	case CodeLabelCreated:
		return tracking.StatusInfoReceived
	case CodePickedUp, CodeInTransit, CodeArrived, CodeDeparted, CodeAtSortFacility:
		return tracking.StatusInTransit
	case CodeOutForDelivery:
		return tracking.StatusOutForDelivery
	case CodeDelivered:
		return tracking.StatusDelivered
	case CodeDeliveryException:
		return tracking.StatusFailedAttempt
	case CodeShipmentException:
		return tracking.StatusException
	case CodeCancelled:
		return tracking.StatusCancelled
	case CodeReturnToShipper:
		return tracking.StatusReturned
	case CodeHoldAtLocation:
		return tracking.StatusAvailableForPickup
	case CodeClearanceDelay:
		return tracking.StatusCustomsHeld
	}
	return tracking.StatusUnknown
}

// statusOf prefers code and falls back to derivedCode for codes outside the
// documented table.
func statusOf(code, derived string) tracking.Status {
	if s := StatusOf(code); s != tracking.StatusUnknown {
		return s
	}
	return StatusOf(derived)
}

type response struct {
	Output struct {
		CompleteTrackResults []struct {
			TrackingNumber string        `json:"trackingNumber"`
			TrackResults   []trackResult `json:"trackResults"`
		} `json:"completeTrackResults"`
	} `json:"output"`
}

type trackResult struct {
	TrackingNumberInfo numberInfo `json:"trackingNumberInfo"`
	LatestStatusDetail struct {
		Code         string   `json:"code"`
		DerivedCode  string   `json:"derivedCode"`
		Description  string   `json:"description"`
		ScanLocation location `json:"scanLocation"`
	} `json:"latestStatusDetail"`
	DateAndTimes []struct {
		Type     string `json:"type"`
		DateTime string `json:"dateTime"`
	} `json:"dateAndTimes"`
	ScanEvents []struct {
		Date              string   `json:"date"`
		EventType         string   `json:"eventType"`
		EventDescription  string   `json:"eventDescription"`
		DerivedStatusCode string   `json:"derivedStatusCode"`
		ScanLocation      location `json:"scanLocation"`
	} `json:"scanEvents"`
	EstimatedDeliveryTimeWindow struct {
		Window struct {
			Begins string `json:"begins"`
			Ends   string `json:"ends"`
		} `json:"window"`
	} `json:"estimatedDeliveryTimeWindow"`
	DeliveryDetails struct {
		ReceivedByName string `json:"receivedByName"`
	} `json:"deliveryDetails"`
	Error *struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

type location struct {
	City                string `json:"city"`
	StateOrProvinceCode string `json:"stateOrProvinceCode"`
	PostalCode          string `json:"postalCode"`
	CountryCode         string `json:"countryCode"`
}

func (l location) normalize() tracking.Location {
	return tracking.Location{City: l.City, Region: l.StateOrProvinceCode, PostalCode: l.PostalCode, CountryCode: l.CountryCode}
}

// Parse decodes a 200 answer of POST /track/v1/trackingnumbers into one
// Result per tracking number, keyed by number. A number FedEx reports an error
// for gets Err (wrapping tracking.ErrNotFound for NotFoundCode). Malformed
// JSON is an error; Parse never panics.
func Parse(body []byte) (map[string]tracking.Result, error) {
	var r response
	if err := json.Unmarshal(body, &r); err != nil {
		return nil, fmt.Errorf("fedex: malformed response: %w", err)
	}
	out := make(map[string]tracking.Result, len(r.Output.CompleteTrackResults))
	for _, ctr := range r.Output.CompleteTrackResults {
		if len(ctr.TrackResults) == 0 {
			continue
		}
		// FedEx may return several results for a reused number; the first is
		// the most recent shipment.
		tr := &ctr.TrackResults[0]
		number := ctr.TrackingNumber
		if number == "" {
			number = tr.TrackingNumberInfo.TrackingNumber
		}
		if tr.Error != nil && tr.Error.Code != "" {
			e := &tracking.APIError{Carrier: tracking.FedEx, Code: tracking.ErrorCode(tr.Error.Code), Message: wire.Clip(tr.Error.Message)}
			if e.Code == NotFoundCode {
				e.Err = tracking.ErrNotFound
			}
			out[number] = tracking.Result{Number: number, Err: e}
			continue
		}
		s := convert(number, tr)
		out[number] = tracking.Result{Number: number, Shipment: s}
	}
	return out, nil
}

func convert(number string, tr *trackResult) *tracking.Shipment {
	ls := &tr.LatestStatusDetail
	s := &tracking.Shipment{
		Carrier:        tracking.FedEx,
		Number:         number,
		Status:         statusOf(ls.Code, ls.DerivedCode),
		RawCode:        ls.Code,
		RawDescription: ls.Description,
		Location:       ls.ScanLocation.normalize(),
		Signer:         tr.DeliveryDetails.ReceivedByName,
	}
	for _, e := range tr.ScanEvents {
		t, _ := wire.ParseTime(e.Date)
		s.Events = append(s.Events, tracking.Event{
			Time: t, Location: e.ScanLocation.normalize(), Status: statusOf(e.EventType, e.DerivedStatusCode),
			RawCode: e.EventType, Description: e.EventDescription,
		})
	}
	wire.NewestFirst(s.Events)
	if len(s.Events) > 0 {
		s.LastUpdate = s.Events[0].Time
	}
	var estimated string
	for _, d := range tr.DateAndTimes {
		switch d.Type {
		case "ACTUAL_DELIVERY":
			if t, ok := wire.ParseTime(d.DateTime); ok && t.After(s.LastUpdate) {
				s.LastUpdate = t
			}
		case "ESTIMATED_DELIVERY":
			estimated = d.DateTime
		}
	}
	w := tr.EstimatedDeliveryTimeWindow.Window
	if t, ok := wire.ParseTime(w.Begins); ok {
		s.ETA.From = t
		s.ETA.To, _ = wire.ParseTime(w.Ends)
	} else if t, ok := wire.ParseTime(estimated); ok {
		s.ETA = tracking.ETA{From: t, To: t}
	}
	return s
}
