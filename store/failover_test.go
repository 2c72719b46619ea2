package store_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/failover"
	"github.com/switchboard-go/switchboard/store/storetest"
)

// TestFailoverBusAcrossInstances: three transports (three instances) share
// a bus on Redis, then on Postgres; one trips on slow answers and the two
// others follow within 1 s.
func TestFailoverBusAcrossInstances(t *testing.T) {
	buses := map[string]func(t *testing.T) failover.Bus{
		"redis":    func(t *testing.T) failover.Bus { return storetest.Redis(t).FailoverBus() },
		"postgres": func(t *testing.T) failover.Bus { return storetest.Postgres(t).FailoverBus() },
	}
	for name, newBus := range buses {
		t.Run(name, func(t *testing.T) {
			bus := newBus(t)
			slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
			defer slow.Close()
			backup := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
			defer backup.Close()
			now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
			clock := func() time.Time { now = now.Add(2 * time.Second); return now } // every call looks 2 s long
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var trs []*failover.Transport
			followers := make(chan struct{}, 3)
			for i := range 3 {
				cfg := failover.Config{Bus: bus, Group: "whatsapp", Endpoints: []failover.Endpoint{
					{Name: "primary", URL: slow.URL}, {Name: "backup", URL: backup.URL}}}
				if i == 0 {
					cfg.Clock = clock
				}
				tr, err := failover.New(cfg)
				require.NoError(t, err)
				trs = append(trs, tr)
				go func() {
					followers <- struct{}{}
					_ = tr.Follow(ctx)
				}()
			}
			for range 3 {
				<-followers
			}
			time.Sleep(200 * time.Millisecond) // the subscriptions reach the server
			c := &http.Client{Transport: trs[0]}
			for range 3 {
				resp, err := c.Get(slow.URL + "/x")
				require.NoError(t, err)
				resp.Body.Close()
			}
			require.Equal(t, "backup", trs[0].Active())
			start := time.Now()
			require.Eventually(t, func() bool { return trs[1].Active() == "backup" && trs[2].Active() == "backup" },
				time.Second, 5*time.Millisecond)
			t.Logf("%s: followed in %v", name, time.Since(start))
		})
	}
}
