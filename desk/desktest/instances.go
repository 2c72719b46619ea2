package desktest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/desk"
)

// watched wraps a store and checks every successful Assign: the agent's
// load right after it never exceeds the capacity, and no conversation is
// assigned twice (a resolved conversation is never requeued here).
type watched struct {
	desk.Store
	w *watch
}

type watch struct {
	mu         sync.Mutex
	assigned   map[string]int
	violations int
	doubles    int
}

func (s watched) Assign(ctx context.Context, conv, agent string, capacity int, now time.Time) (desk.Conversation, error) {
	c, err := s.Store.Assign(ctx, conv, agent, capacity, now)
	if err != nil {
		return c, err
	}
	st, aerr := s.Store.Agent(ctx, agent)
	s.w.mu.Lock()
	defer s.w.mu.Unlock()
	s.w.assigned[conv]++
	if s.w.assigned[conv] > 1 {
		s.w.doubles++
	}
	if aerr == nil && st.Load > capacity {
		s.w.violations++
	}
	return c, nil
}

// RunInstances runs one Desk per store handle (each handle is one process's
// connection to the same state), enqueues n hand-offs from many goroutines
// spread over the desks (some agents taking by hand meanwhile) while 12
// agents (capacity 3–5) resolve what they get, and checks that every conversation is assigned exactly once and no agent
// ever exceeds its capacity.
func RunInstances(t *testing.T, stores []desk.Store, n int) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	w := &watch{assigned: map[string]int{}}
	var desks []*desk.Desk
	for _, s := range stores {
		d, err := desk.New(desk.Config{Store: watched{Store: s, w: w}, Tick: 200 * time.Millisecond, RetryBackoff: 5 * time.Millisecond})
		require.NoError(t, err)
		desks = append(desks, d)
		go func() { _ = d.Run(ctx) }()
	}
	const agents = 12
	for i := range agents {
		id := fmt.Sprintf("ag%02d", i)
		d := desks[i%len(desks)]
		require.NoError(t, d.AddAgent(ctx, desk.Agent{ID: id, Capacity: 3 + i%3}))
		require.NoError(t, d.SetOnline(ctx, id, true))
	}
	start := time.Now()
	var wg sync.WaitGroup
	const workers = 24
	for g := range workers {
		wg.Go(func() {
			d := desks[g%len(desks)]
			for i := g; i < n; i += workers {
				_, err := d.Handoff(ctx, desk.Handoff{Customer: wa(fmt.Sprint("c", i)), Language: "en"})
				assert.NoError(t, err)
				if i%7 == 0 { // an agent takes by hand, racing the dispatchers
					_, _ = d.Take(ctx, "nonexistent", "ag01")
				}
			}
		})
	}
	done := make(chan struct{})
	var resolvers sync.WaitGroup
	for i := range agents {
		resolvers.Go(func() {
			d := desks[i%len(desks)]
			id := fmt.Sprintf("ag%02d", i)
			for {
				select {
				case <-done:
					return
				case <-time.After(2 * time.Millisecond):
				}
				mine, err := d.Mine(ctx, id)
				if !assert.NoError(t, err) {
					return
				}
				for _, c := range mine {
					_, err := d.Resolve(ctx, c.ID, id, false)
					assert.NoError(t, err)
				}
			}
		})
	}
	wg.Wait()
	// The queue empties when the store assigns the last conversation; the
	// watch counts it a moment later, when that Assign returns (after one
	// more read), so wait for both.
	require.Eventually(t, func() bool {
		q, err := desks[0].Queue(ctx)
		w.mu.Lock()
		counted := len(w.assigned)
		w.mu.Unlock()
		return err == nil && len(q) == 0 && counted == n
	}, 120*time.Second, 50*time.Millisecond, "every conversation assigned")
	close(done)
	resolvers.Wait()
	elapsed := time.Since(start)

	w.mu.Lock()
	defer w.mu.Unlock()
	t.Logf("%d instances, %d hand-offs: %d assigned in %v; capacity violations %d, double assignments %d",
		len(stores), n, len(w.assigned), elapsed.Round(time.Millisecond), w.violations, w.doubles)
	assert.Equal(t, n, len(w.assigned))
	assert.Zero(t, w.violations, "capacity violations")
	assert.Zero(t, w.doubles, "double assignments")
	as, err := stores[0].Agents(ctx)
	require.NoError(t, err)
	for _, a := range as {
		assert.LessOrEqual(t, a.Load, a.Capacity)
	}
}
