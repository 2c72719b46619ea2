package tracking

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLocationString(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "Berlin, BE, DE", Location{City: "Berlin", Region: "BE", CountryCode: "DE"}.String())
	assert.Equal(t, "SHENZHEN, CN", Location{Text: "SHENZHEN", CountryCode: "CN"}.String())
	assert.Equal(t, "", Location{}.String())
	assert.True(t, Location{}.IsZero())
}

func TestCloneIsDeep(t *testing.T) {
	t.Parallel()
	s := &Shipment{Number: "1", Events: []Event{{Description: "a"}}}
	c := s.Clone()
	c.Events[0].Description = "b"
	assert.Equal(t, "a", s.Events[0].Description)
	assert.Nil(t, (*Shipment)(nil).Clone())
}

func TestAPIError(t *testing.T) {
	t.Parallel()
	e := &APIError{Carrier: UPS, StatusCode: 429, Code: "X", Message: "slow down", RetryAfter: time.Second, Err: ErrRateLimited}
	assert.Equal(t, "tracking: ups: HTTP 429: X: slow down (tracking: rate limited)", e.Error())
	assert.True(t, errors.Is(e, ErrRateLimited))
	assert.True(t, e.Retryable())
	d, ok := RetryAfter(e)
	assert.True(t, ok)
	assert.Equal(t, time.Second, d)
	_, ok = RetryAfter(errors.New("plain"))
	assert.False(t, ok)
}

func TestTrackerFunc(t *testing.T) {
	t.Parallel()
	var tr Tracker = TrackerFunc(func(ctx context.Context, n string) (*Shipment, error) { return &Shipment{Number: n}, nil })
	s, err := tr.Track(context.Background(), "x")
	require.NoError(t, err)
	assert.Equal(t, "x", s.Number)
}

func TestMemoryStoreDueOrder(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	m := NewMemoryStore()
	base := time.Unix(1_800_000_000, 0)
	require.NoError(t, m.Save(ctx, Watch{Carrier: DHL, Number: "b", NextPoll: base.Add(time.Minute)}))
	require.NoError(t, m.Save(ctx, Watch{Carrier: DHL, Number: "a", NextPoll: base}))
	require.NoError(t, m.Save(ctx, Watch{Carrier: DHL, Number: "c", NextPoll: base.Add(time.Hour)}))
	require.NoError(t, m.Save(ctx, Watch{Carrier: DHL, Number: "d", NextPoll: base, Done: true}))
	due, err := m.Due(ctx, base.Add(time.Minute), 0)
	require.NoError(t, err)
	require.Len(t, due, 2)
	assert.Equal(t, "a", due[0].Number)
	assert.Equal(t, "b", due[1].Number)
	due, _ = m.Due(ctx, base.Add(2*time.Hour), 1)
	assert.Len(t, due, 1)
	_, ok, _ := m.Load(ctx, DHL, "zz")
	assert.False(t, ok)
}

func TestBudget(t *testing.T) {
	t.Parallel()
	tokyo := time.FixedZone("JST", 9*3600)
	b := newBudget(Limit{Daily: 2, Zone: tokyo})
	now := time.Date(2026, 11, 20, 14, 0, 0, 0, time.UTC) // 23:00 in Tokyo
	_, err := b.take(now)
	require.NoError(t, err)
	_, err = b.take(now)
	require.NoError(t, err)
	wait, err := b.take(now)
	require.ErrorIs(t, err, ErrQuotaExceeded)
	assert.Equal(t, time.Hour, wait, "the quota day starts at midnight in Tokyo")
	_, err = b.take(now.Add(time.Hour))
	require.NoError(t, err)
}

func TestFailureBackoff(t *testing.T) {
	t.Parallel()
	assert.Equal(t, 5*time.Minute, failureBackoff(1, 3*time.Hour))
	assert.Equal(t, 10*time.Minute, failureBackoff(2, 3*time.Hour))
	assert.Equal(t, 3*time.Hour, failureBackoff(20, 3*time.Hour))
}

func TestDefaultInterval(t *testing.T) {
	t.Parallel()
	for _, s := range Statuses() {
		if s.Terminal() {
			assert.Zero(t, DefaultInterval(s), s)
		} else {
			assert.GreaterOrEqual(t, DefaultInterval(s), 30*time.Minute, s)
		}
	}
}
