package desk

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"
)

// Kick asks Run for an assignment pass now. It never blocks; kicks while a
// pass is pending coalesce. The desk kicks itself on every enqueue, agent
// coming online and freed capacity.
func (d *Desk) Kick() {
	select {
	case d.kick <- struct{}{}:
	default:
	}
}

// Run assigns conversations as events arrive and, every Config.Tick, checks
// the timers (reminders, SLAs, reassignment, expiry) and sweeps the queue as
// a safety net. It returns when ctx is done. Store errors are logged and
// retried on the next event or tick.
func (d *Desk) Run(ctx context.Context) error {
	t := time.NewTicker(d.cfg.Tick)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-d.kick:
			if _, err := d.AssignQueued(ctx); err != nil && ctx.Err() == nil {
				d.cfg.Logger.ErrorContext(ctx, "desk: assignment pass", "err", err)
			}
		case <-t.C:
			if err := d.Tick(ctx); err != nil && ctx.Err() == nil {
				d.cfg.Logger.ErrorContext(ctx, "desk: timers", "err", err)
			}
			if _, err := d.AssignQueued(ctx); err != nil && ctx.Err() == nil {
				d.cfg.Logger.ErrorContext(ctx, "desk: sweep", "err", err)
			}
		}
	}
}

func (d *Desk) capacity(a Agent) int {
	if a.Capacity > 0 {
		return a.Capacity
	}
	return d.cfg.Capacity
}

// AssignQueued runs one assignment pass: every queued conversation, in queue
// order (VIP and priority first, then oldest), goes to the best agent with
// free capacity, if any. It returns how many it assigned. Passes of one
// Desk run one at a time; Desks sharing a store race safely, because the
// store's Assign checks capacity atomically.
//
// The best agent for a conversation: one in the conversation's team (an agent
// without teams works for all); among those, agents it was not just taken
// from, then agents writing its language, then agents with more of its
// skills; then the least loaded, then the one idle longest.
func (d *Desk) AssignQueued(ctx context.Context) (int, error) {
	d.passMu.Lock()
	defer d.passMu.Unlock()
	agents, err := d.onlineAgents(ctx)
	if err != nil {
		return 0, err
	}
	assigned := 0
	// Read the head of the queue, a few times the free slots; read more only
	// when routing left slots free and the queue goes on.
	for limit := 0; ; {
		free := 0
		for _, a := range agents {
			free += max(a.Capacity-a.Load, 0)
		}
		if free == 0 {
			return assigned, nil
		}
		limit = max(limit*4, free*4+64)
		queue, err := d.list(ctx, Query{Statuses: []Status{StatusQueued}, Summary: true, Limit: limit})
		if err != nil {
			return assigned, err
		}
		n, err := d.assignFrom(ctx, queue, agents)
		assigned += n
		if err != nil || len(queue) < limit {
			return assigned, err
		}
	}
}

func (d *Desk) assignFrom(ctx context.Context, queue []Conversation, agents []AgentState) (int, error) {
	assigned := 0
	for _, c := range queue {
		for {
			i := bestAgent(c, agents)
			if i < 0 {
				break
			}
			a := &agents[i]
			now := d.now()
			got, err := d.store.Assign(ctx, c.ID, a.ID, a.Capacity, now)
			if errors.Is(err, ErrCapacity) {
				a.Load = a.Capacity // full or offline as far as the store knows
				continue
			}
			if errors.Is(err, ErrConflict) || errors.Is(err, ErrNotFound) {
				break // another instance took it, or it changed
			}
			if err != nil {
				return assigned, fmt.Errorf("desk: assign: %w", err)
			}
			a.Load++
			a.IdleSince = now
			assigned++
			d.emit(Event{Type: EventAssigned, At: now, ConversationID: got.ID, Agent: a.ID})
			break
		}
	}
	return assigned, nil
}

func (d *Desk) onlineAgents(ctx context.Context) ([]AgentState, error) {
	var all []AgentState
	if err := d.retry(ctx, func() (err error) { all, err = d.store.Agents(ctx); return err }); err != nil {
		return nil, err
	}
	out := all[:0]
	for _, a := range all {
		if a.Online {
			a.Capacity = d.capacity(a.Agent)
			out = append(out, a)
		}
	}
	return out, nil
}

// bestAgent returns the index of the agent for c, or -1 when none has room.
func bestAgent(c Conversation, agents []AgentState) int {
	best := -1
	var bestKey [3]int
	for i, a := range agents {
		if a.Load >= a.Capacity || len(a.Teams) > 0 && !slices.Contains(a.Teams, c.Team) {
			continue
		}
		key := [3]int{0, 0, 0}
		if !slices.Contains(c.Previous, a.ID) {
			key[0] = 1
		}
		if c.Language == "" || speaks(a.Languages, c.Language) {
			key[1] = 1
		}
		for _, s := range c.Skills {
			if slices.Contains(a.Skills, s) {
				key[2]++
			}
		}
		if best < 0 || better(key, bestKey, a, agents[best]) {
			best, bestKey = i, key
		}
	}
	return best
}

func better(k, bk [3]int, a, b AgentState) bool {
	if c := slices.Compare(k[:], bk[:]); c != 0 {
		return c > 0
	}
	if a.Load != b.Load {
		return a.Load < b.Load
	}
	if c := a.IdleSince.Compare(b.IdleSince); c != 0 {
		return c < 0
	}
	return cmp.Less(a.ID, b.ID)
}

