// Package jsonscan is a small, allocation-light pull parser for JSON
// documents whose shape the caller knows: walk objects and arrays with
// callbacks, read the strings and numbers you want (as views into the input
// where nothing needs unescaping), skip the rest without allocating.
//
// Adapters use it on their hot paths instead of encoding/json, whose
// reflection costs most of a small document's parse time: the DHL tracking
// parser reads with a [New] scanner, and the WhatsApp webhook decoder with a
// [NewExact] one, which declines anything encoding/json might read
// differently so that the caller can fall back to encoding/json.
//
// A Scanner is strict: the first doubt (malformed input, a value of another
// type than asked for, nesting deeper than 256, or in exact mode an
// ambiguous key) is recorded as an error, every method is a no-op after it,
// and the caller checks [Scanner.Finish] (or [Scanner.Err]) once at the end.
// No input makes it panic or loop forever.
package jsonscan
