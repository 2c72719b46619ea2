package shop

import (
	"context"
	"fmt"
	"time"

	"github.com/switchboard-go/switchboard/autoreply"
	"github.com/switchboard-go/switchboard/autoreply/catalog"
	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/notify"
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
// being asked. The notice planner decides how: as text inside the
// customer-service window, as the approved template outside it on
// WhatsApp, as a tagged message on Messenger, as a push on LINE; it refuses
// WeChat outside its 48 h window. It returns how it was sent ("text",
// "tagged text", "template"), or an error saying why it was not.
func (s *Shop) Notify(ctx context.Context, o Order, sh *tracking.Shipment, stale bool) (string, error) {
	key := noticeKey(sh, stale)
	now := s.now()
	ds, err := s.notices.Plan(ctx, notify.Notice{
		ID: o.Number + "/" + key + "/" + now.UTC().Format(time.RFC3339), To: o.Customer,
		Kind: notify.Transactional, CoalesceKey: "parcel/" + o.Number, TemplateKey: key,
		ExpiresAt: now.Add(72 * time.Hour),
	})
	if err != nil {
		return "", err
	}
	d := ds[len(ds)-1]
	if d.Action != notify.Send {
		return "", fmt.Errorf("shop: notice %s for order %s: %s (%s)", key, o.Number, d.Action, d.Reason)
	}
	vars := catalog.Vars{"order_number": o.Number}
	addShipmentVars(vars, sh, now, s.cfg.TimeZone)
	prefs := s.languages(o.Customer, "", autoreply.Decision{}, nil)
	m := &channel.Message{To: o.Customer, Tag: d.Tag}
	how := "text"
	if d.Route == notify.Template {
		m.Template, err = s.cfg.Replies.Platform(key, prefs, vars)
		if err != nil {
			return "", fmt.Errorf("shop: window closed and no approved template for %s: %w", key, err)
		}
		how = "template"
	} else {
		m.Text, _, err = s.cfg.Replies.Render(key, prefs, vars)
		if err != nil {
			return "", err
		}
		if d.Tag != "" {
			how = "tagged text"
		}
	}
	if _, err := s.send(ctx, m); err != nil {
		s.fail(ctx, m, key, err)
		return "", err
	}
	s.count.notices.Add(1)
	return how, nil
}
