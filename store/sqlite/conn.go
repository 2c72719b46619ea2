package sqlite

import (
	"context"
	"database/sql"

	"github.com/switchboard-go/switchboard/store/internal/sqldb"
)

// shared returns d as the stores written once for both SQL backends see
// it. Keys are passed as text (the TEXT columns of the migrations).
func (d *DB) shared() sqldb.DB {
	return sqldb.DB{Conn: conn{d: d}, Name: "sqlite", Key: func(k string) any { return k }}
}

// maxPrepared bounds the statements a DB keeps prepared. The stores' SQL is
// a fixed set of texts well under it; past it, statements are prepared for
// each call, as database/sql does by default.
const maxPrepared = 256

// prepared returns query prepared once on d's connection and kept (SQLite,
// in modernc, spends as long parsing a small statement as running it), or
// nil once maxPrepared texts are kept. The lock is not held while
// preparing: that waits for the one connection, which a transaction
// asking preparedOnly may hold.
func (d *DB) prepared(ctx context.Context, query string) (*sql.Stmt, error) {
	d.stmtMu.Lock()
	st, ok := d.stmts[query]
	full := len(d.stmts) >= maxPrepared
	d.stmtMu.Unlock()
	if ok || full {
		return st, nil
	}
	st, err := d.db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	d.stmtMu.Lock()
	defer d.stmtMu.Unlock()
	if kept, ok := d.stmts[query]; ok { // another goroutine prepared it meanwhile
		st.Close()
		return kept, nil
	}
	if len(d.stmts) >= maxPrepared {
		st.Close()
		return nil, nil
	}
	d.stmts[query] = st
	return st, nil
}

// preparedOnly returns query's statement if it is prepared already;
// otherwise it notes query for prepareMissing.
func (d *DB) preparedOnly(query string) *sql.Stmt {
	d.stmtMu.Lock()
	defer d.stmtMu.Unlock()
	st, ok := d.stmts[query]
	if !ok && len(d.stmts) < maxPrepared {
		d.missing[query] = struct{}{}
	}
	return st
}

// prepareMissing prepares the statements that ran unprepared inside a
// transaction. The batch leader calls it once its transaction is over,
// when the connection is free.
func (d *DB) prepareMissing() {
	d.stmtMu.Lock()
	var qs []string
	for q := range d.missing {
		qs = append(qs, q)
	}
	clear(d.missing)
	d.stmtMu.Unlock()
	for _, q := range qs {
		_, _ = d.prepared(context.Background(), q) // a failure shows when the statement runs
	}
}

// conn is a sqldb.Conn on the database or, inside Tx, on its transaction.
type conn struct {
	d  *DB
	tx *sql.Tx
}

type querier interface {
	ExecContext(ctx context.Context, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, args ...any) *sql.Row
}

// stmt returns query as a statement of c: the DB's prepared one, bound to
// the transaction inside Tx.
func (c conn) stmt(ctx context.Context, query string) (querier, error) {
	if c.tx != nil {
		// The transaction holds the one connection: preparing on the DB
		// now would wait for it forever. Use the statement if it is
		// prepared already.
		if st := c.d.preparedOnly(query); st != nil {
			return c.tx.StmtContext(ctx, st), nil
		}
		return unprepared{c, query}, nil
	}
	st, err := c.d.prepared(ctx, query)
	if err != nil {
		return nil, err
	}
	if st == nil {
		return unprepared{c, query}, nil
	}
	return st, nil
}

// Exec runs query; outside Tx, in a batch (batch.go).
func (c conn) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	if c.tx == nil {
		var n int64
		err := c.d.atomic(ctx, false, func(ctx context.Context, c conn) (err error) {
			n, err = c.Exec(ctx, query, args...)
			return err
		})
		return n, err
	}
	st, err := c.stmt(ctx, query)
	if err != nil {
		return 0, err
	}
	r, err := st.ExecContext(ctx, args...)
	if err != nil {
		return 0, err
	}
	return r.RowsAffected()
}

// QueryRow runs query; outside Tx, in a batch when its row is scanned.
func (c conn) QueryRow(ctx context.Context, query string, args ...any) sqldb.Row {
	if c.tx == nil {
		return batchRow{c.d, ctx, query, args}
	}
	st, err := c.stmt(ctx, query)
	if err != nil {
		return errRow{err}
	}
	return st.QueryRowContext(ctx, args...)
}

// batchRow is a QueryRow outside Tx: Scan runs it in a batch.
type batchRow struct {
	d     *DB
	ctx   context.Context
	query string
	args  []any
}

func (r batchRow) Scan(dest ...any) error {
	return r.d.atomic(r.ctx, false, func(ctx context.Context, c conn) error {
		return c.QueryRow(ctx, r.query, r.args...).Scan(dest...)
	})
}

// Query runs a query for any number of rows on the database, or on the
// transaction inside Tx: it is never batched (its rows are read after it
// returns).
func (c conn) Query(ctx context.Context, query string, args ...any) (sqldb.Rows, error) {
	st, err := c.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	r, err := st.QueryContext(ctx, args...)
	if err != nil {
		return nil, err
	}
	return rows{r}, nil
}

// Tx runs f atomically: in a batch, inside a savepoint of the batch's
// immediate transaction (the DB opens with _txlock=immediate), so
// SQLite's single writer makes f atomic.
func (c conn) Tx(ctx context.Context, f func(sqldb.Conn) error) error {
	return c.d.atomic(ctx, true, func(_ context.Context, c conn) error { return f(c) })
}

// unprepared runs a query that is not kept prepared.
type unprepared struct {
	c     conn
	query string
}

type sqlQuerier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func (u unprepared) on() sqlQuerier {
	if u.c.tx != nil {
		return u.c.tx
	}
	return u.c.d.db
}

func (u unprepared) ExecContext(ctx context.Context, args ...any) (sql.Result, error) {
	return u.on().ExecContext(ctx, u.query, args...)
}

func (u unprepared) QueryContext(ctx context.Context, args ...any) (*sql.Rows, error) {
	return u.on().QueryContext(ctx, u.query, args...)
}

func (u unprepared) QueryRowContext(ctx context.Context, args ...any) *sql.Row {
	return u.on().QueryRowContext(ctx, u.query, args...)
}

// errRow is the Row of a statement that could not be prepared.
type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }

// rows drops the error of Close, which Err already reports.
type rows struct{ *sql.Rows }

func (r rows) Close() { r.Rows.Close() }
