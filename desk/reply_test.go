package desk_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/desk"
)

func TestReplyPolicy(t *testing.T) {
	tmpl := []desk.TemplateOption{{Name: "follow_up", Language: "en_US", Params: 1, Preview: "Hi {{1}}, about your message…"}}
	tests := []struct {
		name     string
		ch       channel.Kind
		since    time.Duration
		sent     int
		tmpl     bool
		want     desk.ReplyMode
		wantTmpl int
	}{
		{"whatsapp inside 24 h", channel.WhatsApp, 23 * time.Hour, 0, true, desk.ModeFree, 0},
		{"whatsapp after 24 h: template", channel.WhatsApp, 24 * time.Hour, 0, true, desk.ModeTemplate, 1},
		{"whatsapp after 24 h without templates", channel.WhatsApp, 25 * time.Hour, 0, false, desk.ModeClosed, 0},
		{"messenger inside 24 h", channel.Messenger, time.Hour, 0, false, desk.ModeFree, 0},
		{"messenger 2 days: HUMAN_AGENT", channel.Messenger, 48 * time.Hour, 0, false, desk.ModeHumanAgent, 0},
		{"messenger 7 days: closed", channel.Messenger, 7 * 24 * time.Hour, 0, false, desk.ModeClosed, 0},
		{"wechat 47 h", channel.WeChat, 47 * time.Hour, 4, false, desk.ModeFree, 0},
		{"wechat 5 messages used", channel.WeChat, time.Hour, 5, false, desk.ModeClosed, 0},
		{"wechat 48 h", channel.WeChat, 48 * time.Hour, 0, false, desk.ModeClosed, 0},
		{"line: no window", channel.LINE, 30 * 24 * time.Hour, 0, false, desk.ModeFree, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, func(c *desk.Config) {
				if tc.tmpl {
					c.Templates = map[channel.Kind][]desk.TemplateOption{channel.WhatsApp: tmpl}
				}
			})
			c := desk.Conversation{Customer: channel.Address{Channel: tc.ch, ID: "x"},
				LastCustomerAt: f.clock.Now().Add(-tc.since), AgentMessagesSinceCustomer: tc.sent}
			p := f.desk.ReplyPolicy(c)
			assert.Equal(t, tc.want, p.Mode)
			assert.Len(t, p.Templates, tc.wantTmpl)
			assert.NotEmpty(t, p.Note)
		})
	}
}

// openAssigned opens a conversation for who on f's desk and gives it to "ann".
func openAssigned(t *testing.T, f *fixture, who channel.Address) desk.Conversation {
	t.Helper()
	ctx := context.Background()
	f.agent(t, desk.Agent{ID: "ann"}, true)
	c := f.handoff(t, who, "", "en", "hello")
	_, err := f.desk.AssignQueued(ctx)
	require.NoError(t, err)
	c, err = f.desk.Conversation(ctx, c.ID)
	require.NoError(t, err)
	require.Equal(t, "ann", c.Agent)
	return c
}

func TestReplyWindowRules(t *testing.T) {
	ctx := context.Background()
	t.Run("messenger human agent tag", func(t *testing.T) {
		f := newFixture(t, nil)
		c := openAssigned(t, f, channel.Address{Channel: channel.Messenger, ID: "psid"})
		f.clock.Advance(3 * 24 * time.Hour)
		_, err := f.desk.Reply(ctx, desk.Reply{ConversationID: c.ID, Agent: "ann", Text: "Sorry for the wait"})
		require.NoError(t, err)
		sent := f.send.Sent()
		require.Len(t, sent, 1)
		assert.Equal(t, desk.HumanAgentTag, sent[0].Tag)
	})
	t.Run("whatsapp closed: template only", func(t *testing.T) {
		f := newFixture(t, func(c *desk.Config) {
			c.Templates = map[channel.Kind][]desk.TemplateOption{channel.WhatsApp: {{Name: "follow_up", Language: "en_US", Params: 1}}}
		})
		c := openAssigned(t, f, wa("1"))
		f.clock.Advance(25 * time.Hour)
		_, err := f.desk.Reply(ctx, desk.Reply{ConversationID: c.ID, Agent: "ann", Text: "free text"})
		require.ErrorIs(t, err, desk.ErrWindow)
		_, err = f.desk.Reply(ctx, desk.Reply{ConversationID: c.ID, Agent: "ann", Template: &channel.Template{Name: "other", Params: []string{"x"}}})
		require.ErrorIs(t, err, desk.ErrWindow)
		got, err := f.desk.Reply(ctx, desk.Reply{ConversationID: c.ID, Agent: "ann",
			Template: &channel.Template{Name: "follow_up", Language: "en_US", Params: []string{"Ann"}}})
		require.NoError(t, err)
		assert.False(t, got.Unanswered)
		sent := f.send.Sent()
		require.Len(t, sent, 1)
		require.NotNil(t, sent[0].Template)
		assert.Equal(t, "follow_up", sent[0].Template.Name)
		audit, err := f.desk.Audit(ctx, c.ID)
		require.NoError(t, err)
		var actions []string
		for _, a := range audit {
			actions = append(actions, a.Action)
		}
		assert.Equal(t, []string{"reply_refused", "reply"}, actions)
	})
	t.Run("only the holder replies", func(t *testing.T) {
		f := newFixture(t, nil)
		c := openAssigned(t, f, wa("1"))
		_, err := f.desk.Reply(ctx, desk.Reply{ConversationID: c.ID, Agent: "bob", Text: "hi"})
		assert.ErrorIs(t, err, desk.ErrNotAssigned)
		_, err = f.desk.Reply(ctx, desk.Reply{ConversationID: c.ID, Agent: "ann", Text: "  "})
		assert.ErrorIs(t, err, desk.ErrInvalid)
	})
	t.Run("send failure is audited and returned", func(t *testing.T) {
		f := newFixture(t, nil)
		c := openAssigned(t, f, wa("1"))
		f.send.FailNext(1, &channel.DeliveryError{Channel: channel.WhatsApp, Err: errors.New("reset")})
		_, err := f.desk.Reply(ctx, desk.Reply{ConversationID: c.ID, Agent: "ann", Text: "hi"})
		require.ErrorIs(t, err, channel.ErrDeliveryUnknown)
		got, err := f.desk.Conversation(ctx, c.ID)
		require.NoError(t, err)
		assert.True(t, got.Unanswered, "not sent: still unanswered")
		audit, err := f.desk.Audit(ctx, c.ID)
		require.NoError(t, err)
		require.Len(t, audit, 1)
		assert.Equal(t, "reply_failed", audit[0].Action)
	})
}

