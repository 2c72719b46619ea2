// Package textsplit cuts long texts into parts a messaging platform accepts,
// counting characters the way the platform does and cutting where a reader
// expects a break: between paragraphs, then lines, then sentences, then words.
//
// A cut never falls inside a UTF-16 surrogate pair or an extended grapheme
// cluster (UAX #29): a letter with its combining marks, an emoji ZWJ sequence,
// a flag, a Thai consonant with its vowel and tone marks stay in one part.
//
// Invalid UTF-8 is handled without panicking: each invalid byte is kept as it
// is, counts as one unit (as the U+FFFD it would be decoded to) and is a
// cluster of its own.
//
// Everything in the package is a pure function, safe for concurrent use.
package textsplit
