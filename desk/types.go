package desk

import (
	"slices"
	"time"

	"github.com/switchboard-go/switchboard/channel"
)

// Status is where a conversation stands.
type Status string

// Conversation states. Queued waits for an agent; Assigned has one;
// Resolved is closed by a person (a new customer message reopens it);
// Expired was kept for the retention period without any human answer.
const (
	StatusQueued   Status = "queued"
	StatusAssigned Status = "assigned"
	StatusResolved Status = "resolved"
	StatusExpired  Status = "expired"
)

// Open reports whether s is a state in which the conversation is still
// being worked (queued or assigned).
func (s Status) Open() bool { return s == StatusQueued || s == StatusAssigned }

// Priority orders the queue: higher first.
type Priority int

// Priorities. VIP customers come before priority customers, who come before
// everyone else.
const (
	PriorityNormal Priority = 0
	PriorityHigh   Priority = 1
	PriorityVIP    Priority = 2
)

// String names the priority ("normal", "high", "vip").
func (p Priority) String() string {
	switch {
	case p >= PriorityVIP:
		return "vip"
	case p == PriorityHigh:
		return "high"
	default:
		return "normal"
	}
}

// Author says who wrote a transcript entry.
type Author string

// Authors of transcript entries. Only AuthorAgent counts as a human answer.
const (
	AuthorCustomer Author = "customer"
	AuthorBot      Author = "bot"
	AuthorAgent    Author = "agent"
	AuthorSystem   Author = "system"
)

// Entry is one line of a conversation's transcript. A plain value.
type Entry struct {
	At     time.Time
	Author Author
	// Agent is the agent's id for AuthorAgent entries.
	Agent string
	Text  string
	// Translation is Text in the desk's language when a Translate hook is
	// configured and the customer writes another language.
	Translation string
	// MessageID is the platform id of the message, when there is one.
	MessageID string
}

// Card is the desk's view of the customer card: what an agent sees beside
// the transcript. It is filled by a CardSource (for example from identity's
// customer card); every field is optional. Name and Contact must already be
// masked: the console shows them as they are.
type Card struct {
	Name    string
	Contact string // masked, e.g. "852****0003"
	Tier    string
	VIP     bool
	// Orders and Spend summarize purchases; Spend is in the shop's currency
	// minor units (cents) and Currency names it.
	Orders   int
	Spend    int64
	Currency string
	// RecentInquiries counts the customer's inquiries in the last 30 days.
	RecentInquiries int
	PastIssues      []string
	Preferences     []string
	// Tags are the card's labels ("tier:gold", "priority", "vip"); "vip"
	// and "priority" raise the conversation's priority.
	Tags []string
}

func (c Card) clone() Card {
	c.Tags = slices.Clone(c.Tags)
	c.PastIssues = slices.Clone(c.PastIssues)
	c.Preferences = slices.Clone(c.Preferences)
	return c
}

// Conversation is one customer's hand-off to people: from the first hand-off
// until a person resolves it. Values returned by the desk and the stores are
// copies; changing them changes nothing stored.
type Conversation struct {
	ID       string
	Customer channel.Address
	Card     Card
	// Language is the customer's language (BCP 47).
	Language string
	Tags     []string
	// Reason is why the bot handed off ("keyword", "repeated", ...).
	Reason string
	// InquiryType routes the conversation to a team ("refund").
	InquiryType string
	Team        string
	// Skills an agent should have (preferred, not required).
	Skills   []string
	Priority Priority
	Status   Status
	Agent    string
	// Previous lists agents the conversation was taken from (no reply in
	// time, offline), so it is not given back to them at once.
	Previous   []string
	Transcript []Entry

	// Preview is the start of the customer's latest message, for lists.
	Preview string

	// Unanswered is true from a customer's message until a person answers;
	// bot replies never clear it.
	Unanswered bool
	// WaitingSince is when the oldest unanswered customer message arrived.
	WaitingSince time.Time

	OpenedAt        time.Time
	QueuedAt        time.Time
	AssignedAt      time.Time
	LastCustomerAt  time.Time
	LastAgentAt     time.Time
	FirstResponseAt time.Time
	ResolvedAt      time.Time
	// AgentMessagesSinceCustomer counts agent messages since the customer's
	// last message (WeChat allows 5 within its window).
	AgentMessagesSinceCustomer int

	// Reminders counts the unanswered-reminders already sent for the current
	// wait; ExpiresAt is when an unanswered conversation is dropped.
	Reminders int
	ExpiresAt time.Time

	// Rating is the customer's 1–5 rating after resolution, 0 when none.
	Rating  int
	RatedAt time.Time

	// Version increases with every stored change; stores use it for
	// optimistic concurrency.
	Version int64
}

// Clone returns a deep copy of c.
func (c Conversation) Clone() Conversation {
	c.Card = c.Card.clone()
	c.Tags = slices.Clone(c.Tags)
	c.Skills = slices.Clone(c.Skills)
	c.Previous = slices.Clone(c.Previous)
	c.Transcript = slices.Clone(c.Transcript)
	return c
}

// Agent is a person who answers conversations.
type Agent struct {
	ID   string
	Name string
	// Teams the agent works in ("after-sales"); Languages it writes (BCP 47
	// base languages: "en", "th"); Skills it has ("refund", "b2b").
	Teams     []string
	Languages []string
	Skills    []string
	// Capacity is the most open conversations at once; 0 means the desk's
	// default (5).
	Capacity int
	Online   bool
	// OnlineSince and OfflineSince date the last change of Online.
	OnlineSince  time.Time
	OfflineSince time.Time
	// IdleSince is when the agent last got a conversation or came online:
	// the longest idle agent wins a tie.
	IdleSince time.Time
}

// Clone returns a deep copy of a.
func (a Agent) Clone() Agent {
	a.Teams = slices.Clone(a.Teams)
	a.Languages = slices.Clone(a.Languages)
	a.Skills = slices.Clone(a.Skills)
	return a
}

// AgentState is an agent with its current load.
type AgentState struct {
	Agent
	// Load is the number of conversations assigned to the agent now.
	Load int
}

// AuditEntry records one thing an agent did (or tried to do) to a
// conversation: who, when, what, on which channel.
type AuditEntry struct {
	At             time.Time
	Agent          string
	ConversationID string
	Channel        channel.Kind
	// Action is "reply", "take", "transfer", "resolve", "reply_blocked" or
	// "reply_failed".
	Action string
	// Text is what the agent wrote (or the template name).
	Text string
	// Mode is the reply mode in force (free, template, human_agent).
	Mode ReplyMode
	// MessageID is the platform's id of a sent reply.
	MessageID string
	// Flags are the phrase-policy rules the text triggered.
	Flags []string
	// Error describes a failure, without secrets.
	Error string
}
