package insights_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/switchboard-go/switchboard/insights"
)

// TestQuantile: the nearest rank ⌈p·n⌉ of the values, which it sorts in
// place; 0 for none.
func TestQuantile(t *testing.T) {
	t.Parallel()
	s := time.Second
	ten := func() []time.Duration {
		return []time.Duration{7 * s, 2 * s, 10 * s, 1 * s, 9 * s, 4 * s, 3 * s, 8 * s, 6 * s, 5 * s}
	}
	tests := []struct {
		name string
		ds   []time.Duration
		p    float64
		want time.Duration
	}{
		{"median of ten: rank 5", ten(), 0.5, 5 * s},
		{"p90 of ten: rank 9, not 10", ten(), 0.9, 9 * s},
		{"p95 of ten: rank ⌈9.5⌉ = 10", ten(), 0.95, 10 * s},
		{"p=1 is the largest", ten(), 1, 10 * s},
		{"a tiny p is the smallest", ten(), 0.001, 1 * s},
		{"p25 of ten: rank ⌈2.5⌉ = 3", ten(), 0.25, 3 * s},
		{"median of five: rank 3", []time.Duration{5 * s, 1 * s, 4 * s, 2 * s, 3 * s}, 0.5, 3 * s},
		{"median of four: rank 2", []time.Duration{4 * s, 3 * s, 2 * s, 1 * s}, 0.5, 2 * s},
		{"one value", []time.Duration{42 * s}, 0.9, 42 * s},
		{"duplicates", []time.Duration{s, s, 2 * s, 2 * s}, 0.75, 2 * s},
		{"empty", []time.Duration{}, 0.5, 0},
		{"nil", nil, 0.9, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, insights.Quantile(tt.ds, tt.p))
		})
	}

	ds := ten()
	insights.Quantile(ds, 0.5)
	assert.Equal(t, []time.Duration{1 * s, 2 * s, 3 * s, 4 * s, 5 * s, 6 * s, 7 * s, 8 * s, 9 * s, 10 * s}, ds, "sorted in place")
}
