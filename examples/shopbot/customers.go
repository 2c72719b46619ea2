package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/identity"
)

// recordInbound writes every customer message the shop handled into the
// customer's one thread across channels. Customers who have not accepted
// the privacy notice have no thread (identity.ErrNoConsent).
func recordInbound(people *identity.Registry, next channel.Handler) channel.Handler {
	return channel.HandlerFunc(func(ctx context.Context, e channel.Event) error {
		if err := next.HandleEvent(ctx, e); err != nil {
			return err
		}
		if e.Type != channel.EventMessage || e.Message == nil {
			return nil
		}
		m := e.Message
		_, err := people.Record(ctx, m.From, "", identity.ThreadMessage{Direction: identity.Inbound,
			Sender: identity.SenderCustomer, At: m.Time, MessageID: m.ID, Text: m.Text, Media: mediaRef(m)})
		if errors.Is(err, identity.ErrNoConsent) {
			return nil
		}
		return err
	})
}

// recordOutbound writes every message the bot sent into the thread.
func recordOutbound(people *identity.Registry, next channel.Sender) channel.Sender {
	return channel.SenderFunc(func(ctx context.Context, m *channel.Message) (channel.Receipt, error) {
		r, err := next.Send(ctx, m)
		if err != nil {
			return r, err
		}
		text := m.Text
		if m.Template != nil {
			text = "[template " + m.Template.Name + "]"
		}
		_, rerr := people.Record(ctx, m.To, "", identity.ThreadMessage{Direction: identity.Outbound,
			Sender: identity.SenderBot, MessageID: r.MessageID, Text: text, Media: mediaRef(m)})
		if rerr != nil && !errors.Is(rerr, identity.ErrNoConsent) {
			return r, fmt.Errorf("sent, but not recorded in the thread: %w", rerr)
		}
		return r, nil
	})
}

func mediaRef(m *channel.Message) string {
	if m.Media == nil {
		return ""
	}
	return cmp.Or(m.Media.URL, m.Media.ID)
}

// orderBook is the shop's order system as the customer card sees it: it
// implements identity.OrderLookup by the customer's channel links.
type orderBook struct{ orders []bookedOrder }

type bookedOrder struct {
	customer channel.Address
	info     identity.OrderInfo
}

func (b *orderBook) add(c channel.Address, o identity.OrderInfo) {
	b.orders = append(b.orders, bookedOrder{customer: c, info: o})
}

// OrdersOf implements identity.OrderLookup.
func (b *orderBook) OrdersOf(_ context.Context, p *identity.Profile, since time.Time) ([]identity.OrderInfo, error) {
	var out []identity.OrderInfo
	for _, o := range b.orders {
		mine := slices.ContainsFunc(p.Links, func(l identity.Link) bool {
			return l.Channel == o.customer.Channel && l.ID == o.customer.ID
		})
		if mine && !o.info.At.Before(since) {
			out = append(out, o.info)
		}
	}
	return out, nil
}

// seedHistory gives the demo's returning customers what the shop knew
// before today: Lucía is a Gold customer with three orders, two of them
// returned lately, and a past question about returns.
func (w *world) seedHistory(ctx context.Context) error {
	day := 24 * time.Hour
	lu := lucia.address()
	w.book.add(lu, identity.OrderInfo{ID: "47120388", At: start.Add(-9 * day), Amount: 89900, Currency: "EUR", Status: "shipped"})
	w.book.add(lu, identity.OrderInfo{ID: "46998213", At: start.Add(-35 * day), Amount: 45900, Currency: "EUR", Status: "refunded", ReturnedAt: start.Add(-25 * day)})
	w.book.add(lu, identity.OrderInfo{ID: "46811072", At: start.Add(-60 * day), Amount: 12900, Currency: "EUR", Status: "refunded", ReturnedAt: start.Add(-48 * day)})
	w.book.add(ada.address(), identity.OrderInfo{ID: "48213957", At: start.Add(-3 * day), Amount: 129900, Currency: "HKD", Status: "shipped"})

	reg := w.shop.Identity()
	p, err := reg.Resolve(ctx, lu, identity.Hints{})
	if err != nil {
		return err
	}
	if err := reg.SetTier(ctx, p.ID, "Gold"); err != nil {
		return err
	}
	if err := reg.SetContactPrefs(ctx, p.ID, "no contact at weekends"); err != nil {
		return err
	}
	return reg.AddInteraction(ctx, p.ID, identity.Interaction{At: time.Date(2026, 10, 15, 11, 0, 0, 0, hongKong),
		Link: identity.Link{Channel: lu.Channel, ID: lu.ID}, Summary: "asked about returns"})
}

// showCard prints the customer card the person taking over sees: masked,
// since seeing the customer's details needs an audited reason.
func (w *world) showCard(ctx context.Context, c customer) error {
	reg := w.shop.Identity()
	p, err := reg.Resolve(ctx, c.address(), identity.Hints{})
	if err != nil {
		return err
	}
	if p.Anonymous {
		w.note("hand-off: no customer card (the customer has not accepted the privacy notice)")
		return nil
	}
	card, err := reg.Card(ctx, p.ID, w.book)
	if err != nil {
		return err
	}
	msgs, _, err := reg.Thread(ctx, p.ID, identity.ThreadCursor{}, 100)
	if err != nil {
		return err
	}
	var chans []string
	for _, m := range msgs {
		if ch := string(m.Link.Channel); !slices.Contains(chans, ch) {
			chans = append(chans, ch)
		}
	}
	w.note("hand-off: the person taking over sees")
	for _, l := range card.Lines(hongKong) {
		w.line("             | " + l)
	}
	w.line(fmt.Sprintf("             | thread: %d messages (%s)", len(msgs), strings.Join(chans, ", ")))
	return nil
}
