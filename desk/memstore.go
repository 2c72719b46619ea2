package desk

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/switchboard-go/switchboard/channel"
)

// MemoryStore is the in-memory Store: one mutex over maps. It is what tests
// and a single process without persistence use. A MemoryStore is safe for
// concurrent use.
type MemoryStore struct {
	mu     sync.Mutex
	convs  map[string]*Conversation
	latest map[channel.Address]string
	agents map[string]*Agent
	load   map[string]int
	fired  map[string]bool
	audit  map[string][]AuditEntry
	// byStatus indexes the open conversations (queued, assigned) so that
	// queue passes do not scan resolved ones.
	byStatus map[Status]map[string]bool
}

// NewMemoryStore returns an empty store.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{
		convs:  make(map[string]*Conversation),
		latest: make(map[channel.Address]string),
		agents: make(map[string]*Agent),
		load:   make(map[string]int),
		fired:  make(map[string]bool),
		audit:  make(map[string][]AuditEntry),
		byStatus: map[Status]map[string]bool{
			StatusQueued: {}, StatusAssigned: {},
		},
	}
}

var _ Store = (*MemoryStore)(nil)

// CreateConversation implements Store.
func (s *MemoryStore) CreateConversation(_ context.Context, c Conversation) (Conversation, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.convs[c.ID]; ok || c.ID == "" {
		return Conversation{}, fmt.Errorf("%w: conversation id %q", ErrConflict, c.ID)
	}
	if id, ok := s.latest[c.Customer]; ok && s.convs[id].Status.Open() {
		return Conversation{}, fmt.Errorf("%w: customer has an open conversation", ErrConflict)
	}
	if c.Agent != "" || c.Status == StatusAssigned {
		return Conversation{}, fmt.Errorf("%w: a new conversation gets its agent from Assign", ErrConflict)
	}
	c = c.Clone()
	c.Version = 1
	s.convs[c.ID] = &c
	s.index(c.ID, "", c.Status)
	s.latest[c.Customer] = c.ID
	return c.Clone(), nil
}

// Conversation implements Store.
func (s *MemoryStore) Conversation(_ context.Context, id string) (Conversation, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.convs[id]
	if !ok {
		return Conversation{}, ErrNotFound
	}
	return c.Clone(), nil
}

// Latest implements Store.
func (s *MemoryStore) Latest(_ context.Context, customer channel.Address) (Conversation, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := s.latest[customer]
	if !ok {
		return Conversation{}, ErrNotFound
	}
	return s.convs[id].Clone(), nil
}

// UpdateConversation implements Store.
func (s *MemoryStore) UpdateConversation(_ context.Context, c Conversation) (Conversation, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	old, ok := s.convs[c.ID]
	if !ok {
		return Conversation{}, ErrNotFound
	}
	if old.Version != c.Version {
		return Conversation{}, fmt.Errorf("%w: version %d, stored %d", ErrConflict, c.Version, old.Version)
	}
	if c.Agent != "" && c.Agent != old.Agent || c.Status == StatusAssigned && old.Status != StatusAssigned {
		return Conversation{}, fmt.Errorf("%w: agents are set only by Assign", ErrConflict)
	}
	if c.Status != StatusAssigned {
		c.Agent = ""
	}
	if old.Status == StatusAssigned && c.Status != StatusAssigned {
		s.load[old.Agent]--
	}
	s.index(c.ID, old.Status, c.Status)
	c = c.Clone()
	c.Version++
	s.convs[c.ID] = &c
	return c.Clone(), nil
}

// Conversations implements Store.
func (s *MemoryStore) Conversations(_ context.Context, q Query) ([]Conversation, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var hits []*Conversation
	for id := range s.candidates(q) {
		c := s.convs[id]
		if len(q.Statuses) > 0 && !slices.Contains(q.Statuses, c.Status) {
			continue
		}
		if q.Agent != "" && c.Agent != q.Agent {
			continue
		}
		hits = append(hits, c)
	}
	slices.SortFunc(hits, queueOrder)
	if q.Limit > 0 && len(hits) > q.Limit {
		hits = hits[:q.Limit]
	}
	out := make([]Conversation, len(hits))
	for i, c := range hits {
		if q.Summary {
			t := c.Transcript
			c.Transcript = nil
			out[i] = c.Clone()
			c.Transcript = t
		} else {
			out[i] = c.Clone()
		}
	}
	return out, nil
}

