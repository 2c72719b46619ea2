package channel

// dedupeFilter is a split block Bloom filter (the layout Apache Parquet
// specifies): each key sets one bit in each of the eight 32-bit words of
// one 32-byte block, so a lookup reads a single cache line. With 10 bits a
// key it answers "maybe" for about 1.3 % of absent keys and never answers
// "no" for a present one. It cannot forget a key: when its generation is
// dropped, the shard resets it.
type dedupeFilter struct {
	blocks [][8]uint32
}

// filterSalts are the eight odd multipliers of Parquet's split block Bloom
// filter: each maps the key's 32 bits to the bit set in one word.
var filterSalts = [8]uint32{
	0x47b6137b, 0x44974d91, 0x8824ad5b, 0xa2b7289d,
	0x705495c7, 0x2df1424b, 0x9efc4947, 0x5c6bfb31,
}

// newDedupeFilter returns a filter sized for n keys at 10 bits a key (8
// bits measured 3.5 % false positives, each a needless probe of a big
// table, and new ids about 5 % slower).
func newDedupeFilter(n int) dedupeFilter {
	return dedupeFilter{blocks: make([][8]uint32, max(1, n*10/256))}
}

// The key's bits 0–5 chose the shard and are the same for every key of a
// filter: the block comes from bits 38–63, the bits within it from 6–37.
func (f *dedupeFilter) block(k uint64) *[8]uint32 {
	return &f.blocks[(k>>38)*uint64(len(f.blocks))>>26]
}

// add adds k and reports whether it may have been there already (all its
// bits were set): false means k was certainly not.
func (f *dedupeFilter) add(k uint64) bool {
	had := f.mayHave(k)
	b, x := f.block(k), uint32(k>>6)
	for i, salt := range filterSalts {
		b[i] |= 1 << (x * salt >> 27)
	}
	return had
}

// mayHave reports false only for a key never added since the last reset.
// It reads all eight words without branching on them: whether a bit is set
// is a coin toss the branch predictor cannot learn.
func (f *dedupeFilter) mayHave(k uint64) bool {
	b, x := f.block(k), uint32(k>>6)
	var missing uint32
	for i, salt := range filterSalts {
		bit := uint32(1) << (x * salt >> 27)
		missing |= bit &^ b[i]
	}
	return missing == 0
}

func (f *dedupeFilter) reset() { clear(f.blocks) }
