package sqlite

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/store/internal/sqldb"
)

// Statements are prepared once up to maxPrepared texts; past that they run
// unprepared, with the same answers.
func TestPreparedStatementsAreBounded(t *testing.T) {
	d, err := Open(context.Background(), filepath.Join(t.TempDir(), "s.db"))
	require.NoError(t, err)
	defer d.Close()
	c := d.shared().Conn
	for i := range maxPrepared + 44 {
		var n int
		require.NoError(t, c.QueryRow(context.Background(), fmt.Sprintf("SELECT %d + $1", i), 1).Scan(&n))
		require.Equal(t, i+1, n)
	}
	require.Len(t, d.stmts, maxPrepared)
}

// A statement first met inside a transaction runs on the transaction's
// connection (the only one) instead of waiting for another to prepare it.
func TestStatementFirstMetInsideATransaction(t *testing.T) {
	d, err := Open(context.Background(), filepath.Join(t.TempDir(), "s.db"))
	require.NoError(t, err)
	defer d.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var n int
	err = d.shared().Conn.Tx(ctx, func(c sqldb.Conn) error {
		return c.QueryRow(ctx, "SELECT 41 + $1", 1).Scan(&n)
	})
	require.NoError(t, err)
	require.Equal(t, 42, n)
}

// A goroutine preparing a new statement waits for the one connection while
// a transaction holds it; the transaction's own statements must not wait
// for that goroutine (a lock held while preparing once deadlocked here).
func TestPreparingDoesNotBlockATransaction(t *testing.T) {
	d, err := Open(context.Background(), filepath.Join(t.TempDir(), "s.db"))
	require.NoError(t, err)
	defer d.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	outside := make(chan error, 1)
	err = d.shared().Conn.Tx(ctx, func(c sqldb.Conn) error {
		go func() { // Query is not batched: it prepares on the DB itself
			rows, err := d.shared().Conn.Query(ctx, "SELECT 7 + $1", 1)
			if err == nil {
				rows.Close()
			}
			outside <- err
		}()
		for i := range 200 {
			var n int
			if err := c.QueryRow(ctx, fmt.Sprintf("SELECT %d", i)).Scan(&n); err != nil {
				return err
			}
			runtime.Gosched()
		}
		return nil
	})
	require.NoError(t, err)
	require.NoError(t, <-outside)
}
