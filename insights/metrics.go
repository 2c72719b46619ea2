package insights

import (
	"time"

	"github.com/switchboard-go/switchboard/channel"
)

// Metrics are the numbers of one period. A plain value; Compute returns a
// fresh one each call.
type Metrics struct {
	// From is the period's first instant (inclusive), as given to Compute.
	From time.Time `json:"from"`
	// To is the period's end (exclusive).
	To time.Time `json:"to"`
	// Zone is the time zone name of the heat map and buckets.
	Zone string `json:"zone"`
	// Messages counts customers' messages (MessageIn) in the period.
	Messages int `json:"messages"`
	// Notices counts proactive notices sent (NoticeSent) in the period.
	Notices int `json:"notices"`
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
	HitRate Rate `json:"hit_rate"`
	// Rules are every rule seen (triggered in the period, or with a known
	// revision time), highest FailureRate first, then most Triggers.
	Rules []RuleHealth `json:"rules"`
	// HotWords are the most used words, most first.
	HotWords []Word `json:"hot_words"`
	// HeatMap counts customers' messages by weekday (0 = Monday) and hour
	// in the shop's time zone.
	HeatMap [7][24]int `json:"heat_map"`
	// Peak is the busiest two-hour window of the day.
	Peak Peak `json:"peak"`
	// Channels are the channel mix of the period's conversations, most
	// conversations first.
	Channels []ChannelShare `json:"channels"`
	// Files count the files sent (FileSent) per week and kind, oldest week
	// first, then most sent.
	Files []FileCount `json:"files"`
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
	// Conversations counts conversations with an event in the period.
	Conversations int `json:"conversations"`
	// HandedOff counts those handed to a person (a Handoff event, or an
	// agent reply without one).
	HandedOff int `json:"handed_off"`
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
	SLA Rate `json:"sla"`
	// Ratings are the customers' scores of these conversations.
	Ratings Ratings `json:"ratings"`
}

// Ratings are customers' scores on a 5-point scale.
type Ratings struct {
	// Count is how many conversations were rated.
	Count int `json:"count"`
	// Mean is the mean score (1–5); 0 when Count is 0.
	Mean float64 `json:"mean"`
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
	// Key is the channel, team, agent id, language or rule name; "" groups
	// the conversations without one.
	Key string `json:"key"`
	Summary
}

// Bucket is one day (or week) of the trend.
type Bucket struct {
	// Start is the bucket's first instant: midnight (Monday's for a week)
	// in the shop's time zone.
	Start time.Time `json:"start"`
	// Conversations counts the conversations whose first event falls in
	// the bucket; the other figures are theirs.
	Conversations int `json:"conversations"`
	// FirstResponse is their first response time on the wall clock.
	FirstResponse Stat `json:"first_response"`
	// FCR is their first-contact resolution, as Summary.FCR.
	FCR Rate `json:"fcr"`
	// Rating is their mean score; 0 with no ratings.
	Rating float64 `json:"rating"`
	// Ratings counts their ratings.
	Ratings int `json:"ratings"`
	// HitRate is the rule hit rate of the bot's messages within the
	// bucket, as Metrics.HitRate.
	HitRate Rate `json:"hit_rate"`
}

// RuleHealth is how one automatic-reply rule does.
type RuleHealth struct {
	// Rule is the rule's name.
	Rule string `json:"rule"`
	// Triggers counts the rule's RuleMatched events in the period.
	Triggers int `json:"triggers"`
	// HandoffsAfter counts hand-offs whose last answering rule was this
	// one.
	HandoffsAfter int `json:"handoffs_after"`
	// FailureRate is HandoffsAfter ÷ Triggers; 0 when the rule did not
	// trigger.
	FailureRate float64 `json:"failure_rate"`
	// Revise is true when FailureRate is above Options.RuleFailureLimit.
	Revise bool `json:"revise"`
	// LastRevised is zero when unknown; Stale is true when it is known and
	// older than Options.StaleRule at the period's end.
	LastRevised time.Time `json:"last_revised,omitzero"`
	// Stale: see LastRevised.
	Stale bool `json:"stale"`
}

// Peak is the busiest two-hour window: StartHour to StartHour+2 holds
// Share of the messages.
type Peak struct {
	// StartHour is the window's first hour (0–23) in the shop's time zone;
	// the window may wrap past midnight (23 is 23:00–01:00).
	StartHour int `json:"start_hour"`
	// Share is the fraction (0–1) of the period's customer messages in the
	// window; 0 when there were none.
	Share float64 `json:"share"`
}

// ChannelShare is one channel's part of the conversations.
type ChannelShare struct {
	// Channel is the channel; "" for conversations whose events named none.
	Channel channel.Kind `json:"channel"`
	// Conversations counts the period's conversations on the channel.
	Conversations int `json:"conversations"`
	// Messages counts the customer messages of those conversations.
	Messages int `json:"messages"`
	// Share is Conversations as a fraction (0–1) of all the period's
	// conversations.
	Share float64 `json:"share"`
}

// FileCount is how often one kind of file was sent in the week starting
// Week (Monday 00:00 in the shop's zone); Over is Count > Options.FileLimit.
type FileCount struct {
	// Week is the week's start: Monday 00:00 in the shop's zone.
	Week time.Time `json:"week"`
	// Kind is the FileSent event's FileKind ("invoice", "manual").
	Kind string `json:"kind"`
	// Count is how many files of Kind were sent that week.
	Count int `json:"count"`
	// Over is Count > Options.FileLimit.
	Over bool `json:"over"`
}

// AgentTime is one agent's first responses (business time).
type AgentTime struct {
	// Agent is the agent's id.
	Agent string `json:"agent"`
	// Team is the team of the agent's latest such conversation; "" when
	// none named one.
	Team string `json:"team,omitempty"`
	// Conversations counts the conversations in which the agent replied
	// first.
	Conversations int `json:"conversations"`
	// FirstResponse is the agent's first response times, in business time.
	FirstResponse Stat `json:"first_response"`
	// Slow is true when FirstResponse.Mean is above Options.SlowAgent.
	Slow bool `json:"slow"`
}

// Breach is a hand-off whose first response missed the SLA.
type Breach struct {
	// Conversation is the conversation's id (Event.Conversation).
	Conversation string `json:"conversation"`
	// Channel is the customer's channel; "" when no event named it.
	Channel channel.Kind `json:"channel"`
	// Team is the conversation's team; "" when none was named.
	Team string `json:"team,omitempty"`
	// Agent is the agent who replied first, else the last assigned; "" when
	// none was.
	Agent string `json:"agent,omitempty"`
	// HandedOff is when the SLA clock started: the hand-off, or the first
	// message when an agent replied without one.
	HandedOff time.Time `json:"handed_off"`
	// Waited is the business time to the first response, or to the
	// period's end when Answered is false.
	Waited time.Duration `json:"waited_ns"`
	// Answered is true when an agent replied, late; false when the
	// customer still waited at the period's end.
	Answered bool `json:"answered"`
}
