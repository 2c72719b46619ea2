package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"regexp"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/switchboard-go/switchboard/store/internal/migrate"
	"github.com/switchboard-go/switchboard/store/internal/sqldb"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Options configures Open. The zero value uses the "public" schema and
// pgxpool's defaults.
type Options struct {
	// Schema, when set, is created if missing and becomes the search_path
	// of every connection, so all of Switchboard's tables live in it. It
	// must be a plain identifier ([a-z_][a-z0-9_]*, at most 63 bytes).
	Schema string
	// MaxConns caps the pool; 0 keeps pgxpool's default (4 or the CPUs).
	MaxConns int32
	// AsyncCommit sets synchronous_commit=off on this pool's sessions: a
	// write is answered before the server flushes its WAL, so a claim costs
	// a round trip instead of a disk flush (on the shared CI machine a claim's
	// p50 went from 1.1–2.2 ms to 69–150 µs). A crash of the database server (not of an instance) may then
	// forget the last fraction of a second of claims and counters, which
	// could let a redelivery of those messages be handled again. Off by
	// default.
	AsyncCommit bool
}

// ErrBadSchema is returned by Open for a schema name that is not a plain
// identifier.
var ErrBadSchema = errors.New("postgres: schema must match [a-z_][a-z0-9_]{0,62}")

var schemaRE = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

// migrationLock is the advisory lock key that serializes Migrate across
// instances ("swbd" in ASCII).
const migrationLock = 0x73776264

// DB is a pool of connections to one PostgreSQL database (and schema). Safe
// for concurrent use.
type DB struct {
	pool   *pgxpool.Pool
	schema string
}

// Open connects to url (a postgres:// URL or key=value DSN), creates
// opts.Schema if set, and applies every pending migration. The error never
// contains the URL's password.
func Open(ctx context.Context, url string, opts Options) (*DB, error) {
	if opts.Schema != "" && !schemaRE.MatchString(opts.Schema) {
		return nil, ErrBadSchema
	}
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, errors.New("postgres: cannot parse the connection URL")
	}
	if opts.MaxConns > 0 {
		cfg.MaxConns = opts.MaxConns
	}
	if opts.AsyncCommit {
		cfg.ConnConfig.RuntimeParams["synchronous_commit"] = "off"
	}
	if opts.Schema != "" {
		cfg.ConnConfig.RuntimeParams["search_path"] = opts.Schema
		schema := opts.Schema
		// Create the schema on first connect, before anything uses it.
		cfg.AfterConnect = func(ctx context.Context, c *pgx.Conn) error {
			_, err := c.Exec(ctx, `CREATE SCHEMA IF NOT EXISTS `+pgx.Identifier{schema}.Sanitize())
			var pe interface{ SQLState() string }
			if errors.As(err, &pe) && pe.SQLState() == "23505" {
				return nil // created concurrently by another connection
			}
			return err
		}
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: connect: %w", err)
	}
	d := &DB{pool: pool, schema: opts.Schema}
	if err := d.Migrate(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return d, nil
}

// Pool returns the connection pool for packages that keep their own tables
// in this database (desk, insights).
func (d *DB) Pool() *pgxpool.Pool { return d.pool }

// Schema returns the schema given to Open ("" means the server's
// search_path).
func (d *DB) Schema() string { return d.schema }

// Close closes every connection of the pool.
func (d *DB) Close() { d.pool.Close() }

// Migrate applies, in order and each in its own transaction, every embedded
// migration not yet recorded in switchboard_migrations. It holds a
// transaction-level advisory lock, so instances starting together migrate
// once; it is idempotent.
func (d *DB) Migrate(ctx context.Context) error {
	ms, err := migrate.Load(migrations, "migrations")
	if err != nil {
		return err
	}
	for _, m := range ms {
		if err := d.apply(ctx, m); err != nil {
			return err
		}
	}
	return nil
}

func (d *DB) apply(ctx context.Context, m migrate.Migration) error {
	err := pgx.BeginFunc(ctx, d.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, migrationLock); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS `+migrate.Table+` (
			version    integer PRIMARY KEY,
			name       text NOT NULL,
			applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
			return err
		}
		var done bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM `+migrate.Table+` WHERE version = $1)`, m.Version).Scan(&done); err != nil {
			return err
		}
		if done {
			return nil
		}
		if _, err := tx.Exec(ctx, m.SQL); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO `+migrate.Table+` (version, name) VALUES ($1, $2)`, m.Version, m.Name)
		return err
	})
	if err != nil {
		return fmt.Errorf("postgres: migrate %s: %w", m.Name, err)
	}
	return nil
}

// Versions returns the applied migration versions in order.
func (d *DB) Versions(ctx context.Context) ([]int, error) { return sqldb.Versions(ctx, d.shared()) }
