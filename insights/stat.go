package insights

import (
	"encoding/json"
	"math"
	"slices"
	"time"
)

// Stat summarizes durations: how many, the median and p90 (nearest rank)
// and the mean. The zero Stat has Count 0. JSON carries seconds.
type Stat struct {
	// Count is how many durations were measured.
	Count int
	// Median is the nearest-rank 50th percentile; 0 when Count is 0.
	Median time.Duration
	// P90 is the nearest-rank 90th percentile; 0 when Count is 0.
	P90 time.Duration
	// Mean is the arithmetic mean; 0 when Count is 0.
	Mean time.Duration
}

// MarshalJSON writes {"count","median_s","p90_s","mean_s"}.
func (s Stat) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Count  int     `json:"count"`
		Median float64 `json:"median_s"`
		P90    float64 `json:"p90_s"`
		Mean   float64 `json:"mean_s"`
	}{s.Count, s.Median.Seconds(), s.P90.Seconds(), s.Mean.Seconds()})
}

// Timing is one duration measured twice: on the wall clock and in business
// hours (the shop's Calendar).
type Timing struct {
	// Wall is measured on the wall clock.
	Wall Stat `json:"wall"`
	// Business counts only the Calendar's opening hours (equal to Wall
	// without a Calendar).
	Business Stat `json:"business"`
}

// Rate is Hits out of Total; Rate is 0 when Total is 0.
type Rate struct {
	// Hits counts the cases that met the condition.
	Hits int `json:"hits"`
	// Total counts the cases considered.
	Total int `json:"total"`
	// Rate is Hits ÷ Total, a fraction from 0 to 1.
	Rate float64 `json:"rate"`
}

func rate(hits, total int) Rate {
	r := Rate{Hits: hits, Total: total}
	if total > 0 {
		r.Rate = float64(hits) / float64(total)
	}
	return r
}

// Quantile returns the nearest-rank p-quantile (0 < p ≤ 1) of ds, which it
// sorts in place: the value at rank ⌈p·n⌉. It is 0 for no values.
func Quantile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	return nearestRank(ds, p)
}

func nearestRank(sorted []time.Duration, p float64) time.Duration {
	return sorted[rank(len(sorted), p)]
}

// rank is the 0-based index of the nearest-rank p-quantile of n values.
func rank(n int, p float64) int {
	return max(0, min(int(math.Ceil(p*float64(n)))-1, n-1))
}

// stat reorders ds in place and summarizes it. It selects the two ranks
// (quickselect) instead of sorting: the metrics summarize every group of
// every breakdown.
func stat(ds []time.Duration) Stat {
	if len(ds) == 0 {
		return Stat{}
	}
	var sum time.Duration
	for _, d := range ds {
		sum += d
	}
	mi, pi := rank(len(ds), 0.5), rank(len(ds), 0.9)
	med := selectK(ds, mi)
	// ds[mi+1:] holds the values ≥ the median, in any order.
	p90 := med
	if pi > mi {
		p90 = selectK(ds[mi+1:], pi-mi-1)
	}
	return Stat{Count: len(ds), Median: med, P90: p90, Mean: sum / time.Duration(len(ds))}
}

// selectK reorders ds so that ds[k] is the value a sort would put there,
// with nothing greater before it and nothing smaller after it, and returns
// it. Hoare partition around a median of three; small ranges are sorted.
func selectK(ds []time.Duration, k int) time.Duration {
	lo, hi := 0, len(ds)-1
	for hi-lo > 16 {
		mid := lo + (hi-lo)/2
		if ds[mid] < ds[lo] {
			ds[mid], ds[lo] = ds[lo], ds[mid]
		}
		if ds[hi] < ds[lo] {
			ds[hi], ds[lo] = ds[lo], ds[hi]
		}
		if ds[hi] < ds[mid] {
			ds[hi], ds[mid] = ds[mid], ds[hi]
		}
		pivot := ds[mid]
		i, j := lo, hi
		for i <= j {
			for ds[i] < pivot {
				i++
			}
			for ds[j] > pivot {
				j--
			}
			if i <= j {
				ds[i], ds[j] = ds[j], ds[i]
				i++
				j--
			}
		}
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return ds[k]
		}
	}
	slices.Sort(ds[lo : hi+1])
	return ds[k]
}
