package desk

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Targets are the SLA targets of one priority, in business time (see
// Calendar). A zero target is not tracked.
type Targets struct {
	// FirstResponse: from opening (or reopening) to the first agent reply.
	FirstResponse time.Duration
	// NextResponse: from a customer's unanswered message to the agent's
	// reply, after the first response.
	NextResponse time.Duration
	// Resolution: from opening to resolution.
	Resolution time.Duration
}

// DefaultTargets returns targets for a small shop: normal conversations
// answered within 1 h, then 2 h, resolved within 24 h of business time;
// high priority 30 min, 1 h, 12 h; VIP 15 min, 30 min, 8 h.
func DefaultTargets() map[Priority]Targets {
	return map[Priority]Targets{
		PriorityNormal: {FirstResponse: time.Hour, NextResponse: 2 * time.Hour, Resolution: 24 * time.Hour},
		PriorityHigh:   {FirstResponse: 30 * time.Minute, NextResponse: time.Hour, Resolution: 12 * time.Hour},
		PriorityVIP:    {FirstResponse: 15 * time.Minute, NextResponse: 30 * time.Minute, Resolution: 8 * time.Hour},
	}
}

// SLAKind names an SLA target.
type SLAKind string

// SLA kinds.
const (
	SLAFirstResponse SLAKind = "first_response"
	SLANextResponse  SLAKind = "next_response"
	SLAResolution    SLAKind = "resolution"
)

// WarnFraction is the share of a target after which a warning fires.
const WarnFraction = 0.8

// Timer is one running SLA target of a conversation.
type Timer struct {
	// Kind is which target runs: first response, next response or
	// resolution.
	Kind SLAKind
	// Start is when the clock started; Warn and Due are the instants at
	// 80 % and 100 % of the target in business time (zero: never, when the
	// calendar has no hours).
	Start, Warn, Due time.Time
	// Target is the business time allowed.
	Target time.Duration
}

// key identifies this timer's cycle, so a warning or breach fires once per
// conversation, kind and cycle (a reopened conversation, or each wait for a
// next response, is a new cycle).
func (t Timer) key(phase string) string {
	return string(t.Kind) + ":" + phase + ":" + strconv.FormatInt(t.Start.UnixNano(), 10)
}

// Timers returns the SLA timers running on c: first response until the first
// agent reply, next response while a customer waits after that, resolution
// until resolved. A resolved or expired conversation has none.
func (d *Desk) Timers(c Conversation) []Timer {
	if !c.Status.Open() {
		return nil
	}
	tg, ok := d.cfg.Targets[c.Priority]
	if !ok {
		tg = d.cfg.Targets[PriorityNormal]
	}
	var out []Timer
	add := func(k SLAKind, start time.Time, target time.Duration) {
		if target <= 0 || start.IsZero() {
			return
		}
		warn := time.Duration(float64(target) * WarnFraction)
		out = append(out, Timer{Kind: k, Start: start, Target: target,
			Warn: d.cfg.Calendar.Add(start, warn), Due: d.cfg.Calendar.Add(start, target)})
	}
	if c.FirstResponseAt.IsZero() {
		add(SLAFirstResponse, c.OpenedAt, tg.FirstResponse)
	} else if c.Unanswered {
		add(SLANextResponse, c.WaitingSince, tg.NextResponse)
	}
	add(SLAResolution, c.OpenedAt, tg.Resolution)
	return out
}

// reminderDue returns when reminder n (0-based) of the current wait is due.
func (d *Desk) reminderDue(c Conversation, n int) time.Time {
	r := d.cfg.Reminders
	if len(r) == 0 {
		return c.WaitingSince.Add(time.Duration(n+1) * 24 * time.Hour)
	}
	if n < len(r) {
		return c.WaitingSince.Add(r[n])
	}
	return c.WaitingSince.Add(r[len(r)-1] + time.Duration(n-len(r)+1)*24*time.Hour)
}

// Tick does what time alone decides, as of the desk clock's now: SLA
// warnings and breaches (each once per conversation, kind and cycle),
// reminders for unanswered conversations, reassignment of conversations
// whose agent is offline past the grace period or has not replied in time,
// and expiry after the retention period. Run calls it every Config.Tick;
// tests call it after moving their clock. It returns the first store error
// after trying every conversation.
func (d *Desk) Tick(ctx context.Context) error {
	now := d.now()
	open, err := d.list(ctx, Query{Statuses: []Status{StatusQueued, StatusAssigned}, Summary: true})
	if err != nil {
		return err
	}
	agents, err := d.Agents(ctx)
	if err != nil {
		return err
	}
	byID := make(map[string]AgentState, len(agents))
	for _, a := range agents {
		byID[a.ID] = a
	}
	var errs []error
	requeued := false
	for _, c := range open {
		for _, t := range d.Timers(c) {
			if !t.Warn.IsZero() && !now.Before(t.Warn) {
				errs = append(errs, d.fire(ctx, c, t, "warning", EventSLAWarning, now))
			}
			if !t.Due.IsZero() && !now.Before(t.Due) {
				errs = append(errs, d.fire(ctx, c, t, "breach", EventSLABreach, now))
			}
		}
		if c.Unanswered && !c.WaitingSince.IsZero() {
			if due := d.reminderDue(c, c.Reminders); !now.Before(due) {
				n := c.Reminders
				_, err := d.update(ctx, c.ID, func(x *Conversation) error {
					if x.Reminders != n || !x.Unanswered {
						return errSkip
					}
					x.Reminders++
					return nil
				})
				if err == nil {
					d.emit(Event{Type: EventReminder, At: now, ConversationID: c.ID, Agent: c.Agent, Reminder: n + 1})
				}
				errs = append(errs, skipOK(err))
			}
		}
		if why := d.reassignReason(c, byID, now); why != "" {
			agent := c.Agent
			_, err := d.update(ctx, c.ID, func(x *Conversation) error {
				if x.Status != StatusAssigned || x.Agent != agent {
					return errSkip
				}
				requeue(x, now, why)
				return nil
			})
			if err == nil {
				requeued = true
				d.emit(Event{Type: EventReassigned, At: now, ConversationID: c.ID, Agent: agent})
			}
			errs = append(errs, skipOK(err))
		}
		if c.Status == StatusQueued && c.Unanswered && !c.ExpiresAt.IsZero() && !now.Before(c.ExpiresAt) {
			_, err := d.update(ctx, c.ID, func(x *Conversation) error {
				if x.Status != StatusQueued || now.Before(x.ExpiresAt) {
					return errSkip
				}
				x.Status, x.Transcript = StatusExpired, nil
				return nil
			})
			if err == nil {
				d.emit(Event{Type: EventExpired, At: now, ConversationID: c.ID})
			}
			errs = append(errs, skipOK(err))
		}
	}
	if requeued {
		d.Kick()
	}
	return errors.Join(errs...)
}

var errSkip = errors.New("desk: nothing to do")

func skipOK(err error) error {
	if errors.Is(err, errSkip) {
		return nil
	}
	return err
}

func (d *Desk) fire(ctx context.Context, c Conversation, t Timer, phase string, typ EventType, now time.Time) error {
	var first bool
	err := d.retry(ctx, func() (err error) { first, err = d.store.MarkFired(ctx, c.ID, t.key(phase), now); return err })
	if err != nil {
		return fmt.Errorf("desk: SLA %s %s: %w", t.Kind, phase, err)
	}
	if first {
		due := t.Due
		if phase == "warning" {
			due = t.Warn
		}
		d.emit(Event{Type: typ, At: now, ConversationID: c.ID, Agent: c.Agent, SLA: t.Kind, Due: due})
	}
	return nil
}

func (d *Desk) reassignReason(c Conversation, agents map[string]AgentState, now time.Time) string {
	if c.Status != StatusAssigned {
		return ""
	}
	a, ok := agents[c.Agent]
	if !ok || !a.Online && now.Sub(a.OfflineSince) >= d.cfg.OfflineGrace {
		return "agent offline: back to the queue"
	}
	if d.cfg.ReplyTimeout > 0 && c.Unanswered {
		since := c.WaitingSince
		if c.AssignedAt.After(since) {
			since = c.AssignedAt
		}
		if now.Sub(since) >= d.cfg.ReplyTimeout {
			return "no reply in time: back to the queue"
		}
	}
	return ""
}
