package insights

import (
	"time"

	"github.com/switchboard-go/switchboard/channel"
)

// Kind names what an [Event] records.
type Kind string

// The event vocabulary. The bot, the desk and the notifier emit these; the
// metrics read nothing else.
const (
	// MessageIn is a customer's message; Text carries it for hot words.
	MessageIn Kind = "message_in"
	// BotAnswer is an automatic answer sent to the customer.
	BotAnswer Kind = "bot_answer"
	// Handoff hands the conversation to a person; Rule names the last rule
	// that answered before it, when there was one.
	Handoff Kind = "handoff"
	// AgentAssigned gives the conversation to Agent (of Team).
	AgentAssigned Kind = "agent_assigned"
	// AgentReply is a person's answer to the customer.
	AgentReply Kind = "agent_reply"
	// Resolved closes the conversation.
	Resolved Kind = "resolved"
	// Reopened opens a resolved conversation again.
	Reopened Kind = "reopened"
	// Rating is the customer's satisfaction score, 1 to 5, in Score.
	Rating Kind = "rating"
	// NoticeSent is a proactive notice (a parcel update, a reminder).
	NoticeSent Kind = "notice_sent"
	// FileSent is a file the customer asked for; FileKind says which kind
	// ("invoice", "receipt", "manual").
	FileSent Kind = "file_sent"
	// RuleMatched is an automatic-reply rule (Rule) that triggered.
	RuleMatched Kind = "rule_matched"
	// RuleMissed is a message no rule answered.
	RuleMissed Kind = "rule_missed"
	// RuleRevised records that Rule was edited; it resets the rule's
	// "not revised for 90 days" clock.
	RuleRevised Kind = "rule_revised"
)

// Kinds lists every Kind, in the order above.
func Kinds() []Kind {
	return []Kind{MessageIn, BotAnswer, Handoff, AgentAssigned, AgentReply, Resolved, Reopened,
		Rating, NoticeSent, FileSent, RuleMatched, RuleMissed, RuleRevised}
}

// Valid reports whether k is one of [Kinds].
func (k Kind) Valid() bool {
	switch k {
	case MessageIn, BotAnswer, Handoff, AgentAssigned, AgentReply, Resolved, Reopened,
		Rating, NoticeSent, FileSent, RuleMatched, RuleMissed, RuleRevised:
		return true
	}
	return false
}

// Event is one thing that happened in customer service. It is a plain value;
// only the fields that matter for its Kind need be set, but every event of a
// conversation must carry the conversation's id (Compute ignores one
// without it, except NoticeSent, FileSent, RuleRevised, RuleMatched and
// RuleMissed), and the fields a breakdown uses (Channel, Language, Team)
// may be set on any event of it: the conversation takes the last non-empty
// value seen. Its agent is the one who replied first, else the last one
// assigned.
type Event struct {
	// Time is when it happened; Compute buckets it in the shop's time zone.
	Time time.Time `json:"time"`
	// Kind says what happened and which other fields matter.
	Kind Kind `json:"kind"`
	// Conversation identifies the conversation (a desk conversation id, or
	// the customer's address while only the bot talks to them).
	Conversation string `json:"conversation,omitempty"`
	// Channel is the customer's channel; "" leaves the conversation's as is.
	Channel channel.Kind `json:"channel,omitempty"`
	// Customer is an opaque key of the customer (a profile id); never a
	// phone number in clear.
	Customer string `json:"customer,omitempty"`
	Language string `json:"language,omitempty"` // BCP 47, e.g. "en", "zh-Hans"
	// Team is the team handling the conversation; "" leaves it as is.
	Team string `json:"team,omitempty"`
	// Agent is the agent assigned (AgentAssigned) or replying (AgentReply).
	Agent string `json:"agent,omitempty"`
	// Rule names the automatic-reply rule of a RuleMatched, RuleRevised or
	// Handoff event.
	Rule string `json:"rule,omitempty"`
	// Text is the customer's message (MessageIn), used for hot words only.
	Text string `json:"text,omitempty"`
	// Score is a Rating's 1–5.
	Score int `json:"score,omitempty"`
	// FileKind is a FileSent's kind of file.
	FileKind string `json:"file_kind,omitempty"`
}
