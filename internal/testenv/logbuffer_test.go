package testenv

import (
	"fmt"
	"sync"
	"testing"
)

func TestLogBufferKeepsEveryLineUnderConcurrentWrites(t *testing.T) {
	var b LogBuffer
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 100 {
				fmt.Fprintf(&b, "{\"g\":%d,\"i\":%d}\n", g, i)
			}
		})
	}
	wg.Wait()
	lines := b.Lines()
	if len(lines) != 800 {
		t.Fatalf("%d lines, want 800", len(lines))
	}
	seen := map[string]bool{}
	for _, l := range lines {
		seen[l] = true
	}
	if len(seen) != 800 {
		t.Fatalf("%d distinct lines, want 800 (a write was torn or lost)", len(seen))
	}
}
