package autoreply

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
)

func TestMissCutAtRuneBoundary(t *testing.T) {
	t.Parallel()
	s := newStats(0)
	s.miss("ab" + strings.Repeat("退", 200)) // 2 + 600 bytes: byte 256 is inside a rune
	snap := s.snapshot(nil)
	assert.Len(t, snap.Misses[0].Text, 254)
	assert.True(t, utf8.ValidString(snap.Misses[0].Text))
}

func TestMissTextsBounded(t *testing.T) {
	t.Parallel()
	s := newStats(0)
	for i := range maxMissTexts + 10 {
		s.miss(fmt.Sprint("miss ", i))
	}
	s.miss("miss 0") // known texts keep counting
	snap := s.snapshot(nil)
	assert.Len(t, snap.Misses, maxMissTexts)
	assert.Equal(t, int64(maxMissTexts+11), snap.MissesTotal)
	assert.Equal(t, Miss{Text: "miss 0", Count: 2}, snap.Misses[0], "most frequent first")
	assert.Equal(t, []Miss{{"miss 1", 1}, {"miss 10", 1}}, snap.Misses[1:3], "ties by text")
}
