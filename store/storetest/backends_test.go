package storetest_test

import (
	"testing"

	"github.com/switchboard-go/switchboard/autoreply"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/store/storetest"
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
