package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/store/sqlite"
	"github.com/switchboard-go/switchboard/store/storetest"
)

func TestOpenMigratesOnceAndSurvivesReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "s.db")
	db, err := sqlite.Open(ctx, path)
	require.NoError(t, err)
	first, err := db.Versions(ctx)
	require.NoError(t, err)
	require.NotEmpty(t, first)
	require.NoError(t, db.Migrate(ctx), "a second Migrate is a no-op")
	_, err = db.SQL().ExecContext(ctx, `INSERT INTO switchboard_dedupe (key, until_ms, done) VALUES ('k', 1, 1)`)
	require.NoError(t, err)
	require.NoError(t, db.Close())

	db, err = sqlite.Open(ctx, path)
	require.NoError(t, err)
	defer db.Close()
	again, err := db.Versions(ctx)
	require.NoError(t, err)
	require.Equal(t, first, again)
	var n int
	require.NoError(t, db.SQL().QueryRowContext(ctx, `SELECT count(*) FROM switchboard_dedupe`).Scan(&n))
	require.Equal(t, 1, n, "rows survive a reopen")
	var mode string
	require.NoError(t, db.SQL().QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode))
	require.Equal(t, "wal", mode)
}

func TestOpenRefusesEmptyPath(t *testing.T) {
	_, err := sqlite.Open(context.Background(), "")
	require.Error(t, err)
}

func TestStoretestGivesEachTestItsOwnFile(t *testing.T) {
	a, b := storetest.SQLite(t), storetest.SQLite(t)
	ctx := context.Background()
	_, err := a.SQL().ExecContext(ctx, `INSERT INTO switchboard_dedupe (key, until_ms) VALUES ('k', 1)`)
	require.NoError(t, err)
	var n int
	require.NoError(t, b.SQL().QueryRowContext(ctx, `SELECT count(*) FROM switchboard_dedupe`).Scan(&n))
	require.Zero(t, n)
}
