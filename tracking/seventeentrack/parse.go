package seventeentrack

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/switchboard-go/switchboard/tracking"
	"github.com/switchboard-go/switchboard/tracking/internal/wire"
)

// 17TRACK's main statuses (latest_status.status) in API v2.2.
const (
	NotFound           = "NotFound"
	InfoReceived       = "InfoReceived"
	InTransit          = "InTransit"
	Expired            = "Expired"
	AvailableForPickup = "AvailableForPickup"
	OutForDelivery     = "OutForDelivery"
	DeliveryFailure    = "DeliveryFailure"
	Delivered          = "Delivered"
	Exception          = "Exception"
)

// Rejection codes of the register and gettrackinfo calls (integers on the
// wire).
const (
	AlreadyRegisteredCode tracking.ErrorCode = "-18019901" // register: the number is already registered
	NotRegisteredCode     tracking.ErrorCode = "-18019902" // gettrackinfo: register the number first
)

// errorCode is the ErrorCode of one of 17TRACK's integer codes.
func errorCode(n int) tracking.ErrorCode { return tracking.ErrorCode(strconv.Itoa(n)) }

// StatusOf maps 17TRACK's main status and sub-status onto the normalized
// set. The main status decides, except where a sub-status is more precise:
//
//	NotFound (any sub-status)              → unknown
//	InfoReceived                           → info received
//	InTransit                              → in transit, but
//	  InTransit_CustomsProcessing,
//	  InTransit_CustomsRequiringInformation → customs held
//	Expired                                → expired
//	AvailableForPickup                     → available for pickup
//	OutForDelivery                         → out for delivery
//	DeliveryFailure (any sub-status)       → failed attempt
//	Delivered                              → delivered
//	Exception                              → exception, but
//	  Exception_Returning, Exception_Returned → returned
//	  Exception_Lost, Exception_Destroyed     → lost
//	  Exception_Cancel                        → cancelled
//
// An unknown main status maps to unknown.
func StatusOf(status, subStatus string) tracking.Status {
	switch status {
	case InfoReceived:
		return tracking.StatusInfoReceived
	case InTransit:
		switch subStatus {
		case "InTransit_CustomsProcessing", "InTransit_CustomsRequiringInformation":
			return tracking.StatusCustomsHeld
		}
		return tracking.StatusInTransit
	case Expired:
		return tracking.StatusExpired
	case AvailableForPickup:
		return tracking.StatusAvailableForPickup
	case OutForDelivery:
		return tracking.StatusOutForDelivery
	case DeliveryFailure:
		return tracking.StatusFailedAttempt
	case Delivered:
		return tracking.StatusDelivered
	case Exception:
		switch subStatus {
		case "Exception_Returning", "Exception_Returned":
			return tracking.StatusReturned
		case "Exception_Lost", "Exception_Destroyed":
			return tracking.StatusLost
		case "Exception_Cancel":
			return tracking.StatusCancelled
		}
		return tracking.StatusException
	}
	return tracking.StatusUnknown
}

// statusOfSub maps an event's sub_status alone ("InTransit_Arrival"): its
// main status is the part before the underscore.
func statusOfSub(sub string) tracking.Status {
	main, _, _ := strings.Cut(sub, "_")
	return StatusOf(main, sub)
}

type envelope struct {
	Code int `json:"code"`
	Data struct {
		Accepted []accepted `json:"accepted"`
		Rejected []rejected `json:"rejected"`
		Errors   []apiError `json:"errors"`
	} `json:"data"`
}

type apiError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

type rejected struct {
	Number string   `json:"number"`
	Error  apiError `json:"error"`
}

type accepted struct {
	Number    string `json:"number"`
	TrackInfo struct {
		LatestStatus struct {
			Status    string `json:"status"`
			SubStatus string `json:"sub_status"`
		} `json:"latest_status"`
		LatestEvent *event `json:"latest_event"`
		TimeMetrics struct {
			EstimatedDeliveryDate struct {
				From string `json:"from"`
				To   string `json:"to"`
			} `json:"estimated_delivery_date"`
		} `json:"time_metrics"`
		Tracking struct {
			Providers []struct {
				Provider struct {
					Name string `json:"name"`
				} `json:"provider"`
				Events []event `json:"events"`
			} `json:"providers"`
		} `json:"tracking"`
	} `json:"track_info"`
}

type event struct {
	TimeISO     string `json:"time_iso"`
	TimeUTC     string `json:"time_utc"`
	Description string `json:"description"`
	Location    string `json:"location"`
	SubStatus   string `json:"sub_status"`
	Address     struct {
		Country    string `json:"country"`
		State      string `json:"state"`
		City       string `json:"city"`
		PostalCode string `json:"postal_code"`
	} `json:"address"`
}

