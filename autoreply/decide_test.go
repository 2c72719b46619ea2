package autoreply_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/autoreply"
	"github.com/switchboard-go/switchboard/channel"
)

// step is one message of a scripted conversation and what should come back.
type step struct {
	text     string
	action   autoreply.Action
	rule     string
	template string
	reason   autoreply.HandoffReason
	vars     map[string]string
}

func runScript(t *testing.T, e *autoreply.Engine, from string, script []step) {
	t.Helper()
	for i, s := range script {
		d, err := e.Decide(context.Background(), msg(from, s.text))
		require.NoError(t, err, "step %d %q", i, s.text)
		assert.Equal(t, s.action, d.Action, "step %d %q: action", i, s.text)
		assert.Equal(t, s.rule, d.Rule, "step %d %q: rule", i, s.text)
		assert.Equal(t, s.template, d.Template, "step %d %q: template", i, s.text)
		assert.Equal(t, s.reason, d.Reason, "step %d %q: reason", i, s.text)
		if s.vars != nil {
			assert.Equal(t, s.vars, d.Vars, "step %d %q: vars", i, s.text)
		}
	}
}

const where = "where_is_my_order"

func TestDecideFlow(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		script []step
		calls  []string
	}{
		{"ask then answer", []step{
			{text: "Where is my order?", action: autoreply.Ask, rule: where, template: "shipping.ask_order"},
			{text: "it's 48213957", action: autoreply.Reply, rule: where, template: "shipping.status",
				vars: map[string]string{"order_number": "48213957", "status": "in transit"}},
			{text: "thanks, what size is the jacket?", action: autoreply.Reply, rule: "size", template: "specs.size"},
		}, []string{"48213957"}},
		{"value in the first message goes straight to the lookup", []step{
			{text: "where is my order 48213957", action: autoreply.Reply, rule: where, template: "shipping.status",
				vars: map[string]string{"order_number": "48213957", "status": "in transit"}},
		}, []string{"48213957"}},
		{"thai digits in the first message", []step{
			{text: "พัสดุ ออเดอร์ ๔๘๒๑๓๙๕๗ อยู่ไหนคะ", action: autoreply.Reply, rule: where, template: "shipping.status"},
		}, []string{"48213957"}},
		{"another question while waiting", []step{
			{text: "我的订单呢", action: autoreply.Ask, rule: where, template: "shipping.ask_order"},
			{text: "尺码偏大吗", action: autoreply.Reply, rule: "size", template: "specs.size"},
			{text: "30291847", action: autoreply.NoMatch},
		}, nil},
		{"waiting repeats the prompt, then hands off", []step{
			{text: "where is my order", action: autoreply.Ask, rule: where, template: "shipping.ask_order"},
			{text: "I don't know it", action: autoreply.Ask, rule: where, template: "shipping.ask_order"},
			{text: "can't find the email", action: autoreply.Ask, rule: where, template: "shipping.ask_order"},
			{text: "no idea sorry", action: autoreply.Handoff, reason: autoreply.Misses},
		}, nil},
		{"hand-off keyword, then quiet", []step{
			{text: "quiero hablar con un operador", action: autoreply.Handoff, reason: autoreply.Requested},
			{text: "¿hola?", action: autoreply.Quiet},
			{text: "reembolso", action: autoreply.Quiet},
		}, nil},
		{"hand-off keyword beats a rule", []step{
			{text: "refund now or get me a human", action: autoreply.Handoff, reason: autoreply.Requested},
		}, nil},
		{"same question twice", []step{
			{text: "How do I get a refund?", action: autoreply.Reply, rule: "refund", template: "refund.policy"},
			{text: "how do i get a REFUND??", action: autoreply.Handoff, reason: autoreply.Repeated},
		}, nil},
		{"the same question twice, full-width", []step{
			{text: "ＲＥＦＵＮＤ", action: autoreply.Reply, rule: "refund", template: "refund.policy"},
			{text: "refund", action: autoreply.Handoff, reason: autoreply.Repeated},
		}, nil},
		{"misses", []step{
			{text: "blue?", action: autoreply.NoMatch},
			{text: "red?", action: autoreply.NoMatch},
			{text: "green?", action: autoreply.Handoff, reason: autoreply.Misses},
		}, nil},
		{"an answer resets the misses", []step{
			{text: "blue?", action: autoreply.NoMatch},
			{text: "red?", action: autoreply.NoMatch},
			{text: "size?", action: autoreply.Reply, rule: "size", template: "specs.size"},
			{text: "green?", action: autoreply.NoMatch},
		}, nil},
		{"empty messages change nothing", []step{
			{text: "refund", action: autoreply.Reply, rule: "refund", template: "refund.policy"},
			{text: "", action: autoreply.NoMatch},
			{text: " ?! ", action: autoreply.NoMatch},
			{text: "size", action: autoreply.Reply, rule: "size", template: "specs.size"},
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e, tr, _ := newTestEngine(t, nil)
			runScript(t, e, "15551234567", tt.script)
			assert.Equal(t, tt.calls, tr.Calls())
		})
	}
}

