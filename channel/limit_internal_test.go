package channel

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sameShard returns n WhatsApp addresses that fall in one shard of l.
func sameShard(l *recipientLimiter, n int) []Address {
	var out []Address
	want := -1
	for i := 0; len(out) < n; i++ {
		a := Address{Channel: WhatsApp, ID: fmt.Sprint("85212340", i)}
		s := int(addressKey(l.seed, a) % recipientShards)
		if want < 0 {
			want = s
		}
		if s == want {
			out = append(out, a)
		}
	}
	return out
}

func TestRecipientLimiterDropsOldestFirst(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name      string
		sends     []int // indexes into the shard's addresses, a second apart
		forgotten []int
		kept      []int
	}{
		{"oldest of three goes", []int{0, 1, 2}, []int{0}, []int{1, 2}},
		{"a recent send keeps it", []int{0, 1, 0, 2}, []int{1}, []int{0, 2}},
		{"under the bound all stay", []int{0, 1}, nil, []int{0, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Two sends an hour each: every send here is allowed and no
			// allowance fills again, so only the bound forgets.
			l := newRecipientLimiter(RecipientLimitConfig{Every: time.Hour, Burst: 2, MaxRecipients: 2 * recipientShards})
			as := sameShard(l, 3)
			sh := &l.shards[addressKey(l.seed, as[0])%recipientShards]
			now := t0
			for _, i := range tt.sends {
				now = now.Add(time.Second)
				require.Zero(t, l.take(as[i], now), "send to %d", i)
			}
			for _, i := range tt.kept {
				assert.Contains(t, sh.idx, addressKey(l.seed, as[i]), "address %d should be kept", i)
			}
			for _, i := range tt.forgotten {
				assert.NotContains(t, sh.idx, addressKey(l.seed, as[i]), "address %d should be forgotten", i)
			}
		})
	}
}

func TestRecipientLimiterForgetsRefilledAndStaysBounded(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := newRecipientLimiter(RecipientLimitConfig{Every: time.Second, MaxRecipients: 1 << 10})
	for i := range 10_000 {
		require.Zero(t, l.take(Address{Channel: LINE, ID: fmt.Sprint("U", i)}, t0.Add(time.Duration(i)*time.Millisecond)))
	}
	total, nodes := 0, 0
	for i := range l.shards {
		sh := &l.shards[i]
		total += len(sh.idx)
		nodes = max(nodes, len(sh.nodes))
		// The list holds exactly the indexed entries, oldest first.
		n, prev := 0, int64(0)
		for h := sh.nodes[0].next; h != 0; h = sh.nodes[h].next {
			require.GreaterOrEqual(t, sh.nodes[h].tat, prev)
			prev = sh.nodes[h].tat
			n++
		}
		require.Equal(t, len(sh.idx), n)
	}
	// Only the last second's recipients (1,000) are still limited; older
	// ones were forgotten as their allowance filled again.
	assert.LessOrEqual(t, total, 1000)
	// The bound, the sentinel and the one taken before the oldest is freed.
	assert.LessOrEqual(t, nodes, 1<<10/recipientShards+2)
}
