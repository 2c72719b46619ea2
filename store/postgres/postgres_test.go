package postgres_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/store/postgres"
	"github.com/switchboard-go/switchboard/store/storetest"
)

func TestOpenMigratesOnceConcurrently(t *testing.T) {
	ctx := context.Background()
	url, schema := storetest.PostgresURL(t)
	errs := make(chan error, 3)
	dbs := make(chan *postgres.DB, 3)
	for range 3 {
		go func() {
			db, err := postgres.Open(ctx, url, postgres.Options{Schema: schema})
			errs <- err
			dbs <- db
		}()
	}
	var versions [][]int
	for range 3 {
		require.NoError(t, <-errs)
		db := <-dbs
		defer db.Close()
		v, err := db.Versions(ctx)
		require.NoError(t, err)
		versions = append(versions, v)
		require.NoError(t, db.Migrate(ctx))
	}
	require.NotEmpty(t, versions[0])
	require.Equal(t, versions[0], versions[1])
	require.Equal(t, versions[0], versions[2])
}

func TestOpenRefusesBadSchemaAndHidesPassword(t *testing.T) {
	_, err := postgres.Open(context.Background(), "postgres://u:secret@127.0.0.1/x", postgres.Options{Schema: "a;drop"})
	require.ErrorIs(t, err, postgres.ErrBadSchema)
	_, err = postgres.Open(context.Background(), "postgres://u:secret@127.0.0.1:notaport/x", postgres.Options{})
	require.Error(t, err)
	require.NotContains(t, err.Error(), "secret")
}

func TestSchemasIsolateTests(t *testing.T) {
	a, b := storetest.Postgres(t), storetest.Postgres(t)
	ctx := context.Background()
	_, err := a.Pool().Exec(ctx, `INSERT INTO switchboard_dedupe (key, until) VALUES ('k', now())`)
	require.NoError(t, err)
	var n int
	require.NoError(t, b.Pool().QueryRow(ctx, `SELECT count(*) FROM switchboard_dedupe`).Scan(&n))
	require.Zero(t, n)
	require.NotEqual(t, a.Schema(), b.Schema())
}
