package channel

import "time"

// Clock returns the current time. It is the module's one time source: every
// Config that needs the time has a Clock field of this type, so tests move
// time (channeltest.Clock) instead of sleeping; nil means time.Now.
type Clock func() time.Time

// Now returns c(), or time.Now() when c is nil.
func (c Clock) Now() time.Time {
	if c == nil {
		return time.Now()
	}
	return c()
}
