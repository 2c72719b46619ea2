package channel

import "time"

// Retry is the module's one retry policy: every messaging adapter and every
// carrier adapter takes one in its Config (field Retry). It bounds how often
// and how long a client retries; which failures are retried is the
// adapter's rule (a send is retried only when it certainly did not reach
// the platform, or the platform asked to wait; a carrier query, being
// idempotent, also on 5xx). The zero value means 4 attempts with backoff
// between 250 ms and 15 s, with jitter, honouring Retry-After.
type Retry struct {
	// MaxAttempts is the total number of attempts including the first; 0
	// means 4 and 1 disables retries.
	MaxAttempts int
	// MinBackoff is the first backoff step; 0 means 250 ms.
	MinBackoff time.Duration
	// MaxBackoff caps every wait, Retry-After included; 0 means 15 s.
	MaxBackoff time.Duration
}
