package shop

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"golang.org/x/text/language"

	"github.com/switchboard-go/switchboard/channel"
)

func TestLangMemoryExpiresAndStaysBounded(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	l := newLangMemory(24 * time.Hour)
	a := channel.Address{Channel: channel.LINE, ID: "U1"}
	l.set(a, language.Thai, t0)
	got, ok := l.get(a, t0.Add(23*time.Hour))
	assert.True(t, ok)
	assert.Equal(t, language.Thai, got)
	_, ok = l.get(a, t0.Add(24*time.Hour))
	assert.False(t, ok, "expired")

	// 100,000 customers, each writing once a day apart: only the recent
	// ones are kept.
	for i := range 100_000 {
		now := t0.Add(time.Duration(i) * time.Minute)
		l.set(channel.Address{Channel: channel.WhatsApp, ID: fmt.Sprint(i)}, language.English, now)
	}
	assert.Less(t, l.len(), 2*1440+1024, "about one day of customers, not all of them")
}
