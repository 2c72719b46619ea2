package insights

import (
	"time"

	"github.com/switchboard-go/switchboard/channel"
)

// Metrics are the numbers of one period. A plain value; Compute returns a
// fresh one each call.
type Metrics struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
	// Zone is the time zone name of the heat map and buckets.
	Zone string `json:"zone"`
	// Messages counts customers' messages; Notices proactive notices.
	Messages int `json:"messages"`
	Notices  int `json:"notices"`
	Summary
	// Groups holds the same summary per channel, team, agent, language and
	// rule (a conversation counts in the group of every rule that matched
	// in it), each sorted by conversations, most first.
	Groups map[Dimension][]Group `json:"groups"`
	// Trend is the period cut into days (weeks when the period passes 31
	// days) in the shop's time zone.
	Trend []Bucket `json:"trend"`
	// HitRate is the share of the bot's messages a rule answered
	// (RuleMatched ÷ RuleMatched + RuleMissed) over the whole period.
	HitRate Rate         `json:"hit_rate"`
	Rules   []RuleHealth `json:"rules"`
	// HotWords are the most used words, most first.
	HotWords []Word `json:"hot_words"`
	// HeatMap counts customers' messages by weekday (0 = Monday) and hour
	// in the shop's time zone.
	HeatMap [7][24]int `json:"heat_map"`
	// Peak is the busiest two-hour window of the day.
	Peak     Peak           `json:"peak"`
	Channels []ChannelShare `json:"channels"`
	Files    []FileCount    `json:"files"`
	// Agents are every agent who answered first in a conversation, slowest
	// mean first response first; Slow marks those above Options.SlowAgent.
	Agents []AgentTime `json:"agents"`
	// Breaches are hand-offs whose first response missed the SLA (or still
	// waits past it at the period's end), longest wait first, capped by
	// Options.Breaches; Summary.SLA counts all.
	Breaches []Breach `json:"breaches"`
}

// Summary is the service level of a set of conversations.
type Summary struct {
	Conversations int `json:"conversations"`
	HandedOff     int `json:"handed_off"`
	// AutoHandled is the share of conversations with no hand-off and no
	// agent reply: the bot handled them alone.
	AutoHandled Rate `json:"auto_handled"`
	// BotResponse is the time from the customer's first message to the
	// bot's first answer, kept apart from FirstResponse.
	BotResponse Timing `json:"bot_response"`
	// FirstResponse is the time from the hand-off (or, with no hand-off,
	// the first message) to the first agent reply.
	FirstResponse Timing `json:"first_response"`
	// Reply is every wait of the customer for a person after the hand-off:
	// from the first unanswered message (or the hand-off) to the next agent
	// reply; the first response is one of them.
	Reply Timing `json:"reply"`
	// Resolution is from the first message to the last Resolved.
	Resolution Timing `json:"resolution"`
	// FCR counts resolved conversations with agent replies that needed one
	// agent reply and were not reopened within the reopen window.
	FCR Rate `json:"fcr"`
	// SLA counts hand-offs answered within the target among those answered
	// or still waiting past it.
	SLA     Rate    `json:"sla"`
	Ratings Ratings `json:"ratings"`
}

// Ratings are customers' scores on a 5-point scale.
type Ratings struct {
	Count int     `json:"count"`
	Mean  float64 `json:"mean"`
	// Distribution[i] counts scores of i+1.
	Distribution [5]int `json:"distribution"`
	// Alert is true when there are ratings and their mean is below
	// Options.RatingAlert.
	Alert bool `json:"alert"`
}

// Dimension names a breakdown of Metrics.Groups.
type Dimension string

// The breakdowns.
const (
	ByChannel  Dimension = "channel"
	ByTeam     Dimension = "team"
	ByAgent    Dimension = "agent"
	ByLanguage Dimension = "language"
	ByRule     Dimension = "rule"
)

// Dimensions lists the breakdowns in report order.
func Dimensions() []Dimension { return []Dimension{ByChannel, ByTeam, ByAgent, ByLanguage, ByRule} }

// Group is the summary of the conversations sharing one Key of a Dimension.
type Group struct {
	Key string `json:"key"`
	Summary
}

// Bucket is one day (or week) of the trend.
type Bucket struct {
	Start         time.Time `json:"start"`
	Conversations int       `json:"conversations"`
	FirstResponse Stat      `json:"first_response"` // wall clock
	FCR           Rate      `json:"fcr"`
	Rating        float64   `json:"rating"` // mean; 0 with no ratings
	Ratings       int       `json:"ratings"`
	HitRate       Rate      `json:"hit_rate"`
}

// RuleHealth is how one automatic-reply rule does.
type RuleHealth struct {
	Rule     string `json:"rule"`
	Triggers int    `json:"triggers"`
	// HandoffsAfter counts hand-offs whose last answering rule was this
	// one; FailureRate is HandoffsAfter ÷ Triggers.
	HandoffsAfter int     `json:"handoffs_after"`
	FailureRate   float64 `json:"failure_rate"`
	// Revise is true when FailureRate is above Options.RuleFailureLimit.
	Revise bool `json:"revise"`
	// LastRevised is zero when unknown; Stale is true when it is known and
	// older than Options.StaleRule at the period's end.
	LastRevised time.Time `json:"last_revised,omitzero"`
	Stale       bool      `json:"stale"`
}

// Peak is the busiest two-hour window: StartHour to StartHour+2 holds
// Share of the messages.
type Peak struct {
	StartHour int     `json:"start_hour"`
	Share     float64 `json:"share"`
}

// ChannelShare is one channel's part of the conversations.
type ChannelShare struct {
	Channel       channel.Kind `json:"channel"`
	Conversations int          `json:"conversations"`
	Messages      int          `json:"messages"`
	Share         float64      `json:"share"`
}

// FileCount is how often one kind of file was sent in the week starting
// Week (Monday 00:00 in the shop's zone); Over is Count > Options.FileLimit.
type FileCount struct {
	Week  time.Time `json:"week"`
	Kind  string    `json:"kind"`
	Count int       `json:"count"`
	Over  bool      `json:"over"`
}

// AgentTime is one agent's first responses (business time).
type AgentTime struct {
	Agent         string `json:"agent"`
	Team          string `json:"team,omitempty"`
	Conversations int    `json:"conversations"`
	FirstResponse Stat   `json:"first_response"`
	Slow          bool   `json:"slow"`
}

// Breach is a hand-off whose first response missed the SLA.
type Breach struct {
	Conversation string       `json:"conversation"`
	Channel      channel.Kind `json:"channel"`
	Team         string       `json:"team,omitempty"`
	Agent        string       `json:"agent,omitempty"`
	HandedOff    time.Time    `json:"handed_off"`
	// Waited is the business time to the first response, or to the
	// period's end when Answered is false.
	Waited   time.Duration `json:"waited_ns"`
	Answered bool          `json:"answered"`
}
