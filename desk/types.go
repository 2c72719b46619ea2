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
	// At is when the message was written (the platform's time for a
	// customer's message, the desk's clock for the others).
	At time.Time
	// Author says who wrote it; only AuthorAgent counts as a human answer.
	Author Author
	// Agent is the agent's id for AuthorAgent entries.
	Agent string
	// Text is the message as written, or "[image] caption" for media; for
	// AuthorSystem a note such as "handed off: keyword".
	Text string
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
	// Name is the customer's masked name ("A*** L**"); "" when unknown.
	Name string
	// Contact is a masked phone number or e-mail ("852****0003").
	Contact string
	// Tier is the shop's loyalty tier ("gold", "vip"), shown as is; "" when
	// the shop has none.
	Tier string
	// VIP puts the customer's conversations first in the queue
	// (PriorityVIP).
	VIP bool
	// Orders counts the customer's orders.
	Orders int
	// Spend is what the customer spent, in minor units (cents) of Currency;
	// at or above Config.HighSpend it raises the priority.
	Spend int64
	// Currency is the ISO 4217 code of Spend ("HKD").
	Currency string
	// RecentInquiries counts the customer's inquiries in the last 30 days.
	RecentInquiries int
	// PastIssues are one-line summaries of earlier problems ("late parcel
	// (May)").
	PastIssues []string
	// Preferences are free-text notes for the agent ("WhatsApp",
	// "language th").
	Preferences []string
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
	// ID is the desk's id of the conversation (24 hex digits), set at the
	// first hand-off and kept when the conversation reopens.
	ID string
	// Customer is the customer's address on the channel they wrote from;
	// replies go there.
	Customer channel.Address
	// Card is the customer card as of the latest hand-off.
	Card Card
	// Language is the customer's language (BCP 47).
	Language string
	// Tags are the labels of every hand-off so far, without repeats
	// ("vip" and "priority" raise the priority).
	Tags []string
	// Reason is why the bot handed off ("keyword", "repeated", ...).
	Reason string
	// InquiryType routes the conversation to a team ("refund").
	InquiryType string
	// Team is the team whose agents get the conversation: Config.Teams of
	// the inquiry type, else Config.DefaultTeam; Transfer changes it.
	Team string
	// Skills an agent should have (preferred, not required).
	Skills []string
	// Priority orders the queue (higher first); it only rises while the
	// conversation is open.
	Priority Priority
	// Status is where the conversation stands.
	Status Status
	// Agent is the id of the agent holding the conversation (once resolved,
	// the one who held it last); "" while queued. Only Store.Assign sets it.
	Agent string
	// Previous lists agents the conversation was taken from (no reply in
	// time, offline), so it is not given back to them at once.
	Previous []string
	// Transcript is the conversation's messages and system notes, oldest
	// first, including what the bot and customer said before the hand-off.
	Transcript []Entry

	// Preview is the start of the customer's latest message, for lists.
	Preview string

	// Unanswered is true from a customer's message until a person answers;
	// bot replies never clear it.
	Unanswered bool
	// WaitingSince is when the oldest unanswered customer message arrived.
	WaitingSince time.Time

	// OpenedAt is when the conversation was handed off (or reopened); SLA
	// timers count from it.
	OpenedAt time.Time
	// QueuedAt is when it last entered the queue (opened, reopened or
	// requeued); the queue serves the oldest first within a priority.
	QueuedAt time.Time
	// AssignedAt is when the current agent got it; zero if never assigned.
	AssignedAt time.Time
	// LastCustomerAt is the customer's latest message; the channel's reply
	// window counts from it.
	LastCustomerAt time.Time
	// LastAgentAt is an agent's latest reply; zero if none.
	LastAgentAt time.Time
	// FirstResponseAt is the first agent reply since the conversation was
	// opened or reopened; zero until then.
	FirstResponseAt time.Time
	// ResolvedAt is when a person resolved it; zero while open (and reset
	// on reopening).
	ResolvedAt time.Time
	// AgentMessagesSinceCustomer counts agent messages since the customer's
	// last message (WeChat allows 5 within its window).
	AgentMessagesSinceCustomer int

	// Reminders counts the unanswered-reminders already sent for the current
	// wait.
	Reminders int
	// ExpiresAt is when the conversation expires if still queued and
	// unanswered: the customer's last message plus Config.Retention.
	ExpiresAt time.Time

	// Rating is the customer's 1–5 rating after resolution, 0 when none.
	Rating int
	// RatedAt is when the rating arrived; zero when none.
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
	// ID identifies the agent (the shop's sign-in name); required.
	ID string
	// Name is shown in the console; "" shows ID.
	Name string
	// Teams the agent works in ("after-sales"); it gets conversations of
	// these teams only, and of every team when empty.
	Teams []string
	// Languages the agent writes (BCP 47 base languages: "en", "th"); a
	// conversation prefers an agent who writes its language, but does not
	// require one.
	Languages []string
	// Skills the agent has ("refund", "b2b"); among agents with room, the
	// one matching most of the conversation's Skills wins.
	Skills []string
	// Capacity is the most open conversations at once; 0 means the desk's
	// default (5).
	Capacity int
	// Online is true while the agent takes new conversations (SetOnline).
	Online bool
	// OnlineSince is when the agent last came online; zero if never.
	OnlineSince time.Time
	// OfflineSince is when the agent last went offline; after
	// Config.OfflineGrace its conversations go back to the queue.
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
	// At is when the agent acted (the desk's clock).
	At time.Time
	// Agent is the id of the agent who acted.
	Agent string
	// ConversationID is the conversation acted on.
	ConversationID string
	// Channel is the customer's channel at the time.
	Channel channel.Kind
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
