package storetest_test

import (
	"testing"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/store/storetest"
)

func TestMemoryDedupe(t *testing.T) {
	storetest.RunDedupe(t, func(*testing.T) channel.DedupeStore { return channel.NewMemoryDedupeStore(1 << 10) })
}
