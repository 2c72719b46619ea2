package insights

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// TestStatMatchesSorting checks the quickselect quantiles against sorting.
func TestStatMatchesSorting(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{1, 2, 3, 10, 17, 18, 100, 1001, 5000} {
		for _, dups := range []int{3, 1 << 30} {
			ds := make([]time.Duration, n)
			for i := range ds {
				ds[i] = time.Duration(r.IntN(dups))
			}
			sorted := slices.Sorted(slices.Values(ds))
			got := stat(ds)
			assert.Equal(t, nearestRank(sorted, 0.5), got.Median, "n=%d", n)
			assert.Equal(t, nearestRank(sorted, 0.9), got.P90, "n=%d", n)
		}
	}
	assert.Equal(t, Stat{}, stat(nil))
}
