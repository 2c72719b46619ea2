package desk_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/desk"
)

func TestHandoffOpensConversation(t *testing.T) {
	f := newFixture(t, func(c *desk.Config) {
		c.Cards = desk.CardFunc(func(context.Context, channel.Address) (desk.Card, error) {
			return desk.Card{Name: "A*** L**", Tier: "gold", RecentInquiries: 4}, nil
		})
	})
	ctx := context.Background()
	who := wa("85291230003")
	c, err := f.desk.Handoff(ctx, desk.Handoff{
		Customer: who, Reason: "3 misses", InquiryType: "refund", Language: "th", Tags: []string{"refund"},
		Transcript: []desk.Entry{{At: f.clock.Now().Add(-time.Minute), Author: desk.AuthorCustomer, Text: "hello"},
			{At: f.clock.Now().Add(-30 * time.Second), Author: desk.AuthorBot, Text: "hi, how can I help?"}},
		Message: &channel.Message{From: who, Text: "คืนเงิน", ID: "w1"},
	})
	require.NoError(t, err)
	assert.Equal(t, desk.StatusQueued, c.Status)
	assert.Equal(t, "after-sales", c.Team)
	assert.Equal(t, "th", c.Language)
	assert.Equal(t, "3 misses", c.Reason)
	assert.Equal(t, []string{"refund"}, c.Tags)
	assert.Equal(t, "gold", c.Card.Tier)
	assert.Equal(t, desk.PriorityHigh, c.Priority, "4 inquiries in 30 days make a priority customer")
	assert.True(t, c.Unanswered)
	require.Len(t, c.Transcript, 4)
	assert.Equal(t, "คืนเงิน", c.Transcript[2].Text)
	assert.Equal(t, desk.AuthorSystem, c.Transcript[3].Author)

	// A second hand-off of an open conversation adds, it does not duplicate.
	f.clock.Advance(time.Minute)
	c2, err := f.desk.Handoff(ctx, desk.Handoff{Customer: who, Reason: "keyword",
		Message: &channel.Message{From: who, Text: "agent please"}})
	require.NoError(t, err)
	assert.Equal(t, c.ID, c2.ID)
	assert.Equal(t, "keyword", c2.Reason)
	assert.Len(t, c2.Transcript, 6)
	assert.Equal(t, c.QueuedAt, c2.QueuedAt, "keeps its place in the queue")
}

func TestHandoffReopensResolved(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	f.agent(t, desk.Agent{ID: "ann"}, true)
	c := f.handoff(t, wa("1"), "", "en", "help")
	_, err := f.desk.AssignQueued(ctx)
	require.NoError(t, err)
	_, err = f.desk.Reply(ctx, desk.Reply{ConversationID: c.ID, Agent: "ann", Text: "Hello!"})
	require.NoError(t, err)
	_, err = f.desk.Resolve(ctx, c.ID, "ann", false)
	require.NoError(t, err)

	// Within ReopenWithin: the same conversation, queued again, new SLA cycle.
	f.clock.Advance(24 * time.Hour)
	again := f.handoff(t, wa("1"), "", "en", "still broken")
	assert.Equal(t, c.ID, again.ID)
	assert.Equal(t, desk.StatusQueued, again.Status)
	assert.True(t, again.FirstResponseAt.IsZero())
	assert.Equal(t, f.clock.Now(), again.OpenedAt)

	// Long after: a new conversation.
	ag, err := f.desk.AssignQueued(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, ag)
	_, err = f.desk.Resolve(ctx, c.ID, "ann", false)
	require.NoError(t, err)
	f.clock.Advance(30 * 24 * time.Hour)
	fresh := f.handoff(t, wa("1"), "", "en", "new question")
	assert.NotEqual(t, c.ID, fresh.ID)
}

func TestUnansweredClearedOnlyByHuman(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	c := f.handoff(t, wa("1"), "", "en", "where is my refund")
	require.True(t, c.Unanswered)

	c, err := f.desk.BotReply(ctx, c.ID, "We are closed; an agent will answer at 9:00.")
	require.NoError(t, err)
	assert.True(t, c.Unanswered, "an out-of-hours auto-reply must not clear unanswered")

	f.agent(t, desk.Agent{ID: "ann"}, true)
	_, err = f.desk.AssignQueued(ctx)
	require.NoError(t, err)
	c, err = f.desk.Reply(ctx, desk.Reply{ConversationID: c.ID, Agent: "ann", Text: "Your refund is on its way."})
	require.NoError(t, err)
	assert.False(t, c.Unanswered)
	assert.Equal(t, f.clock.Now(), c.FirstResponseAt)

	c, ok, err := f.desk.CustomerMessage(ctx, &channel.Message{From: wa("1"), Text: "thanks, when?"})
	require.NoError(t, err)
	require.True(t, ok)
	assert.True(t, c.Unanswered)
}

