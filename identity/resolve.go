package identity

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/switchboard-go/switchboard/channel"
)

// Hints are what else is known about the sender of a message: what the
// platform said (profile name, a business-scoped id) and what the customer
// typed (a phone number, an email, an order number). Resolve uses them only
// for customers who accepted the privacy notice.
type Hints struct {
	// Scope is the scope of the address (see Link); empty means
	// Config.Scopes[addr.Channel].
	Scope string
	// Name is the customer's name as the platform or the customer gave it.
	Name string
	// Phone is a phone number in any form NormalizePhone accepts with
	// Config.DefaultRegion. Invalid or blocked numbers are ignored.
	Phone string
	// Email is an email address; invalid or blocked ones are ignored.
	Email string
	// OrderID is an order number the customer gave.
	OrderID string
	// Links are more identities of the same sender that the platform
	// vouches for: a WeChat unionid, a WhatsApp business-scoped user id.
	Links []Link
	// Language is the customer's language (BCP 47), set when unknown.
	Language string
}

func (h Hints) empty() bool {
	return h.Name == "" && h.Phone == "" && h.Email == "" && h.OrderID == "" &&
		len(h.Links) == 0 && h.Language == ""
}

// Resolve returns the profile of the sender at addr: a masked copy.
//
// Until the customer accepted the privacy notice (RecordConsent), it returns
// an anonymous profile, not stored, keyed by the address (the same ID for
// the same address) and holding only its link: nothing is linked or
// enriched, and hints are ignored.
//
// For a customer who accepted, hints enrich the profile, and a hint that
// matches another profile exactly on a normalized key (phone, email, order
// number, link) merges the two, the older one surviving. Over-linking is
// guarded: invalid and blocked identifiers are ignored; a phone, email or
// order whose profile carries a name that disagrees, or that several
// profiles share, goes to review (ReviewSharedIdentifier) instead of
// merging; identifiers beyond MaxPhones, MaxEmails or MaxLinks go to review
// (ReviewTooMany).
//
// Errors: ErrInvalidAddress, and the Store's errors.
func (r *Registry) Resolve(ctx context.Context, addr channel.Address, h Hints) (*Profile, error) {
	if addr.Channel == "" || addr.ID == "" {
		return nil, ErrInvalidAddress
	}
	link := r.linkFor(addr, h.Scope)
	p, err := r.byLink(ctx, link)
	if err != nil {
		return nil, err
	}
	if p == nil {
		return anonymous(link), nil
	}
	if !h.empty() {
		r.mu.Lock()
		p, err = r.enrich(ctx, link, h)
		r.mu.Unlock()
		if err != nil {
			return nil, err
		}
	}
	r.mask(p)
	return p, nil
}

// anonymous is the stand-in profile of a customer without consent.
func anonymous(l Link) *Profile {
	return &Profile{ID: "anon-" + hashKey(l.key())[:32], Anonymous: true, Links: []Link{l}}
}

// byLink returns the surviving profile linked to l, or nil.
func (r *Registry) byLink(ctx context.Context, l Link) (*Profile, error) {
	hits, err := r.keyStore.Lookup(ctx, l.key(), 0)
	if err != nil || len(hits) == 0 {
		return nil, err
	}
	return r.survivor(ctx, hits[0].ID)
}

