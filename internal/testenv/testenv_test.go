package testenv

import (
	"testing"
)

// recorder is a testing.TB that records Skip and Fatal instead of stopping.
type recorder struct {
	testing.TB
	skipped, failed bool
	msg             string
}

func (r *recorder) Helper()                     {}
func (r *recorder) Skip(args ...any)            { r.skipped = true; r.msg = args[0].(string) }
func (r *recorder) Fatal(args ...any)           { r.failed = true; r.msg = args[0].(string) }
func (r *recorder) Fatalf(string, ...any)       { r.failed = true }
func (r *recorder) Skipf(f string, args ...any) { r.skipped = true }

func TestMissingServiceSkipsOrFails(t *testing.T) {
	t.Setenv("SWITCHBOARD_REDIS_URL", "")
	t.Setenv(RequireEnv, "")
	r := &recorder{TB: t}
	if got := RedisURL(r); got != "" || !r.skipped || r.failed {
		t.Fatalf("unset, not required: got %q skipped=%v failed=%v", got, r.skipped, r.failed)
	}
	t.Setenv(RequireEnv, "1")
	r = &recorder{TB: t}
	RedisURL(r)
	if !r.failed || r.skipped {
		t.Fatalf("unset, required: skipped=%v failed=%v", r.skipped, r.failed)
	}
	t.Setenv("SWITCHBOARD_REDIS_URL", "redis://127.0.0.1:6379/0")
	r = &recorder{TB: t}
	if got := RedisURL(r); got != "redis://127.0.0.1:6379/0" || r.failed || r.skipped {
		t.Fatalf("set: got %q", got)
	}
}

func TestCPUTimeGrowsWithWork(t *testing.T) {
	before := CPUTime()
	if before <= 0 {
		t.Skip("no CPU time on this system")
	}
	x := 0
	for i := 0; i < 50_000_000; i++ {
		x += i % 7
	}
	if after := CPUTime(); after <= before {
		t.Fatalf("CPU time did not grow (%v then %v; sum %d)", before, after, x)
	}
}
