package identity

import (
	"slices"
	"time"

	"github.com/switchboard-go/switchboard/channel"
)

// Profile is what the shop knows about one customer.
//
// Every Registry method returns a fresh copy, masked except from Reveal,
// that the caller owns and may modify. A Profile is a plain value: safe for
// concurrent reads, not for concurrent modification.
type Profile struct {
	// ID is the profile's key: Config.NewID's, a random UUID by default, or
	// the shop's own id when the profile came through Import.
	ID string
	// MergedInto is set on a profile that was merged into another: it then
	// holds nothing else, and every Registry call resolves it to the survivor.
	MergedInto string
	// Anonymous is set on the profile Resolve returns before the customer
	// accepted the privacy notice. It is not stored and holds only the link.
	Anonymous bool

	// Phones are the customer's numbers, each with its E.164 key, at most
	// Config.MaxPhones of them.
	Phones []Phone
	Emails []string // normalized: trimmed, lower case
	Names  []string // as the customer or the platform gave them
	// NormalizedNames holds NormalizeName of each of the first three
	// Names, and their tokens in the given order where that differs,
	// distinct. The Registry computes it whenever it stores the profile,
	// so duplicate detection compares names without normalizing them
	// again; a store keeps it like any other field.
	NormalizedNames []string
	// Links are the channel identities that resolve to this profile, at
	// most Config.MaxLinks of them.
	Links []Link
	// Tier is the shop's customer tier ("gold", "VIP"), set by
	// Registry.SetTier; empty means none.
	Tier string
	// Tags are the shop's own labels for the customer (Registry.SetTier
	// adds them); the customer card adds its derived tags to them.
	Tags     []string
	Language string // BCP 47, e.g. "zh-Hant"
	// Orders are the purchases recorded with Registry.AddOrder or Import;
	// a later order with the same ID replaces the earlier one.
	Orders []Order
	Fields []Field // at most one per Name
	// Consent is the customer's acceptance of the privacy notice; a profile
	// is only stored once it is accepted.
	Consent Consent
	// ContactPrefs are the customer's contact preferences as short notes
	// for the person handling the chat, e.g. "no contact at weekends".
	ContactPrefs []string
	// History is the conversation history in the order it was recorded
	// (Registry.AddInteraction); a merge sorts both histories by time.
	History []Interaction
	// Merges lists the merges this profile took part in, oldest first.
	Merges []MergeRef

	// Created is when the profile was first stored (after a merge, the
	// earlier of the two).
	Created time.Time
	Updated time.Time // when the profile was last written
}

// Phone is one phone number of a profile: the E.164 key and the input it
// came from.
type Phone struct {
	E164   string // "+85291234567"
	Raw    string // as typed or received, e.g. "9123 4567"
	Source string // where it came from: "whatsapp", "hint", "import"…
}

// Link ties a profile to a channel identity. IDs are only unique within a
// scope: LINE user ids per provider, WeChat openids per official account
// (the unionid, scope "unionid", spans the apps of one WeChat Open Platform
// account), Messenger PSIDs per page, WhatsApp wa_ids and business-scoped
// user ids per business.
type Link struct {
	Channel channel.Kind // the platform
	// Scope is what the ID is unique within (the LINE provider id, the
	// WeChat official account, "unionid", the Messenger page id, the
	// WhatsApp business account); empty when neither Hints.Scope nor
	// Config.Scopes gave one.
	Scope string
	ID    string // the customer's id on the channel (channel.Address.ID)
}

// key is the index key of the link. The unit separator cannot appear in
// channel ids, so distinct links never share a key.
func (l Link) key() Key {
	return Key{Kind: KeyLink, Value: string(l.Channel) + "\x1f" + l.Scope + "\x1f" + l.ID}
}

// Order is one purchase.
type Order struct {
	ID       string    // the shop's order number; profiles are indexed by it
	SKU      string    // the product bought; shared SKUs are duplicate evidence
	At       time.Time // when the order was placed
	Amount   int64     // in the currency's minor unit (cents)
	Currency string    // ISO 4217
}

