package insights

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/switchboard-go/switchboard/channel"
)

// ErrPeriod is returned by Compute when to is not after from.
var ErrPeriod = errors.New("insights: empty period")

// conv is what Compute knows of one conversation.
type conv struct {
	id       string
	channel  channel.Kind
	lang     string
	team     string
	agent    string // the agent who answered first, else the last assigned
	customer string

	messages   int
	first      time.Time // first customer message (or first event)
	firstBot   time.Time
	handoff    time.Time
	firstAgent time.Time
	frAgent    string
	replies    int
	waiting    time.Time // first unanswered message after the hand-off
	waits      []time.Duration
	waitsBiz   []time.Duration
	resolved   time.Time
	reopened   bool
	rating     int
	rules      []string
	lastRule   string
	inPeriod   bool
}

// Compute reads the events of [from, to) from log (and Reopened events up
// to Options.ReopenWindow past to) and returns the period's metrics.
// Conversations are those with an event in the period. Errors are the
// log's, ctx's, or ErrPeriod.
func Compute(ctx context.Context, log Log, from, to time.Time, opts Options) (*Metrics, error) {
	a, err := readLog(ctx, log, from, to, opts)
	if err != nil {
		return nil, err
	}
	return a.finish(), nil
}

// readLog feeds the events of [from, to) and the reopen window past it
// from log to a new accumulator: what Compute and Conversations share.
func readLog(ctx context.Context, log Log, from, to time.Time, opts Options) (*accumulator, error) {
	a, err := newAccumulator(from, to, opts)
	if err != nil {
		return nil, err
	}
	if err := log.Range(ctx, from, to.Add(a.opts.ReopenWindow), func(e Event) error {
		a.add(e)
		return nil
	}); err != nil {
		return nil, err
	}
	return a, nil
}

// Analyze is Compute over events already read, in time order; events
// outside the period (and the reopen window past it) are skipped, and
// invalid ones (see Validate) count only as far as they make sense.
func Analyze(events []Event, from, to time.Time, opts Options) (*Metrics, error) {
	a, err := newAccumulator(from, to, opts)
	if err != nil {
		return nil, err
	}
	for _, e := range events {
		if !e.Time.Before(from) && e.Time.Before(to.Add(a.opts.ReopenWindow)) {
			a.add(e)
		}
	}
	return a.finish(), nil
}

type ruleCount struct {
	triggers, handoffs int
	revised            time.Time
}

type fileKey struct {
	week time.Time
	kind string
}

type accumulator struct {
	from, to time.Time
	opts     Options
	convs    map[string]*conv
	order    []*conv
	m        *Metrics
	words    *wordCounter
	rules    map[string]*ruleCount
	files    map[fileKey]int
	buckets  []time.Time // bucket starts
	bucketHR []Rate
	weekly   bool
	// day cache for bucketing and the heat map
	dayStart, dayEnd time.Time
	dayIdx           int
	dayWeekday       int
}

// newAccumulator returns an empty accumulator for [from, to), or ErrPeriod
// when to is not after from.
func newAccumulator(from, to time.Time, opts Options) (*accumulator, error) {
	if !to.After(from) {
		return nil, fmt.Errorf("%w: %v to %v", ErrPeriod, from, to)
	}
	opts = opts.withDefaults()
	a := &accumulator{from: from, to: to, opts: opts, convs: map[string]*conv{},
		m:     &Metrics{From: from, To: to, Zone: opts.Location.String(), Groups: map[Dimension][]Group{}},
		words: newWordCounter(), rules: map[string]*ruleCount{}, files: map[fileKey]int{},
		dayIdx: -1}
	for name, t := range opts.Revised {
		a.rule(name).revised = t
	}
	a.weekly = to.Sub(from) > 31*24*time.Hour
	loc := opts.Location
	y, mo, d := from.In(loc).Date()
	start := time.Date(y, mo, d, 0, 0, 0, 0, loc)
	if a.weekly {
		start = weekStart(from, loc)
	}
	for t := start; t.Before(to); {
		a.buckets = append(a.buckets, t)
		if a.weekly {
			t = time.Date(t.Year(), t.Month(), t.Day()+7, 0, 0, 0, 0, loc)
		} else {
			t = time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, loc)
		}
	}
	a.bucketHR = make([]Rate, len(a.buckets))
	return a, nil
}

