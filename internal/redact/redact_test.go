package redact

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestID(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"85291110003", "852****0003"},
		{"+85291110003", "+85****0003"},
		{"7100000000001234", "710****1234"},
		{"U0000000000000000000000000000f01", "U00****0f01"},
		{"1234567", "****"},
		{"", "****"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, ID(tt.in), tt.in)
	}
}

func TestSecret(t *testing.T) {
	t.Parallel()
	assert.Equal(t, Masked, Secret("s3cr3t"))
	assert.Empty(t, Secret(""))
}
