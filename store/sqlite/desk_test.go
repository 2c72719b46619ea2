package sqlite_test

import (
	"context"
	"flag"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/desk"
	"github.com/switchboard-go/switchboard/desk/desktest"
	"github.com/switchboard-go/switchboard/store/sqlite"
	"github.com/switchboard-go/switchboard/store/storetest"
)

// deskHandoffs sizes TestDeskInstances; the desk README's figures use
// -desk.handoffs=5000.
var deskHandoffs = flag.Int("desk.handoffs", 300, "hand-offs in TestDeskInstances")

func TestDeskConformance(t *testing.T) {
	desktest.Run(t, func(t *testing.T) desk.Store { return sqlite.NewDesk(storetest.SQLite(t)) })
}

// TestDeskInstances: three handles on one file, as three processes would
// have.
func TestDeskInstances(t *testing.T) {
	path := filepath.Join(t.TempDir(), "desk.db")
	var stores []desk.Store
	for range 3 {
		db, err := sqlite.Open(context.Background(), path)
		require.NoError(t, err)
		t.Cleanup(func() { db.Close() })
		stores = append(stores, sqlite.NewDesk(db))
	}
	desktest.RunInstances(t, stores, *deskHandoffs)
}