// Field is one named attribute with its provenance. Conflicts between two
// values of a field are resolved by Modified: the later one wins.
type Field struct {
	Name     string // e.g. "address", "birthday"; unique within a profile
	Value    string // as Source gave it
	Modified int64  // Unix milliseconds
	Source   string // who set it: "crm", "customer", "agent:42"…
	// Sensitive fields (payment records, id numbers, addresses) are masked
	// in every view but Registry.Reveal.
	Sensitive bool
}

// Field returns the field called name and whether the profile has it.
func (p *Profile) Field(name string) (Field, bool) {
	for _, f := range p.Fields {
		if f.Name == name {
			return f, true
		}
	}
	return Field{}, false
}

// Consent is the customer's acceptance of the privacy notice.
type Consent struct {
	Version   string    // the notice version accepted, e.g. "2026-01"
	MessageID string    // the platform id of the reply that accepted
	Phrase    string    // the reply text, e.g. "同意"
	At        time.Time // when the reply was sent
}

// Accepted reports whether c records an acceptance.
func (c Consent) Accepted() bool { return c.Version != "" && !c.At.IsZero() }

// Interaction is one entry of the conversation history.
type Interaction struct {
	At        time.Time // when it happened
	Link      Link      // the channel identity the customer used
	MessageID string    // the platform's message id; empty when none
	Summary   string    // e.g. "asked about returns" — not the message text
	// Complaint marks an interaction where the customer complained; the
	// customer card counts them.
	Complaint bool
}

// MergeRef is one line of a profile's merge history.
type MergeRef struct {
	RecordID string    // the MergeRecord.ID in the merge journal
	Other    string    // the other profile
	Absorbed bool      // this profile kept Other's data (false: this one was merged away)
	Undone   bool      // the merge was undone by Unmerge
	At       time.Time // when the merge took place
}

// Clone returns a deep copy of p (nil for nil): changing it changes
// nothing in the Registry or in p.
func (p *Profile) Clone() *Profile {
	if p == nil {
		return nil
	}
	c := *p
	c.Phones = slices.Clone(p.Phones)
	c.Emails = slices.Clone(p.Emails)
	c.Names = slices.Clone(p.Names)
	c.NormalizedNames = slices.Clone(p.NormalizedNames)
	c.ContactPrefs = slices.Clone(p.ContactPrefs)
	c.Links = slices.Clone(p.Links)
	c.Tags = slices.Clone(p.Tags)
	c.Orders = slices.Clone(p.Orders)
	c.Fields = slices.Clone(p.Fields)
	c.History = slices.Clone(p.History)
	c.Merges = slices.Clone(p.Merges)
	return &c
}

func (p *Profile) hasPhone(e164 string) bool {
	return slices.ContainsFunc(p.Phones, func(ph Phone) bool { return ph.E164 == e164 })
}

func (p *Profile) hasLink(l Link) bool { return slices.Contains(p.Links, l) }

// normalize refreshes NormalizedNames from Names.
func (p *Profile) normalize() {
	var out []string
	for i, name := range p.Names {
		if i == maxIndexedNames {
			break
		}
		sorted, given := normalizeName(name)
		for _, form := range []string{sorted, given} {
			if form != "" && !slices.Contains(out, form) {
				out = append(out, form)
			}
		}
	}
	p.NormalizedNames = out
}

// normNames returns the normalized names of p as runes: from
// NormalizedNames when the Registry stored them, else computed.
func (p *Profile) normNames() [][]rune {
	forms := p.NormalizedNames
	if len(forms) == 0 && len(p.Names) > 0 {
		c := Profile{Names: p.Names}
		c.normalize()
		forms = c.NormalizedNames
	}
	out := make([][]rune, len(forms))
	for i, f := range forms {
		out[i] = []rune(f)
	}
	return out
}
