package sqldb

import (
	"context"
	"encoding/json"
	"math"
	"time"

	"github.com/switchboard-go/switchboard/tracking"
)

// Watches is a tracking.WatchStore in the switchboard_watches table, each
// watch kept as JSON. Safe for concurrent use.
type Watches struct {
	db     DB
	dueSQL string
}

// NewWatches returns the Watches of db. dueSQL selects the watch column of
// the watches not done whose next_poll_ns is at most $1, in (next_poll_ns,
// carrier, number) order, at most $2 of them; it must state the condition
// of the partial index as the migration does, or the database reads every
// watch.
func NewWatches(db DB, dueSQL string) Watches { return Watches{db, dueSQL} }

// Save implements tracking.WatchStore.
func (s *Watches) Save(ctx context.Context, w tracking.Watch) error {
	b, err := json.Marshal(w)
	if err != nil {
		return s.db.wrap("watch", err)
	}
	if _, err := s.db.Conn.Exec(ctx, `INSERT INTO switchboard_watches (carrier, number, watch, next_poll_ns, done) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (carrier, number) DO UPDATE SET watch = excluded.watch, next_poll_ns = excluded.next_poll_ns, done = excluded.done`,
		string(w.Carrier), w.Number, string(b), w.NextPoll.UnixNano(), w.Done); err != nil {
		return s.db.wrap("watch save", err)
	}
	return nil
}

// Load implements tracking.WatchStore.
func (s *Watches) Load(ctx context.Context, carrier tracking.Carrier, number string) (tracking.Watch, bool, error) {
	return getJSON[tracking.Watch](ctx, s.db, "watch",
		`SELECT watch FROM switchboard_watches WHERE carrier = $1 AND number = $2`, string(carrier), number)
}

// Delete implements tracking.WatchStore.
func (s *Watches) Delete(ctx context.Context, carrier tracking.Carrier, number string) error {
	if _, err := s.db.Conn.Exec(ctx, `DELETE FROM switchboard_watches WHERE carrier = $1 AND number = $2`, string(carrier), number); err != nil {
		return s.db.wrap("watch delete", err)
	}
	return nil
}

// Due implements tracking.WatchStore through the partial index.
func (s *Watches) Due(ctx context.Context, now time.Time, max int) ([]tracking.Watch, error) {
	limit := int64(max)
	if max <= 0 {
		limit = math.MaxInt64 // no limit
	}
	rows, err := s.db.Conn.Query(ctx, s.dueSQL, now.UnixNano(), limit)
	if err != nil {
		return nil, s.db.wrap("watches due", err)
	}
	out, err := scanAll(rows, func(r Rows) (tracking.Watch, error) {
		var v string
		var w tracking.Watch
		if err := r.Scan(&v); err != nil {
			return w, err
		}
		return w, json.Unmarshal([]byte(v), &w)
	})
	if err != nil {
		return nil, s.db.wrap("watches due", err)
	}
	return out, nil
}
