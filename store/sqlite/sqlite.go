package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"net/url"
	"sync"
	"time"

	"github.com/switchboard-go/switchboard/store/internal/migrate"
	"github.com/switchboard-go/switchboard/store/internal/sqldb"

	_ "modernc.org/sqlite" // registers the pure-Go "sqlite" driver
)

//go:embed migrations/*.sql
var migrations embed.FS

// DB is one SQLite database file opened for Switchboard's state. It holds a
// single connection: SQLite allows one writer at a time, and one connection
// serializes the writes instead of retrying SQLITE_BUSY in a loop. The
// stores' statements and transactions made at the same time share one
// immediate transaction and its commit (group commit, batch.go); each call
// still returns only once its writes are committed. Safe for concurrent use.
type DB struct {
	db *sql.DB

	stmtMu  sync.Mutex
	stmts   map[string]*sql.Stmt // by query text, prepared once (conn.go)
	missing map[string]struct{}  // texts met unprepared inside a transaction

	batchMu sync.Mutex
	queue   []*request // waiting for the next batch (batch.go)
	leading bool       // a batch is running
	batches int        // batches run, for tests; under batchMu
}

// Open opens (creating if needed) the SQLite file at path in WAL mode with a
// 5 s busy timeout, synchronous=NORMAL (a committed write survives the
// process being killed; only a power loss or OS crash may lose the last
// commits; it is 30–40× faster than FULL per claim), foreign keys on, and a single connection, then
// applies every pending migration. Use ":memory:" only in tests: such a database is
// private to the DB and lost on Close.
func Open(ctx context.Context, path string) (*DB, error) {
	if path == "" {
		return nil, errors.New("sqlite: empty path")
	}
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(5000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "foreign_keys(ON)")
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("sqlite: open: %w", err)
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxIdleTime(0)
	db.SetConnMaxLifetime(0)
	d := &DB{db: db, stmts: make(map[string]*sql.Stmt), missing: make(map[string]struct{})}
	if err := d.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return d, nil
}

// SQL returns the underlying *sql.DB (one connection) for packages that keep
// their own tables in this file (desk, insights). Do not change its pool
// settings.
func (d *DB) SQL() *sql.DB { return d.db }

// Close closes the database.
func (d *DB) Close() error {
	d.stmtMu.Lock()
	for _, st := range d.stmts {
		st.Close()
	}
	d.stmtMu.Unlock()
	return d.db.Close()
}

// Migrate applies, in order and each in its own transaction, every embedded
// migration not yet recorded in switchboard_migrations. It is idempotent and
// safe to call from several processes sharing the file (the immediate
// transaction serializes them).
func (d *DB) Migrate(ctx context.Context) error {
	ms, err := migrate.Load(migrations, "migrations")
	if err != nil {
		return err
	}
	if _, err := d.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS `+migrate.Table+` (
		version    INTEGER PRIMARY KEY,
		name       TEXT NOT NULL,
		applied_ms INTEGER NOT NULL)`); err != nil {
		return fmt.Errorf("sqlite: migrate: %w", err)
	}
	for _, m := range ms {
		if err := d.apply(ctx, m); err != nil {
			return err
		}
	}
	return nil
}

func (d *DB) apply(ctx context.Context, m migrate.Migration) error {
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: migrate %s: %w", m.Name, err)
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it is a no-op
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM `+migrate.Table+` WHERE version = ?`, m.Version).Scan(&n); err != nil {
		return fmt.Errorf("sqlite: migrate %s: %w", m.Name, err)
	}
	if n > 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
		return fmt.Errorf("sqlite: migrate %s: %w", m.Name, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO `+migrate.Table+` (version, name, applied_ms) VALUES (?, ?, ?)`,
		m.Version, m.Name, time.Now().UnixMilli()); err != nil {
		return fmt.Errorf("sqlite: migrate %s: %w", m.Name, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: migrate %s: %w", m.Name, err)
	}
	return nil
}

// Versions returns the applied migration versions in order.
func (d *DB) Versions(ctx context.Context) ([]int, error) { return sqldb.Versions(ctx, d.shared()) }
