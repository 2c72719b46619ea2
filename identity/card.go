package identity

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// OrderInfo is one order as the shop's order system reports it.
type OrderInfo struct {
	ID       string    // the order number; the card masks it
	At       time.Time // when it was placed
	Amount   int64     // in the currency's minor unit (cents)
	Currency string    // ISO 4217
	// Status is the shop's word for where the order is: "paid",
	// "shipped", "delivered", "refunded"…
	Status string
	// ReturnedAt is when the customer returned the order (or part of
	// it); zero when not returned.
	ReturnedAt time.Time
}

// OrderLookup is implemented by the shop, so that the customer card shows
// the orders of its own order system.
type OrderLookup interface {
	// OrdersOf returns the orders of the customer p (an unmasked copy:
	// its phones, emails, links and order ids) placed at or after since,
	// in any order.
	OrdersOf(ctx context.Context, p *Profile, since time.Time) ([]OrderInfo, error)
}

// OrderLookupFunc adapts a function to OrderLookup.
type OrderLookupFunc func(ctx context.Context, p *Profile, since time.Time) ([]OrderInfo, error)

// OrdersOf implements OrderLookup.
func (f OrderLookupFunc) OrdersOf(ctx context.Context, p *Profile, since time.Time) ([]OrderInfo, error) {
	return f(ctx, p, since)
}

// Tags derived by the customer card, for rules and routing: plain strings,
// beside the tier's tag ("tier:" and the tier in lower case, e.g.
// "tier:gold") and the profile's own Tags.
const (
	// TagRepeatBuyer: at least 3 orders in the last 365 days.
	TagRepeatBuyer = "repeat-buyer"
	// TagPriority: at least 2 returns in the last 90 days; such a
	// customer should reach a person first.
	TagPriority = "priority"
)

// TierTag returns the tag of a tier: "tier:" and the tier in lower case
// ("Gold" → "tier:gold"); "" for no tier.
func TierTag(tier string) string {
	if tier = strings.TrimSpace(tier); tier == "" {
		return ""
	}
	return "tier:" + strings.ToLower(tier)
}

// Card is what the person handling a chat sees at once about the customer.
// Unless Revealed, personal identifiers are masked: names keep their first
// letter, phones their country code and last four digits, emails their
// first letter and domain, order numbers their last four characters.
type Card struct {
	ProfileID string    // the profile the card shows
	Revealed  bool      // false: identifiers are masked
	At        time.Time // when the card was built

	Names        []string // masked unless Revealed
	Phones       []string // E.164, masked unless Revealed
	Emails       []string // masked unless Revealed
	Tier         string   // Profile.Tier; empty means none
	Language     string   // BCP 47
	ContactPrefs []string // e.g. "no contact at weekends"
	// Tags: TierTag(Tier), TagRepeatBuyer, TagPriority when they apply,
	// then the profile's Tags.
	Tags []string

	// Orders are the latest orders, newest first (at most 3).
	Orders []OrderInfo
	// PastIssues are the latest entries of the profile's history with a
	// summary, newest first (at most 5).
	PastIssues []Interaction
	// Complaints90d counts the history entries marked Complaint in the
	// last 90 days.
	Complaints90d int
	// Returns90d counts the orders returned (OrderInfo.ReturnedAt) in the
	// last 90 days.
	Returns90d int
	// Spend180d sums the orders of the last 180 days, per currency.
	Spend180d []Money
}

// Money is an amount in a currency's minor unit.
type Money struct {
	Currency string // ISO 4217
	Amount   int64  // in the currency's minor unit (cents)
}

// String formats m as "HKD 1,299.00" (no decimals for currencies without
// a minor unit, such as JPY).
func (m Money) String() string { return formatMoney(m.Currency, m.Amount) }

// Card limits.
const (
	cardOrders = 3
	cardIssues = 5
)

