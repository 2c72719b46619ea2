package autoreply

import (
	"context"
	"fmt"
	"maps"

	"github.com/switchboard-go/switchboard/channel"
)

// Decide chooses the answer to an inbound message m from m.From, updating the
// conversation's state and the counters. A message in standby
// (m.Standby: another channel owns the chat, LINE "mode":"standby") gets
// Quiet at once and changes nothing: the bot must not answer it. Otherwise,
// in order:
//
//  1. a conversation handed off earlier gets Quiet (until Release);
//  2. a message whose normalized text is empty (media only, spaces,
//     punctuation) gets NoMatch and changes nothing;
//  3. a hand-off keyword anywhere in the message hands off (Requested);
//  4. the same normalized text as the previous message hands off (Repeated);
//  5. while a value is awaited (after an Ask), a message carrying it gets
//     the rule's final Reply (Step.Then) after its lookup;
//  6. otherwise the best rule hit (see Match for the order) answers, unless
//     Config.Fallback is a Vetoer that judges the message needs no answer
//     (then it is a miss, step 8), or an Overruler that names another
//     tag (its best hit's rule, or else its first rule, answers instead)
//     or a hand-off (Requested): Reply with Rule.Reply, or for a rule with
//     a Next step, Ask with Step.Ask —
//     unless the message already carries the awaited value, in which case
//     the lookup runs at once and the answer is Step.Then;
//  7. with no hit, Config.Fallback (if set) may choose a rule, which
//     answers as in step 6, or hand off (Requested);
//  8. no hit and no fallback answer is a miss (counted with its normalized text; a message that
//     lacks an awaited value repeats the Ask instead); MaxMisses consecutive
//     misses hand off (Misses).
//
// Errors: ErrNilMessage; the store's errors; a lookup's error, wrapped with
// the rule name (the state is then left as it was, so the customer can send
// the value again). Safe for concurrent use.
func (e *Engine) Decide(ctx context.Context, m *channel.Message) (Decision, error) {
	if m == nil {
		return Decision{}, ErrNilMessage
	}
	if m.Standby {
		return Decision{Action: Quiet}, nil
	}
	mu := e.lock(m.From)
	mu.Lock()
	defer mu.Unlock()

	now := e.now()
	conv, _, err := e.store.Load(ctx, m.From, now)
	if err != nil {
		return Decision{}, fmt.Errorf("autoreply: load conversation: %w", err)
	}
	if conv.HandedOff {
		if err := e.store.Save(ctx, m.From, conv, now.Add(e.ttl)); err != nil {
			return Decision{}, fmt.Errorf("autoreply: save conversation: %w", err)
		}
		return Decision{Action: Quiet}, nil
	}

	sc := e.getScratch()
	defer e.putScratch(sc)
	sc.buf = appendNormalized(sc.buf[:0], m.Text, e.fold)
	sc.hits = e.collect(sc.buf, sc.hits[:0])
	e.sortHits(sc.hits)
	d := Decision{Normalized: string(sc.buf), Hits: e.hitsOf(sc.hits)}
	lo, hi := trimBounds(sc.buf)
	if lo == hi {
		return d, nil
	}
	e.stats.messages.Add(1)
	q := questionHash(sc.buf[lo:hi])
	repeated := conv.LastQuestion == q
	conv.LastQuestion = q

	switch {
	case len(sc.hits) > 0 && e.patterns[sc.hits[0].pat].rule < 0:
		e.handoff(&conv, &d, Requested)
	case repeated:
		e.handoff(&conv, &d, Repeated)
	default:
		if err := e.answer(ctx, m.From, &conv, &d, sc); err != nil {
			return Decision{}, err
		}
	}
	if err := e.store.Save(ctx, m.From, conv, now.Add(e.ttl)); err != nil {
		return Decision{}, fmt.Errorf("autoreply: save conversation: %w", err)
	}
	return d, nil
}

