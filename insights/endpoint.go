package insights

import (
	"github.com/switchboard-go/switchboard/failover"
)

// AvailabilityTarget is the monthly availability a platform endpoint should
// reach (the seeds' target: 99.5 %).
const AvailabilityTarget = 0.995

// EndpointHealth is one endpoint's health over a period, from a failover
// pool's daily stats.
type EndpointHealth struct {
	Group    string `json:"group"`    // the pool, e.g. "whatsapp"
	Endpoint string `json:"endpoint"` // e.g. "primary"
	// Calls counts the calls made to the endpoint in the period, health
	// probes included.
	Calls int `json:"calls"`
	// Failures counts the calls that failed: transport errors and 5xx.
	Failures int `json:"failures"`
	// Slow counts the calls answered, but slower than the pool's
	// failover.Config.Slow.
	Slow int `json:"slow"`
	// Availability is the share of calls that did not fail.
	Availability float64 `json:"availability"`
	// MeanLatencyMS is the mean call time in milliseconds.
	MeanLatencyMS float64 `json:"mean_latency_ms"`
	// BelowTarget flags an availability under AvailabilityTarget.
	BelowTarget bool `json:"below_target"`
}

// Endpoint sums days (failover.Transport.Stats over the period) into one
// EndpointHealth.
func Endpoint(group, endpoint string, days []failover.DayStats) EndpointHealth {
	m := failover.Month(days)
	h := EndpointHealth{Group: group, Endpoint: endpoint, Calls: m.Calls, Failures: m.Failures, Slow: m.Slow,
		Availability: m.Availability()}
	if m.Calls > 0 {
		h.MeanLatencyMS = float64(m.Latency.Microseconds()) / 1000 / float64(m.Calls)
	}
	h.BelowTarget = h.Availability < AvailabilityTarget
	return h
}
