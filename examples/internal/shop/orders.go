package shop

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/switchboard-go/switchboard/autoreply/catalog"
	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/tracking"
)

// Order is what the shop's order system knows about one order.
type Order struct {
	Number   string
	Customer channel.Address
	Carrier  tracking.Carrier
	Tracking string
	SKU      string
}

// Orders is the shop's order book. It is safe for concurrent use.
type Orders struct {
	mu       sync.RWMutex
	byNumber map[string]Order
}

// NewOrders returns an order book holding os.
func NewOrders(os ...Order) *Orders {
	o := &Orders{byNumber: make(map[string]Order)}
	for _, x := range os {
		o.Add(x)
	}
	return o
}

// Add records an order.
func (o *Orders) Add(x Order) {
	o.mu.Lock()
	o.byNumber[x.Number] = x
	o.mu.Unlock()
}

// Find looks an order up by its number; customers often type only its last
// digits, so a unique suffix of at least 6 digits matches too.
func (o *Orders) Find(number string) (Order, bool) {
	o.mu.RLock()
	defer o.mu.RUnlock()
	if x, ok := o.byNumber[number]; ok {
		return x, true
	}
	if len(number) < 6 {
		return Order{}, false
	}
	var found Order
	n := 0
	for k, x := range o.byNumber {
		if strings.HasSuffix(k, number) {
			found, n = x, n+1
		}
	}
	return found, n == 1
}

// errUnknownOrder is what the lookup answers for an order number the shop
// does not know; the engine keeps waiting for a correct one.
var errUnknownOrder = errors.New("shop: unknown order number")

type lookupKey struct{}

// lookupSlot carries the shipment a lookup found from the engine's callback
// back to HandleEvent, with its types intact (times stay times, so the
// catalog formats them per locale).
type lookupSlot struct{ shipment *tracking.Shipment }

func withLookup(ctx context.Context) context.Context {
	return context.WithValue(ctx, lookupKey{}, &lookupSlot{})
}

func lookupResult(ctx context.Context) *tracking.Shipment {
	if s, ok := ctx.Value(lookupKey{}).(*lookupSlot); ok {
		return s.shipment
	}
	return nil
}

// track is the engine's "track" lookup: order number → carrier status.
func (s *Shop) track(ctx context.Context, _ channel.Address, number string) (map[string]string, error) {
	if s.cfg.Orders == nil {
		return nil, errUnknownOrder
	}
	o, ok := s.cfg.Orders.Find(number)
	if !ok {
		return nil, fmt.Errorf("%w: %q", errUnknownOrder, number)
	}
	t, ok := s.cfg.Trackers[o.Carrier]
	if !ok {
		return nil, fmt.Errorf("shop: no tracker for carrier %q", o.Carrier)
	}
	sh, err := t.Track(ctx, o.Tracking)
	if err != nil {
		return nil, fmt.Errorf("shop: track %s: %w", o.Carrier, err)
	}
	if slot, ok := ctx.Value(lookupKey{}).(*lookupSlot); ok {
		slot.shipment = sh
	}
	return map[string]string{"order_number": o.Number, "tracking_number": sh.Number}, nil
}

// addShipmentVars fills the variables the shipping and tracking templates
// use. The status is the carrier's own description (carriers write it in
// English), with the normalized status when the carrier gave none.
func addShipmentVars(v catalog.Vars, sh *tracking.Shipment, now time.Time, zone *time.Location) {
	if zone == nil {
		zone = time.UTC
	}
	v["tracking_number"] = sh.Number
	v["carrier"] = strings.ToUpper(string(sh.Carrier))
	v["status"] = cmp.Or(sh.RawDescription, sh.Status.String())
	v["signer"] = cmp.Or(sh.Signer, "-")
	updated := sh.LastUpdate
	if updated.IsZero() {
		updated = sh.FetchedAt
	}
	v["updated_at"] = updated.In(zone)
	v["delivered_at"] = updated.In(zone)
	v["days"] = int(now.Sub(updated).Hours() / 24)
}
