package tracking

import (
	"strings"
	"time"
)

// Carrier names a carrier or an aggregator. The constants are the ones this
// module has adapters for; any other value may be used with a custom Tracker.
type Carrier string

// Carriers with adapters in this module.
const (
	DHL            Carrier = "dhl"
	FedEx          Carrier = "fedex"
	UPS            Carrier = "ups"
	SeventeenTrack Carrier = "17track" // aggregator for Asian posts and many others
)

// Location is where an event happened, as precise as the carrier says.
// Comparable with ==.
type Location struct {
	// City is the city or facility name as the carrier writes it.
	City   string
	Region string // state or province
	// PostalCode is the postal code, when the carrier gives one.
	PostalCode  string
	CountryCode string // ISO 3166-1 alpha-2 when the carrier gives one
	// Text is the carrier's own one-line location when it gives no
	// structured city (17TRACK), else empty.
	Text string
}

// IsZero reports whether nothing is known about the location.
func (l Location) IsZero() bool { return l == Location{} }

// String renders "City, Region, CC" (Text stands in for an empty City),
// skipping empty parts.
func (l Location) String() string {
	city := l.City
	if city == "" {
		city = l.Text
	}
	parts := make([]string, 0, 3)
	for _, p := range [...]string{city, l.Region, l.CountryCode} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, ", ")
}

// Event is one scan or status change reported by the carrier.
type Event struct {
	// Time is when it happened, in the zone the carrier reported (UTC when
	// the carrier gave no zone).
	Time time.Time
	// Location is where it happened; zero when the carrier did not say.
	Location    Location
	Status      Status // normalized
	RawCode     string // the carrier's code for this event
	Description string // the carrier's text
}

// ETA is the expected delivery: a single time, a window, or a date.
type ETA struct {
	From time.Time // start of the window (or the single estimate)
	To   time.Time // end of the window; equal to From for a single estimate
	// DateOnly reports that the carrier gave a day, not a time of day.
	DateOnly bool
}

// IsZero reports whether no estimate is known.
func (e ETA) IsZero() bool { return e.From.IsZero() && e.To.IsZero() }

// Shipment is what a carrier says about one tracking number at one moment.
// A Shipment is a value: it is not safe to mutate one from several goroutines,
// and the Poller hands out copies.
type Shipment struct {
	// Carrier is the carrier that answered.
	Carrier Carrier
	// Number is the tracking number the carrier answered for.
	Number string
	// Service is the carrier's product or sub-carrier when it has one (DHL
	// "express", 17TRACK's provider name), else empty.
	Service string

	Status         Status // normalized current status
	RawCode        string // the carrier's current status code
	RawDescription string // the carrier's current status text
	// Location is where the current status was reported; zero when unknown.
	Location Location

	// Events, newest first.
	Events []Event
	// ETA is the carrier's delivery estimate; zero when it gave none.
	ETA    ETA
	Signer string // who signed for it, when delivered and known

	// LastUpdate is the time of the carrier's newest event or status: what a
	// reply means by "last updated at". Zero when the carrier reported none.
	LastUpdate time.Time
	// FetchedAt is when this package asked the carrier (the adapter's clock).
	FetchedAt time.Time
}

// Terminal reports whether the shipment's status is terminal.
func (s *Shipment) Terminal() bool { return s.Status.Terminal() }

// Clone returns a deep copy (Events are copied).
func (s *Shipment) Clone() *Shipment {
	if s == nil {
		return nil
	}
	c := *s
	c.Events = append([]Event(nil), s.Events...)
	return &c
}
