package storetest_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/autoreply"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/notify"
	"github.com/switchboard-go/switchboard/store/storetest"
	"github.com/switchboard-go/switchboard/tracking"
)

func TestSQLiteDedupe(t *testing.T) {
	storetest.RunDedupe(t, func(t *testing.T) channel.DedupeStore { return storetest.SQLite(t).Dedupe() })
}

func TestPostgresDedupe(t *testing.T) {
	storetest.RunDedupe(t, func(t *testing.T) channel.DedupeStore { return storetest.Postgres(t).Dedupe() })
}

func TestRedisDedupe(t *testing.T) {
	storetest.RunDedupe(t, func(t *testing.T) channel.DedupeStore { return storetest.Redis(t).Dedupe() })
}

func TestSQLiteWindows(t *testing.T) {
	storetest.RunWindows(t, func(t *testing.T) channel.WindowStore { return storetest.SQLite(t).Windows() })
}

func TestPostgresWindows(t *testing.T) {
	storetest.RunWindows(t, func(t *testing.T) channel.WindowStore { return storetest.Postgres(t).Windows() })
}

func TestRedisWindows(t *testing.T) {
	storetest.RunWindows(t, func(t *testing.T) channel.WindowStore { return storetest.Redis(t).Windows() })
}

func TestSQLiteRecipientLimits(t *testing.T) {
	storetest.RunRecipientLimits(t, func(t *testing.T) channel.RecipientLimitStore { return storetest.SQLite(t).RecipientLimits() })
}

func TestPostgresRecipientLimits(t *testing.T) {
	storetest.RunRecipientLimits(t, func(t *testing.T) channel.RecipientLimitStore { return storetest.Postgres(t).RecipientLimits() })
}

func TestRedisRecipientLimits(t *testing.T) {
	storetest.RunRecipientLimits(t, func(t *testing.T) channel.RecipientLimitStore { return storetest.Redis(t).RecipientLimits() })
}

func TestSQLiteTokenStore(t *testing.T) {
	storetest.RunTokenStore(t, func(t *testing.T) storetest.TokenStore { return storetest.SQLite(t).WeChatTokens("wx123") })
}

func TestPostgresTokenStore(t *testing.T) {
	storetest.RunTokenStore(t, func(t *testing.T) storetest.TokenStore { return storetest.Postgres(t).WeChatTokens("wx123") })
}

func TestRedisTokenStore(t *testing.T) {
	storetest.RunTokenStore(t, func(t *testing.T) storetest.TokenStore { return storetest.Redis(t).WeChatTokens("wx123") })
}

func TestSQLiteConversations(t *testing.T) {
	storetest.RunConversations(t, func(t *testing.T) autoreply.StateStore { return storetest.SQLite(t).Conversations() })
}

func TestPostgresConversations(t *testing.T) {
	storetest.RunConversations(t, func(t *testing.T) autoreply.StateStore { return storetest.Postgres(t).Conversations() })
}

func TestRedisConversations(t *testing.T) {
	storetest.RunConversations(t, func(t *testing.T) autoreply.StateStore { return storetest.Redis(t).Conversations() })
}

// purger is the Purge of the SQL backends.
type purger interface {
	Purge(ctx context.Context, now time.Time) (int64, error)
}

