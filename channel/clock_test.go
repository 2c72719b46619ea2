package channel_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/channel/channeltest"
)

func TestClockNow(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	assert.Equal(t, t0, channel.Clock(func() time.Time { return t0 }).Now())
	var unset channel.Clock
	assert.WithinDuration(t, time.Now(), unset.Now(), time.Minute)

	fake := channeltest.NewClock(t0)
	clock := channel.Clock(fake.Now)
	fake.Advance(time.Hour)
	assert.Equal(t, t0.Add(time.Hour), clock.Now())
	fake.Set(t0)
	assert.Equal(t, t0, clock.Now())
}