func TestDecideRelease(t *testing.T) {
	t.Parallel()
	e, _, _ := newTestEngine(t, nil)
	runScript(t, e, "a", []step{
		{text: "human please", action: autoreply.Handoff, reason: autoreply.Requested},
		{text: "refund", action: autoreply.Quiet},
	})
	runScript(t, e, "b", []step{{text: "refund", action: autoreply.Reply, rule: "refund", template: "refund.policy"}})
	require.NoError(t, e.Release(context.Background(), msg("a", "").From))
	runScript(t, e, "a", []step{{text: "refund", action: autoreply.Reply, rule: "refund", template: "refund.policy"}})
}

func TestDecideStateExpires(t *testing.T) {
	t.Parallel()
	e, _, clk := newTestEngine(t, func(c *autoreply.Config) { c.StateTTL = time.Hour })
	runScript(t, e, "a", []step{
		{text: "where is my order", action: autoreply.Ask, rule: where, template: "shipping.ask_order"},
		{text: "agent", action: autoreply.Handoff, reason: autoreply.Requested},
	})
	clk.Advance(59 * time.Minute)
	runScript(t, e, "a", []step{{text: "hello?", action: autoreply.Quiet}})
	clk.Advance(59 * time.Minute) // the Quiet message refreshed the state
	runScript(t, e, "a", []step{{text: "hello?", action: autoreply.Quiet}})
	clk.Advance(61 * time.Minute)
	runScript(t, e, "a", []step{{text: "refund", action: autoreply.Reply, rule: "refund", template: "refund.policy"}})
}

func TestDecideLookupError(t *testing.T) {
	t.Parallel()
	e, tr, _ := newTestEngine(t, nil)
	runScript(t, e, "a", []step{{text: "where is my order", action: autoreply.Ask, rule: where, template: "shipping.ask_order"}})
	tr.mu.Lock()
	tr.err = errCarrierDown
	tr.mu.Unlock()
	_, err := e.Decide(context.Background(), msg("a", "48213957"))
	require.ErrorIs(t, err, errCarrierDown)
	assert.Contains(t, err.Error(), `rule "where_is_my_order"`)
	tr.mu.Lock()
	tr.err = nil
	tr.mu.Unlock()
	// Still waiting: the same value works once the carrier is back.
	runScript(t, e, "a", []step{{text: "48213957", action: autoreply.Reply, rule: where, template: "shipping.status"}})
}

func TestDecideErrors(t *testing.T) {
	t.Parallel()
	e, _, _ := newTestEngine(t, nil)
	_, err := e.Decide(context.Background(), nil)
	require.ErrorIs(t, err, autoreply.ErrNilMessage)
}

func TestDecideMaxMisses(t *testing.T) {
	t.Parallel()
	never, _, _ := newTestEngine(t, func(c *autoreply.Config) { c.MaxMisses = -1 })
	one, _, _ := newTestEngine(t, func(c *autoreply.Config) { c.MaxMisses = 1 })
	for i := range 5 {
		runScript(t, never, "a", []step{{text: fmt.Sprintf("blah %d", i), action: autoreply.NoMatch}})
	}
	runScript(t, one, "a", []step{{text: "blah", action: autoreply.Handoff, reason: autoreply.Misses}})
}

func TestStats(t *testing.T) {
	t.Parallel()
	e, _, _ := newTestEngine(t, nil)
	runScript(t, e, "a", []step{
		{text: "where is my order", action: autoreply.Ask, rule: where, template: "shipping.ask_order"},
		{text: "where is my order", action: autoreply.Handoff, reason: autoreply.Repeated},
	})
	runScript(t, e, "b", []step{
		{text: "where is my order 12345678", action: autoreply.Reply, rule: where, template: "shipping.status"},
		{text: "refund?", action: autoreply.Reply, rule: "refund", template: "refund.policy"},
		{text: "Do you sell GIFT cards?", action: autoreply.NoMatch},
	})
	runScript(t, e, "c", []step{
		{text: "do you sell gift cards", action: autoreply.NoMatch},
		{text: "refund", action: autoreply.Reply, rule: "refund", template: "refund.policy"},
		{text: "agent", action: autoreply.Handoff, reason: autoreply.Requested},
	})
	s := e.Stats()
	assert.Equal(t, int64(8), s.Messages)
	byRule := map[string]autoreply.RuleStats{}
	for _, r := range s.Rules {
		byRule[r.Rule] = r
	}
	assert.Equal(t, autoreply.RuleStats{Rule: where, Triggered: 2, HandedOff: 1}, byRule[where])
	assert.InDelta(t, 0.5, byRule[where].FailureRate(), 1e-9)
	assert.Equal(t, autoreply.RuleStats{Rule: "refund", Triggered: 2, HandedOff: 1}, byRule["refund"])
	assert.Equal(t, autoreply.RuleStats{Rule: "size"}, byRule["size"])
	assert.Zero(t, byRule["size"].FailureRate())
	assert.Equal(t, []autoreply.Miss{{Text: "do you sell gift cards", Count: 1}, {Text: "do you sell gift cards?", Count: 1}}, s.Misses)
	assert.Equal(t, int64(2), s.MissesTotal)
	assert.Equal(t, int64(1), s.HandoffsRepeated)
	assert.Equal(t, int64(1), s.HandoffsRequested)
	assert.Zero(t, s.HandoffsMisses)
}

