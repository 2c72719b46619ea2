package identity

import "errors"

// Errors of the Registry, to be tested with errors.Is. The phone errors are
// in phone.go and ErrNotFound is in store.go.
var (
	// ErrInvalidAddress: the channel.Address has no channel or no id.
	ErrInvalidAddress = errors.New("identity: invalid address")
	// ErrNoConsent: the operation needs a profile whose customer accepted
	// the privacy notice (anonymous profiles cannot be enriched).
	ErrNoConsent = errors.New("identity: no consent")
	// ErrInvalidConsent: a Consent without a version or a time, or whose
	// phrase is not an acceptance.
	ErrInvalidConsent = errors.New("identity: invalid consent")
	// ErrErased: the consent predates the erasure of this customer's data,
	// as when old events are replayed; only a new consent brings them back.
	ErrErased = errors.New("identity: customer data was erased")
	// ErrSameProfile: a merge of a profile with itself (or with a profile
	// already merged into it).
	ErrSameProfile = errors.New("identity: same profile")
	// ErrNotMerged: Unmerge of a profile that is not merged into another.
	ErrNotMerged = errors.New("identity: profile is not merged")
	// ErrMergedSince: Unmerge of a profile whose survivor was itself merged
	// since; unmerge that later merge first.
	ErrMergedSince = errors.New("identity: survivor was merged since")
	// ErrLinkTaken: Import of a profile with a channel link another profile
	// already has.
	ErrLinkTaken = errors.New("identity: channel link belongs to another profile")
	// ErrNoReason: Reveal without an actor and a purpose.
	ErrNoReason = errors.New("identity: reveal needs an actor and a purpose")
	// ErrCorrupt: the store holds a merge chain that loops or a record that
	// does not match its profiles.
	ErrCorrupt = errors.New("identity: inconsistent store")
)
