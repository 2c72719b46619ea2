// Package benchcpu reports a benchmark's CPU time per operation beside its
// wall time. On a shared machine wall time also counts the waits for a core;
// the CPU time of the benchmark's thread does not, so the two together say
// whether a slow run was slow code or a busy machine.
package benchcpu

import (
	"runtime"
	"testing"
)

// Meter starts measuring; call the returned func after the benchmark loop to
// report "cpu-ns/op". It locks the goroutine to its thread meanwhile. Off
// Linux it reports nothing.
func Meter(b *testing.B) func() {
	b.Helper()
	runtime.LockOSThread()
	start, ok := threadCPU()
	return func() {
		end, ok2 := threadCPU()
		runtime.UnlockOSThread()
		if ok && ok2 && b.N > 0 {
			b.ReportMetric(float64(end-start)/float64(b.N), "cpu-ns/op")
		}
	}
}