// TestDecideConcurrent runs many conversations at once (run with -race).
func TestDecideConcurrent(t *testing.T) {
	t.Parallel()
	e, _, _ := newTestEngine(t, nil)
	const workers, convs, msgs = 8, 50, 6
	texts := []string{"where is my order", "48213957", "size?", "refund", "blah", "cancel"}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for c := range convs {
				from := fmt.Sprintf("w%d-c%d", w, c)
				for _, text := range texts[:msgs] {
					if _, err := e.Decide(context.Background(), msg(from, text)); err != nil {
						t.Error(err)
						return
					}
				}
				_ = e.Stats()
				_ = e.Match(texts[c%len(texts)])
			}
		})
	}
	wg.Wait()
	s := e.Stats()
	assert.Equal(t, int64(workers*convs*msgs), s.Messages)
	var triggered int64
	for _, r := range s.Rules {
		triggered += r.Triggered
	}
	// where (ask), size, refund, cancel per conversation; "48213957" answers the ask.
	assert.Equal(t, int64(workers*convs*4), triggered)
	assert.Equal(t, int64(workers*convs), s.MissesTotal)
}

func TestDecideBadInput(t *testing.T) {
	t.Parallel()
	e, _, _ := newTestEngine(t, nil)
	ctx := context.Background()

	d, err := e.Decide(ctx, msg("bad", "refund \xff\xfe please"))
	require.NoError(t, err)
	assert.Equal(t, autoreply.Reply, d.Action)
	assert.Equal(t, "refund \ufffd\ufffd please", d.Normalized)

	huge := strings.Repeat("lorem ipsum ", 1<<20/12)
	d, err = e.Decide(ctx, msg("huge", huge))
	require.NoError(t, err)
	assert.Equal(t, autoreply.NoMatch, d.Action)
	s := e.Stats()
	require.Len(t, s.Misses, 1)
	assert.Len(t, s.Misses[0].Text, 256, "cut to 256 bytes")
	assert.True(t, strings.HasPrefix(huge, s.Misses[0].Text))

	d, err = e.Decide(ctx, msg("huge", huge+" where is my order"))
	require.NoError(t, err)
	assert.Equal(t, autoreply.Ask, d.Action)
}

func TestDecideHitsMatchMatch(t *testing.T) {
	t.Parallel()
	e, _, _ := newTestEngine(t, nil)
	for i, text := range []string{"where is my order, refund or a human?", "ขอคืนเงิน พัสดุ", "尺寸 退錢", "nothing"} {
		d, err := e.Decide(context.Background(), msg(fmt.Sprint("hits", i), text))
		require.NoError(t, err)
		assert.Equal(t, e.Match(text), d.Hits, text)
		assert.Equal(t, e.Normalize(text), d.Normalized, text)
	}
}

// TestDecideStandby: a message in standby (another channel owns the chat)
// gets Quiet and leaves no trace: the same question asked actively next is
// answered, not handed off as a repeat.
func TestDecideStandby(t *testing.T) {
	t.Parallel()
	e, tr, _ := newTestEngine(t, nil)
	from := channel.Address{Channel: channel.LINE, ID: "U1"}
	m := &channel.Message{From: from, Text: "where is my order 48213957", Standby: true}
	d, err := e.Decide(context.Background(), m)
	require.NoError(t, err)
	assert.Equal(t, autoreply.Quiet, d.Action)
	assert.Empty(t, tr.Calls(), "no lookup for a standby message")
	m.Standby = false
	d, err = e.Decide(context.Background(), m)
	require.NoError(t, err)
	assert.Equal(t, autoreply.Reply, d.Action, "the standby message changed no state")
}
