package tracking_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/channel/channeltest"
	"github.com/switchboard-go/switchboard/tracking"
	"github.com/switchboard-go/switchboard/tracking/dhl"
	"github.com/switchboard-go/switchboard/tracking/fedex"
	"github.com/switchboard-go/switchboard/tracking/trackingtest"
)

var t0 = time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)

var noRetry = channel.Retry{MaxAttempts: 1}

type env struct {
	clock *channeltest.Clock
	dhl   *trackingtest.DHL
	fedex *trackingtest.FedEx
	p     *tracking.Poller
	store *tracking.MemoryStore
}

func newEnv(t *testing.T, limits map[tracking.Carrier]tracking.Limit) *env {
	t.Helper()
	e := &env{clock: channeltest.NewClock(t0), store: tracking.NewMemoryStore()}
	e.dhl = trackingtest.NewDHL(trackingtest.Config{Clock: e.clock.Now})
	e.fedex = trackingtest.NewFedEx(trackingtest.Config{Clock: e.clock.Now})
	t.Cleanup(e.dhl.Close)
	t.Cleanup(e.fedex.Close)
	d, err := dhl.New(dhl.Config{APIKey: e.dhl.APIKey, BaseURL: e.dhl.URL, HTTPClient: e.dhl.Client(), Retry: noRetry, Clock: e.clock.Now})
	require.NoError(t, err)
	f, err := fedex.New(fedex.Config{ClientID: e.fedex.ClientID, ClientSecret: e.fedex.ClientSecret, BaseURL: e.fedex.URL, HTTPClient: e.fedex.Client(), Retry: noRetry, Clock: e.clock.Now})
	require.NoError(t, err)
	e.p, err = tracking.NewPoller(tracking.PollerConfig{
		Trackers: map[tracking.Carrier]tracking.Tracker{tracking.DHL: d, tracking.FedEx: f},
		Store:    e.store, Limits: limits, Clock: e.clock.Now,
	})
	require.NoError(t, err)
	return e
}

// inTransit scripts a shipment picked up an hour before t0, moving on at
// t0+4h and delivered at t0+10h.
func inTransit(number string) trackingtest.Script {
	return trackingtest.Script{Number: number, Steps: []trackingtest.Step{
		{At: t0.Add(-2 * time.Hour), Status: tracking.StatusInfoReceived, City: "SHENZHEN", CountryCode: "CN"},
		{At: t0.Add(-time.Hour), Status: tracking.StatusInTransit, City: "SHENZHEN", CountryCode: "CN"},
		{At: t0.Add(4 * time.Hour), Status: tracking.StatusInTransit, City: "LEIPZIG", CountryCode: "DE"},
		{At: t0.Add(10 * time.Hour), Status: tracking.StatusDelivered, City: "BERLIN", CountryCode: "DE"},
	}}
}

func (e *env) watch(t *testing.T, c tracking.Carrier, numbers ...string) {
	t.Helper()
	for _, n := range numbers {
		require.NoError(t, e.p.Watch(context.Background(), c, n, "order-"+n))
	}
}

func (e *env) poll(t *testing.T) *tracking.Report {
	t.Helper()
	rep, err := e.p.Poll(context.Background())
	require.NoError(t, err)
	return rep
}

func kinds(chs []tracking.Change) []string {
	var out []string
	for _, c := range chs {
		out = append(out, fmt.Sprintf("%s %s", c.Number, c.Kind))
	}
	return out
}

