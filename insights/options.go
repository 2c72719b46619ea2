package insights

import "time"

// Options tune Compute. The zero value uses the defaults named on each
// field.
type Options struct {
	// Calendar measures business hours and gives the shop's time zone (for
	// the heat map, the trend's days and the weeks of file counts); nil
	// means always open in UTC, unless Location is set.
	Calendar *Calendar
	// Location overrides the time zone of the heat map and the buckets; nil
	// means the Calendar's.
	Location *time.Location
	// SLA is the first-response target after a hand-off, in business time;
	// 0 means 15 minutes.
	SLA time.Duration
	// ReopenWindow is how long a resolved conversation must stay closed to
	// count as resolved at first contact; 0 means 7 days. Compute reads the
	// log this far past the period for Reopened events.
	ReopenWindow time.Duration
	// SlowAgent flags agents whose mean first response (business time)
	// passes it; 0 means 6 minutes.
	SlowAgent time.Duration
	// RatingAlert raises Ratings.Alert when the mean is below it; 0 means
	// 3.5.
	RatingAlert float64
	// RuleFailureLimit flags a rule whose failure rate (hand-offs after the
	// rule ÷ triggers) is above it; 0 means 0.20.
	RuleFailureLimit float64
	// StaleRule flags a rule not revised for this long before the period's
	// end; 0 means 90 days.
	StaleRule time.Duration
	// Revised gives rules' last revision times known from outside the log
	// (the rule set's own record); a RuleRevised event in the period wins.
	Revised map[string]time.Time
	// FileLimit flags a kind of file requested more than this many times
	// in one week; 0 means 50.
	FileLimit int
	// HotWords is how many hot words to return; 0 means 200.
	HotWords int
	// Breaches caps the SLA breaches listed (all are counted); 0 means 100.
	Breaches int
}

func (o Options) withDefaults() Options {
	if o.Location == nil {
		o.Location = o.Calendar.Location()
	}
	if o.SLA <= 0 {
		o.SLA = 15 * time.Minute
	}
	if o.ReopenWindow <= 0 {
		o.ReopenWindow = 7 * 24 * time.Hour
	}
	if o.SlowAgent <= 0 {
		o.SlowAgent = 6 * time.Minute
	}
	if o.RatingAlert <= 0 {
		o.RatingAlert = 3.5
	}
	if o.RuleFailureLimit <= 0 {
		o.RuleFailureLimit = 0.20
	}
	if o.StaleRule <= 0 {
		o.StaleRule = 90 * 24 * time.Hour
	}
	if o.FileLimit <= 0 {
		o.FileLimit = 50
	}
	if o.HotWords <= 0 {
		o.HotWords = 200
	}
	if o.Breaches <= 0 {
		o.Breaches = 100
	}
	return o
}
