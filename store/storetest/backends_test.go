package storetest_test

import (
	"testing"

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
