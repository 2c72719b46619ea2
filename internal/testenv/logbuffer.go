package testenv

import (
	"bytes"
	"strings"
	"sync"
)

// LogBuffer collects what a logger under test writes (a server's slog
// JSON lines, say) while its goroutines write; safe for concurrent use.
type LogBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write implements io.Writer.
func (b *LogBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns everything written so far.
func (b *LogBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Lines returns what was written as lines, without the final newline.
func (b *LogBuffer) Lines() []string {
	return strings.Split(strings.TrimSpace(b.String()), "\n")
}