// candidates returns the ids worth looking at for q: the indexed statuses
// when q asks only for open ones, else every conversation.
func (s *MemoryStore) candidates(q Query) func(yield func(string) bool) {
	return func(yield func(string) bool) {
		indexed := len(q.Statuses) > 0
		for _, st := range q.Statuses {
			indexed = indexed && s.byStatus[st] != nil
		}
		if !indexed {
			for id := range s.convs {
				if !yield(id) {
					return
				}
			}
			return
		}
		for _, st := range q.Statuses {
			for id := range s.byStatus[st] {
				if !yield(id) {
					return
				}
			}
		}
	}
}

func (s *MemoryStore) index(id string, from, to Status) {
	if m := s.byStatus[from]; m != nil {
		delete(m, id)
	}
	if m := s.byStatus[to]; m != nil {
		m[id] = true
	}
}

// SortQueue sorts conversations in queue order: Priority (highest first),
// then QueuedAt (oldest first), then ID. Stores use it to define their order.
func SortQueue(cs []Conversation) {
	slices.SortFunc(cs, func(a, b Conversation) int { return queueOrder(&a, &b) })
}

func queueOrder(a, b *Conversation) int {
	if c := cmp.Compare(b.Priority, a.Priority); c != 0 {
		return c
	}
	if c := a.QueuedAt.Compare(b.QueuedAt); c != 0 {
		return c
	}
	return cmp.Compare(a.ID, b.ID)
}

// Assign implements Store.
func (s *MemoryStore) Assign(_ context.Context, convID, agentID string, capacity int, now time.Time) (Conversation, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.convs[convID]
	if !ok {
		return Conversation{}, ErrNotFound
	}
	a, ok := s.agents[agentID]
	if !ok {
		return Conversation{}, ErrNotFound
	}
	if c.Status != StatusQueued {
		return Conversation{}, fmt.Errorf("%w: conversation is %s", ErrConflict, c.Status)
	}
	if !a.Online || s.load[agentID] >= capacity {
		return Conversation{}, ErrCapacity
	}
	s.load[agentID]++
	s.index(c.ID, c.Status, StatusAssigned)
	c.Status, c.Agent, c.AssignedAt = StatusAssigned, agentID, now
	c.Version++
	a.IdleSince = now
	return c.Clone(), nil
}

// PutAgent implements Store.
func (s *MemoryStore) PutAgent(_ context.Context, a Agent) error {
	if a.ID == "" {
		return fmt.Errorf("%w: agent without id", ErrInvalid)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a = a.Clone()
	s.agents[a.ID] = &a
	return nil
}

// Agent implements Store.
func (s *MemoryStore) Agent(_ context.Context, id string) (AgentState, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.agents[id]
	if !ok {
		return AgentState{}, ErrNotFound
	}
	return AgentState{Agent: a.Clone(), Load: s.load[id]}, nil
}

// Agents implements Store.
func (s *MemoryStore) Agents(_ context.Context) ([]AgentState, error) {
	s.mu.Lock()
	out := make([]AgentState, 0, len(s.agents))
	for id, a := range s.agents {
		out = append(out, AgentState{Agent: a.Clone(), Load: s.load[id]})
	}
	s.mu.Unlock()
	slices.SortFunc(out, func(a, b AgentState) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

// MarkFired implements Store.
func (s *MemoryStore) MarkFired(_ context.Context, convID, key string, _ time.Time) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := convID + "\x00" + key
	if s.fired[k] {
		return false, nil
	}
	s.fired[k] = true
	return true, nil
}

// AppendAudit implements Store.
func (s *MemoryStore) AppendAudit(_ context.Context, e AuditEntry) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	e.Flags = slices.Clone(e.Flags)
	s.audit[e.ConversationID] = append(s.audit[e.ConversationID], e)
	return nil
}

// Audit implements Store.
func (s *MemoryStore) Audit(_ context.Context, convID string) ([]AuditEntry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := slices.Clone(s.audit[convID])
	for i := range out {
		out[i].Flags = slices.Clone(out[i].Flags)
	}
	return out, nil
}
