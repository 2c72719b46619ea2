package channel

// dedupeFilter is a pair of split block Bloom filters (the layout Apache
// Parquet specifies), one for each generation of a dedupe shard, with the
// two filters' blocks for a key side by side in one 64-byte cache line: a
// new id, the common case, costs one cache miss to learn that neither
// generation has it. Each key sets one bit in each of the eight 32-bit
// words of its generation's 32-byte block; the words are kept in pairs,
// as uint64s, so that a key's bits are tested and set four words at once.
// With 10 bits a key a filter answers "maybe" for about 1.3 % of absent
// keys and never answers "no" for a present one. It cannot forget a key:
// when a generation is dropped, rotate clears its half.
type dedupeFilter struct {
	lines [][8]uint64 // words 0–3 of each line: one generation; 4–7: the other
	cur   int         // 0 or 4: where the current generation's words start
}

// newDedupeFilter returns a filter pair sized for n keys a generation at
// 10 bits a key (8 bits measured 3.5 % false positives, each a needless
// probe of a big table, and new ids about 5 % slower).
func newDedupeFilter(n int) dedupeFilter {
	return dedupeFilter{lines: make([][8]uint64, max(1, n*10/256))}
}

// filterBits returns the key's bit in each 32-bit word of a block, as
// four word pairs. The multipliers are Parquet's eight salts: each maps
// the key's 32 bits to the bit set in one word.
func filterBits(k uint64) [4]uint64 {
	x := uint32(k >> 6)
	return [4]uint64{
		1<<(x*0x47b6137b>>27) | 1<<(x*0x44974d91>>27+32),
		1<<(x*0x8824ad5b>>27) | 1<<(x*0xa2b7289d>>27+32),
		1<<(x*0x705495c7>>27) | 1<<(x*0x2df1424b>>27+32),
		1<<(x*0x9efc4947>>27) | 1<<(x*0x5c6bfb31>>27+32),
	}
}

// add adds k to the current generation and reports whether each
// generation may have had it already (all its bits were set): false means
// certainly not.
func (f *dedupeFilter) add(k uint64) (inCur, inPrev bool) {
	m := filterBits(k)
	cur, prev := f.halves(k)
	inCur, inPrev = has(cur, &m), has(prev, &m)
	cur[0] |= m[0]
	cur[1] |= m[1]
	cur[2] |= m[2]
	cur[3] |= m[3]
	return inCur, inPrev
}

// halves returns the current and the previous generation's block for k.
// The key's bits 0–5 chose the shard and are the same for every key of a
// filter: the line comes from bits 38–63, the bits within it (filterBits)
// from 6–37.
func (f *dedupeFilter) halves(k uint64) (cur, prev *[4]uint64) {
	// f.cur is 0 or 4; masking it lets the compiler drop the bounds checks.
	l, c := &f.lines[(k>>38)*uint64(len(f.lines))>>26], f.cur&4
	return (*[4]uint64)(l[c : c+4]), (*[4]uint64)(l[4-c : 8-c])
}

// has reports whether all of a key's bits m are set in block b. It tests
// every word without branching: whether a bit is set is a coin toss the
// branch predictor cannot learn.
func has(b, m *[4]uint64) bool {
	return m[0]&^b[0]|m[1]&^b[1]|m[2]&^b[2]|m[3]&^b[3] == 0
}

// rotate drops the previous generation's keys and makes the current
// generation the previous one, starting an empty current one.
func (f *dedupeFilter) rotate() {
	prev := 4 - f.cur
	for i := range f.lines {
		clear(f.lines[i][prev : prev+4])
	}
	f.cur = prev
}