func TestPollerRateLimit(t *testing.T) {
	t.Parallel()
	e := newEnv(t, map[tracking.Carrier]tracking.Limit{tracking.DHL: {Rate: 1, Burst: 1}})
	for _, n := range []string{"1000000001", "1000000002", "1000000003"} {
		e.dhl.Add(inTransit(n))
	}
	e.watch(t, tracking.DHL, "1000000001", "1000000002", "1000000003")

	rep := e.poll(t)
	assert.Equal(t, 3, rep.Due)
	assert.Equal(t, 1, rep.Calls)
	assert.Equal(t, 2, rep.Deferred)
	require.NotEmpty(t, rep.Errors)
	assert.ErrorIs(t, rep.Errors[0], tracking.ErrRateLimited)

	rep = e.poll(t) // same instant: the bucket is empty
	assert.Equal(t, 0, rep.Calls)
	assert.Equal(t, 2, rep.Deferred)

	e.clock.Advance(time.Second)
	rep = e.poll(t)
	assert.Equal(t, 1, rep.Calls)
	e.clock.Advance(time.Second)
	rep = e.poll(t)
	assert.Equal(t, 1, rep.Calls)
	assert.Equal(t, 0, rep.Deferred)
	assert.Equal(t, 3, e.dhl.Calls(), "the carrier saw exactly the calls the budget allowed")

	rep = e.poll(t)
	assert.Equal(t, 0, rep.Due, "nothing due until the in-transit interval passes")
}

func TestPollerDailyQuota(t *testing.T) {
	t.Parallel()
	e := newEnv(t, map[tracking.Carrier]tracking.Limit{tracking.DHL: {Daily: 2}})
	for _, n := range []string{"1000000001", "1000000002", "1000000003"} {
		e.dhl.Add(inTransit(n))
	}
	e.watch(t, tracking.DHL, "1000000001", "1000000002", "1000000003")
	assert.Equal(t, 2, e.p.Remaining(tracking.DHL))

	rep := e.poll(t)
	assert.Equal(t, 2, rep.Calls)
	assert.Equal(t, 1, rep.Deferred)
	require.Len(t, rep.Errors, 1)
	assert.ErrorIs(t, rep.Errors[0], tracking.ErrQuotaExceeded)
	wait, ok := tracking.RetryAfter(rep.Errors[0])
	require.True(t, ok)
	assert.Equal(t, 16*time.Hour, wait, "until UTC midnight")
	assert.Equal(t, 0, e.p.Remaining(tracking.DHL))

	e.clock.Set(time.Date(2026, 11, 21, 0, 0, 1, 0, time.UTC))
	rep = e.poll(t)
	assert.Equal(t, 2, rep.Calls, "new day, new quota (all three are due again)")
	assert.Equal(t, 4, e.dhl.Calls())
	w, _, _ := e.store.Load(context.Background(), tracking.DHL, "1000000003")
	require.NotNil(t, w.Shipment, "the watch deferred yesterday (earliest due) goes first")
}

func TestPollerDefaultLimitsDHL(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil) // DHL: 250/day, 1/s
	for i := range 300 {
		n := fmt.Sprintf("%010d", 2000000000+i)
		e.dhl.Add(inTransit(n))
		e.watch(t, tracking.DHL, n)
	}
	calls := 0
	for range 300 { // one pass a second for five minutes
		calls += e.poll(t).Calls
		e.clock.Advance(time.Second)
	}
	assert.Equal(t, 250, calls)
	assert.Equal(t, 250, e.dhl.Calls())
	assert.Equal(t, 0, e.p.Remaining(tracking.DHL))
}

func TestPollerBatches(t *testing.T) {
	t.Parallel()
	e := newEnv(t, map[tracking.Carrier]tracking.Limit{})
	var numbers []string
	for i := range 35 {
		n := fmt.Sprintf("%012d", 100000000000+i)
		numbers = append(numbers, n)
		if i != 7 {
			e.fedex.Add(inTransit(n))
		}
	}
	e.watch(t, tracking.FedEx, numbers...)
	rep := e.poll(t)
	assert.Equal(t, 2, rep.Calls, "30 + 5")
	assert.Equal(t, 2, e.fedex.Calls())
	assert.Equal(t, 34, rep.Updated)
	assert.Equal(t, 1, rep.NotFound)

	w, ok, err := e.store.Load(context.Background(), tracking.FedEx, numbers[7])
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, t0.Add(6*time.Hour), w.NextPoll, "not found: look again at the unknown interval")
	assert.Nil(t, w.Shipment)
}

