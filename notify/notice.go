package notify

import (
	"fmt"
	"time"

	"github.com/switchboard-go/switchboard/channel"
)

// Kind is what a notice is for. It decides the frequency cap, quiet hours
// and what may be sent outside the customer-service window.
type Kind uint8

// The kinds of notice.
const (
	// Transactional: about an order the customer placed (parcel status,
	// payment received). Never capped by default; keeps priority when a
	// quota runs high.
	Transactional Kind = iota + 1
	// Utility: account or service information (invoice ready, a return
	// label). Capped and quiet-houred by default.
	Utility
	// Marketing: promotions. Capped, quiet-houred, batched above 80 % of a
	// quota, and never sent outside the window where only transactional
	// tags exist (Messenger, WeChat).
	Marketing
)

// String names the kind.
func (k Kind) String() string {
	switch k {
	case Transactional:
		return "transactional"
	case Utility:
		return "utility"
	case Marketing:
		return "marketing"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// Notice is one proactive message to plan.
type Notice struct {
	// ID identifies the notice (e.g. "order-1042/out-for-delivery"): a notice
	// whose ID was planned before is dropped as a duplicate. Required.
	ID string
	// To is the customer's address on the channel the notice goes out on.
	// Required.
	To channel.Address
	// Customer is the profile id the frequency cap counts against, so a
	// customer reached on two channels is capped once; empty means To.
	Customer string
	// Kind decides the cap, quiet hours and the outside-window route.
	Kind Kind
	// CoalesceKey groups notices of which only the newest matters (e.g. the
	// order's parcel status): a new notice replaces a pending one with the
	// same key, which is reported Coalesced. Empty: never coalesced.
	CoalesceKey string
	// NotBefore defers the notice until then; zero means at once.
	NotBefore time.Time
	// ExpiresAt drops the notice, unsent, at or after this time; zero
	// means it never expires.
	ExpiresAt time.Time
	// TimeZone is the customer's IANA time zone (from the profile), used
	// for quiet hours. Empty: from Phone, else the shop's.
	TimeZone string
	// Phone is the customer's number in E.164 (with or without '+'); its
	// country gives the time zone when TimeZone is empty.
	Phone string
	// TemplateKey and Vars are what the caller renders (the catalog key and
	// its variables: the customer's name, the product bought).
	TemplateKey string
	Vars        map[string]string // nil when the template has no variables
}

// Action is what the planner decided for a notice.
type Action uint8

// The actions.
const (
	// Send: send now, by Decision.Route.
	Send Action = iota + 1
	// Defer: held by the planner until Decision.At; Due plans it again then.
	Defer
	// Coalesced: replaced by a newer notice with the same coalesce key
	// (Decision.ReplacedBy); it will not be sent.
	Coalesced
	// Drop: it will not be sent (Decision.Reason says why).
	Drop
)

// String names the action.
func (a Action) String() string {
	switch a {
	case Send:
		return "send"
	case Defer:
		return "defer"
	case Coalesced:
		return "coalesced"
	case Drop:
		return "drop"
	}
	return fmt.Sprintf("Action(%d)", uint8(a))
}

// Route is how a Send goes out.
type Route uint8

// The routes.
const (
	// FreeText: inside the customer-service window (or on a channel without
	// one): any message.
	FreeText Route = iota + 1
	// Template: WhatsApp outside the window: only an approved template.
	Template
	// Tagged: Messenger outside the window: a message tag (Decision.Tag).
	Tagged
	// Push: LINE push message, counted against the monthly quota.
	Push
)

// String names the route.
func (r Route) String() string {
	switch r {
	case FreeText:
		return "free text"
	case Template:
		return "template"
	case Tagged:
		return "tagged"
	case Push:
		return "push"
	}
	return fmt.Sprintf("Route(%d)", uint8(r))
}

// Reason says why a decision was taken.
type Reason string

// The reasons.
const (
	ReasonWindowOpen Reason = "window open"
	ReasonTemplate   Reason = "window closed: approved template"
	ReasonTag        Reason = "window closed: message tag"
	ReasonPush       Reason = "push"
	ReasonNotBefore  Reason = "not before"
	ReasonQuietHours Reason = "quiet hours"
	ReasonCapped     Reason = "frequency cap"
	ReasonQuota      Reason = "quota above threshold: batched"
	ReasonExpired    Reason = "expired"
	ReasonDuplicate  Reason = "duplicate"
	ReasonReplaced   Reason = "replaced by a newer notice"
	ReasonNoRoute    Reason = "window closed: no route for this kind"
	ReasonInvalid    Reason = "invalid notice"
)

// Decision is one outcome for one notice.
type Decision struct {
	Notice Notice // the notice decided on
	Action Action // what happens to it
	Reason Reason // why
	// Route is how to send (Send only).
	Route Route
	// Tag is the Messenger message tag (Route Tagged).
	Tag string
	// At is when the planner looks at a deferred notice again (Defer), or
	// when the decision was taken.
	At time.Time
	// ReplacedBy is the ID of the newer notice (Coalesced).
	ReplacedBy string
}
