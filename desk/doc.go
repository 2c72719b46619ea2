// Package desk is the human half of customer service: when the bot hands a
// customer off, a person answers.
//
// A hand-off (Desk.Handoff) opens or reopens the customer's conversation with
// the transcript so far, the customer card (from a CardSource), language,
// tags and the reason. While it waits it is in the offline inbox: kept for
// Config.Retention (30 days) with reminder events at 1 h, 4 h, 24 h and then
// daily, until a person answers. Only an agent's reply clears Unanswered; a
// bot's (BotReply), out-of-hours or not, never does.
//
// Assignment is event-driven: every enqueue, agent coming online and freed
// capacity kicks Run, which assigns at once; a sweep every Config.Tick is
// only a safety net. Routing picks the team by inquiry type, then prefers
// agents writing the customer's language and having the inquiry's skills,
// then the least loaded agent, then the one idle longest; VIP and priority
// conversations go first. Capacity (5 open conversations per agent by
// default, per-agent override) is enforced by the Store's Assign, atomically,
// so several processes sharing a store never exceed it and never assign a
// conversation twice. Conversations go back to the queue when their agent has
// been offline past a grace period or has not answered in time, and agents
// transfer them between teams with the transcript.
//
// SLA timers (first response, next response, resolution, per priority) count
// business time on a Calendar (time zone, several intervals a day, holidays,
// intervals past midnight, daylight-saving days of 23 or 25 hours). Tick
// fires a warning at 80 % and a breach at 100 %, each once per conversation,
// kind and cycle.
//
// Agents' replies (Desk.Reply) go out through a channel.Sender under the
// channel's window rules, which ReplyPolicy reports before the agent types:
// free text inside the window; outside it an approved WhatsApp template,
// Messenger's HUMAN_AGENT tag up to 7 days, nothing on WeChat after 48 h (or
// after 5 messages). A PhrasePolicy blocks or flags promises the shop cannot
// keep; every reply, sent, refused, blocked or failed, is audited. FAQ
// suggestions come from the autoreply rules and catalog in the customer's
// language (FAQ), and a resolved conversation may be rated 1–5.
//
// Console returns the agents' web console, an http.Handler using
// html/template, embedded static files and server-sent events.
//
// State lives behind Store: MemoryStore here, and SQLite, PostgreSQL and
// Redis implementations in store/sqlite, store/postgres and store/redis, all
// passing the suite in desk/desktest.
//
// Time comes from Config.Clock everywhere, so tests move a clock instead of
// sleeping. Store errors are retried (Config.StoreAttempts) and then
// returned: nothing is dropped silently. The desk reads no customer data but
// what the CardSource gives it, which must be masked.
package desk