func TestPollerChangesAndTerminal(t *testing.T) {
	t.Parallel()
	e := newEnv(t, map[tracking.Carrier]tracking.Limit{})
	e.dhl.Add(inTransit("1000000001"))
	e.watch(t, tracking.DHL, "1000000001")

	rep := e.poll(t)
	assert.Equal(t, []string{"1000000001 status_changed"}, kinds(rep.Changes))
	assert.Equal(t, tracking.StatusUnknown, rep.Changes[0].From)
	assert.Equal(t, tracking.StatusInTransit, rep.Changes[0].To)
	assert.Equal(t, "order-1000000001", rep.Changes[0].Ref)

	e.clock.Advance(3 * time.Hour) // due again (in transit: 3 h), nothing new yet
	rep = e.poll(t)
	assert.Equal(t, 1, rep.Calls)
	assert.Empty(t, rep.Changes)

	e.clock.Advance(3 * time.Hour) // t0+6h: Leipzig scan visible
	rep = e.poll(t)
	assert.Equal(t, []string{"1000000001 new_events"}, kinds(rep.Changes))
	require.Len(t, rep.Changes[0].Events, 1)
	assert.Equal(t, "LEIPZIG", rep.Changes[0].Events[0].Location.City)

	e.clock.Advance(6 * time.Hour) // t0+12h: delivered
	rep = e.poll(t)
	assert.ElementsMatch(t, []string{"1000000001 status_changed", "1000000001 new_events"}, kinds(rep.Changes))
	w, _, _ := e.store.Load(context.Background(), tracking.DHL, "1000000001")
	assert.True(t, w.Done)
	assert.Equal(t, tracking.StatusDelivered, w.Shipment.Status)

	calls := e.dhl.Calls()
	e.clock.Advance(100 * time.Hour)
	rep = e.poll(t)
	assert.Equal(t, 0, rep.Due, "no polling after a terminal status")
	assert.Equal(t, calls, e.dhl.Calls())
}

func TestPollerStale(t *testing.T) {
	t.Parallel()
	e := newEnv(t, map[tracking.Carrier]tracking.Limit{})
	e.dhl.Add(trackingtest.Script{Number: "1000000009", Steps: []trackingtest.Step{
		{At: t0.Add(-80 * time.Hour), Status: tracking.StatusInTransit, City: "ANCHORAGE", CountryCode: "US"},
	}})
	var got []tracking.Change
	p, err := tracking.NewPoller(tracking.PollerConfig{
		Trackers: map[tracking.Carrier]tracking.Tracker{tracking.DHL: mustDHL(t, e)},
		Clock:    e.clock.Now, Limits: map[tracking.Carrier]tracking.Limit{},
		OnChange: func(c tracking.Change) { got = append(got, c) },
	})
	require.NoError(t, err)
	require.NoError(t, p.Watch(context.Background(), tracking.DHL, "1000000009", ""))
	_, err = p.Poll(context.Background())
	require.NoError(t, err)
	require.Equal(t, []string{"1000000009 status_changed", "1000000009 became_stale"}, kinds(got))
	assert.Equal(t, tracking.StaleNoUpdate, got[1].Stale.Reason)
	assert.Equal(t, 80*time.Hour, got[1].Stale.For)

	e.clock.Advance(4 * time.Hour)
	got = nil
	_, err = p.Poll(context.Background())
	require.NoError(t, err)
	assert.Empty(t, got, "stale is reported once")
}

func mustDHL(t *testing.T, e *env) *dhl.Client {
	t.Helper()
	d, err := dhl.New(dhl.Config{APIKey: e.dhl.APIKey, BaseURL: e.dhl.URL, HTTPClient: e.dhl.Client(), Retry: noRetry, Clock: e.clock.Now})
	require.NoError(t, err)
	return d
}