func weekStart(t time.Time, loc *time.Location) time.Time {
	t = t.In(loc)
	back := (int(t.Weekday()) + 6) % 7 // days since Monday
	return time.Date(t.Year(), t.Month(), t.Day()-back, 0, 0, 0, 0, loc)
}

func (a *accumulator) rule(name string) *ruleCount {
	r := a.rules[name]
	if r == nil {
		r = &ruleCount{}
		a.rules[name] = r
	}
	return r
}

// locate sets the day cache to t's day: its bucket index and weekday.
func (a *accumulator) locate(t time.Time) {
	if !t.Before(a.dayStart) && t.Before(a.dayEnd) {
		return
	}
	lt := t.In(a.opts.Location)
	y, mo, d := lt.Date()
	a.dayStart = time.Date(y, mo, d, 0, 0, 0, 0, a.opts.Location)
	a.dayEnd = time.Date(y, mo, d+1, 0, 0, 0, 0, a.opts.Location)
	a.dayWeekday = (int(lt.Weekday()) + 6) % 7
	i, found := slices.BinarySearchFunc(a.buckets, t, func(b, t time.Time) int { return b.Compare(t) })
	if !found {
		i--
	}
	a.dayIdx = i
}

func (a *accumulator) hour(t time.Time) int {
	if a.dayEnd.Sub(a.dayStart) != 24*time.Hour { // a daylight-saving day
		return t.In(a.opts.Location).Hour()
	}
	return int(t.Sub(a.dayStart) / time.Hour)
}

func (a *accumulator) conv(e Event) *conv {
	c := a.convs[e.Conversation]
	if c == nil {
		c = &conv{id: e.Conversation}
		a.convs[e.Conversation] = c
		a.order = append(a.order, c)
	}
	if e.Channel != "" {
		c.channel = e.Channel
	}
	if e.Language != "" {
		c.lang = e.Language
	}
	if e.Team != "" {
		c.team = e.Team
	}
	if e.Customer != "" {
		c.customer = e.Customer
	}
	return c
}

func (a *accumulator) add(e Event) {
	if !e.Time.Before(a.to) {
		// Past the period only reopenings matter (for FCR).
		if e.Kind == Reopened {
			if c := a.convs[e.Conversation]; c != nil && !c.resolved.IsZero() &&
				e.Time.Sub(c.resolved) <= a.opts.ReopenWindow {
				c.reopened = true
			}
		}
		return
	}
	switch e.Kind {
	case NoticeSent:
		a.m.Notices++
		return
	case RuleRevised:
		if e.Rule != "" {
			a.rule(e.Rule).revised = e.Time
		}
		return
	case FileSent:
		a.files[fileKey{weekStart(e.Time, a.opts.Location), e.FileKind}]++
		return
	}
	if e.Conversation == "" {
		if e.Kind == RuleMissed || e.Kind == RuleMatched {
			a.ruleEvent(nil, e)
		}
		return
	}
	c := a.conv(e)
	c.inPeriod = true
	if c.first.IsZero() {
		c.first = e.Time
	}
	switch e.Kind {
	case MessageIn:
		a.m.Messages++
		c.messages++
		a.locate(e.Time)
		a.m.HeatMap[a.dayWeekday][a.hour(e.Time)]++
		if e.Text != "" {
			a.words.add(cmp.Or(e.Language, c.lang), e.Text)
		}
		if !c.handoff.IsZero() && c.waiting.IsZero() {
			c.waiting = e.Time
		}
	case BotAnswer:
		if c.firstBot.IsZero() {
			c.firstBot = e.Time
		}
	case Handoff:
		if c.handoff.IsZero() {
			c.handoff = e.Time
			if c.waiting.IsZero() {
				c.waiting = e.Time
			}
			if r := cmp.Or(e.Rule, c.lastRule); r != "" {
				a.rule(r).handoffs++
			}
		}
	case AgentAssigned:
		if e.Agent != "" && c.firstAgent.IsZero() {
			c.agent = e.Agent
		}
	case AgentReply:
		c.replies++
		if c.handoff.IsZero() {
			c.handoff = c.first
			if c.waiting.IsZero() {
				c.waiting = c.first
			}
		}
		if c.firstAgent.IsZero() {
			c.firstAgent = e.Time
			c.frAgent = cmp.Or(e.Agent, c.agent)
			c.agent = c.frAgent
		}
		if !c.waiting.IsZero() {
			c.waits = append(c.waits, e.Time.Sub(c.waiting))
			c.waitsBiz = append(c.waitsBiz, a.opts.Calendar.Between(c.waiting, e.Time))
			c.waiting = time.Time{}
		}
	case Resolved:
		c.resolved = e.Time
	case Reopened:
		if !c.resolved.IsZero() && e.Time.Sub(c.resolved) <= a.opts.ReopenWindow {
			c.reopened = true
		}
	case Rating:
		if e.Score >= 1 && e.Score <= 5 { // Analyze's events are not validated
			c.rating = e.Score
		}
	case RuleMatched, RuleMissed:
		a.ruleEvent(c, e)
	}
}

func (a *accumulator) ruleEvent(c *conv, e Event) {
	a.locate(e.Time)
	hit := e.Kind == RuleMatched
	if hit && e.Rule != "" {
		a.rule(e.Rule).triggers++
		if c != nil {
			c.lastRule = e.Rule
			if !slices.Contains(c.rules, e.Rule) {
				c.rules = append(c.rules, e.Rule)
			}
		}
	}
	h := 0
	if hit {
		h = 1
	}
	a.m.HitRate.Hits += h
	a.m.HitRate.Total++
	if a.dayIdx >= 0 && a.dayIdx < len(a.bucketHR) {
		a.bucketHR[a.dayIdx].Hits += h
		a.bucketHR[a.dayIdx].Total++
	}
}

// durations collects one conversation measure for summarize.
type durations struct{ wall, biz []time.Duration }

func newDurations(n int) durations {
	return durations{make([]time.Duration, 0, n), make([]time.Duration, 0, n)}
}

func (d *durations) add(w, b time.Duration) {
	d.wall = append(d.wall, w)
	d.biz = append(d.biz, b)
}

func (d *durations) timing() Timing { return Timing{Wall: stat(d.wall), Business: stat(d.biz)} }

// measured is the per-conversation figures summarize needs, computed once.
type measured struct {
	c                 *conv
	bot, fr, res      [2]time.Duration
	hasBot, hasFR     bool
	hasRes            bool
	slaKnown, slaMet  bool
	waitedBiz         time.Duration
	answered, fcrSeen bool
	fcr               bool
}

func (a *accumulator) measure(c *conv) measured {
	cal := a.opts.Calendar
	m := measured{c: c}
	if !c.firstBot.IsZero() {
		m.hasBot = true
		m.bot = [2]time.Duration{c.firstBot.Sub(c.first), cal.Between(c.first, c.firstBot)}
	}
	if !c.firstAgent.IsZero() {
		m.hasFR = true
		m.fr = [2]time.Duration{c.firstAgent.Sub(c.handoff), cal.Between(c.handoff, c.firstAgent)}
	}
	if !c.resolved.IsZero() {
		m.hasRes = true
		m.res = [2]time.Duration{c.resolved.Sub(c.first), cal.Between(c.first, c.resolved)}
		if c.replies > 0 {
			m.fcrSeen = true
			m.fcr = c.replies == 1 && !c.reopened
		}
	}
	if !c.handoff.IsZero() {
		if m.hasFR {
			m.slaKnown, m.answered = true, true
			m.waitedBiz = m.fr[1]
			m.slaMet = m.waitedBiz <= a.opts.SLA
		} else if w := cal.Between(c.handoff, a.to); w > a.opts.SLA {
			m.slaKnown, m.waitedBiz = true, w
		}
	}
	return m
}

