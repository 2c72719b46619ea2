package desk

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/switchboard-go/switchboard/channel"
)

// ReplyMode says what an agent may send to a customer now.
type ReplyMode string

// Reply modes, decided by the channel's window rules.
const (
	// ModeFree: inside the customer-service window, any text.
	ModeFree ReplyMode = "free"
	// ModeHumanAgent: Messenger, 24 h to 7 days after the customer's last
	// message: free text written by a person, sent with the HUMAN_AGENT tag.
	ModeHumanAgent ReplyMode = "human_agent"
	// ModeTemplate: outside the window, only an approved template (WhatsApp,
	// or a channel with templates configured).
	ModeTemplate ReplyMode = "template"
	// ModeClosed: nothing may be sent (WeChat past 48 h or past its 5
	// messages, Messenger past 7 days, without a template).
	ModeClosed ReplyMode = "closed"
)

// HumanAgentTag is Messenger's tag for a person's reply within 7 days.
const HumanAgentTag = "HUMAN_AGENT"

// Channel window figures the reply rules use.
const (
	WhatsAppWindow       = 24 * time.Hour
	MessengerWindow      = 24 * time.Hour
	MessengerHumanWindow = 7 * 24 * time.Hour
	WeChatWindow         = 48 * time.Hour
	// WeChatWindowMessages is how many customer-service messages WeChat
	// accepts per window (error 45047 beyond).
	WeChatWindowMessages = 5
)

// TemplateOption is an approved template an agent may pick when the window
// is closed.
type TemplateOption struct {
	Name     string // the platform's template name
	Language string // the platform's language code ("en_US")
	// Params is the number of positional body parameters the agent fills.
	Params int
	// Preview is the template's text, for the picker ("Hi {{1}}, ...").
	Preview string
}

// ReplyPolicy tells the console what the agent may send now, before the
// agent types.
type ReplyPolicy struct {
	// Mode is what the agent may send now (ModeFree, ModeHumanAgent,
	// ModeTemplate or ModeClosed).
	Mode ReplyMode
	// Channel is the customer's channel, whose rules decide Mode.
	Channel channel.Kind
	// Until is when this mode ends (zero: it does not, as on LINE).
	Until time.Time
	// Templates are the options in ModeTemplate.
	Templates []TemplateOption
	// Note explains the rule in a sentence for the agent.
	Note string
}

// ReplyPolicy works out the window rule that applies to c now.
func (d *Desk) ReplyPolicy(c Conversation) ReplyPolicy {
	now := d.now()
	k := c.Customer.Channel
	p := ReplyPolicy{Channel: k}
	last := c.LastCustomerAt
	closed := func(note string) ReplyPolicy {
		if opts := d.cfg.Templates[k]; len(opts) > 0 {
			p.Mode, p.Templates, p.Note = ModeTemplate, slices.Clone(opts), note+" Only an approved template may be sent."
			return p
		}
		p.Mode, p.Note = ModeClosed, note+" Nothing may be sent until the customer writes again."
		return p
	}
	switch k {
	case channel.WhatsApp:
		if end := last.Add(WhatsAppWindow); now.Before(end) {
			p.Mode, p.Until, p.Note = ModeFree, end, "Inside WhatsApp's 24-hour window: free text."
			return p
		}
		return closed("WhatsApp's 24-hour window is closed.")
	case channel.Messenger:
		if end := last.Add(MessengerWindow); now.Before(end) {
			p.Mode, p.Until, p.Note = ModeFree, end, "Inside Messenger's 24-hour window: free text."
			return p
		}
		if end := last.Add(MessengerHumanWindow); now.Before(end) {
			p.Mode, p.Until, p.Note = ModeHumanAgent, end, "Messenger, 24 h to 7 days: a person's reply, sent with the HUMAN_AGENT tag."
			return p
		}
		return closed("Messenger's 7-day human-agent window is closed.")
	case channel.WeChat:
		end := last.Add(WeChatWindow)
		if now.Before(end) && c.AgentMessagesSinceCustomer < WeChatWindowMessages {
			p.Mode, p.Until = ModeFree, end
			p.Note = fmt.Sprintf("Inside WeChat's 48-hour window: free text (%d of %d messages left).",
				WeChatWindowMessages-c.AgentMessagesSinceCustomer, WeChatWindowMessages)
			return p
		}
		if now.Before(end) {
			return closed("WeChat allows 5 messages per 48-hour window; they are used.")
		}
		return closed("WeChat's 48-hour window is closed.")
	default:
		p.Mode, p.Note = ModeFree, "No window on this channel: free text."
		return p
	}
}

