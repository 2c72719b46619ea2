package identity

import (
	"cmp"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/switchboard-go/switchboard/channel"
)

// Config configures a Registry. The zero value is usable: an in-memory
// store, time.Now, at most 5 phones and 5 emails per profile, similarity
// threshold 0.8, a 90-day window for shared purchases.
type Config struct {
	// Store keeps every part of the Registry's state; nil means
	// NewMemoryStore(). Each part below, when set, replaces Store for that
	// part, so a backend implements only what it needs.
	Store Store
	// The parts of the state; nil means Store's.
	Profiles ProfileStore // the profiles, by id
	Keys     KeyStore     // the profiles' index keys
	Journal  MergeJournal // the merge journal
	Queue    ReviewQueue  // the review queue
	Audit    AuditLog     // the reveal audit
	Erased   Tombstones   // the hashes of erased identifiers
	Threads  ThreadStore  // the conversation threads
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
	// profiles are duplicate candidates; 0 means 0.8, and it must lie in
	// [0.6, 1].
	Threshold float64
	// SKUWindow: two profiles that bought the same SKU within it share a
	// blocking key and that counts as evidence; 0 means 90 days.
	SKUWindow time.Duration
	// PhoneCacheSize bounds the cache of parsed phone numbers, keyed on
	// (raw input, region): a returning customer's number is parsed once.
	// 0 means 4096; negative disables the cache.
	PhoneCacheSize int

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
// A Registry is safe for concurrent use. Reads go straight to the stores;
// writes are serialized by the Registry, so one Registry must own the
// stores' data (several Registries on one store are fine for reading).
// Every profile it returns is a fresh copy the caller may modify.
type Registry struct {
	profiles  ProfileStore
	keyStore  KeyStore
	journal   MergeJournal
	queue     ReviewQueue
	audit     AuditLog
	erased    Tombstones
	thread    ThreadStore
	phones    *PhoneCache
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
	sensitive map[string]bool

	mu sync.Mutex // serializes writes
}

// New returns a Registry. It fails when a blocked phone number does not
// parse or a limit or the threshold is out of range.
func New(cfg Config) (*Registry, error) {
	r := &Registry{
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
		sensitive: make(map[string]bool),
	}
	var all Store = cfg.Store
	if all == nil {
		all = NewMemoryStore()
	}
	r.profiles = cmp.Or[ProfileStore](cfg.Profiles, all)
	r.keyStore = cmp.Or[KeyStore](cfg.Keys, all)
	r.journal = cmp.Or[MergeJournal](cfg.Journal, all)
	r.queue = cmp.Or[ReviewQueue](cfg.Queue, all)
	r.audit = cmp.Or[AuditLog](cfg.Audit, all)
	r.erased = cmp.Or[Tombstones](cfg.Erased, all)
	r.thread = cmp.Or[ThreadStore](cfg.Threads, all)
	switch {
	case cfg.PhoneCacheSize == 0:
		r.phones = NewPhoneCache(4096)
	case cfg.PhoneCacheSize > 0:
		r.phones = NewPhoneCache(cfg.PhoneCacheSize)
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
	if r.threshold < 0.6 || r.threshold > 1 {
		return nil, fmt.Errorf("identity: Threshold %v out of [0.6, 1]", r.threshold)
	}
	if r.skuWindow == 0 {
		r.skuWindow = 90 * 24 * time.Hour
	}
	if r.skuWindow < 0 || r.maxPhones < 0 || r.maxEmails < 0 || r.maxLinks < 0 {
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
	return r, nil
}

func orDefault(v, d int) int {
	if v == 0 {
		return d
	}
	return v
}

// normalizePhone is NormalizePhone with DefaultRegion, through the cache.
func (r *Registry) normalizePhone(raw string) (string, error) {
	if r.phones == nil {
		return NormalizePhone(raw, r.region)
	}
	return r.phones.Normalize(raw, r.region)
}

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
		p, err := r.profiles.GetProfile(ctx, id)
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

// put stores p, with its normalized names refreshed, and its keys.
func (r *Registry) put(ctx context.Context, p *Profile) error {
	p.normalize()
	if err := r.profiles.PutProfile(ctx, p); err != nil {
		return err
	}
	return r.keyStore.SetKeys(ctx, p.ID, r.keys(p))
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

// Get returns a masked copy of a profile, following merges to the
// survivor. It fails with ErrNotFound.
func (r *Registry) Get(ctx context.Context, id string) (*Profile, error) {
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
	if err := r.audit.AppendAccess(ctx, a); err != nil {
		return nil, err
	}
	return p, nil
}

// Accesses returns the reveal audit of a profile, oldest first.
func (r *Registry) Accesses(ctx context.Context, id string) ([]Access, error) {
	return r.audit.Accesses(ctx, id)
}

// Reviews returns the review queue, oldest first, with phone numbers,
// emails and sensitive values masked.
func (r *Registry) Reviews(ctx context.Context) ([]Review, error) {
	rs, err := r.queue.Reviews(ctx)
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
	return r.queue.AddReview(ctx, Review{
		ID: r.newID(), Kind: kind, Profiles: ids, Field: field, Values: values, At: r.now(),
	})
}

// QueueDuplicate puts a candidate pair of Scan on the review queue
// (ReviewPossibleDuplicate) for a person to merge or dismiss: what a shop
// does with every pair that is not AutoMerge. Errors: the stores'.
func (r *Registry) QueueDuplicate(ctx context.Context, p Pair) error {
	rules := make([]string, len(p.Evidence))
	for i, e := range p.Evidence {
		rules[i] = string(e.Rule)
	}
	return r.addReview(ctx, ReviewPossibleDuplicate, "duplicate",
		[]string{string(p.Class), strings.Join(rules, "+")}, p.A, p.B)
}
