package tracking

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStatusNamesAndTerminal(t *testing.T) {
	t.Parallel()
	terminal := map[Status]bool{StatusDelivered: true, StatusLost: true, StatusReturned: true, StatusCancelled: true, StatusExpired: true}
	seen := map[string]bool{}
	for _, s := range Statuses() {
		t.Run(s.String(), func(t *testing.T) {
			assert.Equal(t, terminal[s], s.Terminal())
			b, err := s.MarshalText()
			require.NoError(t, err)
			var back Status
			require.NoError(t, back.UnmarshalText(b))
			assert.Equal(t, s, back)
		})
		assert.False(t, seen[s.String()], "duplicate name %s", s)
		seen[s.String()] = true
	}
	assert.Len(t, Statuses(), 13)
	var s Status
	assert.Error(t, s.UnmarshalText([]byte("teleported")))
	_, err := Status(200).MarshalText()
	assert.Error(t, err)
	assert.Equal(t, "status(200)", Status(200).String())
}
