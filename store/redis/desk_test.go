package redis_test

import (
	"flag"
	"testing"

	goredis "github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/desk"
	"github.com/switchboard-go/switchboard/desk/desktest"
	"github.com/switchboard-go/switchboard/store/redis"
	"github.com/switchboard-go/switchboard/store/storetest"
)

// deskHandoffs sizes TestDeskInstances; the desk README's figures use
// -desk.handoffs=5000.
var deskHandoffs = flag.Int("desk.handoffs", 300, "hand-offs in TestDeskInstances")

func TestDeskConformance(t *testing.T) {
	desktest.Run(t, func(t *testing.T) desk.Store { return redis.NewDesk(storetest.Redis(t)) })
}

// TestDeskInstances: three clients on one prefix, as three processes would
// have.
func TestDeskInstances(t *testing.T) {
	first := storetest.Redis(t)
	stores := []desk.Store{redis.NewDesk(first)}
	for range 2 {
		c := goredis.NewClient(first.Client().(*goredis.Client).Options())
		t.Cleanup(func() { c.Close() })
		s, err := redis.New(c, first.Prefix())
		require.NoError(t, err)
		stores = append(stores, redis.NewDesk(s))
	}
	desktest.RunInstances(t, stores, *deskHandoffs)
}
