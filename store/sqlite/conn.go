package sqlite

import (
	"context"
	"database/sql"

	"github.com/switchboard-go/switchboard/store/internal/sqldb"
)

// shared returns d as the stores written once for both SQL backends see
// it. Keys are passed as text (the TEXT columns of the migrations).
func (d *DB) shared() sqldb.DB {
	return sqldb.DB{Conn: conn{db: d.db}, Name: "sqlite", Key: func(k string) any { return k }}
}

// conn is a sqldb.Conn on the database or, inside Tx, on its transaction.
type conn struct {
	db *sql.DB
	tx *sql.Tx
}

type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func (c conn) q() querier {
	if c.tx != nil {
		return c.tx
	}
	return c.db
}

func (c conn) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	r, err := c.q().ExecContext(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	return r.RowsAffected()
}

func (c conn) QueryRow(ctx context.Context, query string, args ...any) sqldb.Row {
	return c.q().QueryRowContext(ctx, query, args...)
}

func (c conn) Query(ctx context.Context, query string, args ...any) (sqldb.Rows, error) {
	r, err := c.q().QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return rows{r}, nil
}

// Tx runs f in an immediate transaction (the DB opens with
// _txlock=immediate), so SQLite's single writer makes f atomic.
func (c conn) Tx(ctx context.Context, f func(sqldb.Conn) error) error {
	tx, err := c.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	if err := f(conn{db: c.db, tx: tx}); err != nil {
		return err
	}
	return tx.Commit()
}

// rows drops the error of Close, which Err already reports.
type rows struct{ *sql.Rows }

func (r rows) Close() { r.Rows.Close() }