func TestPurgeForgetsOnlyExpiredState(t *testing.T) {
	backends := map[string]func(t *testing.T) (purger, channel.DedupeStore, channel.WindowStore, channel.RecipientLimitStore, autoreply.StateStore){
		"sqlite": func(t *testing.T) (purger, channel.DedupeStore, channel.WindowStore, channel.RecipientLimitStore, autoreply.StateStore) {
			db := storetest.SQLite(t)
			return db, db.Dedupe(), db.Windows(), db.RecipientLimits(), db.Conversations()
		},
		"postgres": func(t *testing.T) (purger, channel.DedupeStore, channel.WindowStore, channel.RecipientLimitStore, autoreply.StateStore) {
			db := storetest.Postgres(t)
			return db, db.Dedupe(), db.Windows(), db.RecipientLimits(), db.Conversations()
		},
	}
	ctx := context.Background()
	t0 := storetest.T0
	for name, open := range backends {
		t.Run(name, func(t *testing.T) {
			p, d, w, l, c := open(t)
			a := channel.Address{Channel: channel.WhatsApp, ID: "85212340003"}
			b := channel.Address{Channel: channel.WhatsApp, ID: "85212340004"}
			// a: everything expires within an hour; b: lives for days.
			_, err := d.Claim(ctx, "a", t0, time.Minute)
			require.NoError(t, err)
			require.NoError(t, d.Complete(ctx, "b", t0, 48*time.Hour))
			require.NoError(t, w.Touch(ctx, a, t0, time.Hour))
			require.NoError(t, w.Touch(ctx, b, t0, 48*time.Hour))
			_, err = l.Take(ctx, a, t0, time.Second, 1)
			require.NoError(t, err)
			_, err = l.Take(ctx, b, t0, 72*time.Hour, 1)
			require.NoError(t, err)
			require.NoError(t, c.Save(ctx, a, autoreply.Conversation{Misses: 1}, t0.Add(time.Hour)))
			require.NoError(t, c.Save(ctx, b, autoreply.Conversation{Misses: 2}, t0.Add(48*time.Hour)))

			n, err := p.Purge(ctx, t0.Add(2*time.Hour))
			require.NoError(t, err)
			assert.EqualValues(t, 4, n, "one row of each table")
			st, err := d.Claim(ctx, "b", t0.Add(2*time.Hour), time.Minute)
			require.NoError(t, err)
			assert.Equal(t, channel.ClaimDone, st)
			_, ok, err := w.LastSeen(ctx, b)
			require.NoError(t, err)
			assert.True(t, ok)
			_, ok, err = w.LastSeen(ctx, a)
			require.NoError(t, err)
			assert.False(t, ok)
			wait, err := l.Take(ctx, b, t0.Add(2*time.Hour), 72*time.Hour, 1)
			require.NoError(t, err)
			assert.Positive(t, wait, "b's allowance is still spent")
			_, ok, err = c.Load(ctx, b, t0.Add(2*time.Hour))
			require.NoError(t, err)
			assert.True(t, ok)
		})
	}
}

func TestSQLiteOutbox(t *testing.T) {
	storetest.RunOutbox(t, func(t *testing.T) channel.Outbox { return storetest.SQLite(t).Outbox() })
}

func TestPostgresOutbox(t *testing.T) {
	storetest.RunOutbox(t, func(t *testing.T) channel.Outbox { return storetest.Postgres(t).Outbox() })
}

func TestRedisOutbox(t *testing.T) {
	storetest.RunOutbox(t, func(t *testing.T) channel.Outbox { return storetest.Redis(t).Outbox() })
}

func TestSQLiteWatches(t *testing.T) {
	storetest.RunWatches(t, func(t *testing.T) tracking.WatchStore { return storetest.SQLite(t).Watches() })
}

func TestPostgresWatches(t *testing.T) {
	storetest.RunWatches(t, func(t *testing.T) tracking.WatchStore { return storetest.Postgres(t).Watches() })
}

func TestRedisWatches(t *testing.T) {
	storetest.RunWatches(t, func(t *testing.T) tracking.WatchStore { return storetest.Redis(t).Watches() })
}

func TestSQLiteRuleStats(t *testing.T) {
	storetest.RunRuleStats(t, func(t *testing.T) autoreply.StatsStore { return storetest.SQLite(t).RuleStats() })
}

func TestPostgresRuleStats(t *testing.T) {
	storetest.RunRuleStats(t, func(t *testing.T) autoreply.StatsStore { return storetest.Postgres(t).RuleStats() })
}

func TestRedisRuleStats(t *testing.T) {
	storetest.RunRuleStats(t, func(t *testing.T) autoreply.StatsStore { return storetest.Redis(t).RuleStats() })
}

func TestSQLiteQuota(t *testing.T) {
	storetest.RunQuota(t, func(t *testing.T) channel.QuotaStore { return storetest.SQLite(t).Quota("wa-tier") })
}

func TestPostgresQuota(t *testing.T) {
	storetest.RunQuota(t, func(t *testing.T) channel.QuotaStore { return storetest.Postgres(t).Quota("wa-tier") })
}

func TestRedisQuota(t *testing.T) {
	storetest.RunQuota(t, func(t *testing.T) channel.QuotaStore { return storetest.Redis(t).Quota("wa-tier") })
}

func TestSQLiteNoticeCaps(t *testing.T) {
	storetest.RunNoticeCaps(t, func(t *testing.T) notify.CapStore { return storetest.SQLite(t).NoticeCaps() })
}

func TestPostgresNoticeCaps(t *testing.T) {
	storetest.RunNoticeCaps(t, func(t *testing.T) notify.CapStore { return storetest.Postgres(t).NoticeCaps() })
}

func TestRedisNoticeCaps(t *testing.T) {
	storetest.RunNoticeCaps(t, func(t *testing.T) notify.CapStore { return storetest.Redis(t).NoticeCaps() })
}

func TestMemoryNoticeCaps(t *testing.T) {
	storetest.RunNoticeCaps(t, func(t *testing.T) notify.CapStore { return notify.NewMemoryCapStore() })
}
