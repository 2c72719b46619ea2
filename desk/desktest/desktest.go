// Package desktest is the conformance suite of desk.Store: the same
// behaviour tests run on the in-memory store and on every backend under
// store/ (SQLite, PostgreSQL, Redis), plus a race test of the atomic
// capacity check. Backends call Run from their tests.
package desktest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/desk"
)

// NewStore returns a fresh, empty store for one test (a new file, schema or
// key prefix); Run calls it once per subtest.
type NewStore func(t *testing.T) desk.Store

var t0 = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

func wa(id string) channel.Address { return channel.Address{Channel: channel.WhatsApp, ID: id} }

func conv(id, who string, prio desk.Priority, queuedAt time.Time) desk.Conversation {
	return desk.Conversation{ID: id, Customer: wa(who), Status: desk.StatusQueued, Priority: prio, QueuedAt: queuedAt,
		OpenedAt: queuedAt, Language: "th", Tags: []string{"refund"}, Team: "support", Unanswered: true,
		Card:       desk.Card{Name: "A** B.", Tier: "gold", PastIssues: []string{"late"}},
		Transcript: []desk.Entry{{At: queuedAt, Author: desk.AuthorCustomer, Text: "สวัสดี <b>", MessageID: "m1"}}}
}

// Run runs every conformance test against stores made by newStore.
func Run(t *testing.T, newStore NewStore) {
	t.Run("Conversations", func(t *testing.T) { testConversations(t, newStore(t)) })
	t.Run("Assign", func(t *testing.T) { testAssign(t, newStore(t)) })
	t.Run("AgentsFiredAudit", func(t *testing.T) { testAgentsFiredAudit(t, newStore(t)) })
	t.Run("Desk", func(t *testing.T) { testDesk(t, newStore(t)) })
	t.Run("Race", func(t *testing.T) { testRace(t, newStore) })
}

func testConversations(t *testing.T, s desk.Store) {
	ctx := context.Background()
	_, err := s.Conversation(ctx, "nope")
	require.ErrorIs(t, err, desk.ErrNotFound)
	_, err = s.Latest(ctx, wa("1"))
	require.ErrorIs(t, err, desk.ErrNotFound)

	a, err := s.CreateConversation(ctx, conv("a", "1", desk.PriorityNormal, t0))
	require.NoError(t, err)
	assert.Equal(t, int64(1), a.Version)
	_, err = s.CreateConversation(ctx, conv("a2", "1", desk.PriorityNormal, t0))
	require.ErrorIs(t, err, desk.ErrConflict, "one open conversation per customer")
	_, err = s.CreateConversation(ctx, conv("a", "2", desk.PriorityNormal, t0))
	require.ErrorIs(t, err, desk.ErrConflict, "id taken")

	got, err := s.Conversation(ctx, "a")
	require.NoError(t, err)
	assert.Equal(t, a.Transcript, got.Transcript)
	assert.Equal(t, "A** B.", got.Card.Name)
	assert.True(t, got.QueuedAt.Equal(t0))
	latest, err := s.Latest(ctx, wa("1"))
	require.NoError(t, err)
	assert.Equal(t, "a", latest.ID)

	// Optimistic concurrency.
	got.Transcript = append(got.Transcript, desk.Entry{At: t0.Add(time.Second), Author: desk.AuthorBot, Text: "hi"})
	up, err := s.UpdateConversation(ctx, got)
	require.NoError(t, err)
	assert.Equal(t, int64(2), up.Version)
	_, err = s.UpdateConversation(ctx, got)
	require.ErrorIs(t, err, desk.ErrConflict, "stale version")
	up.Agent = "someone"
	_, err = s.UpdateConversation(ctx, up)
	require.ErrorIs(t, err, desk.ErrConflict, "agents are set by Assign")

	// Queue order: priority, then age, then id.
	for _, c := range []desk.Conversation{
		conv("b", "2", desk.PriorityNormal, t0.Add(-time.Minute)),
		conv("c", "3", desk.PriorityVIP, t0.Add(time.Minute)),
		conv("d", "4", desk.PriorityHigh, t0),
		conv("e", "5", desk.PriorityHigh, t0),
	} {
		_, err := s.CreateConversation(ctx, c)
		require.NoError(t, err)
	}
	q, err := s.Conversations(ctx, desk.Query{Statuses: []desk.Status{desk.StatusQueued}, Summary: true})
	require.NoError(t, err)
	var ids []string
	for _, c := range q {
		ids = append(ids, c.ID)
		assert.Empty(t, c.Transcript, "summary")
	}
	assert.Equal(t, []string{"c", "d", "e", "b", "a"}, ids)
	q, err = s.Conversations(ctx, desk.Query{Statuses: []desk.Status{desk.StatusQueued}, Limit: 2})
	require.NoError(t, err)
	require.Len(t, q, 2)
	assert.NotEmpty(t, q[0].Transcript)

	// Resolve, then a new conversation for the same customer is allowed and is the latest.
	a, err = s.Conversation(ctx, "a")
	require.NoError(t, err)
	a.Status = desk.StatusResolved
	_, err = s.UpdateConversation(ctx, a)
	require.NoError(t, err)
	_, err = s.CreateConversation(ctx, conv("a3", "1", desk.PriorityNormal, t0.Add(time.Hour)))
	require.NoError(t, err)
	latest, err = s.Latest(ctx, wa("1"))
	require.NoError(t, err)
	assert.Equal(t, "a3", latest.ID)
	all, err := s.Conversations(ctx, desk.Query{})
	require.NoError(t, err)
	assert.Len(t, all, 6)
	res, err := s.Conversations(ctx, desk.Query{Statuses: []desk.Status{desk.StatusResolved}})
	require.NoError(t, err)
	require.Len(t, res, 1)
	assert.Equal(t, "a", res[0].ID)
}

