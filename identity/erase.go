package identity

import (
	"context"
	"slices"
)

// Erase deletes a customer: the surviving profile of id and every profile
// merged into it (they were judged to be the same person), their links and
// identifiers, their conversation thread, every merge record and review
// naming them, and every
// reference to them in other profiles' merge history. What remains is a
// one-way hash of each erased identifier (link, phone, email) with the time
// of erasure, so that a replay of old events cannot bring the data back:
// RecordConsent and Import fail with ErrErased for a consent given before
// the erasure, and Resolve keeps answering with an anonymous profile until a
// new consent. The reveal audit (who looked, when, why; no data) is kept.
//
// Errors: ErrNotFound, ErrCorrupt, the Store's errors.
func (r *Registry) Erase(ctx context.Context, id string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	p, err := r.survivor(ctx, id)
	if err != nil {
		return err
	}
	merged, err := r.mergedInto(ctx, p.ID)
	if err != nil {
		return err
	}
	ids := append([]string{p.ID}, merged...)
	now := r.now()

	// Identifiers of the survivor include those of the merged profiles.
	var ks []Key
	for _, l := range p.Links {
		ks = append(ks, l.key())
	}
	for _, ph := range p.Phones {
		ks = append(ks, Key{KeyPhone, ph.E164})
	}
	for _, e := range p.Emails {
		ks = append(ks, Key{KeyEmail, e})
	}
	for _, k := range ks {
		if err := r.erased.AddTombstone(ctx, hashKey(k), now); err != nil {
			return err
		}
	}

	// Profiles outside the cluster that share a record with it (a merge
	// undone since) lose their references to it.
	others := map[string]bool{}
	for _, x := range ids {
		recs, err := r.journal.Merges(ctx, x)
		if err != nil {
			return err
		}
		for _, rec := range recs {
			for _, o := range []string{rec.Keep, rec.Dup} {
				if !slices.Contains(ids, o) {
					others[o] = true
				}
			}
		}
	}
	for o := range others {
		q, err := r.profiles.GetProfile(ctx, o)
		if err != nil {
			continue // already gone
		}
		q.Merges = slices.DeleteFunc(q.Merges, func(m MergeRef) bool { return slices.Contains(ids, m.Other) })
		if err := r.put(ctx, q); err != nil {
			return err
		}
	}
	if err := r.journal.ForgetMerges(ctx, ids); err != nil {
		return err
	}
	if err := r.queue.ForgetReviews(ctx, ids); err != nil {
		return err
	}
	for _, x := range ids {
		if err := r.thread.DeleteMessages(ctx, x); err != nil {
			return err
		}
		if err := r.keyStore.SetKeys(ctx, x, nil); err != nil {
			return err
		}
		if err := r.profiles.DeleteProfile(ctx, x); err != nil {
			return err
		}
	}
	return nil
}
