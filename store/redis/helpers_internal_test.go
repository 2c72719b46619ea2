package redis

import (
	"context"
	"strconv"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/switchboard-go/switchboard/internal/testenv"
)

// newTestStore returns a Store on the test server under a prefix of its
// own, and its client; both are closed, and the prefix's keys deleted, when
// tb ends.
func newTestStore(tb testing.TB) (*Store, *goredis.Client) {
	tb.Helper()
	opt, err := goredis.ParseURL(testenv.RedisURL(tb))
	if err != nil {
		tb.Fatal(err)
	}
	c := goredis.NewClient(opt)
	prefix := "internal-" + strconv.FormatInt(time.Now().UnixNano(), 36) + ":"
	tb.Cleanup(func() {
		defer c.Close()
		ctx := context.Background()
		var cursor uint64
		for {
			keys, next, err := c.Scan(ctx, cursor, prefix+"*", 1000).Result()
			if err != nil {
				return
			}
			if len(keys) > 0 {
				c.Del(ctx, keys...)
			}
			if cursor = next; cursor == 0 {
				return
			}
		}
	})
	s, err := New(c, prefix)
	if err != nil {
		tb.Fatal(err)
	}
	return s, c
}
