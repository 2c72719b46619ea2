package insights

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/switchboard-go/switchboard/channel"
)

// MaxPeriod is the longest period Handler computes in one request.
const MaxPeriod = 366 * 24 * time.Hour

// ErrQuery is wrapped by ParseQuery's errors.
var ErrQuery = errors.New("insights: bad query")

// ParseQuery reads a period from URL query values: from and to in RFC 3339
// (to defaults to now, from to seven days before to). The period must be
// non-empty and at most MaxPeriod; otherwise the error wraps ErrQuery.
func ParseQuery(q url.Values, now time.Time) (from, to time.Time, err error) {
	to = now
	if s := q.Get("to"); s != "" {
		if to, err = time.Parse(time.RFC3339, s); err != nil {
			return from, to, fmt.Errorf("%w: to: not an RFC 3339 time", ErrQuery)
		}
	}
	from = to.Add(-7 * 24 * time.Hour)
	if s := q.Get("from"); s != "" {
		if from, err = time.Parse(time.RFC3339, s); err != nil {
			return from, to, fmt.Errorf("%w: from: not an RFC 3339 time", ErrQuery)
		}
	}
	if !to.After(from) {
		return from, to, fmt.Errorf("%w: to must be after from", ErrQuery)
	}
	if to.Sub(from) > MaxPeriod {
		return from, to, fmt.Errorf("%w: period longer than %v", ErrQuery, MaxPeriod)
	}
	return from, to, nil
}

// Handler serves the metrics of log. GET ?from=…&to=… (RFC 3339, see
// ParseQuery) answers the Metrics as JSON; with format=csv it answers one
// row per conversation (WriteCSV). A bad query is 400, another method 405,
// a failing log 500 (its error is not shown). clock gives "now" for the
// default period; nil means time.Now. The handler is safe for concurrent
// use when log is.
func Handler(log Log, opts Options, clock channel.Clock) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		now := time.Now()
		if clock != nil {
			now = clock()
		}
		q := r.URL.Query()
		from, to, err := ParseQuery(q, now)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		switch q.Get("format") {
		case "", "json":
			m, err := Compute(r.Context(), log, from, to, opts)
			if err != nil {
				http.Error(w, "metrics unavailable", http.StatusInternalServerError)
				return
			}
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			_ = json.NewEncoder(w).Encode(m)
		case "csv":
			rows, err := Conversations(r.Context(), log, from, to, opts)
			if err != nil {
				http.Error(w, "conversations unavailable", http.StatusInternalServerError)
				return
			}
			w.Header().Set("Content-Type", "text/csv; charset=utf-8")
			w.Header().Set("Content-Disposition", `attachment; filename="conversations.csv"`)
			_ = WriteCSV(w, rows)
		default:
			http.Error(w, "insights: bad query: format is json or csv", http.StatusBadRequest)
		}
	})
}
