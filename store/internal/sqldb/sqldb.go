// Package sqldb holds the stores whose logic is the same on SQLite and
// PostgreSQL, written once against Conn, a small interface that each
// backend implements over its driver (database/sql, pgx). A statement is
// written here once when both databases take its text ($1-style
// placeholders work on both); where the text differs, the backend passes
// its own statement, or the fragment that differs, to the store's
// constructor (NewWatches, NewRecipientLimits, NewDesk).
package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/switchboard-go/switchboard/store/internal/migrate"
)

// Conn runs statements on one database, or inside one of its transactions.
type Conn interface {
	// Exec runs a statement and returns how many rows it changed.
	Exec(ctx context.Context, query string, args ...any) (int64, error)
	// QueryRow runs a query for one row; its Scan returns an error that
	// matches sql.ErrNoRows when there is none.
	QueryRow(ctx context.Context, query string, args ...any) Row
	// Query runs a query for any number of rows.
	Query(ctx context.Context, query string, args ...any) (Rows, error)
	// Tx runs f in one transaction, committed when f returns nil and
	// rolled back otherwise. The Conn given to f must not call Tx.
	Tx(ctx context.Context, f func(Conn) error) error
}

// Row is the result of QueryRow.
type Row interface {
	Scan(dest ...any) error
}

// Rows is the result of Query.
type Rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
	Close()
}

// DB is one backend's database as the shared stores see it.
type DB struct {
	Conn Conn
	// Name starts every error: "sqlite" or "postgres".
	Name string
	// Key turns a key that may hold any byte (a claim key, an address, a
	// quota member) into its column's argument: the text itself for
	// SQLite's TEXT, the bytes for PostgreSQL's bytea (its text cannot hold
	// a NUL).
	Key func(string) any
}

// wrap returns err as "<Name>: <op>: <err>".
func (db DB) wrap(op string, err error) error {
	return fmt.Errorf("%s: %s: %w", db.Name, op, err)
}

// scanAll calls scan for each row of rows, collecting what it returns.
func scanAll[T any](rows Rows, scan func(Rows) (T, error)) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// getJSON decodes into a T the JSON column of the row that query finds;
// ok is false when there is none. A value that does not decode is an
// error, never a silently reset one.
func getJSON[T any](ctx context.Context, db DB, op, query string, args ...any) (v T, ok bool, err error) {
	var text string
	err = db.Conn.QueryRow(ctx, query, args...).Scan(&text)
	if noRows(err) {
		return v, false, nil
	}
	if err != nil {
		return v, false, db.wrap(op, err)
	}
	if err := json.Unmarshal([]byte(text), &v); err != nil {
		return v, false, db.wrap(op, err)
	}
	return v, true, nil
}

// Versions returns the applied migration versions in order.
func Versions(ctx context.Context, db DB) ([]int, error) {
	rows, err := db.Conn.Query(ctx, `SELECT version FROM `+migrate.Table+` ORDER BY version`)
	if err != nil {
		return nil, db.wrap("migrations", err)
	}
	vs, err := scanAll(rows, func(r Rows) (v int, err error) { return v, r.Scan(&v) })
	if err != nil {
		return nil, db.wrap("migrations", err)
	}
	return vs, nil
}

// noRows reports whether err says a QueryRow found nothing.
func noRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }
