package notify

import "github.com/switchboard-go/switchboard/channel"

// CallsPerCustomer is how many API calls a promotion costs per customer
// reached: the message and, on average, the conversation it starts (a
// seed's planning rule: customers × 3 interactions).
const CallsPerCustomer = 3

// PromotionEstimate is what a promotion to Customers would cost against a
// quota.
type PromotionEstimate struct {
	Customers int // the customers the promotion would reach
	// Calls is Customers × CallsPerCustomer.
	Calls int
	// Used and Limit are the quota's use before the promotion and its
	// limit; After is the fraction of Limit used once the promotion's calls
	// are made.
	Used, Limit int
	After       float64 // 0.9 is 90 %; above 1 the quota would run out
	// Warn is true when After exceeds the threshold: split the promotion
	// over several days or raise the quota first.
	Warn bool
}

// EstimatePromotion estimates a promotion to customers against a quota's
// current usage, warning above threshold (0 means 0.8) of the limit.
func EstimatePromotion(customers int, u channel.QuotaUsage, threshold float64) PromotionEstimate {
	if threshold <= 0 {
		threshold = 0.8
	}
	e := PromotionEstimate{Customers: customers, Calls: customers * CallsPerCustomer, Used: u.Used, Limit: u.Limit}
	if u.Limit <= 0 {
		e.After, e.Warn = 1, true
		return e
	}
	e.After = float64(u.Used+e.Calls) / float64(u.Limit)
	e.Warn = e.After > threshold
	return e
}