func TestCustomerMessageWithoutConversation(t *testing.T) {
	f := newFixture(t, nil)
	_, ok, err := f.desk.CustomerMessage(context.Background(), &channel.Message{From: wa("9"), Text: "hi"})
	require.NoError(t, err)
	assert.False(t, ok, "no open conversation: the bot answers")
	_, _, err = f.desk.CustomerMessage(context.Background(), &channel.Message{Text: "hi"})
	assert.ErrorIs(t, err, desk.ErrInvalid)
}

func TestOfflineInboxRemindersAndExpiry(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	events, stop := f.desk.Subscribe(100)
	defer stop()
	c := f.handoff(t, wa("1"), "", "en", "anyone there?")
	start := f.clock.Now()

	reminders := func() []int {
		var out []int
		for {
			select {
			case e := <-events:
				if e.Type == desk.EventReminder {
					out = append(out, e.Reminder)
				}
			default:
				return out
			}
		}
	}
	steps := []struct {
		at   time.Duration
		want []int
	}{
		{59 * time.Minute, nil},
		{time.Hour, []int{1}},
		{2 * time.Hour, nil},
		{4 * time.Hour, []int{2}},
		{24 * time.Hour, []int{3}},
		{47 * time.Hour, nil},
		{48 * time.Hour, []int{4}},
		{72 * time.Hour, []int{5}},
	}
	for _, s := range steps {
		f.clock.Set(start.Add(s.at))
		require.NoError(t, f.desk.Tick(ctx))
		assert.Equal(t, s.want, reminders(), "at %v", s.at)
	}

	f.clock.Set(start.Add(30*24*time.Hour - time.Second))
	require.NoError(t, f.desk.Tick(ctx))
	got, err := f.desk.Conversation(ctx, c.ID)
	require.NoError(t, err)
	assert.Equal(t, desk.StatusQueued, got.Status, "kept 30 days")

	f.clock.Set(start.Add(30 * 24 * time.Hour))
	require.NoError(t, f.desk.Tick(ctx))
	got, err = f.desk.Conversation(ctx, c.ID)
	require.NoError(t, err)
	assert.Equal(t, desk.StatusExpired, got.Status)
	assert.Empty(t, got.Transcript)
}

func TestRemindersStopAfterHumanReply(t *testing.T) {
	f := newFixture(t, func(c *desk.Config) { c.ReplyTimeout = -1 })
	ctx := context.Background()
	events, stop := f.desk.Subscribe(100)
	defer stop()
	c := f.handoff(t, wa("1"), "", "en", "hello?")
	f.agent(t, desk.Agent{ID: "ann"}, true)
	_, err := f.desk.AssignQueued(ctx)
	require.NoError(t, err)
	_, err = f.desk.Reply(ctx, desk.Reply{ConversationID: c.ID, Agent: "ann", Text: "Hi!"})
	require.NoError(t, err)
	f.clock.Advance(5 * 24 * time.Hour)
	require.NoError(t, f.desk.Tick(ctx))
	for len(events) > 0 {
		e := <-events
		assert.NotEqual(t, desk.EventReminder, e.Type)
		assert.NotEqual(t, desk.EventExpired, e.Type)
	}
}

// flaky fails the first n calls of every kind, then works.
type flaky struct {
	desk.Store
	fails atomic.Int32
}

var errDown = errors.New("store down")

func (s *flaky) Latest(ctx context.Context, a channel.Address) (desk.Conversation, error) {
	if s.fails.Add(-1) >= 0 {
		return desk.Conversation{}, errDown
	}
	return s.Store.Latest(ctx, a)
}

func TestStoreErrorsSurface(t *testing.T) {
	for _, tc := range []struct {
		name    string
		fails   int32
		wantErr bool
	}{
		{"brief outage is retried", 2, false},
		{"outage returns the error", 100, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := &flaky{Store: desk.NewMemoryStore()}
			st.fails.Store(tc.fails)
			d, err := desk.New(desk.Config{Store: st, RetryBackoff: time.Millisecond})
			require.NoError(t, err)
			_, err = d.Handoff(context.Background(), desk.Handoff{Customer: wa("1"), Message: &channel.Message{Text: "x"}})
			if tc.wantErr {
				require.ErrorIs(t, err, errDown)
				return
			}
			require.NoError(t, err)
			q, err := d.Queue(context.Background())
			require.NoError(t, err)
			assert.Len(t, q, 1)
		})
	}
}

func TestTranslate(t *testing.T) {
	f := newFixture(t, func(c *desk.Config) {
		c.Translate = func(_ context.Context, text, from, to string) (string, error) {
			return "[" + from + ">" + to + "] " + text, nil
		}
	})
	c := f.handoff(t, wa("1"), "", "es", "dónde está mi pedido")
	assert.Equal(t, "[es>en] dónde está mi pedido", c.Transcript[0].Translation)
	c = f.handoff(t, wa("2"), "", "en-GB", "where is it")
	assert.Empty(t, c.Transcript[0].Translation)
}
