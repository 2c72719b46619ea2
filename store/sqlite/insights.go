package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/insights"
	"github.com/switchboard-go/switchboard/store/internal/sqldb"
)

// Append implements insights.Log: every event of the call in one
// transaction, or none (ErrInvalidEvent, or the database's error).
func (l *InsightsLog) Append(ctx context.Context, events ...insights.Event) error {
	if err := sqldb.ValidEvents(ctx, events); err != nil || len(events) == 0 {
		return err
	}
	tx, err := l.db.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: insights append: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it is a no-op
	// Up to insertRows events a statement: one call into SQLite per row
	// costs more than the row.
	stmts := map[int]*sql.Stmt{}
	defer func() {
		for _, st := range stmts {
			st.Close()
		}
	}()
	args := make([]any, 0, insertRows*12)
	for len(events) > 0 {
		n := min(len(events), insertRows)
		st := stmts[n]
		if st == nil {
			if st, err = tx.PrepareContext(ctx, insertSQL(n)); err != nil {
				return fmt.Errorf("sqlite: insights append: %w", err)
			}
			stmts[n] = st
		}
		args = args[:0]
		for _, e := range events[:n] {
			args = append(args, e.Time.UnixNano(), string(e.Kind), e.Conversation, string(e.Channel),
				e.Customer, e.Language, e.Team, e.Agent, e.Rule, e.Text, e.Score, e.FileKind)
		}
		if _, err := st.ExecContext(ctx, args...); err != nil {
			return fmt.Errorf("sqlite: insights append: %w", err)
		}
		events = events[n:]
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: insights append: %w", err)
	}
	return nil
}

const insertRows = 64

func insertSQL(rows int) string {
	var b strings.Builder
	b.WriteString(`INSERT INTO switchboard_insights_events
		(at_ns, kind, conversation, channel, customer, language, team, agent, rule, text, score, file_kind) VALUES `)
	for i := range rows {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("(?,?,?,?,?,?,?,?,?,?,?,?)")
	}
	return b.String()
}

// Range implements insights.Log. Times come back in UTC. Repeated short
// strings (kinds, channels, languages, teams, agents, rules) are shared
// between events rather than allocated per row.
func (l *InsightsLog) Range(ctx context.Context, from, to time.Time, fn func(insights.Event) error) error {
	rows, err := l.db.db.QueryContext(ctx, `SELECT at_ns, kind, conversation, channel, customer, language, team,
		agent, rule, text, score, file_kind FROM switchboard_insights_events
		WHERE at_ns >= ? AND at_ns < ? ORDER BY at_ns, seq`, from.UnixNano(), to.UnixNano())
	if err != nil {
		return fmt.Errorf("sqlite: insights range: %w", err)
	}
	defer rows.Close()
	in := interner{}
	var (
		ns                                          int64
		kind, ch, lang, team, agent, rule, fileKind sql.RawBytes
		conversation, customer, text                string
		score                                       int
	)
	for rows.Next() {
		if err := rows.Scan(&ns, &kind, &conversation, &ch, &customer, &lang, &team, &agent, &rule, &text, &score, &fileKind); err != nil {
			return fmt.Errorf("sqlite: insights range: %w", err)
		}
		e := insights.Event{Time: time.Unix(0, ns).UTC(), Kind: insights.Kind(in.get(kind)), Conversation: conversation,
			Channel: channel.Kind(in.get(ch)), Customer: customer, Language: in.get(lang), Team: in.get(team),
			Agent: in.get(agent), Rule: in.get(rule), Text: text, Score: score, FileKind: in.get(fileKind)}
		if err := fn(e); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("sqlite: insights range: %w", err)
	}
	return nil
}

// interner shares the strings of low-cardinality columns. It stops
// growing at 65,536 entries (a column that is not low-cardinality after
// all) and then allocates as usual.
type interner map[string]string

func (in interner) get(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if s, ok := in[string(b)]; ok {
		return s
	}
	s := string(b)
	if len(in) < 1<<16 {
		in[s] = s
	}
	return s
}
