package autoreply

import (
	"syscall"
	"time"
)

// threadCPU returns the CPU time used so far by the calling OS thread. The
// benchmarks report it next to wall time: on a shared machine wall time
// counts the waits for a core, CPU time does not.
func threadCPU() (time.Duration, bool) {
	const rusageThread = 1 // RUSAGE_THREAD
	var ru syscall.Rusage
	if err := syscall.Getrusage(rusageThread, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
