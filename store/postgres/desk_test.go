package postgres_test

import (
	"context"
	"flag"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/internal/testenv"

	"github.com/switchboard-go/switchboard/desk"
	"github.com/switchboard-go/switchboard/desk/desktest"
	"github.com/switchboard-go/switchboard/store/postgres"
	"github.com/switchboard-go/switchboard/store/storetest"
)

// deskHandoffs sizes TestDeskInstances; the desk README's figures use
// -desk.handoffs=5000.
var deskHandoffs = flag.Int("desk.handoffs", 300, "hand-offs in TestDeskInstances")

func TestDeskConformance(t *testing.T) {
	desktest.Run(t, func(t *testing.T) desk.Store { return postgres.NewDesk(storetest.Postgres(t)) })
}

// TestDeskInstances: three connection pools on one schema, as three
// processes would have.
func TestDeskInstances(t *testing.T) {
	first := storetest.Postgres(t)
	url := testenv.PostgresURL(t)
	stores := []desk.Store{postgres.NewDesk(first)}
	for range 2 {
		db, err := postgres.Open(context.Background(), url, postgres.Options{Schema: first.Schema()})
		require.NoError(t, err)
		t.Cleanup(db.Close)
		stores = append(stores, postgres.NewDesk(db))
	}
	desktest.RunInstances(t, stores, *deskHandoffs)
}
