package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/tracking"
)

// RunWatches runs the tracking.WatchStore conformance suite.
func RunWatches(t *testing.T, newStore func(t *testing.T) tracking.WatchStore) {
	ctx := context.Background()
	t.Run("SaveLoadDueDelete", func(t *testing.T) {
		s := newStore(t)
		ship := &tracking.Shipment{Carrier: tracking.DHL, Number: "JD014600006281230705", Status: tracking.StatusInTransit,
			Events: []tracking.Event{{Time: T0, Description: "Processed"}}, LastUpdate: T0}
		watches := []tracking.Watch{
			{Carrier: tracking.UPS, Number: "1Z999AA10123456784", Ref: "o-2", NextPoll: T0.Add(time.Minute), Added: T0},
			{Carrier: tracking.DHL, Number: "JD014600006281230705", Ref: "o-1", Shipment: ship, NextPoll: T0, Added: T0},
			{Carrier: tracking.FedEx, Number: "123456789012", Ref: "o-3", NextPoll: T0, Added: T0, Done: true},
			{Carrier: tracking.DHL, Number: "JD014600006281230706", Ref: "o-4", NextPoll: T0.Add(time.Hour), Added: T0},
			{Carrier: tracking.DHL, Number: "JD014600006281230707", Ref: "o-5", NextPoll: T0, Added: T0, Failures: 2, LastError: "503"},
		}
		for _, w := range watches {
			require.NoError(t, s.Save(ctx, w))
		}
		got, ok, err := s.Load(ctx, tracking.DHL, "JD014600006281230705")
		require.NoError(t, err)
		require.True(t, ok)
		assert.Equal(t, "o-1", got.Ref)
		require.NotNil(t, got.Shipment)
		assert.Equal(t, tracking.StatusInTransit, got.Shipment.Status)
		assert.True(t, T0.Equal(got.NextPoll))
		_, ok, err = s.Load(ctx, tracking.UPS, "JD014600006281230705")
		require.NoError(t, err)
		assert.False(t, ok, "same number, another carrier")

		refs := func(ws []tracking.Watch) []string {
			var out []string
			for _, w := range ws {
				out = append(out, w.Ref)
			}
			return out
		}
		tests := []struct {
			at   time.Duration
			max  int
			want []string
		}{
			{-time.Second, 0, nil},
			{0, 0, []string{"o-1", "o-5"}}, // done o-3 is never due
			{time.Minute, 0, []string{"o-1", "o-5", "o-2"}},
			{time.Hour, 2, []string{"o-1", "o-5"}}, // earliest first, max honoured
		}
		for _, tt := range tests {
			due, err := s.Due(ctx, T0.Add(tt.at), tt.max)
			require.NoError(t, err)
			assert.Equal(t, tt.want, refs(due), "due at +%v max %d", tt.at, tt.max)
		}
		// Polled: o-1 moves on; o-5 is delivered (done).
		w := watches[1]
		w.NextPoll = T0.Add(2 * time.Hour)
		require.NoError(t, s.Save(ctx, w))
		w = watches[4]
		w.Done = true
		require.NoError(t, s.Save(ctx, w))
		require.NoError(t, s.Delete(ctx, tracking.UPS, "1Z999AA10123456784"))
		require.NoError(t, s.Delete(ctx, tracking.UPS, "missing"))
		due, err := s.Due(ctx, T0.Add(time.Hour), 0)
		require.NoError(t, err)
		assert.Equal(t, []string{"o-4"}, refs(due))
		_, ok, err = s.Load(ctx, tracking.DHL, "JD014600006281230707")
		require.NoError(t, err)
		assert.True(t, ok, "a done watch is kept")
	})
}
