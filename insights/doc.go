// Package insights turns what happens in customer service into numbers and a
// weekly page people open.
//
// The shop's flow (the bot, the desk, the notifier) appends [Event] values to
// a [Log]: a customer's message, the bot's answer, a hand-off, an agent's
// reply, a resolution, a rating, a rule that matched or missed. [Compute]
// reads one period from the log and returns [Metrics]: first-response time
// counted from the hand-off (the bot's own answer time reported apart),
// reply and resolution times as median and p90 in wall-clock and business
// hours, first-contact resolution, the share of SLA targets met, ratings,
// the share the bot handled alone, the health of every rule (failure rate,
// hit-rate trend, rules not revised for 90 days), hot words, a 7 × 24
// activity heat map in the shop's time zone, the channel mix, file requests
// per kind and week, and agents whose average first response passes six
// minutes — overall and per channel, team, agent, language and rule.
//
// [WriteCSV] exports one row per conversation, [Handler] serves the metrics
// as JSON, and [WriteReport] writes the weekly report: one self-contained
// HTML file with inline SVG charts, no scripts, fonts or links to fetch, in
// English or Chinese.
//
// Quantiles are nearest-rank: the p-quantile of n sorted values is the value
// at rank ⌈p·n⌉, so a median or p90 is always a time that was observed.
//
// [MemoryLog] is the in-memory log; store/sqlite and store/postgres
// implement [Log] for one machine and for several instances.
package insights
