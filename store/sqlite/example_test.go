package sqlite_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/store/sqlite"
)

// A webhook claim kept in a SQLite file survives closing and reopening it:
// after a restart the redelivered event is acknowledged, not handled again.
func Example() {
	dir, _ := os.MkdirTemp("", "switchboard")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "switchboard.db")
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	key := channel.DedupeKey(channel.WhatsApp, "wamid.HBgL")

	db, err := sqlite.Open(ctx, path)
	if err != nil {
		fmt.Println(err)
		return
	}
	st, _ := db.Dedupe().Claim(ctx, key, now, time.Minute)
	fmt.Println("first delivery:", st)
	_ = db.Dedupe().Complete(ctx, key, now, 24*time.Hour)
	_ = db.Close()

	db, _ = sqlite.Open(ctx, path) // the process restarted
	defer db.Close()
	st, _ = db.Dedupe().Claim(ctx, key, now.Add(time.Hour), time.Minute)
	fmt.Println("redelivery after a restart:", st)
	// Output:
	// first delivery: new
	// redelivery after a restart: done
}
