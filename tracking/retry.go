package tracking

import "time"

// Retry configures how a carrier adapter retries a failed query (connection
// failures, 429 with a short Retry-After, 5xx). Tracking queries are
// idempotent, so retrying them is always safe. The zero value means 4
// attempts with backoff between 250 ms and 15 s.
type Retry struct {
	// MaxAttempts is the total number of attempts including the first; 0
	// means 4 and 1 disables retries.
	MaxAttempts int
	// MinBackoff is the first backoff step; 0 means 250 ms.
	MinBackoff time.Duration
	// MaxBackoff caps every wait, Retry-After included; 0 means 15 s.
	MaxBackoff time.Duration
}
