package insights

import (
	"context"
	"encoding/csv"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/switchboard-go/switchboard/channel"
)

// Conversation is one conversation's row of the export: what Compute
// measured for it. A plain value.
type Conversation struct {
	// ID is the conversation's id (Event.Conversation).
	ID string
	// Channel is the customer's channel: the last one its events named;
	// "" when none did.
	Channel channel.Kind
	// Language is the customer's language (BCP 47), the last one its events
	// named; "" when unknown.
	Language string
	// Team is the conversation's team, the last one its events named; ""
	// when none did.
	Team  string
	Agent string // the agent who answered first, else the last assigned
	// Customer is the opaque customer key of its events (Event.Customer).
	Customer string
	// Started is the time of its first event.
	Started time.Time
	// Messages counts the customer's messages (MessageIn) in the period.
	Messages int
	// BotResponse is the wall time to the bot's first answer; 0 if none.
	BotResponse time.Duration
	HandedOff   time.Time // zero when never handed off
	// FirstResponse is from the hand-off to the first agent reply (wall and
	// business time); both 0 when no agent replied.
	FirstResponse, FirstResponseBusiness time.Duration
	// AgentReplies counts the agents' replies (AgentReply).
	AgentReplies                   int
	Resolved                       time.Time     // the last resolution; zero if none
	Resolution, ResolutionBusiness time.Duration // first message to Resolved (wall, business time)
	Reopened                       bool          // within the reopen window
	// FCR is true when the conversation was resolved after exactly one
	// agent reply and not reopened within the reopen window.
	FCR    bool
	Rating int    // 0 when not rated
	SLA    string // "met", "missed" or "" (no hand-off, or still within target)
	// Rules are the automatic-reply rules that matched in it, in order of
	// first match.
	Rules []string
}

// Conversations returns one row per conversation of the period, in the
// order their first event appears in the log. Errors are Compute's.
func Conversations(ctx context.Context, log Log, from, to time.Time, opts Options) ([]Conversation, error) {
	a, err := readLog(ctx, log, from, to, opts)
	if err != nil {
		return nil, err
	}
	var rows []Conversation
	for _, c := range a.order {
		if !c.inPeriod {
			continue
		}
		x := a.measure(c)
		r := Conversation{ID: c.id, Channel: c.channel, Language: c.lang, Team: c.team, Agent: c.agent,
			Customer: c.customer, Started: c.first, Messages: c.messages, HandedOff: c.handoff,
			AgentReplies: c.replies, Resolved: c.resolved, Reopened: c.reopened, FCR: x.fcr, Rating: c.rating,
			Rules: append([]string(nil), c.rules...)}
		if x.hasBot {
			r.BotResponse = x.bot[0]
		}
		if x.hasFR {
			r.FirstResponse, r.FirstResponseBusiness = x.fr[0], x.fr[1]
		}
		if x.hasRes {
			r.Resolution, r.ResolutionBusiness = x.res[0], x.res[1]
		}
		if x.slaKnown {
			r.SLA = "missed"
			if x.slaMet {
				r.SLA = "met"
			}
		}
		rows = append(rows, r)
	}
	return rows, nil
}

// csvHeader is the first line WriteCSV writes.
var csvHeader = []string{"conversation", "channel", "language", "team", "agent", "customer", "started",
	"messages", "bot_response_s", "handed_off", "first_response_s", "first_response_business_s",
	"agent_replies", "resolved", "resolution_s", "resolution_business_s", "reopened", "fcr", "rating",
	"sla", "rules"}

// WriteCSV writes rows as CSV (RFC 4180) with a header line: times in RFC
// 3339, durations in seconds, empty cells for what did not happen. A cell
// that a spreadsheet would run as a formula (starting with =, +, -, @) is
// prefixed with a quote. It returns the writer's error.
func WriteCSV(w io.Writer, rows []Conversation) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvHeader); err != nil {
		return err
	}
	ts := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.Format(time.RFC3339)
	}
	secs := func(d time.Duration, ok bool) string {
		if !ok {
			return ""
		}
		return strconv.FormatFloat(d.Seconds(), 'f', -1, 64)
	}
	for _, r := range rows {
		rating := ""
		if r.Rating > 0 {
			rating = strconv.Itoa(r.Rating)
		}
		rec := []string{r.ID, string(r.Channel), r.Language, r.Team, r.Agent, r.Customer, ts(r.Started),
			strconv.Itoa(r.Messages), secs(r.BotResponse, r.BotResponse > 0), ts(r.HandedOff),
			secs(r.FirstResponse, r.AgentReplies > 0), secs(r.FirstResponseBusiness, r.AgentReplies > 0),
			strconv.Itoa(r.AgentReplies), ts(r.Resolved), secs(r.Resolution, !r.Resolved.IsZero()),
			secs(r.ResolutionBusiness, !r.Resolved.IsZero()), strconv.FormatBool(r.Reopened),
			strconv.FormatBool(r.FCR), rating, r.SLA, strings.Join(r.Rules, ";")}
		for i, f := range rec {
			if f != "" && strings.ContainsRune("=+-@\t\r", rune(f[0])) {
				rec[i] = "'" + f
			}
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