func (a *accumulator) summarize(ms []*measured) Summary {
	var s Summary
	n := len(ms)
	bot, fr, res := newDurations(n), newDurations(n), newDurations(n)
	reply := newDurations(n + n/2)
	auto, fcrHits, fcrTotal, slaMet, slaTotal, ratingSum := 0, 0, 0, 0, 0, 0
	for _, m := range ms {
		c := m.c
		s.Conversations++
		if !c.handoff.IsZero() {
			s.HandedOff++
		} else if c.replies == 0 {
			auto++
		}
		if m.hasBot {
			bot.add(m.bot[0], m.bot[1])
		}
		if m.hasFR {
			fr.add(m.fr[0], m.fr[1])
		}
		reply.wall = append(reply.wall, c.waits...)
		reply.biz = append(reply.biz, c.waitsBiz...)
		if m.hasRes {
			res.add(m.res[0], m.res[1])
		}
		if m.fcrSeen {
			fcrTotal++
			if m.fcr {
				fcrHits++
			}
		}
		if m.slaKnown {
			slaTotal++
			if m.slaMet {
				slaMet++
			}
		}
		if c.rating > 0 {
			s.Ratings.Count++
			s.Ratings.Distribution[c.rating-1]++
			ratingSum += c.rating
		}
	}
	s.AutoHandled = rate(auto, s.Conversations)
	s.BotResponse, s.FirstResponse, s.Reply, s.Resolution = bot.timing(), fr.timing(), reply.timing(), res.timing()
	s.FCR = rate(fcrHits, fcrTotal)
	s.SLA = rate(slaMet, slaTotal)
	if s.Ratings.Count > 0 {
		s.Ratings.Mean = float64(ratingSum) / float64(s.Ratings.Count)
		s.Ratings.Alert = s.Ratings.Mean < a.opts.RatingAlert
	}
	return s
}