// Card returns the customer card of profile id (following merges), masked.
// orders may be nil: the card then shows the orders the profile holds.
// Errors: ErrNotFound, the stores' errors and the lookup's, wrapped.
func (r *Registry) Card(ctx context.Context, id string, orders OrderLookup) (*Card, error) {
	p, err := r.survivor(ctx, id)
	if err != nil {
		return nil, err
	}
	c, err := r.card(ctx, p, orders)
	if err != nil {
		return nil, err
	}
	r.maskCard(c)
	return c, nil
}

// RevealCard returns the card unmasked and records who asked and why in
// the profile's access audit, like Reveal. Errors: ErrNoReason, and those
// of Card.
func (r *Registry) RevealCard(ctx context.Context, id string, orders OrderLookup, why Reason) (*Card, error) {
	p, err := r.Reveal(ctx, id, why)
	if err != nil {
		return nil, err
	}
	c, err := r.card(ctx, p, orders)
	if err != nil {
		return nil, err
	}
	c.Revealed = true
	return c, nil
}

// card builds the unmasked card of the unmasked profile p.
func (r *Registry) card(ctx context.Context, p *Profile, lookup OrderLookup) (*Card, error) {
	now := r.now()
	const day = 24 * time.Hour
	var orders []OrderInfo
	if lookup != nil {
		var err error
		if orders, err = lookup.OrdersOf(ctx, p.Clone(), now.Add(-365*day)); err != nil {
			return nil, fmt.Errorf("identity: card: order lookup: %w", err)
		}
	} else {
		for _, o := range p.Orders {
			if !o.At.Before(now.Add(-365 * day)) {
				orders = append(orders, OrderInfo{ID: o.ID, At: o.At, Amount: o.Amount, Currency: o.Currency})
			}
		}
	}
	slices.SortStableFunc(orders, func(a, b OrderInfo) int { return b.At.Compare(a.At) })

	c := &Card{
		ProfileID: p.ID, At: now, Names: slices.Clone(p.Names), Tier: p.Tier, Language: p.Language,
		ContactPrefs: slices.Clone(p.ContactPrefs),
	}
	for _, ph := range p.Phones {
		c.Phones = append(c.Phones, ph.E164)
	}
	c.Emails = slices.Clone(p.Emails)
	c.Orders = slices.Clone(orders[:min(len(orders), cardOrders)])
	for _, o := range orders {
		if !o.ReturnedAt.IsZero() && !o.ReturnedAt.Before(now.Add(-90*day)) {
			c.Returns90d++
		}
		if o.At.Before(now.Add(-180 * day)) {
			continue
		}
		i := slices.IndexFunc(c.Spend180d, func(m Money) bool { return m.Currency == o.Currency })
		if i < 0 {
			c.Spend180d = append(c.Spend180d, Money{Currency: o.Currency})
			i = len(c.Spend180d) - 1
		}
		c.Spend180d[i].Amount += o.Amount
	}
	for i := len(p.History) - 1; i >= 0; i-- {
		h := p.History[i]
		if h.Complaint && !h.At.Before(now.Add(-90*day)) {
			c.Complaints90d++
		}
		if h.Summary != "" && len(c.PastIssues) < cardIssues {
			c.PastIssues = append(c.PastIssues, h)
		}
	}
	slices.SortStableFunc(c.PastIssues, func(a, b Interaction) int { return b.At.Compare(a.At) })
	if t := TierTag(p.Tier); t != "" {
		c.Tags = append(c.Tags, t)
	}
	if len(orders) >= 3 {
		c.Tags = append(c.Tags, TagRepeatBuyer)
	}
	if c.Returns90d >= 2 {
		c.Tags = append(c.Tags, TagPriority)
	}
	c.Tags = union(c.Tags, p.Tags)
	return c, nil
}

