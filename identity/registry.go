package identity

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/switchboard-go/switchboard/channel"
)

// Config configures a Registry. The zero value is usable: an in-memory
// store, time.Now, at most 5 phones and 5 emails per profile, similarity
// threshold 0.8, a 90-day window for shared purchases.
type Config struct {
	// Store persists profiles; nil means NewMemoryStore().
	Store Store
	// Clock returns the current time; nil means time.Now.
	Clock channel.Clock
	// DefaultRegion (ISO 3166-1, e.g. "HK") parses national-format phone
	// numbers the customer types; empty accepts international forms only.
	DefaultRegion string
	// Scopes gives the link scope of each channel's addresses when Hints do
	// not: the LINE provider id, the WeChat official account, the Messenger
	// page id, the WhatsApp business account.
	Scopes map[channel.Kind]string

	// MaxPhones, MaxEmails and MaxLinks cap the identifiers one profile
	// collects through Resolve; 0 means 5, 5 and 20. Beyond them, and for
	// merges that would exceed them, the item goes to review instead.
	MaxPhones, MaxEmails, MaxLinks int
	// BlockedPhones are numbers never used to link profiles (the shop's own
	// or test numbers), in any form NormalizePhone accepts with
	// DefaultRegion. Numbers ending in seven equal digits ("+1 555 000
	// 0000") are always blocked: they are placeholders, not customers.
	BlockedPhones []string
	// BlockedEmails are addresses never used to link profiles.
	BlockedEmails []string

	// Threshold is the name similarity (see NameSimilarity) from which two
	// profiles are duplicate candidates; 0 means 0.8. The blocking index is
	// built for it, so changing it needs a fresh store.
	Threshold float64
	// SKUWindow: two profiles that bought the same SKU within it share a
	// blocking key and that counts as evidence; 0 means 90 days.
	SKUWindow time.Duration
	// MaxBlock: a blocking key shared by more profiles than this (a
	// best-selling SKU) is skipped; 0 means 1000.
	MaxBlock int

	// SensitiveFields are Field names masked even when Field.Sensitive is
	// false; nil means "address", "id_number", "payment".
	SensitiveFields []string
	// NewID returns a new unique id for profiles and records; nil means a
	// random UUID v4.
	NewID func() string
}

// Registry answers "who is this customer?": it resolves channel addresses
// to profiles, links identifiers under consent, finds and merges
// duplicates, masks sensitive data and erases customers on request.
//
// A Registry is safe for concurrent use. Reads go straight to the Store;
// writes are serialized by the Registry, so one Registry must own its Store.
type Registry struct {
	store     Store
	now       func() time.Time
	newID     func() string
	region    string
	scopes    map[channel.Kind]string
	maxPhones int
	maxEmails int
	maxLinks  int
	blocked   map[Key]bool
	threshold float64
	skuWindow time.Duration
	maxBlock  int
	sensitive map[string]bool

	// mem is the store when it is a MemoryStore that keeps this
	// Registry's masked views: Resolve and Get read them without copying.
	mem *MemoryStore

	mu sync.Mutex // serializes writes
}

// New returns a Registry. It fails when a blocked phone number does not
// parse or a limit or the threshold is out of range.
func New(cfg Config) (*Registry, error) {
	r := &Registry{
		store:     cfg.Store,
		now:       cfg.Clock,
		newID:     cfg.NewID,
		region:    strings.ToUpper(cfg.DefaultRegion),
		scopes:    make(map[channel.Kind]string, len(cfg.Scopes)),
		maxPhones: orDefault(cfg.MaxPhones, 5),
		maxEmails: orDefault(cfg.MaxEmails, 5),
		maxLinks:  orDefault(cfg.MaxLinks, 20),
		blocked:   make(map[Key]bool),
		threshold: cfg.Threshold,
		skuWindow: cfg.SKUWindow,
		maxBlock:  orDefault(cfg.MaxBlock, 1000),
		sensitive: make(map[string]bool),
	}
	if r.store == nil {
		r.store = NewMemoryStore()
	}
	if r.now == nil {
		r.now = time.Now
	}
	if r.newID == nil {
		r.newID = newUUID
	}
	if r.threshold == 0 {
		r.threshold = 0.8
	}
	if r.threshold < 0.5 || r.threshold > 1 {
		return nil, fmt.Errorf("identity: Threshold %v out of [0.5, 1]", r.threshold)
	}
	if r.skuWindow == 0 {
		r.skuWindow = 90 * 24 * time.Hour
	}
	if r.skuWindow < 0 || r.maxPhones < 0 || r.maxEmails < 0 || r.maxLinks < 0 || r.maxBlock < 0 {
		return nil, fmt.Errorf("identity: negative limit in Config")
	}
	for k, v := range cfg.Scopes {
		r.scopes[k] = v
	}
	for _, raw := range cfg.BlockedPhones {
		e, err := NormalizePhone(raw, r.region)
		if err != nil {
			return nil, fmt.Errorf("identity: BlockedPhones: %w", err)
		}
		r.blocked[Key{KeyPhone, e}] = true
	}
	for _, e := range cfg.BlockedEmails {
		r.blocked[Key{KeyEmail, normalizeEmail(e)}] = true
	}
	sens := cfg.SensitiveFields
	if sens == nil {
		sens = []string{"address", "id_number", "payment"}
	}
	for _, f := range sens {
		r.sensitive[f] = true
	}
	if m, ok := r.store.(*MemoryStore); ok && m.adopt(r) {
		r.mem = m
	}
	return r, nil
}

func orDefault(v, d int) int {
	if v == 0 {
		return d
	}
	return v
}

// Store returns the Registry's store.
func (r *Registry) Store() Store { return r.store }

