package ups

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/switchboard-go/switchboard/tracking"
	"github.com/switchboard-go/switchboard/tracking/internal/wire"
)

// Status type letters of status.type and currentStatus.type, as UPS
// documents them (I, D, X, P, M), plus O (out for delivery), which the
// current REST API also returns.
const (
	TypeInTransit      = "I"
	TypeDelivered      = "D"
	TypeException      = "X"
	TypePickup         = "P"
	TypeManifestPickup = "M"
	TypeOutForDelivery = "O"
)

// NotFoundCode is UPS's "Tracking Information Not Found" code, sent in a 404
// error body or as a warning.
const NotFoundCode tracking.ErrorCode = "TW0001"

// StatusOf maps a status type letter onto the normalized set: I → in
// transit; D → delivered; X → exception; P (picked up by UPS) → in transit; M
// (manifest pickup: UPS has the shipping label's data, not the parcel) → info
// received; O → out for delivery. Anything else → unknown.
func StatusOf(typ string) tracking.Status {
	switch typ {
	case TypeInTransit, TypePickup:
		return tracking.StatusInTransit
	case TypeDelivered:
		return tracking.StatusDelivered
	case TypeException:
		return tracking.StatusException
	case TypeManifestPickup:
		return tracking.StatusInfoReceived
	case TypeOutForDelivery:
		return tracking.StatusOutForDelivery
	}
	return tracking.StatusUnknown
}

type response struct {
	TrackResponse struct {
		Shipment []struct {
			InquiryNumber string        `json:"inquiryNumber"`
			Package       []pkg         `json:"package"`
			Warnings      []codeMessage `json:"warnings"`
		} `json:"shipment"`
	} `json:"trackResponse"`
}

type codeMessage struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

type status struct {
	Type        string `json:"type"`
	Code        string `json:"code"`
	Description string `json:"description"`
}

type pkg struct {
	TrackingNumber string `json:"trackingNumber"`
	CurrentStatus  status `json:"currentStatus"`
	DeliveryDate   []struct {
		Type string `json:"type"`
		Date string `json:"date"`
	} `json:"deliveryDate"`
	DeliveryTime struct {
		StartTime string `json:"startTime"`
		EndTime   string `json:"endTime"`
		Type      string `json:"type"`
	} `json:"deliveryTime"`
	DeliveryInformation struct {
		ReceivedBy string `json:"receivedBy"`
	} `json:"deliveryInformation"`
	Activity []struct {
		Location struct {
			Address struct {
				City          string `json:"city"`
				StateProvince string `json:"stateProvince"`
				PostalCode    string `json:"postalCode"`
				CountryCode   string `json:"countryCode"`
			} `json:"address"`
		} `json:"location"`
		Status    status `json:"status"`
		Date      string `json:"date"`      // YYYYMMDD, local
		Time      string `json:"time"`      // HHMMSS, local
		GMTOffset string `json:"gmtOffset"` // "-05:00"
	} `json:"activity"`
}

// Parse decodes a 200 answer of GET /api/track/v1/details/{inquiryNumber}
// into the first package's Shipment, events newest first. A TW0001 warning or
// an answer without a package is an error wrapping tracking.ErrNotFound;
// malformed JSON is an error. Parse never panics.
func Parse(body []byte) (*tracking.Shipment, error) {
	var r response
	if err := json.Unmarshal(body, &r); err != nil {
		return nil, fmt.Errorf("ups: malformed response: %w", err)
	}
	for _, sh := range r.TrackResponse.Shipment {
		if len(sh.Package) == 0 {
			for _, w := range sh.Warnings {
				return nil, &tracking.APIError{Carrier: tracking.UPS, StatusCode: 200, Code: tracking.ErrorCode(w.Code), Message: wire.Clip(w.Message), Err: tracking.ErrNotFound}
			}
			continue
		}
		number := sh.Package[0].TrackingNumber
		if number == "" {
			number = sh.InquiryNumber
		}
		return convert(number, &sh.Package[0]), nil
	}
	return nil, &tracking.APIError{Carrier: tracking.UPS, StatusCode: 200, Message: "no package in answer", Err: tracking.ErrNotFound}
}

func convert(number string, p *pkg) *tracking.Shipment {
	s := &tracking.Shipment{Carrier: tracking.UPS, Number: number, Signer: p.DeliveryInformation.ReceivedBy}
	for _, a := range p.Activity {
		addr := a.Location.Address
		s.Events = append(s.Events, tracking.Event{
			Time:        localTime(a.Date, a.Time, a.GMTOffset),
			Location:    tracking.Location{City: addr.City, Region: addr.StateProvince, PostalCode: addr.PostalCode, CountryCode: addr.CountryCode},
			Status:      StatusOf(a.Status.Type),
			RawCode:     a.Status.Type,
			Description: a.Status.Description,
		})
	}
	wire.NewestFirst(s.Events)
	cur := p.CurrentStatus
	s.RawCode, s.RawDescription = cur.Type, cur.Description
	if len(s.Events) > 0 {
		newest := s.Events[0]
		s.LastUpdate, s.Location = newest.Time, newest.Location
		if s.RawCode == "" { // currentStatus without a type letter
			s.RawCode = newest.RawCode
		}
		if s.RawDescription == "" {
			s.RawDescription = newest.Description
		}
	}
	s.Status = StatusOf(s.RawCode)
	for _, d := range p.DeliveryDate {
		// SDD scheduled, RDD rescheduled delivery date; DEL is the actual one.
		if d.Type != "SDD" && d.Type != "RDD" {
			continue
		}
		day, err := time.Parse("20060102", d.Date)
		if err != nil {
			continue
		}
		// deliveryTime narrows the day to a window, or to an end time alone
		// ("by end of day" commitments carry only endTime).
		from, hasFrom := clock(day, p.DeliveryTime.StartTime)
		to, hasTo := clock(day, p.DeliveryTime.EndTime)
		switch {
		case hasFrom && hasTo:
			s.ETA = tracking.ETA{From: from, To: to}
		case hasFrom:
			s.ETA = tracking.ETA{From: from, To: from}
		case hasTo:
			s.ETA = tracking.ETA{From: to, To: to}
		default:
			s.ETA = tracking.ETA{From: day, To: day, DateOnly: true}
		}
		if d.Type == "RDD" {
			break // a rescheduled date overrides the scheduled one
		}
	}
	return s
}

// localTime combines UPS's local date and time with its GMT offset; without
// an offset the time is taken as UTC.
func localTime(date, hms, offset string) time.Time {
	loc := time.UTC
	if off, err := time.Parse("-07:00", offset); err == nil {
		_, secs := off.Zone()
		loc = time.FixedZone("", secs)
	}
	if len(hms) != 6 {
		hms = "000000"
	}
	t, err := time.ParseInLocation("20060102150405", date+hms, loc)
	if err != nil {
		return time.Time{}
	}
	return t
}

func clock(day time.Time, hms string) (time.Time, bool) {
	if len(hms) != 6 || hms == "000000" {
		return time.Time{}, false
	}
	t, err := time.ParseInLocation("20060102150405", day.Format("20060102")+hms, time.UTC)
	return t, err == nil
}