// Reply is an agent's answer to a conversation: Text, or in ModeTemplate a
// Template naming one of the options with its parameters.
type Reply struct {
	// ConversationID is the conversation answered.
	ConversationID string
	// Agent is the id of the replying agent, who must hold the conversation.
	Agent string
	// Text is the answer, trimmed; blank is refused unless Template is set.
	Text string
	// Template, when set, is sent instead of Text; outside ModeFree it must
	// be one of ReplyPolicy.Templates with its number of parameters.
	Template *channel.Template
}

// PolicyError is returned when the phrase policy blocks a reply; it matches
// ErrBlocked.
type PolicyError struct {
	// Rules are the blocking phrases found, with their reasons.
	Rules []PhraseRule
}

// Error names the blocked phrases.
func (e *PolicyError) Error() string {
	var b strings.Builder
	b.WriteString("desk: reply blocked by phrase policy:")
	for _, r := range e.Rules {
		fmt.Fprintf(&b, " %q", r.Phrase)
		if r.Reason != "" {
			b.WriteString(" (" + r.Reason + ")")
		}
	}
	return b.String()
}

// Unwrap returns ErrBlocked.
func (e *PolicyError) Unwrap() error { return ErrBlocked }

// Reply sends an agent's reply through the channel senders under the window
// rules, records it in the transcript (clearing Unanswered) and audits it.
// The agent must hold the conversation (ErrNotAssigned). Free text in
// ModeTemplate or anything in ModeClosed fails with ErrWindow; text the
// phrase policy blocks fails with a *PolicyError; flagged text is sent and
// its flags audited. A send error is audited and returned as is (it may be
// channel.ErrDeliveryUnknown: the reply may have gone out). Every attempt,
// sent or not, leaves an audit entry.
func (d *Desk) Reply(ctx context.Context, r Reply) (Conversation, error) {
	c, err := d.Conversation(ctx, r.ConversationID)
	if err != nil {
		return Conversation{}, err
	}
	if c.Status != StatusAssigned || c.Agent != r.Agent {
		return Conversation{}, ErrNotAssigned
	}
	if d.cfg.Sender == nil {
		return Conversation{}, fmt.Errorf("%w: the desk has no Sender", channel.ErrUnsupported)
	}
	pol := d.ReplyPolicy(c)
	now := d.now()
	entry := AuditEntry{At: now, Agent: r.Agent, ConversationID: c.ID, Channel: c.Customer.Channel, Mode: pol.Mode}
	msg := &channel.Message{To: c.Customer}
	text := strings.TrimSpace(r.Text)
	switch {
	case r.Template != nil:
		if !slices.ContainsFunc(pol.Templates, func(o TemplateOption) bool {
			return o.Name == r.Template.Name && (o.Language == "" || r.Template.Language == "" || o.Language == r.Template.Language) &&
				len(r.Template.Params) == o.Params
		}) && pol.Mode != ModeFree {
			return Conversation{}, fmt.Errorf("%w: template %q is not an approved option here", ErrWindow, r.Template.Name)
		}
		t := *r.Template
		t.Params = slices.Clone(t.Params)
		msg.Template = &t
		text = "[template " + t.Name + "] " + strings.Join(t.Params, " | ")
	case text == "":
		return Conversation{}, fmt.Errorf("%w: empty reply", ErrInvalid)
	case pol.Mode == ModeFree:
		msg.Text = text
	case pol.Mode == ModeHumanAgent:
		msg.Text, msg.Tag = text, HumanAgentTag
	default:
		entry.Action, entry.Text, entry.Error = "reply_refused", text, pol.Note
		if err := d.audit(ctx, entry); err != nil {
			return Conversation{}, err
		}
		return Conversation{}, fmt.Errorf("%w: %s", ErrWindow, pol.Note)
	}
	entry.Text = text
	blocked, hits := d.cfg.Policy.Check(text)
	for _, h := range hits {
		entry.Flags = append(entry.Flags, h.Phrase)
	}
	if blocked {
		entry.Action = "reply_blocked"
		if err := d.audit(ctx, entry); err != nil {
			return Conversation{}, err
		}
		var rules []PhraseRule
		for _, h := range hits {
			if h.Action == Block {
				rules = append(rules, h)
			}
		}
		return Conversation{}, &PolicyError{Rules: rules}
	}
	rcpt, err := d.cfg.Sender.Send(ctx, msg)
	if err != nil {
		entry.Action, entry.Error = "reply_failed", err.Error()
		if aerr := d.audit(ctx, entry); aerr != nil {
			return Conversation{}, fmt.Errorf("desk: send: %w; audit: %w", err, aerr)
		}
		return Conversation{}, fmt.Errorf("desk: send: %w", err)
	}
	entry.Action, entry.MessageID = "reply", rcpt.MessageID
	if err := d.audit(ctx, entry); err != nil {
		return Conversation{}, fmt.Errorf("desk: reply sent (%s) but not audited: %w", rcpt.MessageID, err)
	}
	sentAt := d.now()
	out, err := d.update(ctx, c.ID, func(x *Conversation) error {
		x.Transcript = append(x.Transcript, Entry{At: sentAt, Author: AuthorAgent, Agent: r.Agent, Text: text, MessageID: rcpt.MessageID})
		x.Unanswered, x.WaitingSince, x.Reminders = false, time.Time{}, 0
		x.LastAgentAt = sentAt
		if x.FirstResponseAt.IsZero() {
			x.FirstResponseAt = sentAt
		}
		x.AgentMessagesSinceCustomer++
		return nil
	})
	if err != nil {
		return Conversation{}, fmt.Errorf("desk: reply sent (%s) but not recorded: %w", rcpt.MessageID, err)
	}
	d.emit(Event{Type: EventReplied, At: sentAt, ConversationID: c.ID, Agent: r.Agent})
	return out, nil
}