// newUUID returns a random (version 4) UUID.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

func normalizeEmail(e string) string { return strings.ToLower(strings.TrimSpace(e)) }

// validEmail is a deliberately loose check: one @, a dot in the domain, no
// spaces. Mail delivery is the only real test.
func validEmail(e string) bool {
	at := strings.IndexByte(e, '@')
	return len(e) <= 254 && at > 0 && at == strings.LastIndexByte(e, '@') &&
		strings.Contains(e[at+1:], ".") && !strings.ContainsAny(e, " \t\r\n<>,;")
}

// linkFor returns the link of addr with the scope of h or the configured one.
func (r *Registry) linkFor(addr channel.Address, scope string) Link {
	if scope == "" {
		scope = r.scopes[addr.Channel]
	}
	return Link{Channel: addr.Channel, Scope: scope, ID: addr.ID}
}

// hashKey is the one-way form of an identifier kept after erasure.
func hashKey(k Key) string {
	h := sha256.New()
	h.Write([]byte{byte(k.Kind)})
	h.Write([]byte(k.Value))
	return hex.EncodeToString(h.Sum(nil))
}

// survivor follows MergedInto from id to the profile that absorbed it.
func (r *Registry) survivor(ctx context.Context, id string) (*Profile, error) {
	for range 64 {
		p, err := r.store.Get(ctx, id)
		if err != nil {
			return nil, err
		}
		if p.MergedInto == "" {
			return p, nil
		}
		id = p.MergedInto
	}
	return nil, fmt.Errorf("%w: merge chain too long or looping", ErrCorrupt)
}

// survivorView follows MergedInto from the view v through the store's
// views; nil when v is nil or a view on the way is missing.
func (r *Registry) survivorView(v *Profile) *Profile {
	for range 64 {
		if v == nil || v.MergedInto == "" {
			return v
		}
		v = r.mem.viewByID(v.MergedInto)
	}
	return nil // a loop: the slow path reports ErrCorrupt
}

// view returns p as Get and Resolve show it: masked, sharing with p the
// slices masking leaves alone, every slice clipped so that an append by a
// careless caller cannot write into memory another view shares.
func (r *Registry) view(p *Profile) Profile {
	v := *p
	v.Phones = slices.Clone(p.Phones)
	v.Emails = slices.Clone(p.Emails)
	v.Links = slices.Clone(p.Links)
	v.Fields = slices.Clone(p.Fields)
	r.mask(&v)
	v.Phones, v.Emails, v.Links, v.Fields = slices.Clip(v.Phones), slices.Clip(v.Emails), slices.Clip(v.Links), slices.Clip(v.Fields)
	v.Names, v.Tags, v.Orders = slices.Clip(v.Names), slices.Clip(v.Tags), slices.Clip(v.Orders)
	v.History, v.Merges = slices.Clip(v.History), slices.Clip(v.Merges)
	return v
}

// put stores p with its freshly computed keys.
func (r *Registry) put(ctx context.Context, p *Profile) error {
	return r.store.Put(ctx, p, r.keys(p))
}

// blockedPhone reports whether e164 must never link profiles.
func (r *Registry) blockedPhone(e164 string) bool {
	if r.blocked[Key{KeyPhone, e164}] {
		return true
	}
	digits := e164[1:]
	if len(digits) < 7 {
		return true
	}
	tail := digits[len(digits)-7:] // the subscriber part of any plan
	for i := 1; i < len(tail); i++ {
		if tail[i] != tail[0] {
			return false
		}
	}
	return true
}

// Get returns the masked view of a profile, following merges to the
// survivor. The view is read-only (see Profile). It fails with ErrNotFound.
func (r *Registry) Get(ctx context.Context, id string) (*Profile, error) {
	if r.mem != nil {
		if v := r.survivorView(r.mem.viewByID(id)); v != nil {
			return v, nil
		}
	}
	p, err := r.survivor(ctx, id)
	if err != nil {
		return nil, err
	}
	r.mask(p)
	return p, nil
}

// Reveal returns the unmasked profile (following merges) and records who
// asked and why in its access audit. It fails with ErrNoReason when the
// actor or the purpose is empty, and with ErrNotFound.
func (r *Registry) Reveal(ctx context.Context, id string, why Reason) (*Profile, error) {
	if strings.TrimSpace(why.Actor) == "" || strings.TrimSpace(why.Purpose) == "" {
		return nil, ErrNoReason
	}
	p, err := r.survivor(ctx, id)
	if err != nil {
		return nil, err
	}
	a := Access{ProfileID: p.ID, Actor: why.Actor, Purpose: why.Purpose, At: r.now()}
	if err := r.store.AppendAccess(ctx, a); err != nil {
		return nil, err
	}
	return p, nil
}

// Accesses returns the reveal audit of a profile, oldest first.
func (r *Registry) Accesses(ctx context.Context, id string) ([]Access, error) {
	return r.store.Accesses(ctx, id)
}

// Reviews returns the review queue, oldest first, with phone numbers,
// emails and sensitive values masked.
func (r *Registry) Reviews(ctx context.Context) ([]Review, error) {
	rs, err := r.store.Reviews(ctx)
	if err != nil {
		return nil, err
	}
	for i := range rs {
		for j, v := range rs[i].Values {
			rs[i].Values[j] = r.maskValue(rs[i].Field, v)
		}
	}
	return rs, nil
}

func (r *Registry) addReview(ctx context.Context, kind ReviewKind, field string, values []string, ids ...string) error {
	return r.store.AddReview(ctx, Review{
		ID: r.newID(), Kind: kind, Profiles: ids, Field: field, Values: values, At: r.now(),
	})
}