func TestPollerCarrierThrottleAndFailures(t *testing.T) {
	t.Parallel()
	e := newEnv(t, map[tracking.Carrier]tracking.Limit{})
	e.dhl.Add(inTransit("1000000001"))
	e.dhl.Add(inTransit("1000000002"))
	e.watch(t, tracking.DHL, "1000000001", "1000000002")

	e.dhl.Fail(http.StatusTooManyRequests, 1, 30*time.Second)
	rep := e.poll(t)
	assert.Equal(t, 1, rep.Calls, "a 429 stops the carrier's pass")
	assert.Equal(t, 2, rep.Deferred)

	e.clock.Advance(10 * time.Second)
	rep = e.poll(t)
	assert.Equal(t, 0, rep.Calls, "Retry-After honoured")

	e.clock.Advance(20 * time.Second)
	e.dhl.Fail(http.StatusInternalServerError, 1, 0)
	rep = e.poll(t)
	assert.Equal(t, 2, rep.Calls)
	assert.Equal(t, 1, rep.Failed)
	assert.Equal(t, 1, rep.Updated)
	require.Len(t, rep.Errors, 1)
	var ae *tracking.APIError
	require.True(t, errors.As(rep.Errors[0], &ae))
	assert.Equal(t, http.StatusInternalServerError, ae.StatusCode)

	w, _, _ := e.store.Load(context.Background(), tracking.DHL, "1000000001")
	assert.Equal(t, 1, w.Failures)
	assert.Equal(t, e.clock.Now().Add(5*time.Minute), w.NextPoll)
	assert.NotEmpty(t, w.LastError)
}

func TestPollerWatchValidation(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	ctx := context.Background()
	assert.ErrorIs(t, e.p.Watch(ctx, tracking.UPS, "1Z999AA10123456784", ""), tracking.ErrNoTracker)
	assert.ErrorIs(t, e.p.Watch(ctx, tracking.DHL, " ", ""), tracking.ErrInvalidNumber)
	require.NoError(t, e.p.Watch(ctx, tracking.DHL, "1000000001", "a"))
	require.NoError(t, e.p.Watch(ctx, tracking.DHL, "10000 00001", "b"))
	assert.Equal(t, 1, e.store.Len())
	w, _, _ := e.store.Load(ctx, tracking.DHL, "1000000001")
	assert.Equal(t, "b", w.Ref)
	require.NoError(t, e.p.Unwatch(ctx, tracking.DHL, "1000000001"))
	assert.Equal(t, 0, e.store.Len())
	_, err := tracking.NewPoller(tracking.PollerConfig{})
	assert.Error(t, err)
}

// TestPollerStore: Store is the WatchStore the poller was built with, and
// a Watch shows in it; without one the poller makes its own MemoryStore,
// which Store returns just the same.
func TestPollerStore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t, nil)
	assert.Same(t, e.store, e.p.Store())
	require.NoError(t, e.p.Watch(ctx, tracking.DHL, "1000 000 001", "order-7"))
	w, ok, err := e.p.Store().Load(ctx, tracking.DHL, "1000000001")
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, "order-7", w.Ref)
	assert.Equal(t, t0, w.NextPoll, "due at once")

	p, err := tracking.NewPoller(tracking.PollerConfig{
		Trackers: map[tracking.Carrier]tracking.Tracker{tracking.DHL: mustDHL(t, e)}, Clock: e.clock.Now,
	})
	require.NoError(t, err)
	require.IsType(t, &tracking.MemoryStore{}, p.Store())
	assert.Same(t, p.Store(), p.Store())
	require.NoError(t, p.Watch(ctx, tracking.DHL, "1000000002", "order-8"))
	assert.Equal(t, 1, p.Store().(*tracking.MemoryStore).Len())
	due, err := p.Store().Due(ctx, t0, 0)
	require.NoError(t, err)
	require.Len(t, due, 1)
	assert.Equal(t, "order-8", due[0].Ref)
	assert.Equal(t, 1, e.store.Len(), "not the other poller's store")
}

func TestPollerRun(t *testing.T) {
	t.Parallel()
	e := newEnv(t, map[tracking.Carrier]tracking.Limit{})
	e.dhl.Add(inTransit("1000000001"))
	e.watch(t, tracking.DHL, "1000000001")
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	err := e.p.Run(ctx, 5*time.Millisecond)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Equal(t, 1, e.dhl.Calls(), "the fake clock does not move: polled once")
	assert.Error(t, e.p.Run(ctx, 0))
}
