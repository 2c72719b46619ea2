package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/insights"
	"github.com/switchboard-go/switchboard/store/internal/sqldb"
)

var insightsColumns = []string{"at_ns", "kind", "conversation", "channel", "customer", "language", "team",
	"agent", "rule", "text", "score", "file_kind"}

// Append implements insights.Log with one COPY: every event of the call
// or none (ErrInvalidEvent, or the database's error).
func (l *InsightsLog) Append(ctx context.Context, events ...insights.Event) error {
	if err := sqldb.ValidEvents(ctx, events); err != nil || len(events) == 0 {
		return err
	}
	src := pgx.CopyFromSlice(len(events), func(i int) ([]any, error) {
		e := events[i]
		return []any{e.Time.UnixNano(), string(e.Kind), e.Conversation, string(e.Channel), e.Customer,
			e.Language, e.Team, e.Agent, e.Rule, e.Text, int16(e.Score), e.FileKind}, nil
	})
	if _, err := l.db.pool.CopyFrom(ctx, pgx.Identifier{"switchboard_insights_events"}, insightsColumns, src); err != nil {
		return fmt.Errorf("postgres: insights append: %w", err)
	}
	return nil
}

// Range implements insights.Log, streaming the rows. Times come back in
// UTC.
func (l *InsightsLog) Range(ctx context.Context, from, to time.Time, fn func(insights.Event) error) error {
	rows, err := l.db.pool.Query(ctx, `SELECT at_ns, kind, conversation, channel, customer, language, team,
		agent, rule, text, score, file_kind FROM switchboard_insights_events
		WHERE at_ns >= $1 AND at_ns < $2 ORDER BY at_ns, seq`, from.UnixNano(), to.UnixNano())
	if err != nil {
		return fmt.Errorf("postgres: insights range: %w", err)
	}
	defer rows.Close()
	var (
		ns    int64
		score int16
		kind  string
		ch    string
		e     insights.Event
	)
	for rows.Next() {
		e = insights.Event{}
		if err := rows.Scan(&ns, &kind, &e.Conversation, &ch, &e.Customer, &e.Language, &e.Team, &e.Agent,
			&e.Rule, &e.Text, &score, &e.FileKind); err != nil {
			return fmt.Errorf("postgres: insights range: %w", err)
		}
		e.Time, e.Kind, e.Channel, e.Score = time.Unix(0, ns).UTC(), insights.Kind(kind), channel.Kind(ch), int(score)
		if err := fn(e); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("postgres: insights range: %w", err)
	}
	return nil
}
