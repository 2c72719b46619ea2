package wire

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/tracking"
)

func TestNumbers(t *testing.T) {
	t.Parallel()
	t.Run("normalized in order", func(t *testing.T) {
		t.Parallel()
		got, err := Numbers("fedex", []string{"1234 5678 9012", "rr123456785cn"}, 2)
		require.NoError(t, err)
		assert.Equal(t, []string{tracking.Normalize("1234 5678 9012"), tracking.Normalize("rr123456785cn")}, got)
	})
	t.Run("empty", func(t *testing.T) {
		t.Parallel()
		got, err := Numbers("fedex", nil, 2)
		assert.NoError(t, err)
		assert.Nil(t, got)
	})
	t.Run("too many", func(t *testing.T) {
		t.Parallel()
		_, err := Numbers("seventeentrack", make([]string, 3), 2)
		assert.EqualError(t, err, "seventeentrack: 3 numbers in one batch, at most 2")
	})
	t.Run("blank number", func(t *testing.T) {
		t.Parallel()
		_, err := Numbers("fedex", []string{"123", "  "}, 2)
		assert.ErrorIs(t, err, tracking.ErrInvalidNumber)
	})
}

func TestCollect(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_800_000_000, 0)
	refused := errors.New("refused")
	found := map[string]tracking.Result{
		"A": {Number: "A", Shipment: &tracking.Shipment{Number: "A"}},
		"B": {Number: "B", Err: refused},
	}
	got := Collect(tracking.FedEx, http.StatusOK, []string{"C", "B", "A"}, found, now)
	require.Len(t, got, 3)

	assert.Equal(t, "C", got[0].Number)
	assert.Nil(t, got[0].Shipment)
	require.ErrorIs(t, got[0].Err, tracking.ErrNotFound)
	var ae *tracking.APIError
	require.ErrorAs(t, got[0].Err, &ae)
	assert.Equal(t, tracking.FedEx, ae.Carrier)
	assert.Equal(t, http.StatusOK, ae.StatusCode)

	assert.Equal(t, "B", got[1].Number)
	assert.Nil(t, got[1].Shipment)
	assert.Same(t, refused, got[1].Err)

	assert.Equal(t, "A", got[2].Number)
	require.NoError(t, got[2].Err)
	assert.True(t, got[2].Shipment.FetchedAt.Equal(now))
}

func TestTrackOne(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := &tracking.Shipment{Number: "A"}
	batch := func(_ context.Context, numbers []string) ([]tracking.Result, error) {
		switch numbers[0] {
		case "A":
			return []tracking.Result{{Number: "A", Shipment: s}}, nil
		case "B":
			return []tracking.Result{{Number: "B", Err: tracking.ErrNotFound}}, nil
		}
		return nil, tracking.ErrRateLimited
	}
	got, err := TrackOne(ctx, "A", batch)
	require.NoError(t, err)
	assert.Same(t, s, got)
	_, err = TrackOne(ctx, "B", batch)
	assert.ErrorIs(t, err, tracking.ErrNotFound)
	_, err = TrackOne(ctx, "C", batch)
	assert.ErrorIs(t, err, tracking.ErrRateLimited)
}
