package identity

import (
	"slices"
	"time"
)

// MergeRecord is one entry of the append-only merge journal. A merge record
// holds both profiles as they were before the merge and the merged result,
// which is what lets Unmerge restore them; an unmerge appends a record whose
// Undoes names the merge it undid. Erase deletes the records naming an
// erased profile: it is the one exception to append-only.
type MergeRecord struct {
	ID     string    // from Config.NewID; MergeRef.RecordID names it
	Keep   string    // the surviving profile
	Dup    string    // the profile merged into Keep
	At     time.Time // when the merge (or unmerge) took place
	Undoes string    // set on an unmerge record: the ID of the merge it undid

	KeepBefore *Profile // nil on an unmerge record
	DupBefore  *Profile // Dup as it was; nil on an unmerge record
	After      *Profile // Keep right after the merge
}

func (r MergeRecord) clone() MergeRecord {
	r.KeepBefore = r.KeepBefore.Clone()
	r.DupBefore = r.DupBefore.Clone()
	r.After = r.After.Clone()
	return r
}

// ReviewKind says why a human should look at something.
type ReviewKind string

// Reasons for a review.
const (
	// ReviewSharedIdentifier: an identifier (phone, email, order) given as a
	// hint belongs to a profile whose name does not agree, or to several
	// profiles: perhaps a family phone or a shop's test number. Nothing was
	// linked or merged.
	ReviewSharedIdentifier ReviewKind = "shared_identifier"
	// ReviewTooMany: adding an identifier or merging would exceed a
	// per-profile limit (Config.MaxPhones…). Nothing was added or merged.
	ReviewTooMany ReviewKind = "too_many_identifiers"
	// ReviewFieldConflict: a merge met two different values of a field and
	// kept the later one; Values holds the kept value, then the other.
	ReviewFieldConflict ReviewKind = "field_conflict"
	// ReviewPossibleDuplicate: a candidate pair a person should decide
	// on (any class but ClassStrong). Field is "duplicate"; Values hold
	// the class, then the evidence rules joined by "+".
	ReviewPossibleDuplicate ReviewKind = "possible_duplicate"
)

// Review is one item of the review queue.
type Review struct {
	ID       string     // from Config.NewID
	Kind     ReviewKind // why a person should look
	Profiles []string   // the profiles concerned
	Field    string     // "phone", "email", "order", "link" or a Field name
	Values   []string   // masked in Registry.Reviews when sensitive
	At       time.Time  // when the item was queued
}

func (r Review) clone() Review {
	r.Profiles = slices.Clone(r.Profiles)
	r.Values = slices.Clone(r.Values)
	return r
}

// Reason justifies revealing masked fields. Both parts are required and are
// recorded with the time in the profile's access audit.
type Reason struct {
	Actor   string // who asks, e.g. "agent:42"
	Purpose string // why, e.g. "refund to card on file, ticket 8812"
}

// Access is one entry of the reveal audit: who saw a profile unmasked, why
// and when. It holds no profile data, so Erase keeps it for accountability.
type Access struct {
	ProfileID string    // the profile revealed
	Actor     string    // Reason.Actor given to Registry.Reveal
	Purpose   string    // Reason.Purpose given to Registry.Reveal
	At        time.Time // when it was revealed
}