// Resolve closes a conversation the agent holds, freeing its capacity; with
// askRating and a Config.RatingPrompt it asks the customer for a 1–5 rating
// when the window allows free text (a failed prompt is returned as an error
// after the conversation is resolved).
func (d *Desk) Resolve(ctx context.Context, conversationID, agentID string, askRating bool) (Conversation, error) {
	now := d.now()
	c, err := d.update(ctx, conversationID, func(c *Conversation) error {
		if c.Status != StatusAssigned || c.Agent != agentID {
			return ErrNotAssigned
		}
		c.Status, c.ResolvedAt = StatusResolved, now
		c.Transcript = append(c.Transcript, Entry{At: now, Author: AuthorSystem, Agent: agentID, Text: "resolved"})
		return nil
	})
	if err != nil {
		return Conversation{}, err
	}
	d.emit(Event{Type: EventResolved, At: now, ConversationID: c.ID, Agent: agentID})
	d.Kick()
	if err := d.audit(ctx, AuditEntry{At: now, Agent: agentID, ConversationID: c.ID, Channel: c.Customer.Channel, Action: "resolve"}); err != nil {
		return c, err
	}
	if askRating && d.cfg.RatingPrompt != "" && d.cfg.Sender != nil {
		if p := d.ReplyPolicy(c); p.Mode == ModeFree {
			m := &channel.Message{To: c.Customer, Text: d.cfg.RatingPrompt}
			for i := 1; i <= 5; i++ {
				n := fmt.Sprint(i)
				m.Buttons = append(m.Buttons, channel.Button{Title: n, Payload: RatingPayloadPrefix + n})
			}
			if _, err := d.cfg.Sender.Send(ctx, m); err != nil {
				return c, fmt.Errorf("desk: rating prompt: %w", err)
			}
		}
	}
	return c, nil
}
