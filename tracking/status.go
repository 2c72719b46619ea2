package tracking

import "fmt"

// Status is the normalized state of a shipment. Every carrier adapter maps
// each status code its carrier documents onto one of these values and keeps
// the raw code beside it (Shipment.RawCode, Event.RawCode).
type Status uint8

// The normalized statuses. The zero value is StatusUnknown.
const (
	// StatusUnknown: the carrier has no usable information (or sent a code
	// this package does not know).
	StatusUnknown Status = iota
	// StatusInfoReceived: a label was created; the carrier does not have the
	// parcel yet.
	StatusInfoReceived
	// StatusInTransit: the carrier has the parcel and it is moving.
	StatusInTransit
	// StatusCustomsHeld: held in customs or by the carrier (clearance delay,
	// information required, hold at location).
	StatusCustomsHeld
	// StatusOutForDelivery: on the vehicle for delivery today.
	StatusOutForDelivery
	// StatusAvailableForPickup: waiting at a pickup point or post office.
	StatusAvailableForPickup
	// StatusFailedAttempt: a delivery attempt failed; the carrier usually
	// tries again.
	StatusFailedAttempt
	// StatusDelivered: delivered (terminal).
	StatusDelivered
	// StatusException: something went wrong that needs attention (damage,
	// delay, address problem).
	StatusException
	// StatusLost: the carrier declared the parcel lost or destroyed
	// (terminal).
	StatusLost
	// StatusReturned: returned, or on its way back, to the sender (terminal:
	// the customer will not receive it).
	StatusReturned
	// StatusCancelled: the shipment was cancelled (terminal).
	StatusCancelled
	// StatusExpired: the carrier stopped reporting without a final status
	// (terminal).
	StatusExpired

	numStatuses
)

var statusNames = [numStatuses]string{
	StatusUnknown:            "unknown",
	StatusInfoReceived:       "info_received",
	StatusInTransit:          "in_transit",
	StatusCustomsHeld:        "customs_held",
	StatusOutForDelivery:     "out_for_delivery",
	StatusAvailableForPickup: "available_for_pickup",
	StatusFailedAttempt:      "failed_attempt",
	StatusDelivered:          "delivered",
	StatusException:          "exception",
	StatusLost:               "lost",
	StatusReturned:           "returned",
	StatusCancelled:          "cancelled",
	StatusExpired:            "expired",
}

// Statuses lists every normalized status in declaration order.
func Statuses() []Status {
	out := make([]Status, numStatuses)
	for i := range out {
		out[i] = Status(i)
	}
	return out
}

// String returns the status's snake_case name ("in_transit").
func (s Status) String() string {
	if s < numStatuses {
		return statusNames[s]
	}
	return fmt.Sprintf("status(%d)", uint8(s))
}

// Terminal reports whether no further change is expected: delivered, lost,
// returned, cancelled or expired. The Poller stops polling a shipment once its
// status is terminal.
func (s Status) Terminal() bool {
	switch s {
	case StatusDelivered, StatusLost, StatusReturned, StatusCancelled, StatusExpired:
		return true
	}
	return false
}

// MarshalText encodes the status as its name, so stores can persist it.
func (s Status) MarshalText() ([]byte, error) {
	if s >= numStatuses {
		return nil, fmt.Errorf("tracking: invalid status %d", uint8(s))
	}
	return []byte(statusNames[s]), nil
}

// UnmarshalText decodes a name written by MarshalText; an unknown name is an
// error.
func (s *Status) UnmarshalText(b []byte) error {
	for i, n := range statusNames {
		if n == string(b) {
			*s = Status(i)
			return nil
		}
	}
	return fmt.Errorf("tracking: unknown status %q", b)
}
