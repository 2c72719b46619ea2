package tracking

import (
	"time"

	"golang.org/x/time/rate"
)

// Limit is one carrier's call budget for the Poller: a token-bucket rate and
// a daily quota. The zero value is unlimited.
type Limit struct {
	// Rate is calls per second (0 = unlimited).
	Rate rate.Limit
	// Burst is the bucket size: calls allowed at once (0 = 1).
	Burst int
	// Daily caps calls per day (0 = unlimited). A batch call counts once.
	Daily int
	// Zone is where the daily quota's day starts; nil means UTC.
	Zone *time.Location
}

// DefaultLimits returns the Poller's default budgets. DHL's follows its
// documented starting quota: 250 calls a day at about one call a second.
// FedEx, UPS and 17TRACK publish per-account limits; the defaults here are
// deliberately modest (1 call/s with a burst of 5 for FedEx and UPS, 3 calls/s
// for 17TRACK) and should be raised to what the account was granted.
func DefaultLimits() map[Carrier]Limit {
	return map[Carrier]Limit{
		DHL:            {Rate: 1, Burst: 1, Daily: 250},
		FedEx:          {Rate: 1, Burst: 5},
		UPS:            {Rate: 1, Burst: 5},
		SeventeenTrack: {Rate: 3, Burst: 3},
	}
}

// budget enforces one Limit on an injected clock. Not safe for concurrent
// use; the Poller serializes passes.
type budget struct {
	lim   Limit
	rate  *rate.Limiter
	day   time.Time // start of the current quota day
	used  int
	until time.Time // carrier asked us to back off until then (429)
}

func newBudget(l Limit) *budget {
	b := &budget{lim: l}
	if l.Rate > 0 {
		burst := l.Burst
		if burst <= 0 {
			burst = 1
		}
		b.rate = rate.NewLimiter(l.Rate, burst)
	}
	return b
}

// take spends one call at now; it returns the wait and the sentinel
// (ErrRateLimited or ErrQuotaExceeded) when the budget refuses.
func (b *budget) take(now time.Time) (time.Duration, error) {
	if now.Before(b.until) {
		return b.until.Sub(now), ErrRateLimited
	}
	if b.lim.Daily > 0 {
		day := startOfDay(now, b.lim.Zone)
		if !day.Equal(b.day) {
			b.day, b.used = day, 0
		}
		if b.used >= b.lim.Daily {
			return day.AddDate(0, 0, 1).Sub(now), ErrQuotaExceeded
		}
	}
	if b.rate != nil {
		r := b.rate.ReserveN(now, 1)
		if d := r.DelayFrom(now); d > 0 {
			r.CancelAt(now)
			return d, ErrRateLimited
		}
	}
	if b.lim.Daily > 0 {
		b.used++
	}
	return 0, nil
}

// remaining returns the calls left today, or -1 when there is no quota.
func (b *budget) remaining(now time.Time) int {
	if b.lim.Daily <= 0 {
		return -1
	}
	if !startOfDay(now, b.lim.Zone).Equal(b.day) {
		return b.lim.Daily
	}
	return b.lim.Daily - b.used
}

func startOfDay(t time.Time, zone *time.Location) time.Time {
	if zone == nil {
		zone = time.UTC
	}
	y, m, d := t.In(zone).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, zone)
}
