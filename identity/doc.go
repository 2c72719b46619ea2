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
// Duplicates are found without comparing all pairs, and a name alone is
// never evidence (Candidates, Scan): profiles are grouped by evidence — a
// phone number or email in common, a phone prefix, an address, a SKU
// bought within 90 days — and names are compared inside a group
// (NameSimilarity: 1 − Levenshtein/max length on names normalized once and
// stored with the profile; 0.8 by default). Every pair is classed:
// ClassStrong (similar names and a phone or email in common) is the only
// one to merge automatically; ClassProbable, ClassSharedIdentifier and
// ClassNameOnly (a rare name and nothing else) go to a person
// (QueueDuplicate). Merge moves everything to the surviving profile,
// conversation thread included, and records the merge so Unmerge can undo
// it; field conflicts are settled by last-modified time and queued for
// review.
//
// The customer card (Card) shows the person handling a chat the tier, the
// latest orders from the shop's OrderLookup, past issues, language,
// contact preferences, complaints in 90 days and spend in 180 days, and
// derived tags (TierTag, TagRepeatBuyer, TagPriority) for rules and
// routing. One thread per customer (Record, Thread) keeps every inbound
// and outbound message on every channel, paged by time.
//
// Phone numbers, emails and sensitive fields are masked ("+852****4567") in
// every view but Reveal and RevealCard, which record who asked and why.
// Erase deletes a customer, their thread and every trace in the merge
// journal; a replay of old events does not bring the data back without a
// new consent.
//
// State sits behind small interfaces, each a table in SQL: ProfileStore,
// KeyStore, MergeJournal, ReviewQueue, AuditLog, Tombstones, ThreadStore.
// MemoryStore implements them all and is the default; Config takes each
// separately, so a backend implements what it needs. Time comes from
// Config.Clock everywhere.
//
// Concurrency: Registry, MemoryStore and PhoneCache are safe for
// concurrent use, and so are the package's functions. Everything else
// (Profile, Card, ThreadMessage, Pair…) is a plain value. Every profile
// the Registry returns is a fresh copy the caller owns.
package identity