// RecordConsent records that the customer at addr accepted the privacy
// notice and returns the profile, created if needed, enriched with h (see
// Resolve), masked. A later consent replaces an earlier one.
//
// Errors: ErrInvalidAddress; ErrInvalidConsent when c has no Version or no
// time, or its Phrase is not empty and not an acceptance (IsAcceptance);
// ErrErased when the customer's data was erased after c.At — a replayed
// consent does not bring erased data back, only a new one does.
func (r *Registry) RecordConsent(ctx context.Context, addr channel.Address, c Consent, h Hints) (*Profile, error) {
	if addr.Channel == "" || addr.ID == "" {
		return nil, ErrInvalidAddress
	}
	if !c.Accepted() || (c.Phrase != "" && !IsAcceptance(c.Phrase)) {
		return nil, ErrInvalidConsent
	}
	link := r.linkFor(addr, h.Scope)
	if err := r.checkErased(ctx, c, link.key()); err != nil {
		return nil, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	p, err := r.byLink(ctx, link)
	if err != nil {
		return nil, err
	}
	now := r.now()
	created := p == nil
	if created {
		p = &Profile{ID: r.newID(), Links: []Link{link}, Created: now}
	}
	if !p.Consent.Accepted() || c.At.After(p.Consent.At) {
		p.Consent = c
	}
	p.Updated = now
	if err := r.put(ctx, p); err != nil {
		return nil, err
	}
	if created && addr.Channel == channel.WhatsApp {
		// A wa_id is the customer's phone number: link it like a typed one.
		if e, err := NormalizeWAID(addr.ID); err == nil && !r.blockedPhone(e) {
			if _, err := r.attach(ctx, p, Key{KeyPhone, e}, addr.ID, string(channel.WhatsApp)); err != nil {
				return nil, err
			}
		}
	}
	// enrich reloads the profile by its link: attach may have merged it.
	if p, err = r.enrich(ctx, link, h); err != nil {
		return nil, err
	}
	r.mask(p)
	return p, nil
}

// checkErased fails with ErrErased when one of keys was erased at or after
// the consent's time.
func (r *Registry) checkErased(ctx context.Context, c Consent, keys ...Key) error {
	for _, k := range keys {
		at, ok, err := r.erased.Tombstone(ctx, hashKey(k))
		if err != nil {
			return err
		}
		if ok && !c.At.After(at) {
			return ErrErased
		}
	}
	return nil
}

// enrich applies h to the profile linked to link; r.mu must be held. It
// returns the surviving profile, unmasked.
func (r *Registry) enrich(ctx context.Context, link Link, h Hints) (*Profile, error) {
	p, err := r.byLink(ctx, link)
	if err != nil {
		return nil, err
	}
	if p == nil || !p.Consent.Accepted() {
		return nil, ErrNoConsent
	}
	changed := false
	if h.Name != "" && !hasName(p.Names, h.Name) && len(p.Names) < maxIndexedNames {
		p.Names = append(p.Names, h.Name)
		changed = true
	}
	if h.Language != "" && p.Language == "" {
		p.Language, changed = h.Language, true
	}
	if changed {
		p.Updated = r.now()
		if err := r.put(ctx, p); err != nil {
			return nil, err
		}
	}
	if h.Phone != "" {
		if e, err := r.normalizePhone(h.Phone); err == nil && !r.blockedPhone(e) {
			if p, err = r.attach(ctx, p, Key{KeyPhone, e}, h.Phone, "hint"); err != nil {
				return nil, err
			}
		}
	}
	if h.Email != "" {
		if e := normalizeEmail(h.Email); validEmail(e) && !r.blocked[Key{KeyEmail, e}] {
			if p, err = r.attach(ctx, p, Key{KeyEmail, e}, "", "hint"); err != nil {
				return nil, err
			}
		}
	}
	if h.OrderID != "" {
		if p, err = r.attach(ctx, p, Key{KeyOrder, h.OrderID}, "", "hint"); err != nil {
			return nil, err
		}
	}
	for _, l := range h.Links {
		if l.Channel == "" || l.ID == "" {
			continue
		}
		if p, err = r.attach(ctx, p, l.key(), "", "hint"); err != nil {
			return nil, err
		}
	}
	return p, nil
}

func hasName(names []string, name string) bool {
	n := NormalizeName(name)
	return slices.ContainsFunc(names, func(m string) bool { return NormalizeName(m) == n })
}

// attach links identifier k to p: merges with the profile that has it when
// that is safe, adds it to p when nobody has it, or queues a review. It
// returns the surviving profile.
func (r *Registry) attach(ctx context.Context, p *Profile, k Key, raw, source string) (*Profile, error) {
	hits, err := r.keyStore.Lookup(ctx, k, 0)
	if err != nil {
		return nil, err
	}
	var owners []*Profile
	ids := make([]string, 0, len(hits))
	for _, h := range hits {
		ids = append(ids, h.ID)
		o, err := r.survivor(ctx, h.ID)
		if err != nil {
			return nil, err
		}
		if o.ID != p.ID && !slices.ContainsFunc(owners, func(x *Profile) bool { return x.ID == o.ID }) {
			owners = append(owners, o)
		}
	}
	field := keyField(k.Kind)
	switch {
	case len(owners) == 0:
		if slices.Contains(ids, p.ID) || k.Kind == KeyOrder {
			return p, nil // p has it already; an unknown order number adds nothing
		}
		if r.overLimit(p, k.Kind, 1) {
			return p, r.addReview(ctx, ReviewTooMany, field, []string{k.Value}, p.ID)
		}
		switch k.Kind {
		case KeyPhone:
			p.Phones = append(p.Phones, Phone{E164: k.Value, Raw: raw, Source: source})
		case KeyEmail:
			p.Emails = append(p.Emails, k.Value)
		case KeyLink:
			p.Links = append(p.Links, linkOfKey(k))
		}
		p.Updated = r.now()
		return p, r.put(ctx, p)
	case len(owners) > 1:
		return p, r.addReview(ctx, ReviewSharedIdentifier, field, []string{k.Value}, append([]string{p.ID}, ids...)...)
	}
	o := owners[0]
	// A link is the platform's word that both are one person; a phone,
	// email or order typed by a customer is not, when the names disagree.
	if k.Kind != KeyLink && !r.namesAgree(p, o) {
		return p, r.addReview(ctx, ReviewSharedIdentifier, field, []string{k.Value}, p.ID, o.ID)
	}
	if r.overLimit(o, KeyPhone, distinctPhones(o, p)) || r.overLimit(o, KeyEmail, distinctEmails(o, p)) ||
		r.overLimit(o, KeyLink, distinctLinks(o, p)) {
		return p, r.addReview(ctx, ReviewTooMany, field, []string{k.Value}, p.ID, o.ID)
	}
	keep, dup := o, p // the older profile survives
	if p.Created.Before(o.Created) {
		keep, dup = p, o
	}
	if _, err := r.merge(ctx, keep, dup); err != nil {
		return nil, err
	}
	return r.survivor(ctx, keep.ID)
}

// namesAgree reports whether two profiles may be one person by name: one of
// them has no name, or some pair of names is similar enough (exact for
// short CJK names).
func (r *Registry) namesAgree(a, b *Profile) bool {
	if len(a.Names) == 0 || len(b.Names) == 0 {
		return true
	}
	for _, x := range a.normNames() {
		for _, y := range b.normNames() {
			s := similarity(x, y)
			if s == 1 || (s >= r.threshold && !(shortCJK(x) && shortCJK(y))) {
				return true
			}
		}
	}
	return false
}

// overLimit reports whether adding n identifiers of kind to p exceeds the
// per-profile limit.
func (r *Registry) overLimit(p *Profile, kind KeyKind, n int) bool {
	switch kind {
	case KeyPhone:
		return len(p.Phones)+n > r.maxPhones
	case KeyEmail:
		return len(p.Emails)+n > r.maxEmails
	case KeyLink:
		return len(p.Links)+n > r.maxLinks
	}
	return false
}

func distinctPhones(into, from *Profile) int {
	n := 0
	for _, ph := range from.Phones {
		if !into.hasPhone(ph.E164) {
			n++
		}
	}
	return n
}

func distinctEmails(into, from *Profile) int {
	n := 0
	for _, e := range from.Emails {
		if !slices.Contains(into.Emails, e) {
			n++
		}
	}
	return n
}

func distinctLinks(into, from *Profile) int {
	n := 0
	for _, l := range from.Links {
		if !into.hasLink(l) {
			n++
		}
	}
	return n
}

func keyField(k KeyKind) string {
	switch k {
	case KeyPhone:
		return "phone"
	case KeyEmail:
		return "email"
	case KeyOrder:
		return "order"
	case KeyLink:
		return "link"
	}
	return "block"
}

// linkOfKey inverts Link.key.
func linkOfKey(k Key) Link {
	var parts [3]string
	rest := k.Value
	for i := range 2 {
		j := strings.IndexByte(rest, 0x1f)
		if j < 0 {
			break
		}
		parts[i], rest = rest[:j], rest[j+1:]
	}
	parts[2] = rest
	return Link{Channel: channel.Kind(parts[0]), Scope: parts[1], ID: parts[2]}
}

// Import stores a profile the shop already knows (from its shop system,
// with consent obtained there) and returns its ID. Phones are normalized
// from Raw with Config.DefaultRegion when E164 is empty and validated
// otherwise; emails are normalized; a missing ID is assigned.
//
// Errors: ErrNoConsent when p.Consent is not accepted; ErrErased when one of
// its identifiers was erased after the consent; the phone errors; ErrLinkTaken
// when another profile has one of its links.
func (r *Registry) Import(ctx context.Context, p Profile) (string, error) {
	if !p.Consent.Accepted() {
		return "", ErrNoConsent
	}
	c := p.Clone()
	c.MergedInto, c.Anonymous, c.Merges = "", false, nil
	for i, ph := range c.Phones {
		in := ph.E164
		if in == "" {
			in = ph.Raw
		}
		e, err := NormalizePhone(in, r.region)
		if err != nil {
			return "", fmt.Errorf("identity: Import phone %d: %w", i, err)
		}
		c.Phones[i].E164 = e
	}
	for i, e := range c.Emails {
		c.Emails[i] = normalizeEmail(e)
	}
	now := r.now()
	c.normalize()
	if c.ID == "" {
		c.ID = r.newID()
	}
	if c.Created.IsZero() {
		c.Created = now
	}
	c.Updated = now
	keys := r.keys(c)
	for _, k := range keys {
		if k.Kind == KeyBlock || k.Kind == KeyOrder {
			continue
		}
		if err := r.checkErased(ctx, c.Consent, k.Key); err != nil {
			return "", err
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, err := r.profiles.GetProfile(ctx, c.ID); err == nil {
		return "", fmt.Errorf("identity: Import: profile %s exists", c.ID)
	} else if !errors.Is(err, ErrNotFound) {
		return "", err
	}
	for _, l := range c.Links {
		hits, err := r.keyStore.Lookup(ctx, l.key(), 0)
		if err != nil {
			return "", err
		}
		if len(hits) > 0 {
			return "", ErrLinkTaken
		}
	}
	if err := r.profiles.PutProfile(ctx, c); err != nil {
		return "", err
	}
	return c.ID, r.keyStore.SetKeys(ctx, c.ID, keys)
}

// update applies fn to the surviving profile of id under the write lock.
func (r *Registry) update(ctx context.Context, id string, fn func(*Profile)) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	p, err := r.survivor(ctx, id)
	if err != nil {
		return err
	}
	if !p.Consent.Accepted() {
		return ErrNoConsent
	}
	fn(p)
	p.Updated = r.now()
	return r.put(ctx, p)
}

// SetField sets a field of profile id (following merges) unless the profile
// holds a value modified later. A zero f.Modified means now.
// Errors: ErrNotFound, ErrNoConsent.
func (r *Registry) SetField(ctx context.Context, id string, f Field) error {
	if f.Modified == 0 {
		f.Modified = r.now().UnixMilli()
	}
	return r.update(ctx, id, func(p *Profile) {
		for i, g := range p.Fields {
			if g.Name == f.Name {
				if f.Modified >= g.Modified {
					p.Fields[i] = f
				}
				return
			}
		}
		p.Fields = append(p.Fields, f)
	})
}

// AddOrder records an order of profile id (following merges); an order
// with the same ID replaces the earlier one.
// Errors: ErrNotFound, ErrNoConsent.
func (r *Registry) AddOrder(ctx context.Context, id string, o Order) error {
	return r.update(ctx, id, func(p *Profile) {
		for i, q := range p.Orders {
			if o.ID != "" && q.ID == o.ID {
				p.Orders[i] = o
				return
			}
		}
		p.Orders = append(p.Orders, o)
	})
}

// AddInteraction appends to the conversation history of profile id
// (following merges). Errors: ErrNotFound, ErrNoConsent.
func (r *Registry) AddInteraction(ctx context.Context, id string, in Interaction) error {
	return r.update(ctx, id, func(p *Profile) { p.History = append(p.History, in) })
}

// SetTier sets the tier and adds tags of profile id (following merges).
// Errors: ErrNotFound, ErrNoConsent.
func (r *Registry) SetTier(ctx context.Context, id, tier string, tags ...string) error {
	return r.update(ctx, id, func(p *Profile) {
		p.Tier = tier
		for _, t := range tags {
			if !slices.Contains(p.Tags, t) {
				p.Tags = append(p.Tags, t)
			}
		}
	})
}

// SetContactPrefs replaces the contact preferences of profile id
// (following merges), e.g. "no contact at weekends"; the customer card
// shows them. Errors: ErrNotFound, ErrNoConsent.
func (r *Registry) SetContactPrefs(ctx context.Context, id string, prefs ...string) error {
	return r.update(ctx, id, func(p *Profile) { p.ContactPrefs = slices.Clone(prefs) })
}
