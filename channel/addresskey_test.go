package channel

import (
	"hash/maphash"
	"testing"
)

// TestAddressKeySeparatesChannels: one id on two channels is two customers.
func TestAddressKeySeparatesChannels(t *testing.T) {
	t.Parallel()
	seed := maphash.MakeSeed()
	seen := map[uint64]Address{}
	for _, k := range append(Kinds(), "telegram", "") {
		for _, id := range []string{"", "85291234567", "U4af4980629b0e6a2c1f3d5e7a9b1c3d5"} {
			a := Address{Channel: k, ID: id}
			h := addressKey(seed, a)
			if b, dup := seen[h]; dup {
				t.Fatalf("%v and %v share a key", a, b)
			}
			seen[h] = a
			if addressKey(seed, a) != h {
				t.Fatalf("addressKey(%v) is not stable", a)
			}
		}
	}
}
