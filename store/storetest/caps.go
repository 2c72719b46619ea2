package storetest

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/notify"
)

// RunNoticeCaps runs the notify.CapStore conformance suite: one capped
// notice per customer per period, the time the cap frees, customers apart,
// and exactly one of many concurrent takes (planners on several instances).
func RunNoticeCaps(t *testing.T, newStore func(t *testing.T) notify.CapStore) {
	ctx := context.Background()
	const day = 24 * time.Hour
	t.Run("OnePerPeriod", func(t *testing.T) {
		s := newStore(t)
		ok, _, err := s.Take(ctx, "cust-1", T0, day)
		require.NoError(t, err)
		require.True(t, ok)
		ok, next, err := s.Take(ctx, "cust-1", T0.Add(time.Hour), day)
		require.NoError(t, err)
		assert.False(t, ok)
		assert.True(t, T0.Add(day).Equal(next), "frees at %v, got %v", T0.Add(day), next)
		ok, _, err = s.Take(ctx, "cust-2", T0.Add(time.Hour), day)
		require.NoError(t, err)
		assert.True(t, ok, "another customer")
		ok, _, err = s.Take(ctx, "cust-1", T0.Add(day-time.Microsecond), day)
		require.NoError(t, err)
		assert.False(t, ok)
		ok, _, err = s.Take(ctx, "cust-1", T0.Add(day), day)
		require.NoError(t, err)
		assert.True(t, ok, "the period is over")
	})
	t.Run("ExactlyOneOfConcurrentTakes", func(t *testing.T) {
		s := newStore(t)
		var won atomic.Int64
		var wg sync.WaitGroup
		for range 40 {
			wg.Go(func() {
				ok, _, err := s.Take(ctx, "cust-race", T0, day)
				if err != nil {
					t.Error(err)
				}
				if ok {
					won.Add(1)
				}
			})
		}
		wg.Wait()
		assert.EqualValues(t, 1, won.Load())
	})
	t.Run("PlannersOnTwoInstances", func(t *testing.T) {
		s := newStore(t)
		var sends atomic.Int64
		var wg sync.WaitGroup
		for i := range 2 {
			p, err := notify.New(notify.Config{Windows: openWindows{}, Caps: s, Clock: func() time.Time { return T0 }})
			require.NoError(t, err)
			for j := range 10 {
				wg.Go(func() {
					n := notify.Notice{ID: string(rune('a'+i)) + string(rune('a'+j)), Customer: "cust-9", Kind: notify.Marketing,
						TemplateKey: "promo", To: whatsapp("85291230009"), TimeZone: "Asia/Hong_Kong"}
					ds, err := p.Plan(ctx, n)
					if err != nil {
						t.Error(err)
						return
					}
					for _, d := range ds {
						if d.Action == notify.Send {
							sends.Add(1)
						}
					}
				})
			}
		}
		wg.Wait()
		assert.EqualValues(t, 1, sends.Load(), "one capped notice across instances")
	})
}

// openWindows says every window is open.
type openWindows struct{}

func (openWindows) Open(channel.Address) bool { return true }

func whatsapp(id string) channel.Address { return channel.Address{Channel: channel.WhatsApp, ID: id} }
