package identity

import (
	"context"
	"slices"
)

// Merge merges profile dup into profile keep and returns the merge record.
// Both ids are first resolved to their survivors, so merging into a
// profile that was itself merged lands on the profile that absorbed it and
// no cycle can form.
//
// Every link, phone, email, name, tag, order and history entry of dup moves
// to keep. A field both have is resolved by Field.Modified (milliseconds;
// keep wins a tie); when the values differ, the losing one is queued for
// review (ReviewFieldConflict). Tier and language are keep's unless empty.
// dup remains as an empty profile whose MergedInto names keep. The record,
// appended to the merge journal, holds both profiles as they were, so
// Unmerge can restore them. Merge does not apply the per-profile limits:
// it is a decision, not a guess.
//
// Errors: ErrNotFound, ErrSameProfile, ErrCorrupt, the Store's errors.
func (r *Registry) Merge(ctx context.Context, keepID, dupID string) (MergeRecord, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	keep, err := r.survivor(ctx, keepID)
	if err != nil {
		return MergeRecord{}, err
	}
	dup, err := r.survivor(ctx, dupID)
	if err != nil {
		return MergeRecord{}, err
	}
	return r.merge(ctx, keep, dup)
}

// merge merges two survivors; r.mu must be held.
func (r *Registry) merge(ctx context.Context, keep, dup *Profile) (MergeRecord, error) {
	if keep.ID == dup.ID {
		return MergeRecord{}, ErrSameProfile
	}
	now := r.now()
	rec := MergeRecord{ID: r.newID(), Keep: keep.ID, Dup: dup.ID, At: now,
		KeepBefore: keep.Clone(), DupBefore: dup.Clone()}
	merged, conflicts := combine(keep, dup)
	merged.Updated = now
	merged.Merges = append(merged.Merges, MergeRef{RecordID: rec.ID, Other: dup.ID, Absorbed: true, At: now})
	rec.After = merged.Clone()
	gone := &Profile{ID: dup.ID, MergedInto: keep.ID, Created: dup.Created, Updated: now,
		Merges: append(slices.Clone(dup.Merges), MergeRef{RecordID: rec.ID, Other: keep.ID, At: now})}

	if err := r.journal.AppendMerge(ctx, rec); err != nil {
		return MergeRecord{}, err
	}
	if err := r.put(ctx, merged); err != nil {
		return MergeRecord{}, err
	}
	if err := r.put(ctx, gone); err != nil {
		return MergeRecord{}, err
	}
	// One thread per customer: dup's messages join keep's.
	if err := r.thread.MoveMessages(ctx, dup.ID, keep.ID, ""); err != nil {
		return MergeRecord{}, err
	}
	for _, c := range conflicts {
		vals := []string{c[0].Value, c[1].Value}
		if c[0].Sensitive || c[1].Sensitive {
			vals = []string{"****", "****"}
		}
		if err := r.addReview(ctx, ReviewFieldConflict, c[0].Name, vals, keep.ID, dup.ID); err != nil {
			return MergeRecord{}, err
		}
	}
	return rec, nil
}

// combine returns keep with dup's data added, and the field conflicts as
// (kept, lost) pairs.
func combine(keep, dup *Profile) (*Profile, [][2]Field) {
	m := keep.Clone()
	for _, ph := range dup.Phones {
		if !m.hasPhone(ph.E164) {
			m.Phones = append(m.Phones, ph)
		}
	}
	m.Emails = union(m.Emails, dup.Emails)
	for _, n := range dup.Names {
		if !hasName(m.Names, n) {
			m.Names = append(m.Names, n)
		}
	}
	m.Links = union(m.Links, dup.Links)
	m.Tags = union(m.Tags, dup.Tags)
	m.ContactPrefs = union(m.ContactPrefs, dup.ContactPrefs)
	for _, o := range dup.Orders {
		if o.ID == "" || !slices.ContainsFunc(m.Orders, func(x Order) bool { return x.ID == o.ID }) {
			m.Orders = append(m.Orders, o)
		}
	}
	m.History = append(m.History, dup.History...)
	slices.SortStableFunc(m.History, func(a, b Interaction) int { return a.At.Compare(b.At) })
	if m.Tier == "" {
		m.Tier = dup.Tier
	}
	if m.Language == "" {
		m.Language = dup.Language
	}
	if !m.Consent.Accepted() || (dup.Consent.Accepted() && dup.Consent.At.After(m.Consent.At)) {
		m.Consent = dup.Consent
	}
	if dup.Created.Before(m.Created) {
		m.Created = dup.Created
	}
	var conflicts [][2]Field
	for _, f := range dup.Fields {
		i := slices.IndexFunc(m.Fields, func(g Field) bool { return g.Name == f.Name })
		switch {
		case i < 0:
			m.Fields = append(m.Fields, f)
		case f.Value == m.Fields[i].Value:
			if f.Modified > m.Fields[i].Modified {
				m.Fields[i] = f
			}
		case f.Modified > m.Fields[i].Modified:
			conflicts = append(conflicts, [2]Field{f, m.Fields[i]})
			m.Fields[i] = f
		default:
			conflicts = append(conflicts, [2]Field{m.Fields[i], f})
		}
	}
	return m, conflicts
}

