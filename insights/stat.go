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
	Count  int
	Median time.Duration
	P90    time.Duration
	Mean   time.Duration
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
	Wall     Stat `json:"wall"`
	Business Stat `json:"business"`
}

// Rate is Hits out of Total; Rate is 0 when Total is 0.
type Rate struct {
	Hits  int     `json:"hits"`
	Total int     `json:"total"`
	Rate  float64 `json:"rate"`
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
	k := int(math.Ceil(p*float64(len(sorted)))) - 1
	k = max(0, min(k, len(sorted)-1))
	return sorted[k]
}

// stat sorts ds in place and summarizes it.
func stat(ds []time.Duration) Stat {
	if len(ds) == 0 {
		return Stat{}
	}
	slices.Sort(ds)
	var sum time.Duration
	for _, d := range ds {
		sum += d
	}
	return Stat{Count: len(ds), Median: nearestRank(ds, 0.5), P90: nearestRank(ds, 0.9), Mean: sum / time.Duration(len(ds))}
}