func (a *accumulator) finish() *Metrics {
	m := a.m
	ms := make([]measured, 0, len(a.order))
	for _, c := range a.order {
		if c.inPeriod {
			ms = append(ms, a.measure(c))
		}
	}
	all := make([]*measured, len(ms))
	for i := range ms {
		all[i] = &ms[i]
	}
	m.Summary = a.summarize(all)
	m.HitRate = rate(m.HitRate.Hits, m.HitRate.Total)

	// Breakdowns.
	keys := map[Dimension]func(c *conv) []string{
		ByChannel:  func(c *conv) []string { return []string{string(c.channel)} },
		ByTeam:     func(c *conv) []string { return []string{c.team} },
		ByAgent:    func(c *conv) []string { return []string{c.agent} },
		ByLanguage: func(c *conv) []string { return []string{c.lang} },
		ByRule:     func(c *conv) []string { return c.rules },
	}
	for dim, key := range keys {
		groups := map[string][]*measured{}
		for _, x := range all {
			for _, k := range key(x.c) {
				if k != "" {
					groups[k] = append(groups[k], x)
				}
			}
		}
		out := make([]Group, 0, len(groups))
		for k, g := range groups {
			out = append(out, Group{Key: k, Summary: a.summarize(g)})
		}
		slices.SortFunc(out, func(x, y Group) int {
			return cmp.Or(y.Conversations-x.Conversations, strings.Compare(x.Key, y.Key))
		})
		m.Groups[dim] = out
	}

	// Trend.
	per := make([][]*measured, len(a.buckets))
	for _, x := range all {
		a.locate(x.c.first)
		if a.dayIdx >= 0 && a.dayIdx < len(per) {
			per[a.dayIdx] = append(per[a.dayIdx], x)
		}
	}
	for i, start := range a.buckets {
		s := a.summarize(per[i])
		m.Trend = append(m.Trend, Bucket{Start: start, Conversations: s.Conversations,
			FirstResponse: s.FirstResponse.Wall, FCR: s.FCR, Rating: s.Ratings.Mean,
			Ratings: s.Ratings.Count, HitRate: rate(a.bucketHR[i].Hits, a.bucketHR[i].Total)})
	}

	// Rules.
	for name, r := range a.rules {
		h := RuleHealth{Rule: name, Triggers: r.triggers, HandoffsAfter: r.handoffs, LastRevised: r.revised}
		if r.triggers > 0 {
			h.FailureRate = float64(r.handoffs) / float64(r.triggers)
		}
		h.Revise = h.FailureRate > a.opts.RuleFailureLimit
		h.Stale = !r.revised.IsZero() && a.to.Sub(r.revised) >= a.opts.StaleRule
		m.Rules = append(m.Rules, h)
	}
	slices.SortFunc(m.Rules, func(x, y RuleHealth) int {
		return cmp.Or(cmp.Compare(y.FailureRate, x.FailureRate), y.Triggers-x.Triggers, strings.Compare(x.Rule, y.Rule))
	})

	m.HotWords = a.words.top(a.opts.HotWords)

	// Peak two hours over all weekdays.
	var byHour [24]int
	for _, row := range m.HeatMap {
		for h, n := range row {
			byHour[h] += n
		}
	}
	for h := range 24 {
		if n := byHour[h] + byHour[(h+1)%24]; m.Messages > 0 && float64(n)/float64(m.Messages) > m.Peak.Share {
			m.Peak = Peak{StartHour: h, Share: float64(n) / float64(m.Messages)}
		}
	}

	// Channel mix.
	chans := map[channel.Kind]*ChannelShare{}
	for _, x := range all {
		cs := chans[x.c.channel]
		if cs == nil {
			cs = &ChannelShare{Channel: x.c.channel}
			chans[x.c.channel] = cs
		}
		cs.Conversations++
		cs.Messages += x.c.messages
	}
	for _, cs := range chans {
		if len(all) > 0 {
			cs.Share = float64(cs.Conversations) / float64(len(all))
		}
		m.Channels = append(m.Channels, *cs)
	}
	slices.SortFunc(m.Channels, func(x, y ChannelShare) int {
		return cmp.Or(y.Conversations-x.Conversations, strings.Compare(string(x.Channel), string(y.Channel)))
	})

	// Files.
	for k, n := range a.files {
		m.Files = append(m.Files, FileCount{Week: k.week, Kind: k.kind, Count: n, Over: n > a.opts.FileLimit})
	}
	slices.SortFunc(m.Files, func(x, y FileCount) int {
		return cmp.Or(x.Week.Compare(y.Week), y.Count-x.Count, strings.Compare(x.Kind, y.Kind))
	})

	// Agents and breaches.
	type agentAcc struct {
		team string
		frs  []time.Duration
	}
	agents := map[string]*agentAcc{}
	for _, x := range all {
		if x.hasFR && x.c.frAgent != "" {
			ag := agents[x.c.frAgent]
			if ag == nil {
				ag = &agentAcc{}
				agents[x.c.frAgent] = ag
			}
			ag.team = cmp.Or(x.c.team, ag.team)
			ag.frs = append(ag.frs, x.fr[1])
		}
		if x.slaKnown && !x.slaMet {
			m.Breaches = append(m.Breaches, Breach{Conversation: x.c.id, Channel: x.c.channel, Team: x.c.team,
				Agent: x.c.agent, HandedOff: x.c.handoff, Waited: x.waitedBiz, Answered: x.answered})
		}
	}
	for name, ag := range agents {
		st := stat(ag.frs)
		m.Agents = append(m.Agents, AgentTime{Agent: name, Team: ag.team, Conversations: st.Count,
			FirstResponse: st, Slow: st.Mean > a.opts.SlowAgent})
	}
	slices.SortFunc(m.Agents, func(x, y AgentTime) int {
		return cmp.Or(cmp.Compare(y.FirstResponse.Mean, x.FirstResponse.Mean), strings.Compare(x.Agent, y.Agent))
	})
	slices.SortFunc(m.Breaches, func(x, y Breach) int {
		return cmp.Or(cmp.Compare(y.Waited, x.Waited), strings.Compare(x.Conversation, y.Conversation))
	})
	if len(m.Breaches) > a.opts.Breaches {
		m.Breaches = m.Breaches[:a.opts.Breaches]
	}
	return m
}
