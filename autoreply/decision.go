package autoreply

import "fmt"

// Action is what the engine decided to do with a message. A plain value.
type Action int

// Actions. The zero value is NoMatch.
const (
	// NoMatch: no rule answers; the caller may stay silent or send a
	// generic "sorry" (the miss is counted).
	NoMatch Action = iota
	// Reply: answer with Decision.Template and Decision.Vars.
	Reply
	// Ask: send the prompt Decision.Template; the engine now awaits a value.
	Ask
	// Handoff: pass the conversation to a person (Decision.Reason says why);
	// the engine stays quiet for it until Release.
	Handoff
	// Quiet: the conversation was handed off earlier, or the message came in
	// standby (Message.Standby); do not answer.
	Quiet
)

// String returns the action's name in lower case.
func (a Action) String() string {
	switch a {
	case NoMatch:
		return "no_match"
	case Reply:
		return "reply"
	case Ask:
		return "ask"
	case Handoff:
		return "handoff"
	case Quiet:
		return "quiet"
	}
	return fmt.Sprintf("Action(%d)", int(a))
}

// HandoffReason says why a conversation went to a person. A plain value.
type HandoffReason int

// Hand-off reasons. The zero value means no hand-off.
const (
	NoHandoff HandoffReason = iota
	// Requested: the message carried a hand-off keyword ("agent", "人工"),
	// or Config.Fallback took it for a request for a person.
	Requested
	// Repeated: the customer sent the same message twice in a row (after
	// normalization, ignoring surrounding punctuation).
	Repeated
	// Misses: Config.MaxMisses consecutive messages went unanswered.
	Misses
)

// String returns the reason's name in lower case.
func (r HandoffReason) String() string {
	switch r {
	case NoHandoff:
		return "none"
	case Requested:
		return "requested"
	case Repeated:
		return "repeated"
	case Misses:
		return "misses"
	}
	return fmt.Sprintf("HandoffReason(%d)", int(r))
}

// Decision is the engine's answer to one message. The engine sends nothing:
// the caller renders Template with Vars (autoreply/catalog) and sends it.
// Each Decision is the caller's own (its Vars and Hits are not shared), so
// it may be used from any goroutine.
type Decision struct {
	// Action is what the caller should do: send Template (Reply, Ask),
	// hand the conversation to a person (Handoff) or send nothing.
	Action Action
	// Rule is the name of the rule that answered or asked ("" otherwise).
	Rule string
	// Intent is the rule's first tag, its inquiry type ("" when no rule).
	Intent string
	// Template is the template key to render for Reply and Ask.
	Template string
	// Vars holds the extracted values under their extractor's name
	// ("order_number") and the lookup's results; nil when there are none.
	Vars map[string]string
	// Reason is set when Action is Handoff.
	Reason HandoffReason
	// Hits are every keyword match in the message, best first (see
	// Engine.Match).
	Hits []Hit
	// Normalized is the message text as the engine matched it.
	Normalized string
}

// Hit is one occurrence of a keyword in a normalized message. A plain value.
type Hit struct {
	// Rule is the name of the keyword's rule; "" for a hand-off keyword.
	Rule string
	// Handoff is true for a hand-off keyword.
	Handoff bool
	// Keyword is the keyword as written in the rule set, with Auto resolved
	// to Word or Contains (a mixed-script keyword checked at one end only,
	// such as "iphone手机", stays Auto).
	Keyword Keyword
	// Start and End are byte offsets of the match in the normalized text.
	Start, End int
}
