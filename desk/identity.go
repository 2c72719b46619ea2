package desk

import (
	"slices"
	"strings"

	"github.com/switchboard-go/switchboard/identity"
)

// CardFromIdentity turns identity's customer card into the desk's view. Pass
// a masked card (identity.Registry.Card masks unless revealed): the console
// shows names and contacts as they are. A "vip" tier or tag makes a VIP
// conversation and identity's "priority" tag a priority one. Orders counts
// the latest orders the card lists; Spend is the first currency of the
// card's 180-day spend. A nil card gives the zero Card.
//
// A shop's CardSource finds the profile of an address and calls it:
//
//	cards := desk.CardFunc(func(ctx context.Context, a channel.Address) (desk.Card, error) {
//		id, err := myProfileID(ctx, a)
//		if err != nil {
//			return desk.Card{}, err
//		}
//		c, err := registry.Card(ctx, id, orders)
//		return desk.CardFromIdentity(c), err
//	})
func CardFromIdentity(c *identity.Card) Card {
	if c == nil {
		return Card{}
	}
	out := Card{Tier: c.Tier, Orders: len(c.Orders), Tags: slices.Clone(c.Tags)}
	if len(c.Names) > 0 {
		out.Name = c.Names[0]
	}
	switch {
	case len(c.Phones) > 0:
		out.Contact = c.Phones[0]
	case len(c.Emails) > 0:
		out.Contact = c.Emails[0]
	}
	out.VIP = strings.EqualFold(c.Tier, "vip") || slices.Contains(c.Tags, "vip")
	if len(c.Spend180d) > 0 {
		out.Spend, out.Currency = c.Spend180d[0].Amount, c.Spend180d[0].Currency
	}
	for _, i := range c.PastIssues {
		if i.Summary != "" {
			out.PastIssues = append(out.PastIssues, i.Summary)
		}
	}
	out.Preferences = slices.Clone(c.ContactPrefs)
	if c.Language != "" {
		out.Preferences = append(out.Preferences, "language "+c.Language)
	}
	return out
}
