package desk

import (
	"context"
	"errors"
	"time"

	"github.com/switchboard-go/switchboard/channel"
)

// Errors the desk and its stores return.
var (
	// ErrNotFound: no such conversation or agent.
	ErrNotFound = errors.New("desk: not found")
	// ErrConflict: the conversation changed since it was read (optimistic
	// concurrency), or it is not in the state the operation needs (an
	// Assign of a conversation that is no longer queued).
	ErrConflict = errors.New("desk: conflict")
	// ErrCapacity: the agent is offline or already has as many conversations
	// as its capacity allows.
	ErrCapacity = errors.New("desk: agent at capacity or offline")
	// ErrBlocked: the phrase policy refused a reply (see *PolicyError).
	ErrBlocked = errors.New("desk: reply blocked by phrase policy")
	// ErrWindow: the reply does not fit the channel's window rules (free
	// text when only a template may go, or nothing may go at all).
	ErrWindow = errors.New("desk: reply not allowed by the channel's window")
	// ErrNotAssigned: the agent does not hold the conversation.
	ErrNotAssigned = errors.New("desk: conversation not assigned to this agent")
	// ErrInvalid: the input is malformed (empty text, rating out of range).
	ErrInvalid = errors.New("desk: invalid input")
)

// Query selects conversations for Store.Conversations.
type Query struct {
	// Statuses keeps conversations in one of these states (none: all).
	Statuses []Status
	// Agent keeps conversations assigned to this agent ("" : any).
	Agent string
	// Summary asks for conversations without their transcript (cheaper).
	Summary bool
	// Limit caps the result (0: no cap).
	Limit int
}

// Store keeps the desk's state. Conversations are ordered by Priority
// (highest first), then QueuedAt (oldest first), then ID.
//
// Capacity is the store's job: Assign is the only way a conversation gets an
// agent, and it must check and claim atomically, across every process sharing
// the store, so that no agent ever holds more than its capacity and no
// conversation is assigned twice. An agent's load is the number of its
// conversations in StatusAssigned.
//
// Implementations must be safe for concurrent use. Errors other than the
// sentinels above mean the store did not answer; the desk retries and then
// returns them to its caller.
type Store interface {
	// CreateConversation stores a new conversation (Version 0 becomes 1).
	// It fails with ErrConflict when the customer already has an open one
	// or the id exists.
	CreateConversation(ctx context.Context, c Conversation) (Conversation, error)
	// Conversation returns one conversation, or ErrNotFound.
	Conversation(ctx context.Context, id string) (Conversation, error)
	// Latest returns the customer's most recent conversation (open or not),
	// or ErrNotFound.
	Latest(ctx context.Context, customer channel.Address) (Conversation, error)
	// UpdateConversation replaces a conversation whose stored Version equals
	// c.Version (else ErrConflict) and returns it with the next Version.
	// It may clear Agent (freeing capacity) but not set a different one
	// (ErrConflict): agents are set only by Assign.
	UpdateConversation(ctx context.Context, c Conversation) (Conversation, error)
	// Conversations lists conversations matching q in queue order.
	Conversations(ctx context.Context, q Query) ([]Conversation, error)
	// Assign gives a queued conversation to an agent, atomically: the
	// conversation must be StatusQueued (else ErrConflict) and the agent
	// online with load below capacity (else ErrCapacity). It sets Status,
	// Agent and AssignedAt, the agent's IdleSince, and returns the
	// conversation.
	Assign(ctx context.Context, conversationID, agentID string, capacity int, now time.Time) (Conversation, error)

	// PutAgent creates or replaces an agent.
	PutAgent(ctx context.Context, a Agent) error
	// Agent returns an agent with its load, or ErrNotFound.
	Agent(ctx context.Context, id string) (AgentState, error)
	// Agents lists every agent with its load, by id.
	Agents(ctx context.Context) ([]AgentState, error)

	// MarkFired records that the timer key (an SLA warning or breach) fired
	// for a conversation; it reports false when it had already fired.
	MarkFired(ctx context.Context, conversationID, key string, now time.Time) (bool, error)
	// AppendAudit records an audit entry.
	AppendAudit(ctx context.Context, e AuditEntry) error
	// Audit lists a conversation's audit entries, oldest first.
	Audit(ctx context.Context, conversationID string) ([]AuditEntry, error)
}