func union[T comparable](a, b []T) []T {
	for _, x := range b {
		if !slices.Contains(a, x) {
			a = append(a, x)
		}
	}
	return a
}

// Unmerge undoes the merge that absorbed profile dupID and restores both
// profiles as they were before it. What the survivor gained after the merge
// (new links, phones, orders, history, fields changed since) stays with
// the survivor; what came from dup goes back. The merge history of both
// keeps the merge, marked undone, and an unmerge record is appended.
//
// Errors: ErrNotFound; ErrNotMerged when dupID is not merged into another
// profile; ErrMergedSince when the survivor was merged into a third
// profile since (unmerge that first); ErrCorrupt.
func (r *Registry) Unmerge(ctx context.Context, dupID string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	gone, err := r.profiles.GetProfile(ctx, dupID)
	if err != nil {
		return err
	}
	if gone.MergedInto == "" {
		return ErrNotMerged
	}
	recs, err := r.journal.Merges(ctx, dupID)
	if err != nil {
		return err
	}
	var rec *MergeRecord
	for i := len(recs) - 1; i >= 0; i-- {
		if recs[i].Dup == dupID && recs[i].Undoes == "" && recs[i].Keep == gone.MergedInto {
			rec = &recs[i]
			break
		}
	}
	if rec == nil || rec.KeepBefore == nil || rec.DupBefore == nil || rec.After == nil {
		return ErrCorrupt
	}
	keep, err := r.profiles.GetProfile(ctx, rec.Keep)
	if err != nil {
		return err
	}
	if keep.MergedInto != "" {
		return ErrMergedSince
	}
	now := r.now()
	restored := since(rec.KeepBefore.Clone(), rec.After, keep)
	restored.Merges = markUndone(keep.Merges, rec.ID)
	back := rec.DupBefore.Clone()
	back.Merges = markUndone(gone.Merges, rec.ID)

	undo := MergeRecord{ID: r.newID(), Keep: rec.Keep, Dup: rec.Dup, At: now, Undoes: rec.ID}
	if err := r.journal.AppendMerge(ctx, undo); err != nil {
		return err
	}
	if err := r.put(ctx, back); err != nil {
		return err
	}
	if err := r.put(ctx, restored); err != nil {
		return err
	}
	return r.thread.MoveMessages(ctx, rec.Keep, rec.Dup, rec.Dup)
}

// since returns before plus what cur gained after the merge that produced
// after: the items of cur not in after, and the fields changed since.
func since(before, after, cur *Profile) *Profile {
	for _, ph := range cur.Phones {
		if !after.hasPhone(ph.E164) && !before.hasPhone(ph.E164) {
			before.Phones = append(before.Phones, ph)
		}
	}
	before.Emails = union(before.Emails, minus(cur.Emails, after.Emails))
	before.Names = union(before.Names, minus(cur.Names, after.Names))
	before.Links = union(before.Links, minus(cur.Links, after.Links))
	before.Tags = union(before.Tags, minus(cur.Tags, after.Tags))
	before.ContactPrefs = union(before.ContactPrefs, minus(cur.ContactPrefs, after.ContactPrefs))
	before.Orders = union(before.Orders, minus(cur.Orders, after.Orders))
	before.History = append(before.History, minus(cur.History, after.History)...)
	for _, f := range cur.Fields {
		if slices.Contains(after.Fields, f) {
			continue // unchanged since the merge: before's value stands
		}
		if i := slices.IndexFunc(before.Fields, func(g Field) bool { return g.Name == f.Name }); i >= 0 {
			before.Fields[i] = f
		} else {
			before.Fields = append(before.Fields, f)
		}
	}
	if cur.Tier != after.Tier {
		before.Tier = cur.Tier
	}
	if cur.Language != after.Language {
		before.Language = cur.Language
	}
	if cur.Consent != after.Consent {
		before.Consent = cur.Consent
	}
	if !cur.Updated.Equal(after.Updated) {
		before.Updated = cur.Updated
	}
	return before
}

func minus[T comparable](a, b []T) []T {
	var out []T
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

func markUndone(refs []MergeRef, recordID string) []MergeRef {
	refs = slices.Clone(refs)
	for i := range refs {
		if refs[i].RecordID == recordID {
			refs[i].Undone = true
		}
	}
	return refs
}

// mergedInto returns the ids of every profile merged, directly or through a
// chain, into root and not unmerged; r.mu must be held.
func (r *Registry) mergedInto(ctx context.Context, root string) ([]string, error) {
	var out []string
	queue := []string{root}
	for len(queue) > 0 && len(out) < 1<<16 {
		id := queue[0]
		queue = queue[1:]
		recs, err := r.journal.Merges(ctx, id)
		if err != nil {
			return nil, err
		}
		undone := map[string]bool{}
		for _, rec := range recs {
			if rec.Undoes != "" {
				undone[rec.Undoes] = true
			}
		}
		for _, rec := range recs {
			if rec.Keep == id && rec.Undoes == "" && !undone[rec.ID] && !slices.Contains(out, rec.Dup) {
				out = append(out, rec.Dup)
				queue = append(queue, rec.Dup)
			}
		}
	}
	return out, nil
}
