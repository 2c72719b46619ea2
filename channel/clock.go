package channel

import "time"

// Clock returns the current time. Middlewares take one so tests can move time
// instead of sleeping; nil means time.Now.
type Clock func() time.Time

func (c Clock) now() time.Time {
	if c == nil {
		return time.Now()
	}
	return c()
}