func TestPhrasePolicy(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, nil)
	c := openAssigned(t, f, wa("1"))
	_, err := f.desk.Reply(ctx, desk.Reply{ConversationID: c.ID, Agent: "ann", Text: "You get a LIFETIME  free upgrade!"})
	var pe *desk.PolicyError
	require.ErrorAs(t, err, &pe)
	require.ErrorIs(t, err, desk.ErrBlocked)
	assert.Equal(t, "lifetime free upgrade", pe.Rules[0].Phrase)
	assert.Empty(t, f.send.Sent())

	_, err = f.desk.Reply(ctx, desk.Reply{ConversationID: c.ID, Agent: "ann", Text: "Ｉ promise it ships today"})
	require.NoError(t, err, "flags do not block")
	audit, err := f.desk.Audit(ctx, c.ID)
	require.NoError(t, err)
	require.Len(t, audit, 2)
	assert.Equal(t, "reply_blocked", audit[0].Action)
	assert.Equal(t, "ann", audit[1].Agent)
	assert.Equal(t, channel.WhatsApp, audit[1].Channel)
	assert.Equal(t, []string{"i promise"}, audit[1].Flags)
	assert.Equal(t, "Ｉ promise it ships today", audit[1].Text)
	assert.False(t, audit[1].At.IsZero())

	_, err = desk.NewPhrasePolicy([]desk.PhraseRule{{Phrase: "  "}})
	assert.ErrorIs(t, err, desk.ErrInvalid)
}

func TestRating(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, func(c *desk.Config) { c.RatingPrompt = "How did we do? 1–5" })
	c := openAssigned(t, f, wa("1"))
	_, err := f.desk.Rate(ctx, c.ID, 5)
	assert.ErrorIs(t, err, desk.ErrConflict, "not resolved yet")
	_, err = f.desk.Resolve(ctx, c.ID, "ann", true)
	require.NoError(t, err)
	sent := f.send.Sent()
	require.Len(t, sent, 1)
	require.Len(t, sent[0].Buttons, 5)

	got, ok, err := f.desk.CustomerMessage(ctx, &channel.Message{From: wa("1"), Payload: sent[0].Buttons[3].Payload, Text: "4"})
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, 4, got.Rating)
	_, err = f.desk.Rate(ctx, c.ID, 6)
	assert.ErrorIs(t, err, desk.ErrInvalid)
}

func TestParseRating(t *testing.T) {
	tests := []struct {
		payload, text string
		want          int
		ok            bool
	}{
		{"desk.rating:3", "", 3, true},
		{"desk.rating:9", "", 0, false},
		{"", " 5 ", 5, true},
		{"", "４", 4, true},
		{"", "٣", 3, true},
		{"", "4/5", 4, true},
		{"", "⭐⭐", 2, true},
		{"", "5!", 5, true},
		{"", "0", 0, false},
		{"", "45", 0, false},
		{"", "five", 0, false},
		{"", "", 0, false},
	}
	for _, tc := range tests {
		n, ok := desk.ParseRating(tc.payload, tc.text)
		assert.Equal(t, tc.ok, ok, "%q %q", tc.payload, tc.text)
		if tc.ok {
			assert.Equal(t, tc.want, n, "%q %q", tc.payload, tc.text)
		}
	}
}

func FuzzParseRating(f *testing.F) {
	for _, s := range []string{"5", "desk.rating:2", "⭐⭐⭐", "٣/5", "\xff", "4 ★"} {
		f.Add(s, s)
	}
	f.Fuzz(func(t *testing.T, payload, text string) {
		n, ok := desk.ParseRating(payload, text)
		if ok && (n < 1 || n > 5) {
			t.Fatalf("rating %d accepted", n)
		}
	})
}
