package insights_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/switchboard-go/switchboard/failover"
	"github.com/switchboard-go/switchboard/insights"
)

func TestEndpointHealth(t *testing.T) {
	t.Parallel()
	days := []failover.DayStats{
		{Day: "2026-11-01", Calls: 1000, Failures: 2, Slow: 5, Latency: 500 * time.Second},
		{Day: "2026-11-02", Calls: 1000, Failures: 4, Latency: 700 * time.Second},
	}
	h := insights.Endpoint("whatsapp", "primary", days)
	assert.Equal(t, 2000, h.Calls)
	assert.InDelta(t, 0.997, h.Availability, 1e-9)
	assert.InDelta(t, 600, h.MeanLatencyMS, 1e-9)
	assert.False(t, h.BelowTarget)
	days[1].Failures = 9 // 11 of 2,000: 99.45 %
	assert.True(t, insights.Endpoint("whatsapp", "primary", days).BelowTarget)
	assert.Equal(t, 1.0, insights.Endpoint("line", "primary", nil).Availability, "no calls: nothing failed")
}
