package shop

import (
	"context"
	"fmt"

	"github.com/switchboard-go/switchboard/autoreply"
	"github.com/switchboard-go/switchboard/autoreply/catalog"
	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/tracking"
)

// noticeKey is the reply key that tells a customer about a parcel change.
func noticeKey(sh *tracking.Shipment, stale bool) string {
	if stale {
		return "tracking.stale"
	}
	switch sh.Status {
	case tracking.StatusDelivered:
		return "tracking.delivered"
	case tracking.StatusOutForDelivery:
		return "tracking.out_for_delivery"
	case tracking.StatusCustomsHeld:
		return "tracking.customs"
	case tracking.StatusException, tracking.StatusLost, tracking.StatusFailedAttempt, tracking.StatusReturned:
		return "tracking.exception"
	default:
		return "tracking.shipped"
	}
}

// Notify tells the customer of order o what happened to its parcel, without
// being asked: as text inside the customer-service window, as the approved
// template outside it (the only thing the platform allows there). It returns
// how it was sent ("text" or "template").
func (s *Shop) Notify(ctx context.Context, o Order, sh *tracking.Shipment, stale bool) (string, error) {
	key := noticeKey(sh, stale)
	vars := catalog.Vars{"order_number": o.Number}
	addShipmentVars(vars, sh, s.now(), s.cfg.TimeZone)
	prefs := s.languages(o.Customer, "", autoreply.Decision{}, nil)
	if s.windows.Open(o.Customer) {
		text, _, err := s.cfg.Replies.Render(key, prefs, vars)
		if err != nil {
			return "", err
		}
		if _, err := s.send(ctx, &channel.Message{To: o.Customer, Text: text}); err != nil {
			s.fail(o.Customer, key, err)
			return "", err
		}
		s.count.notices.Add(1)
		return "text", nil
	}
	tmpl, err := s.cfg.Replies.Platform(key, prefs, vars)
	if err != nil {
		return "", fmt.Errorf("shop: window closed and no approved template for %s: %w", key, err)
	}
	if _, err := s.send(ctx, &channel.Message{To: o.Customer, Template: tmpl}); err != nil {
		s.fail(o.Customer, key, err)
		return "", err
	}
	s.count.notices.Add(1)
	return "template", nil
}