// answer handles steps 5 to 7 of Decide.
func (e *Engine) answer(ctx context.Context, addr channel.Address, conv *Conversation, d *Decision, sc *scratch) error {
	text := d.Normalized
	var waiting *compiledRule
	if conv.Await != "" {
		if i, ok := e.byName[conv.AwaitRule]; ok && e.rules[i].Next != nil {
			waiting = &e.rules[i]
		} else {
			conv.Await, conv.AwaitRule = "", "" // the rule set changed under us
		}
	}
	if waiting != nil {
		if v, ok := extract(conv.Await, text); ok {
			return e.finish(ctx, addr, conv, d, waiting, v, nil)
		}
	}
	var r *compiledRule
	var handoff bool
	if len(sc.hits) > 0 {
		if !e.vetoed(text) {
			r, handoff = e.overruled(text, sc.hits)
		}
	} else {
		r, handoff = e.fallbackRule(text)
	}
	if handoff {
		e.handoff(conv, d, Requested)
		return nil
	}
	if r != nil {
		vars := extractAll(r.Extract, text)
		if r.Next != nil {
			if v, ok := extract(r.Next.Await, text); ok {
				if err := e.finish(ctx, addr, conv, d, r, v, vars); err != nil {
					return err
				}
				e.trigger(conv, r)
				return nil
			}
			e.ask(conv, d, r, vars)
			e.trigger(conv, r)
			return nil
		}
		conv.Await, conv.AwaitRule, conv.Misses = "", "", 0
		d.Action, d.Rule, d.Intent, d.Template, d.Vars = Reply, r.Name, intent(r), r.Reply, vars
		e.trigger(conv, r)
		return nil
	}
	conv.Misses++
	if e.maxMisses > 0 && conv.Misses >= e.maxMisses {
		if waiting == nil {
			e.stats.miss(text)
		}
		e.handoff(conv, d, Misses)
		return nil
	}
	if waiting != nil {
		misses := conv.Misses
		e.ask(conv, d, waiting, nil)
		conv.Misses = misses
		return nil
	}
	e.stats.miss(text)
	return nil
}

func (e *Engine) ask(conv *Conversation, d *Decision, r *compiledRule, vars map[string]string) {
	tmpl := r.Next.Ask
	if tmpl == "" {
		tmpl = r.Reply
	}
	conv.Await, conv.AwaitRule, conv.Misses = r.Next.Await, r.Name, 0
	d.Action, d.Rule, d.Intent, d.Template, d.Vars = Ask, r.Name, intent(r), tmpl, vars
}

// finish answers the second step of r with the awaited value v.
func (e *Engine) finish(ctx context.Context, addr channel.Address, conv *Conversation, d *Decision, r *compiledRule, v string, vars map[string]string) error {
	if vars == nil {
		vars = make(map[string]string, 1)
	}
	vars[r.Next.Await] = v
	if r.Next.Lookup != "" {
		res, err := e.lookups[r.Next.Lookup](ctx, addr, v)
		if err != nil {
			return fmt.Errorf("autoreply: rule %q: lookup %q: %w", r.Name, r.Next.Lookup, err)
		}
		maps.Copy(vars, res)
	}
	conv.Await, conv.AwaitRule, conv.Misses = "", "", 0
	d.Action, d.Rule, d.Intent, d.Template, d.Vars = Reply, r.Name, intent(r), r.Next.Then, vars
	return nil
}

func (e *Engine) trigger(conv *Conversation, r *compiledRule) {
	e.stats.triggered[r.index].Add(1)
	if conv.Triggered == nil {
		conv.Triggered = make(map[string]int, 1)
	}
	conv.Triggered[r.Name]++
}

func (e *Engine) handoff(conv *Conversation, d *Decision, reason HandoffReason) {
	d.Action, d.Reason = Handoff, reason
	e.stats.handoffs[reason].Add(1)
	for name, n := range conv.Triggered {
		if i, ok := e.byName[name]; ok {
			e.stats.handedOff[i].Add(int64(n))
		}
	}
	*conv = Conversation{HandedOff: true, LastQuestion: conv.LastQuestion}
}

func intent(r *compiledRule) string {
	if len(r.Tags) > 0 {
		return r.Tags[0]
	}
	return ""
}

func extractAll(names []string, text string) map[string]string {
	var vars map[string]string
	for _, n := range names {
		if v, ok := extract(n, text); ok {
			if vars == nil {
				vars = make(map[string]string, len(names))
			}
			vars[n] = v
		}
	}
	return vars
}

// questionHash is the 64-bit FNV-1a hash of a normalized question, never 0
// (which means "none"). It is deterministic, so it stays valid in a shared or
// persistent StateStore across processes and restarts.
func questionHash(b []byte) uint64 {
	h := uint64(14695981039346656037)
	for _, c := range b {
		h ^= uint64(c)
		h *= 1099511628211
	}
	return h | 1
}
