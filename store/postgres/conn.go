package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/switchboard-go/switchboard/store/internal/sqldb"
)

// shared returns d as the stores written once for both SQL backends see
// it. Keys are passed as bytes: the key columns are bytea, since text
// cannot hold the NUL a key may contain.
func (d *DB) shared() sqldb.DB {
	return sqldb.DB{Conn: conn{d.pool}, Name: "postgres", Key: func(k string) any { return []byte(k) }}
}

// conn is a sqldb.Conn on the pool or on one of its transactions.
type conn struct {
	q interface {
		Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
		Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
		QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
		Begin(ctx context.Context) (pgx.Tx, error)
	}
}

func (c conn) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	tag, err := c.q.Exec(ctx, query, args...)
	return tag.RowsAffected(), err
}

func (c conn) QueryRow(ctx context.Context, query string, args ...any) sqldb.Row {
	return c.q.QueryRow(ctx, query, args...)
}

func (c conn) Query(ctx context.Context, query string, args ...any) (sqldb.Rows, error) {
	return c.q.Query(ctx, query, args...)
}

func (c conn) Tx(ctx context.Context, f func(sqldb.Conn) error) error {
	return pgx.BeginFunc(ctx, c.q, func(tx pgx.Tx) error { return f(conn{tx}) })
}
