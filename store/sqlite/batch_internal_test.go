package sqlite

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/store/internal/sqldb"
)

// openBatchTest opens a DB with a table t(k TEXT PRIMARY KEY).
func openBatchTest(t *testing.T) (*DB, sqldb.Conn) {
	t.Helper()
	d, err := Open(context.Background(), filepath.Join(t.TempDir(), "s.db"))
	require.NoError(t, err)
	t.Cleanup(func() { d.Close() })
	c := d.shared().Conn
	_, err = c.Exec(context.Background(), `CREATE TABLE t (k TEXT PRIMARY KEY)`)
	require.NoError(t, err)
	return d, c
}

// holdBatch starts a transaction that runs until the returned func is
// called, so the requests made meanwhile queue for one batch.
func holdBatch(t *testing.T, c sqldb.Conn) (release func()) {
	t.Helper()
	started, hold, done := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		done <- c.Tx(context.Background(), func(sqldb.Conn) error {
			close(started)
			<-hold
			return nil
		})
	}()
	<-started
	return func() {
		close(hold)
		require.NoError(t, <-done)
	}
}

// queued waits until n requests wait for the next batch.
func queued(d *DB, n int) {
	for {
		d.batchMu.Lock()
		q := len(d.queue)
		d.batchMu.Unlock()
		if q >= n {
			return
		}
		runtime.Gosched()
	}
}

func keys(t *testing.T, c sqldb.Conn) []string {
	t.Helper()
	rows, err := c.Query(context.Background(), `SELECT k FROM t ORDER BY k`)
	require.NoError(t, err)
	defer rows.Close()
	var ks []string
	for rows.Next() {
		var k string
		require.NoError(t, rows.Scan(&k))
		ks = append(ks, k)
	}
	require.NoError(t, rows.Err())
	return ks
}

// Requests made while a batch runs share the next one: one commit for all,
// and each request's answer is its own. A transaction that fails undoes
// only its own writes; a statement that fails, only itself.
func TestBatchIsolatesItsRequests(t *testing.T) {
	d, c := openBatchTest(t)
	ctx := context.Background()
	errBoom := errors.New("boom")
	release := holdBatch(t, c)
	d.batchMu.Lock()
	before := d.batches
	d.batchMu.Unlock()

	var wg sync.WaitGroup
	errs := make([]error, 4)
	run := func(i int, f func() error) {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = f() }()
		queued(d, i+1)
	}
	run(0, func() error { _, err := c.Exec(ctx, `INSERT INTO t VALUES ('a')`); return err })
	run(1, func() error { // writes, then fails: rolled back to its savepoint
		return c.Tx(ctx, func(tx sqldb.Conn) error {
			if _, err := tx.Exec(ctx, `INSERT INTO t VALUES ('b')`); err != nil {
				return err
			}
			return errBoom
		})
	})
	run(2, func() error { _, err := c.Exec(ctx, `INSERT INTO t VALUES ('a')`); return err }) // a duplicate key
	run(3, func() error {
		var n int
		if err := c.QueryRow(ctx, `SELECT count(*) FROM t`).Scan(&n); err != nil {
			return err
		}
		if n != 1 {
			return fmt.Errorf("count %d, want 1: the read sees the batch's earlier writes", n)
		}
		return nil
	})
	release()
	wg.Wait()

	require.NoError(t, errs[0])
	require.ErrorIs(t, errs[1], errBoom)
	require.ErrorContains(t, errs[2], "UNIQUE")
	require.NoError(t, errs[3])
	require.Equal(t, []string{"a"}, keys(t, c))
	d.batchMu.Lock()
	require.Equal(t, before+2, d.batches, "the held batch, then one for the four requests")
	d.batchMu.Unlock()
}

// A request whose context ends while it waits is not run; one whose
// context ends after it ran is not undone.
func TestBatchSkipsCancelledRequests(t *testing.T) {
	d, c := openBatchTest(t)
	release := holdBatch(t, c)
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { _, err := c.Exec(ctx, `INSERT INTO t VALUES ('x')`); errc <- err }()
	queued(d, 1)
	cancel()
	release()
	require.ErrorIs(t, <-errc, context.Canceled)
	require.Empty(t, keys(t, c))

	_, err := c.Exec(ctx, `INSERT INTO t VALUES ('y')`)
	require.ErrorIs(t, err, context.Canceled, "a request made with a done context is refused")
}

// Many writers at once: every write lands once, in fewer commits than
// writes.
func TestBatchConcurrentWriters(t *testing.T) {
	d, c := openBatchTest(t)
	const writers, each = 16, 50
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				_, err := c.Exec(context.Background(), `INSERT INTO t VALUES ($1)`, fmt.Sprintf("%02d-%03d", w, i))
				assert.NoError(t, err)
			}
		})
	}
	wg.Wait()
	require.Len(t, keys(t, c), writers*each)
	d.batchMu.Lock()
	defer d.batchMu.Unlock()
	t.Logf("%d writes in %d batches", writers*each, d.batches)
	require.Less(t, d.batches, writers*each)
}