func speaks(langs []string, lang string) bool {
	b := baseLang(lang)
	for _, l := range langs {
		if baseLang(l) == b {
			return true
		}
	}
	return false
}

// AddAgent creates or updates an agent's profile (teams, languages, skills,
// capacity), keeping its online state if it exists.
func (d *Desk) AddAgent(ctx context.Context, a Agent) error {
	if a.ID == "" {
		return fmt.Errorf("%w: agent without id", ErrInvalid)
	}
	var old AgentState
	err := d.retry(ctx, func() (err error) { old, err = d.store.Agent(ctx, a.ID); return err })
	switch {
	case err == nil:
		a.Online, a.OnlineSince, a.OfflineSince, a.IdleSince = old.Online, old.OnlineSince, old.OfflineSince, old.IdleSince
	case !errors.Is(err, ErrNotFound):
		return err
	}
	if err := d.retry(ctx, func() error { return d.store.PutAgent(ctx, a) }); err != nil {
		return err
	}
	d.Kick()
	return nil
}

// SetOnline marks an agent online (it gets waiting work at once) or offline
// (its conversations go back to the queue after Config.OfflineGrace unless it
// returns).
func (d *Desk) SetOnline(ctx context.Context, agentID string, online bool) error {
	var a AgentState
	if err := d.retry(ctx, func() (err error) { a, err = d.store.Agent(ctx, agentID); return err }); err != nil {
		return err
	}
	now := d.now()
	if a.Online == online {
		if online {
			d.Kick()
		}
		return nil
	}
	a.Online = online
	if online {
		a.OnlineSince, a.IdleSince = now, now
	} else {
		a.OfflineSince = now
	}
	if err := d.retry(ctx, func() error { return d.store.PutAgent(ctx, a.Agent) }); err != nil {
		return err
	}
	d.emit(Event{Type: EventAgent, At: now, Agent: agentID})
	if online {
		d.Kick()
	}
	return nil
}

// Agents lists every agent with its load.
func (d *Desk) Agents(ctx context.Context) ([]AgentState, error) {
	var as []AgentState
	err := d.retry(ctx, func() (err error) { as, err = d.store.Agents(ctx); return err })
	return as, err
}

// Take gives a queued conversation to the agent who asks for it, within its
// capacity (ErrCapacity otherwise; ErrConflict when someone else has it). An
// offline agent who takes a conversation is put online first.
func (d *Desk) Take(ctx context.Context, conversationID, agentID string) (Conversation, error) {
	var a AgentState
	if err := d.retry(ctx, func() (err error) { a, err = d.store.Agent(ctx, agentID); return err }); err != nil {
		return Conversation{}, err
	}
	if !a.Online {
		if err := d.SetOnline(ctx, agentID, true); err != nil {
			return Conversation{}, err
		}
	}
	now := d.now()
	var c Conversation
	err := d.retry(ctx, func() (err error) {
		c, err = d.store.Assign(ctx, conversationID, agentID, d.capacity(a.Agent), now)
		return err
	})
	if errors.Is(err, ErrConflict) {
		// Coming online may have let the dispatcher give it to this agent.
		if got, gerr := d.Conversation(ctx, conversationID); gerr == nil && got.Status == StatusAssigned && got.Agent == agentID {
			return got, d.audit(ctx, AuditEntry{At: now, Agent: agentID, ConversationID: got.ID, Channel: got.Customer.Channel, Action: "take"})
		}
	}
	if err != nil {
		return Conversation{}, err
	}
	d.emit(Event{Type: EventAssigned, At: now, ConversationID: c.ID, Agent: agentID})
	return c, d.audit(ctx, AuditEntry{At: now, Agent: agentID, ConversationID: c.ID, Channel: c.Customer.Channel, Action: "take"})
}

// requeue puts an assigned conversation back in the queue, remembering the
// agent it was taken from.
func requeue(c *Conversation, now time.Time, why string) {
	c.Previous = mergeSet(c.Previous, []string{c.Agent})
	c.Transcript = append(c.Transcript, Entry{At: now, Author: AuthorSystem, Text: why})
	c.Status, c.Agent, c.QueuedAt = StatusQueued, "", now
}

// Transfer moves a conversation to another team with its transcript: it goes
// back to the queue and an agent of that team gets it. The agent must hold
// the conversation (or it must be queued).
func (d *Desk) Transfer(ctx context.Context, conversationID, agentID, team, note string) (Conversation, error) {
	if team == "" {
		return Conversation{}, fmt.Errorf("%w: transfer needs a team", ErrInvalid)
	}
	now := d.now()
	c, err := d.update(ctx, conversationID, func(c *Conversation) error {
		if c.Status == StatusAssigned && c.Agent != agentID || !c.Status.Open() {
			return ErrNotAssigned
		}
		text := "transferred from " + c.Team + " to " + team
		if note != "" {
			text += ": " + note
		}
		if c.Status == StatusAssigned {
			requeue(c, now, text)
		} else {
			c.Transcript = append(c.Transcript, Entry{At: now, Author: AuthorSystem, Agent: agentID, Text: text})
		}
		c.Team = team
		return nil
	})
	if err != nil {
		return Conversation{}, err
	}
	d.emit(Event{Type: EventTransferred, At: now, ConversationID: c.ID, Agent: agentID})
	d.Kick()
	return c, d.audit(ctx, AuditEntry{At: now, Agent: agentID, ConversationID: c.ID, Channel: c.Customer.Channel,
		Action: "transfer", Text: team + " " + note})
}
