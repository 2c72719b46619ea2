package desk

import "time"

// EventType says what happened on the desk.
type EventType string

// Event types.
const (
	EventQueued      EventType = "queued"      // opened, reopened or requeued
	EventAssigned    EventType = "assigned"    // an agent got it
	EventMessage     EventType = "message"     // a customer (or bot) wrote
	EventReplied     EventType = "replied"     // an agent's reply went out
	EventTransferred EventType = "transferred" // moved to another team
	EventReassigned  EventType = "reassigned"  // taken from an agent (offline, no reply in time)
	EventResolved    EventType = "resolved"
	EventRated       EventType = "rated"
	EventReminder    EventType = "reminder"    // still unanswered
	EventExpired     EventType = "expired"     // unanswered for the retention period
	EventSLAWarning  EventType = "sla_warning" // 80 % of a target used
	EventSLABreach   EventType = "sla_breach"  // a target missed
	EventAgent       EventType = "agent"       // an agent came online or went offline
)

// Event is something that happened to a conversation or an agent. A plain
// value.
type Event struct {
	// Type says what happened.
	Type EventType
	// At is when it happened, on the desk's clock.
	At time.Time
	// ConversationID is the conversation concerned; "" for EventAgent.
	ConversationID string
	// Agent is the agent concerned (the one assigned, acting, or coming
	// online); "" when none.
	Agent string
	// SLA is the target of an SLA warning or breach; "" for other events.
	SLA SLAKind
	// Due is when the SLA target is (or was) due; zero for other events.
	Due time.Time
	// Reminder numbers an EventReminder within the current wait (1 for the
	// first); 0 for other events.
	Reminder int
}

// Subscribe returns a channel receiving every event from now on, and a
// function that ends the subscription (and closes the channel). Events are
// dropped for a subscriber whose buffer (buf, at least 1) is full, so a slow
// reader never blocks the desk; the console reloads its lists on each event,
// so a dropped one is repaired by the next.
func (d *Desk) Subscribe(buf int) (<-chan Event, func()) {
	ch := make(chan Event, max(buf, 1))
	d.subMu.Lock()
	id := d.nextID
	d.nextID++
	d.subs[id] = ch
	d.subMu.Unlock()
	return ch, func() {
		d.subMu.Lock()
		if _, ok := d.subs[id]; ok {
			delete(d.subs, id)
			close(ch)
		}
		d.subMu.Unlock()
	}
}

func (d *Desk) emit(e Event) {
	d.subMu.Lock()
	for _, ch := range d.subs {
		select {
		case ch <- e:
		default:
		}
	}
	d.subMu.Unlock()
	if d.cfg.OnEvent != nil {
		d.cfg.OnEvent(e)
	}
}
