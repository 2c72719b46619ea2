package sqlite

import (
	"github.com/switchboard-go/switchboard/autoreply"
	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/desk"
	"github.com/switchboard-go/switchboard/insights"
	"github.com/switchboard-go/switchboard/notify"
	"github.com/switchboard-go/switchboard/store/internal/sqldb"
	"github.com/switchboard-go/switchboard/tracking"
	"github.com/switchboard-go/switchboard/wechat"
)

// The stores of a DB. Most embed the implementation they share with the
// PostgreSQL backend (store/internal/sqldb) and add only what SQLite does
// its own way: DedupeStore in dedupe.go, Take in quota.go, AddStats in
// stats.go, Assign's claim and MarkFired in desk.go, InsightsLog in
// insights.go.

// DedupeStore is a channel.DedupeStore in the switchboard_dedupe table.
// Claims survive a restart. Safe for concurrent use.
type DedupeStore struct{ db *DB }

// Dedupe returns the DedupeStore of d.
func (d *DB) Dedupe() *DedupeStore { return &DedupeStore{db: d} }

// WindowStore is a channel.WindowStore in the switchboard_windows table.
// Safe for concurrent use.
type WindowStore struct{ windows }

// Windows returns the WindowStore of d.
func (d *DB) Windows() *WindowStore { return &WindowStore{sqldb.NewWindows(d.shared())} }

// RecipientLimitStore is a channel.RecipientLimitStore in the
// switchboard_recipient_limits table: one conditional upsert takes an
// allowance; a refusal reads the stored time to say how long to wait. Safe
// for concurrent use.
type RecipientLimitStore struct{ recipientLimits }

// RecipientLimits returns the RecipientLimitStore of d.
func (d *DB) RecipientLimits() *RecipientLimitStore {
	return &RecipientLimitStore{sqldb.NewRecipientLimits(d.shared(), `INSERT INTO switchboard_recipient_limits AS r (addr, tat_ns)
		VALUES ($1, $2 + $3) ON CONFLICT (addr) DO UPDATE SET tat_ns = max(r.tat_ns, $2) + $3
		WHERE max(r.tat_ns, $2) - $2 <= $4 RETURNING tat_ns`)}
}

// QuotaStore is a channel.QuotaStore in the switchboard_quota_sends table.
// Take is one immediate transaction (SQLite's single writer makes it
// atomic). Safe for concurrent use.
type QuotaStore struct {
	quota
	db   *DB
	name string
}

// Quota returns the QuotaStore of the quota called name in d.
func (d *DB) Quota(name string) *QuotaStore {
	return &QuotaStore{quota: sqldb.NewQuota(d.shared(), name), db: d, name: name}
}

// ConversationStore is an autoreply.StateStore in the
// switchboard_conversations table (each conversation as JSON). A stored
// state that does not decode is an error (never a silently reset
// conversation). Safe for concurrent use.
type ConversationStore struct{ conversations }

// Conversations returns the ConversationStore of d.
func (d *DB) Conversations() *ConversationStore {
	return &ConversationStore{sqldb.NewConversations(d.shared())}
}

// TokenStore is a wechat.TokenStore for one AppID in the
// switchboard_wechat_tokens table. The token is stored in clear (it is
// short-lived and the file is the process's own). Release ends the fetch
// lease (after a failed fetch), so the next caller fetches at once. Safe for
// concurrent use.
type TokenStore struct{ weChatTokens }

// WeChatTokens returns the TokenStore of appID in d.
func (d *DB) WeChatTokens(appID string) *TokenStore {
	return &TokenStore{sqldb.NewWeChatTokens(d.shared(), appID)}
}

// Outbox is a channel.Outbox in the switchboard_outbox table. Safe for
// concurrent use.
type Outbox struct{ outbox }

// Outbox returns the Outbox of d.
func (d *DB) Outbox() *Outbox { return &Outbox{sqldb.NewOutbox(d.shared())} }

// WatchStore is a tracking.WatchStore in the switchboard_watches table;
// Due reads a partial index of the watches still polled, ordered by their
// next poll, instead of scanning them all. Safe for concurrent use.
type WatchStore struct{ watches }

// Watches returns the WatchStore of d.
func (d *DB) Watches() *WatchStore {
	return &WatchStore{sqldb.NewWatches(d.shared(), `SELECT watch FROM switchboard_watches
		WHERE done = 0 AND next_poll_ns <= $1 ORDER BY next_poll_ns, carrier, number LIMIT $2`)}
}

// StatsStore is an autoreply.StatsStore in the switchboard_rule_stats
// table. Safe for concurrent use.
type StatsStore struct {
	ruleStats
	db *DB
}

// RuleStats returns the StatsStore of d.
func (d *DB) RuleStats() *StatsStore {
	return &StatsStore{ruleStats: sqldb.NewRuleStats(d.shared()), db: d}
}

// NoticeCaps is a notify.CapStore in the switchboard_notice_caps table: one
// conditional upsert takes the cap. Safe for concurrent use.
type NoticeCaps struct{ noticeCaps }

// NoticeCaps returns the database's notice cap store.
func (d *DB) NoticeCaps() *NoticeCaps { return &NoticeCaps{sqldb.NewNoticeCaps(d.shared())} }

// Desk is a desk.Store in the SQLite file: capacity is checked and claimed
// in one immediate transaction (BEGIN IMMEDIATE, the DB's single connection),
// so processes sharing the file never exceed an agent's capacity nor assign a
// conversation twice. Safe for concurrent use.
type Desk struct {
	deskStore
	db sqldb.DB
}

// NewDesk returns the desk store of db (its tables come with db's
// migrations).
func NewDesk(db *DB) *Desk {
	d := db.shared()
	// The immediate transactions serialize creates, so the check before
	// the insert decides: Unique stays nil.
	return &Desk{deskStore: sqldb.NewDesk(d, sqldb.DeskDialect{Newest: "rowid", Claim: claimConv}), db: d}
}

// InsightsLog is an insights.Log in the SQLite file: table
// switchboard_insights_events (migration 0021). Safe for concurrent use;
// appends are serialized by the database's single connection.
type InsightsLog struct{ db *DB }

// InsightsLog returns the insights event log kept in d.
func (d *DB) InsightsLog() *InsightsLog { return &InsightsLog{db: d} }

// The shared implementations, embedded under unexported names so that only
// their methods join each store's API.
type (
	windows         = sqldb.Windows
	recipientLimits = sqldb.RecipientLimits
	quota           = sqldb.Quota
	conversations   = sqldb.Conversations
	weChatTokens    = sqldb.WeChatTokens
	outbox          = sqldb.Outbox
	watches         = sqldb.Watches
	ruleStats       = sqldb.RuleStats
	noticeCaps      = sqldb.NoticeCaps
	deskStore       = sqldb.Desk
)

var (
	_ channel.DedupeStore         = (*DedupeStore)(nil)
	_ channel.WindowStore         = (*WindowStore)(nil)
	_ channel.RecipientLimitStore = (*RecipientLimitStore)(nil)
	_ channel.QuotaStore          = (*QuotaStore)(nil)
	_ autoreply.StateStore        = (*ConversationStore)(nil)
	_ wechat.TokenStore           = (*TokenStore)(nil)
	_ channel.Outbox              = (*Outbox)(nil)
	_ tracking.WatchStore         = (*WatchStore)(nil)
	_ autoreply.StatsStore        = (*StatsStore)(nil)
	_ notify.CapStore             = (*NoticeCaps)(nil)
	_ desk.Store                  = (*Desk)(nil)
	_ insights.Log                = (*InsightsLog)(nil)
)