func (e *event) convert() tracking.Event {
	t, ok := wire.ParseTime(e.TimeISO)
	if !ok {
		t, _ = wire.ParseTime(e.TimeUTC)
	}
	loc := tracking.Location{City: e.Address.City, Region: e.Address.State, PostalCode: e.Address.PostalCode, CountryCode: e.Address.Country}
	if loc.City == "" {
		loc.Text = e.Location
	}
	return tracking.Event{Time: t, Location: loc, Status: statusOfSub(e.SubStatus), RawCode: e.SubStatus, Description: e.Description}
}

func parseEnvelope(body []byte) (*envelope, error) {
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil {
		return nil, fmt.Errorf("seventeentrack: malformed response: %w", err)
	}
	if env.Code != 0 {
		e := &tracking.APIError{Carrier: tracking.SeventeenTrack, StatusCode: 200, Code: errorCode(env.Code)}
		if len(env.Data.Errors) > 0 {
			e.Code, e.Message = errorCode(env.Data.Errors[0].Code), wire.Clip(env.Data.Errors[0].Message)
		}
		return nil, e
	}
	return &env, nil
}

func rejection(r rejected) *tracking.APIError {
	// Every rejection of gettrackinfo means 17TRACK has nothing for the
	// number (unregistered, invalid, or not yet tracked).
	return &tracking.APIError{Carrier: tracking.SeventeenTrack, StatusCode: 200, Code: errorCode(r.Error.Code), Message: wire.Clip(r.Error.Message), Err: tracking.ErrNotFound}
}

func isUnregistered(err error) bool {
	var ae *tracking.APIError
	return errors.As(err, &ae) && ae.Code == NotRegisteredCode
}

// firstError reads a non-200 body's {"code","data":{"errors":[…]}}.
func firstError(body []byte) (code, msg string) {
	var env envelope
	if json.Unmarshal(body, &env) != nil {
		return "", ""
	}
	if len(env.Data.Errors) > 0 {
		return strconv.Itoa(env.Data.Errors[0].Code), env.Data.Errors[0].Message
	}
	if env.Code != 0 {
		return strconv.Itoa(env.Code), ""
	}
	return "", ""
}

// Parse decodes a gettrackinfo answer, {"code":0,"data":{"accepted":[…],
// "rejected":[…]}}, into one Result per number keyed by number. A non-zero
// top-level code is an *tracking.APIError; malformed JSON is an error; Parse
// never panics.
func Parse(body []byte) (map[string]tracking.Result, error) {
	env, err := parseEnvelope(body)
	if err != nil {
		return nil, err
	}
	out := make(map[string]tracking.Result, len(env.Data.Accepted)+len(env.Data.Rejected))
	for _, r := range env.Data.Rejected {
		out[r.Number] = tracking.Result{Number: r.Number, Err: rejection(r)}
	}
	for i := range env.Data.Accepted {
		a := &env.Data.Accepted[i]
		out[a.Number] = tracking.Result{Number: a.Number, Shipment: convert(a)}
	}
	return out, nil
}

func convert(a *accepted) *tracking.Shipment {
	ti := &a.TrackInfo
	ls := ti.LatestStatus
	s := &tracking.Shipment{
		Carrier: tracking.SeventeenTrack,
		Number:  a.Number,
		Status:  StatusOf(ls.Status, ls.SubStatus),
		RawCode: ls.SubStatus,
	}
	if s.RawCode == "" {
		s.RawCode = ls.Status
	}
	for _, p := range ti.Tracking.Providers {
		if s.Service == "" {
			s.Service = p.Provider.Name
		}
		for i := range p.Events {
			s.Events = append(s.Events, p.Events[i].convert())
		}
	}
	wire.NewestFirst(s.Events)
	if ti.LatestEvent != nil {
		le := ti.LatestEvent.convert()
		s.RawDescription, s.Location, s.LastUpdate = le.Description, le.Location, le.Time
	}
	if len(s.Events) > 0 {
		if s.Events[0].Time.After(s.LastUpdate) {
			s.LastUpdate = s.Events[0].Time
		}
		if s.RawDescription == "" {
			s.RawDescription, s.Location = s.Events[0].Description, s.Events[0].Location
		}
	}
	ed := ti.TimeMetrics.EstimatedDeliveryDate
	if from, ok := wire.ParseTime(ed.From); ok {
		s.ETA.From = from
		s.ETA.To, _ = wire.ParseTime(ed.To)
		if s.ETA.To.IsZero() {
			s.ETA.To = from
		}
	}
	return s
}
