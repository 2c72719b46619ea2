package notify

import (
	"time"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/tracking"
)

// The template keys FromChange gives its notices; the shop's catalog holds a
// text per locale (and the WhatsApp approved template) for each.
const (
	KeyParcelStatus         = "parcel_status"
	KeyParcelOutForDelivery = "parcel_out_for_delivery"
	KeyParcelCustomsHold    = "parcel_customs_hold"
	KeyParcelException      = "parcel_exception"
	KeyParcelDelivered      = "parcel_delivered"
	KeyParcelNoUpdate       = "parcel_no_update"
)

// FromChange turns a tracking poller's change into a transactional notice
// to the customer at to (customer is the profile id for the cap, and may be
// empty), taken at now. New events without a status change give no notice
// (ok false): customers are told about a new state, not every scan.
//
// Notices of one parcel share a coalesce key, so a newer status replaces an
// older one still waiting for quiet hours to end. A notice expires after 3
// days: an old parcel status is noise.
func FromChange(c tracking.Change, to channel.Address, customer string, now time.Time) (Notice, bool) {
	n := Notice{
		To:          to,
		Customer:    customer,
		Kind:        Transactional,
		CoalesceKey: "parcel\x00" + string(c.Carrier) + "\x00" + c.Number,
		ExpiresAt:   now.Add(72 * time.Hour),
		Vars: map[string]string{
			"carrier":         string(c.Carrier),
			"tracking_number": c.Number,
			"order_number":    c.Ref,
		},
	}
	switch c.Kind {
	case tracking.StatusChanged:
		n.Vars["status"] = c.To.String()
		n.ID = string(c.Carrier) + ":" + c.Number + ":status:" + c.To.String()
		switch c.To {
		case tracking.StatusOutForDelivery:
			n.TemplateKey = KeyParcelOutForDelivery
		case tracking.StatusCustomsHeld:
			n.TemplateKey = KeyParcelCustomsHold
		case tracking.StatusException, tracking.StatusFailedAttempt, tracking.StatusLost:
			n.TemplateKey = KeyParcelException
		case tracking.StatusDelivered:
			n.TemplateKey = KeyParcelDelivered
		case tracking.StatusUnknown:
			return Notice{}, false
		default:
			n.TemplateKey = KeyParcelStatus
		}
	case tracking.BecameStale:
		if !c.Stale.Stale() {
			return Notice{}, false
		}
		n.TemplateKey = KeyParcelNoUpdate
		n.ID = string(c.Carrier) + ":" + c.Number + ":stale:" + c.Stale.Since.UTC().Format(time.RFC3339)
	default:
		return Notice{}, false
	}
	return n, true
}
