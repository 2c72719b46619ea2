// Package identity answers "who is this customer?" for a shop that talks to
// its customers on WhatsApp, Messenger, LINE and WeChat.
//
// A Profile gathers what the shop knows about one customer: phone numbers
// as E.164 keys (NormalizePhone, NormalizeWAID), emails, names, channel
// links (a LINE userId is only unique per provider, a WeChat openid per
// official account, a Messenger PSID per page: a Link is channel, scope and
// id), tier and tags, language, orders, fields with their last-modified
// time and source, consent, conversation and merge history.
//
// A Registry resolves the sender of a message to a profile:
//
//	reg, _ := identity.New(identity.Config{DefaultRegion: "HK"})
//	p, _ := reg.Resolve(ctx, msg.From, identity.Hints{Name: contact.Name})
//	if p.Anonymous { /* ask for consent to the privacy notice */ }
//
// Identification is gated by consent: until RecordConsent stores the
// customer's acceptance of the privacy notice (IsAcceptance recognizes
// "agree", "同意", "ยอมรับ" and their kin in twelve languages), Resolve
// answers with an anonymous profile and stores nothing. After it, hints a
// customer gives (a phone number, an email, an order number) link to an
// existing profile when they match exactly, with guards against
// over-linking: per-profile limits, blocked numbers, and a review queue for
// identifiers shared by people whose names disagree.
//
// Duplicates are found without comparing all pairs (Candidates, Scan):
// profiles are blocked by name segments, phone prefix and SKUs bought
// within 90 days, then scored by name similarity (NameSimilarity, 1 −
// Levenshtein/max length on normalized names; 0.8 by default; short CJK
// names must match exactly unless other evidence agrees). Merge moves
// everything to the surviving profile and records the merge so Unmerge can
// undo it; field conflicts are settled by last-modified time and queued for
// review.
//
// Phone numbers, emails and sensitive fields are masked ("+852****4567") in
// every view but Reveal, which records who asked and why. Erase deletes a
// customer and every trace in the merge journal; a replay of old events
// does not bring the data back without a new consent.
//
// The Store interface keeps profiles, their index keys and the journals; a
// MemoryStore is the default. Time comes from Config.Clock everywhere.
//
// Concurrency: Registry and MemoryStore are safe for concurrent use, and so
// are the package's functions. Everything else (Profile, Link, Order,
// Field, Consent, Hints, MergeRecord, Review, Candidate…) is a plain value,
// safe to read from several goroutines and to be mutated by one at a time,
// with one exception: the profiles Resolve and Get return are read-only
// views the Registry shares between callers (Profile.Clone makes a copy to
// change). That is what lets Resolve, called for every inbound message,
// cost an index probe and no allocation.
package identity
