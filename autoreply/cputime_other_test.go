//go:build !linux

package autoreply

import "time"

// threadCPU is not available off Linux; the benchmarks then report wall
// time only.
func threadCPU() (time.Duration, bool) { return 0, false }
