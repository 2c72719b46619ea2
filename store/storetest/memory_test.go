package storetest_test

import (
	"testing"

	"github.com/switchboard-go/switchboard/autoreply"
	"github.com/switchboard-go/switchboard/wechat"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/store/storetest"
	"github.com/switchboard-go/switchboard/tracking"
)

func TestMemoryDedupe(t *testing.T) {
	storetest.RunDedupe(t, func(*testing.T) channel.DedupeStore { return channel.NewMemoryDedupeStore(1 << 10) })
}

func TestMemoryTokenStore(t *testing.T) {
	// wechat.MemoryTokenStore gains Release with issue 15's token work;
	// until that lands on this branch there is nothing to run.
	var m any = wechat.NewMemoryTokenStore()
	if _, ok := m.(storetest.TokenStore); !ok {
		t.Skip("wechat.MemoryTokenStore has no Release yet")
	}
	storetest.RunTokenStore(t, func(*testing.T) storetest.TokenStore { return any(wechat.NewMemoryTokenStore()).(storetest.TokenStore) })
}

func TestMemoryConversations(t *testing.T) {
	storetest.RunConversations(t, func(*testing.T) autoreply.StateStore { return autoreply.NewMemoryStore(nil) })
}

func TestMemoryOutbox(t *testing.T) {
	storetest.RunOutbox(t, func(*testing.T) channel.Outbox { return channel.NewMemoryOutbox() })
}

func TestMemoryWatches(t *testing.T) {
	storetest.RunWatches(t, func(*testing.T) tracking.WatchStore { return tracking.NewMemoryStore() })
}