func testAssign(t *testing.T, s desk.Store) {
	ctx := context.Background()
	require.NoError(t, s.PutAgent(ctx, desk.Agent{ID: "ann", Online: true, Languages: []string{"en"}}))
	require.NoError(t, s.PutAgent(ctx, desk.Agent{ID: "off", Online: false}))
	for i := range 3 {
		_, err := s.CreateConversation(ctx, conv(fmt.Sprint("c", i), fmt.Sprint(i), desk.PriorityNormal, t0.Add(time.Duration(i)*time.Second)))
		require.NoError(t, err)
	}
	_, err := s.Assign(ctx, "c0", "off", 5, t0)
	require.ErrorIs(t, err, desk.ErrCapacity, "offline")
	_, err = s.Assign(ctx, "nope", "ann", 5, t0)
	require.ErrorIs(t, err, desk.ErrNotFound)
	c, err := s.Assign(ctx, "c0", "ann", 2, t0)
	require.NoError(t, err)
	assert.Equal(t, desk.StatusAssigned, c.Status)
	assert.Equal(t, "ann", c.Agent)
	assert.True(t, c.AssignedAt.Equal(t0))
	_, err = s.Assign(ctx, "c0", "ann", 2, t0)
	require.ErrorIs(t, err, desk.ErrConflict, "no longer queued")
	_, err = s.Assign(ctx, "c1", "ann", 2, t0)
	require.NoError(t, err)
	_, err = s.Assign(ctx, "c2", "ann", 2, t0)
	require.ErrorIs(t, err, desk.ErrCapacity)

	a, err := s.Agent(ctx, "ann")
	require.NoError(t, err)
	assert.Equal(t, 2, a.Load)
	assert.True(t, a.IdleSince.Equal(t0))
	mine, err := s.Conversations(ctx, desk.Query{Statuses: []desk.Status{desk.StatusAssigned}, Agent: "ann"})
	require.NoError(t, err)
	assert.Len(t, mine, 2)

	// Resolving frees capacity; requeueing too.
	c, err = s.Conversation(ctx, "c0")
	require.NoError(t, err)
	c.Status = desk.StatusResolved
	_, err = s.UpdateConversation(ctx, c)
	require.NoError(t, err)
	c, err = s.Conversation(ctx, "c1")
	require.NoError(t, err)
	c.Status, c.Agent = desk.StatusQueued, ""
	_, err = s.UpdateConversation(ctx, c)
	require.NoError(t, err)
	a, err = s.Agent(ctx, "ann")
	require.NoError(t, err)
	assert.Equal(t, 0, a.Load)
	got, err := s.Conversation(ctx, "c0")
	require.NoError(t, err)
	assert.Equal(t, "", got.Agent, "a resolved conversation holds no agent")
	_, err = s.Assign(ctx, "c2", "ann", 2, t0)
	require.NoError(t, err)
}

