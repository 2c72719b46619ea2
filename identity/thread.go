package identity

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/switchboard-go/switchboard/channel"
)

// Direction says whether a thread message came from the customer or went
// to them.
type Direction string

// Directions of a ThreadMessage.
const (
	Inbound  Direction = "in"  // from the customer
	Outbound Direction = "out" // to the customer, from the bot or an agent
)

// SenderBot is ThreadMessage.Sender for replies the bot sent; an agent's
// reply carries "agent:" and the agent's id, an inbound message
// SenderCustomer.
const (
	SenderBot      = "bot"
	SenderCustomer = "customer"
)

// ThreadMessage is one message of a customer's conversation, on any
// channel.
type ThreadMessage struct {
	// ID identifies the record; Registry.Record assigns it when empty.
	ID string
	// ProfileID is the profile whose thread holds the message: the
	// survivor, after merges.
	ProfileID string
	// Origin is the profile the message was first recorded under; Unmerge
	// moves the messages of that origin back. Messages recorded after a
	// merge have the survivor as origin and stay with it, like everything
	// the survivor gained after the merge.
	Origin string
	// Link is the channel identity that sent or received the message.
	Link Link
	// Direction: Inbound or Outbound.
	Direction Direction
	// At is when the message was sent.
	At time.Time
	// MessageID is the platform's id of the message, when known.
	MessageID string
	// Text is the message text; empty for media-only messages.
	Text string
	// Media refers to an attachment (a URL or the platform's media id),
	// never the bytes.
	Media string
	// Sender is SenderCustomer, SenderBot or "agent:<id>".
	Sender string
}

// ThreadCursor marks a position in a thread: messages strictly older than
// (At, ID). The zero cursor means "from the newest".
type ThreadCursor struct {
	At time.Time // the time of the last message of the previous page
	ID string    // its ID, which orders messages of the same time
}

// before reports whether m is older than the cursor position.
func (c ThreadCursor) before(m ThreadMessage) bool {
	if c.At.IsZero() {
		return true
	}
	return compareThread(m, ThreadMessage{At: c.At, ID: c.ID}) < 0
}

func compareThread(a, b ThreadMessage) int {
	if c := a.At.Compare(b.At); c != 0 {
		return c
	}
	return strings.Compare(a.ID, b.ID)
}

// ThreadStore keeps one conversation per customer across channels (SQL: a
// messages table indexed by (profile id, at, id)).
type ThreadStore interface {
	// AppendMessage adds m to the thread of m.ProfileID.
	AppendMessage(ctx context.Context, m ThreadMessage) error
	// Messages returns up to limit messages of profile id older than
	// before, newest first.
	Messages(ctx context.Context, id string, before ThreadCursor, limit int) ([]ThreadMessage, error)
	// MoveMessages moves to profile to the messages of profile from; with
	// origin set, only those whose Origin is origin.
	MoveMessages(ctx context.Context, from, to, origin string) error
	// DeleteMessages deletes the thread of profile id (erasure).
	DeleteMessages(ctx context.Context, id string) error
}

// AppendMessage implements ThreadStore.
func (s *MemoryStore) AppendMessage(ctx context.Context, m ThreadMessage) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.thread[m.ProfileID]
	i, _ := slices.BinarySearchFunc(t, m, compareThread)
	s.thread[m.ProfileID] = slices.Insert(t, i, m)
	return nil
}

// Messages implements ThreadStore.
func (s *MemoryStore) Messages(ctx context.Context, id string, before ThreadCursor, limit int) ([]ThreadMessage, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	t := s.thread[id]
	var out []ThreadMessage
	for i := len(t) - 1; i >= 0 && len(out) < limit; i-- {
		if before.before(t[i]) {
			out = append(out, t[i])
		}
	}
	return out, nil
}

// MoveMessages implements ThreadStore.
func (s *MemoryStore) MoveMessages(ctx context.Context, from, to, origin string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var keep, move []ThreadMessage
	for _, m := range s.thread[from] {
		if origin == "" || m.Origin == origin {
			m.ProfileID = to
			move = append(move, m)
		} else {
			keep = append(keep, m)
		}
	}
	if len(move) == 0 {
		return nil
	}
	if len(keep) == 0 {
		delete(s.thread, from)
	} else {
		s.thread[from] = keep
	}
	t := append(s.thread[to], move...)
	slices.SortFunc(t, compareThread)
	s.thread[to] = t
	return nil
}

// DeleteMessages implements ThreadStore.
func (s *MemoryStore) DeleteMessages(ctx context.Context, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.thread, id)
	return nil
}

// Record adds a message to the thread of the customer at addr (following
// merges), whatever the channel: one thread per customer. m.Link is set
// from addr, m.ProfileID and m.Origin from the profile, m.ID when empty,
// m.At to now when zero. It returns the profile id.
//
// Nothing is recorded for a customer who has not accepted the privacy
// notice: Record fails with ErrNoConsent then. Other errors:
// ErrInvalidAddress, the stores' errors.
func (r *Registry) Record(ctx context.Context, addr channel.Address, scope string, m ThreadMessage) (string, error) {
	if addr.Channel == "" || addr.ID == "" {
		return "", ErrInvalidAddress
	}
	if m.Direction != Inbound && m.Direction != Outbound {
		return "", fmt.Errorf("identity: Record: direction %q", m.Direction)
	}
	link := r.linkFor(addr, scope)
	// Under the write lock, so that a merge cannot move the thread between
	// the lookup and the append.
	r.mu.Lock()
	defer r.mu.Unlock()
	p, err := r.byLink(ctx, link)
	if err != nil {
		return "", err
	}
	if p == nil || !p.Consent.Accepted() {
		return "", ErrNoConsent
	}
	m.Link, m.ProfileID, m.Origin = link, p.ID, p.ID
	if m.ID == "" {
		m.ID = r.newID()
	}
	if m.At.IsZero() {
		m.At = r.now()
	}
	return p.ID, r.thread.AppendMessage(ctx, m)
}

// Thread returns up to limit messages of the customer's thread (profile id,
// following merges) older than before, newest first, and the cursor of the
// next page (the zero cursor when there is none). limit ≤ 0 means 50.
// Errors: ErrNotFound, the stores' errors.
func (r *Registry) Thread(ctx context.Context, id string, before ThreadCursor, limit int) ([]ThreadMessage, ThreadCursor, error) {
	if limit <= 0 {
		limit = 50
	}
	p, err := r.survivor(ctx, id)
	if err != nil {
		return nil, ThreadCursor{}, err
	}
	ms, err := r.thread.Messages(ctx, p.ID, before, limit)
	if err != nil {
		return nil, ThreadCursor{}, err
	}
	var next ThreadCursor
	if len(ms) == limit {
		last := ms[len(ms)-1]
		next = ThreadCursor{At: last.At, ID: last.ID}
	}
	return ms, next, nil
}