// maskCard masks the card's personal identifiers in place.
func (r *Registry) maskCard(c *Card) {
	for i, n := range c.Names {
		c.Names[i] = maskName(n)
	}
	for i, ph := range c.Phones {
		c.Phones[i] = MaskPhone(ph)
	}
	for i, e := range c.Emails {
		c.Emails[i] = MaskEmail(e)
	}
	for i, o := range c.Orders {
		c.Orders[i].ID = maskTail(o.ID)
	}
	for i := range c.PastIssues {
		l := &c.PastIssues[i].Link
		if isDigits(l.ID) {
			l.ID = maskTail(l.ID)
		}
	}
}

// maskName keeps the first letter of each word: "Ada Wong" → "A** W***",
// "王小明" → "王**".
func maskName(s string) string {
	words := strings.Fields(s)
	for i, w := range words {
		r, n := utf8.DecodeRuneInString(w)
		words[i] = string(r) + strings.Repeat("*", min(utf8.RuneCountInString(w[n:]), 4))
	}
	return strings.Join(words, " ")
}

// maskTail keeps the last four characters of an id: "48213957" → "****3957".
func maskTail(s string) string {
	if len(s) <= 4 {
		return "****"
	}
	return "****" + s[len(s)-4:]
}

// Lines renders the card as short lines of text for a chat console or a
// transcript, dates in loc (nil: UTC).
func (c *Card) Lines(loc *time.Location) []string {
	if loc == nil {
		loc = time.UTC
	}
	state := "masked"
	if c.Revealed {
		state = "revealed"
	}
	head := fmt.Sprintf("customer card (%s): %s", state, strings.Join(c.Names, " / "))
	if c.Tier != "" {
		head += " · tier " + c.Tier
	}
	if c.Language != "" {
		head += " · language " + c.Language
	}
	lines := []string{head}
	if len(c.Tags) > 0 {
		lines = append(lines, "tags: "+strings.Join(c.Tags, ", "))
	}
	for _, o := range c.Orders {
		l := fmt.Sprintf("order %s %s %s", o.ID, o.At.In(loc).Format("2/1"), formatMoney(o.Currency, o.Amount))
		if o.Status != "" {
			l += " " + o.Status
		}
		if !o.ReturnedAt.IsZero() {
			l += " (returned " + o.ReturnedAt.In(loc).Format("2/1") + ")"
		}
		lines = append(lines, l)
	}
	for _, h := range c.PastIssues {
		lines = append(lines, fmt.Sprintf("past issue %s: %s", h.At.In(loc).Format("2/1"), h.Summary))
	}
	spend := make([]string, len(c.Spend180d))
	for i, m := range c.Spend180d {
		spend[i] = m.String()
	}
	if len(spend) == 0 {
		spend = []string{"none"}
	}
	lines = append(lines, fmt.Sprintf("complaints 90 days: %d · returns 90 days: %d · spend 180 days: %s",
		c.Complaints90d, c.Returns90d, strings.Join(spend, ", ")))
	if len(c.ContactPrefs) > 0 {
		lines = append(lines, "contact: "+strings.Join(c.ContactPrefs, "; "))
	}
	return lines
}

// zeroDecimal reports whether an ISO 4217 currency has no minor unit.
func zeroDecimal(cur string) bool {
	switch cur {
	case "JPY", "KRW", "VND", "CLP", "ISK", "PYG", "UGX", "XAF", "XOF", "KMF", "RWF", "VUV", "XPF":
		return true
	}
	return false
}

func formatMoney(cur string, minor int64) string {
	neg := minor < 0
	if neg {
		minor = -minor
	}
	units, cents := minor, int64(-1)
	if !zeroDecimal(cur) {
		units, cents = minor/100, minor%100
	}
	s := groupThousands(units)
	if cents >= 0 {
		s += fmt.Sprintf(".%02d", cents)
	}
	if neg {
		s = "-" + s
	}
	return strings.TrimSpace(cur + " " + s)
}

func groupThousands(n int64) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