func testAgentsFiredAudit(t *testing.T, s desk.Store) {
	ctx := context.Background()
	_, err := s.Agent(ctx, "x")
	require.ErrorIs(t, err, desk.ErrNotFound)
	require.NoError(t, s.PutAgent(ctx, desk.Agent{ID: "b", Teams: []string{"after-sales"}, Capacity: 7, Online: true, OnlineSince: t0}))
	require.NoError(t, s.PutAgent(ctx, desk.Agent{ID: "a", Skills: []string{"b2b"}}))
	as, err := s.Agents(ctx)
	require.NoError(t, err)
	require.Len(t, as, 2)
	assert.Equal(t, "a", as[0].ID)
	assert.Equal(t, []string{"after-sales"}, as[1].Teams)
	assert.Equal(t, 7, as[1].Capacity)
	assert.True(t, as[1].Online)
	require.NoError(t, s.PutAgent(ctx, desk.Agent{ID: "b", Online: false}))
	b, err := s.Agent(ctx, "b")
	require.NoError(t, err)
	assert.False(t, b.Online)

	first, err := s.MarkFired(ctx, "c", "first_response:breach:1", t0)
	require.NoError(t, err)
	assert.True(t, first)
	first, err = s.MarkFired(ctx, "c", "first_response:breach:1", t0)
	require.NoError(t, err)
	assert.False(t, first)
	first, err = s.MarkFired(ctx, "c", "first_response:warning:1", t0)
	require.NoError(t, err)
	assert.True(t, first)

	for i := range 3 {
		require.NoError(t, s.AppendAudit(ctx, desk.AuditEntry{At: t0.Add(time.Duration(i) * time.Second), Agent: "a", ConversationID: "c",
			Channel: channel.WhatsApp, Action: "reply", Text: fmt.Sprint("text ", i), Flags: []string{"i promise"}, Mode: desk.ModeFree}))
	}
	au, err := s.Audit(ctx, "c")
	require.NoError(t, err)
	require.Len(t, au, 3)
	assert.Equal(t, "text 2", au[2].Text)
	assert.Equal(t, []string{"i promise"}, au[0].Flags)
	assert.True(t, au[1].At.Equal(t0.Add(time.Second)))
	none, err := s.Audit(ctx, "other")
	require.NoError(t, err)
	assert.Empty(t, none)
}

// testDesk runs a desk's whole life on the store: hand-off, assignment,
// reply, SLA marks, resolution, rating, reopening.
func testDesk(t *testing.T, s desk.Store) {
	ctx := context.Background()
	now := t0
	var sent atomic.Int32
	d, err := desk.New(desk.Config{Store: s, Clock: func() time.Time { return now }, RetryBackoff: time.Millisecond, ReplyTimeout: -1,
		Sender: channel.SenderFunc(func(context.Context, *channel.Message) (channel.Receipt, error) {
			sent.Add(1)
			return channel.Receipt{MessageID: fmt.Sprint("wamid.", sent.Load())}, nil
		})})
	require.NoError(t, err)
	require.NoError(t, d.AddAgent(ctx, desk.Agent{ID: "ann", Languages: []string{"th"}}))
	require.NoError(t, d.SetOnline(ctx, "ann", true))
	c, err := d.Handoff(ctx, desk.Handoff{Customer: wa("66812345678"), Reason: "keyword", Language: "th",
		Message: &channel.Message{From: wa("66812345678"), Text: "ขอคืนเงิน"}})
	require.NoError(t, err)
	n, err := d.AssignQueued(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	now = now.Add(50 * time.Minute) // past 80 % of the 1 h first-response target
	require.NoError(t, d.Tick(ctx))
	require.NoError(t, d.Tick(ctx))
	c, err = d.Reply(ctx, desk.Reply{ConversationID: c.ID, Agent: "ann", Text: "ได้ค่ะ"})
	require.NoError(t, err)
	assert.False(t, c.Unanswered)
	_, _, err = d.CustomerMessage(ctx, &channel.Message{From: wa("66812345678"), Text: "ขอบคุณ"})
	require.NoError(t, err)
	c, err = d.Resolve(ctx, c.ID, "ann", false)
	require.NoError(t, err)
	c, err = d.Rate(ctx, c.ID, 5)
	require.NoError(t, err)
	assert.Equal(t, 5, c.Rating)
	a, err := s.Agent(ctx, "ann")
	require.NoError(t, err)
	assert.Equal(t, 0, a.Load)
	now = now.Add(time.Hour)
	again, err := d.Handoff(ctx, desk.Handoff{Customer: wa("66812345678"), Message: &channel.Message{From: wa("66812345678"), Text: "อีกเรื่อง"}})
	require.NoError(t, err)
	assert.Equal(t, c.ID, again.ID, "reopened")
	assert.Equal(t, desk.StatusQueued, again.Status)
	audit, err := d.Audit(ctx, c.ID)
	require.NoError(t, err)
	require.Len(t, audit, 2)
	assert.Equal(t, "reply", audit[0].Action)
	assert.Equal(t, "resolve", audit[1].Action)
	fired, err := s.MarkFired(ctx, c.ID, "first_response:warning:"+fmt.Sprint(t0.UnixNano()), now)
	require.NoError(t, err)
	assert.False(t, fired, "the desk recorded the warning once")
}

// testRace: many goroutines sharing one store handle (a pool of
// connections) race to assign 150 conversations to 6 agents of capacity 4 while conversations
// are resolved; no agent may ever exceed its capacity and no conversation
// may be assigned twice.
func testRace(t *testing.T, newStore NewStore) {
	ctx := context.Background()
	first := newStore(t)
	stores := []desk.Store{first}
	const agents, capacity, convs = 6, 4, 150
	for i := range agents {
		require.NoError(t, first.PutAgent(ctx, desk.Agent{ID: fmt.Sprint("ag", i), Online: true, Capacity: capacity}))
	}
	for i := range convs {
		_, err := first.CreateConversation(ctx, conv(fmt.Sprint("r", i), fmt.Sprint(1000+i), desk.PriorityNormal, t0.Add(time.Duration(i))))
		require.NoError(t, err)
	}
	var mu sync.Mutex
	assigned := map[string]string{}
	doubles, violations := 0, 0
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			s := stores[w%len(stores)]
			for i := range convs {
				id := fmt.Sprint("r", (i+w*19)%convs)
				agent := fmt.Sprint("ag", (i+w)%agents)
				c, err := s.Assign(ctx, id, agent, capacity, t0)
				if errors.Is(err, desk.ErrConflict) || errors.Is(err, desk.ErrCapacity) {
					continue
				}
				if !assert.NoError(t, err) {
					return
				}
				mu.Lock()
				if _, ok := assigned[id]; ok {
					doubles++
				}
				assigned[id] = agent
				mu.Unlock()
				st, err := s.Agent(ctx, agent)
				if assert.NoError(t, err) && st.Load > capacity {
					mu.Lock()
					violations++
					mu.Unlock()
				}
				if i%3 == 0 { // resolve some, freeing capacity, racing the others
					c.Status = desk.StatusResolved
					_, err := s.UpdateConversation(ctx, c)
					if !errors.Is(err, desk.ErrConflict) {
						assert.NoError(t, err)
					}
				}
			}
		})
	}
	wg.Wait()
	t.Logf("race: %d assignments, %d double, %d over capacity", len(assigned), doubles, violations)
	assert.Zero(t, doubles)
	assert.Zero(t, violations)
	as, err := first.Agents(ctx)
	require.NoError(t, err)
	for _, a := range as {
		assert.LessOrEqual(t, a.Load, capacity)
		mine, err := first.Conversations(ctx, desk.Query{Statuses: []desk.Status{desk.StatusAssigned}, Agent: a.ID})
		require.NoError(t, err)
		assert.Equal(t, len(mine), a.Load, "load matches the assigned conversations")
	}
}
