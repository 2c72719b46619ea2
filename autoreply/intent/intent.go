// Package intent is a small statistical intent classifier for short customer
// messages: multinomial naive Bayes over character n-grams, trained in
// memory from labelled examples. It is meant as the fallback of an
// autoreply.Engine (autoreply.Config.Fallback) for messages that no keyword
// rule matches: keywords stay the precise, explainable first answer, and the
// model catches paraphrases the keyword list lacks. Trained with a
// NoneConfidence or a StatementNoneConfidence it is also an
// autoreply.Vetoer (it withholds a keyword's answer to small talk), and with
// an OverruleConfidence an autoreply.Overruler (it replaces a keyword's rule
// when it is very sure of another).
//
//	m, err := intent.Train(examples, intent.Config{Normalize: norm})
//	label, p := m.Classify(text)   // most probable label and its posterior
//	tag := m.Intent(text)          // "" unless p ≥ MinConfidence and the label is not NoneLabel
//	quiet := m.NeedsNoAnswer(text) // small talk (see NoneConfidence, StatementNoneConfidence)
//	other := m.Overrule(text, tag) // another label than tag won with p ≥ OverruleConfidence (if set)
//
// Features are the character n-grams (2 to 4 runes) of each word with its
// boundaries marked, the whole words, and whether the message has a question
// mark (? ¿ ؟ or the full-width ？ once normalized); for scripts written without
// spaces (Han, kana, Thai) the n-grams run across the text. Arabic letters
// are folded further than autoreply's normalization does (hamza forms of
// alef to alef, alef maqsura to ya, ta marbuta to ha), because writers mix
// them freely in chat.
//
// The model must learn what needs no answer as well as what does: examples
// labelled Config.NoneLabel (greetings, thanks, small talk) are a class like
// the others, and Intent answers "" when that class wins or when the winner
// is not probable enough. Training needs no network and no files: the caller
// passes the examples.
package intent

import (
	"errors"
	"fmt"
	"hash/maphash"
	"math"
	"slices"
	"unicode"
	"unicode/utf8"
)

// Example is one labelled training message.
type Example struct {
	// Text is the customer's message as written (Train normalizes it).
	Text string
	// Label is the intent it expresses: a rule name, or Config.NoneLabel
	// for a message that needs no answer (small talk).
	Label string
}

// Config configures Train.
type Config struct {
	// Normalize is applied to every training text, and must be what the
	// caller applies to the texts it classifies (autoreply.Normalize with
	// the engine's diacritics setting, for an engine's fallback). nil
	// means the texts are used as they are.
	Normalize func(string) string
	// NoneLabel is the label of messages that want no answer; "" means
	// "none". Train requires at least one example with it.
	NoneLabel string
	// MinConfidence is the posterior probability the best label needs for
	// Intent to return it; 0 means DefaultMinConfidence.
	MinConfidence float64
	// NoneConfidence is the posterior probability the none label needs for
	// NeedsNoAnswer to report true, so that an autoreply.Engine withholds
	// the answer of a keyword the message matched (autoreply.Vetoer); 0
	// means never.
	NoneConfidence float64
	// StatementNoneConfidence, when not 0, lets NeedsNoAnswer also report
	// true, and Intent answer "", for a message without a question mark to
	// which a second view of the same counts, with every label but
	// NoneLabel pooled into one ("wants an answer"), gives NoneLabel at
	// least this posterior. The pooled view weighs thanks and status words
	// against all requests at once instead of against the one request
	// whose words the message shares, which is how small talk that names a
	// shop word ("the refund came through, thanks") loses to that request
	// in the full model. It costs a second table of two columns beside the
	// model's. 0 means never.
	StatementNoneConfidence float64
	// OverruleConfidence is the posterior probability another label needs
	// for Overrule to replace a keyword's rule with it, so that an
	// autoreply.Engine answers with that label's rule instead
	// (autoreply.Overruler); 0 means never.
	OverruleConfidence float64
	// Smoothing is the additive (Lidstone) smoothing of n-gram counts; 0
	// means 0.5.
	Smoothing float64
}

// DefaultMinConfidence is Config.MinConfidence's default.
const DefaultMinConfidence = 0.95

// ErrNoExamples is returned by Train when it has nothing to learn from, or
// no example of the none label.
var ErrNoExamples = errors.New("intent: no examples")

// Model is a trained classifier. It is immutable and safe for concurrent
// use.
type Model struct {
	labels  []string
	none    int
	minConf float64
	// noneConf is Config.NoneConfidence (0: NeedsNoAnswer is always false).
	noneConf float64
	// overConf is Config.OverruleConfidence (0: Overrule always keeps).
	overConf float64
	// stmtNoneConf is Config.StatementNoneConfidence (0: no pooled view).
	stmtNoneConf float64
	// seeds hash each kind of feature (see the kind constants) apart.
	seeds [kinds]maphash.Seed
	// question and statement are the features of a message with and
	// without a question mark (see askWeight).
	question, statement uint64
	// feats maps a feature's hash to its row in logp.
	feats map[uint64]int32
	// logp[row*len(labels)+c] is log P(feature | label c).
	logp []float64
	// pooled[row*2] is log P(feature | NoneLabel) and pooled[row*2+1] log
	// P(feature | any other label), when stmtNoneConf is set.
	pooled []float64
}

// Train learns a model from examples. Labels are taken as they are; an
// example whose normalized text is empty is skipped. It returns
// ErrNoExamples (wrapped) if no example is left, or none carries the none
// label.
func Train(examples []Example, cfg Config) (*Model, error) {
	if cfg.NoneLabel == "" {
		cfg.NoneLabel = "none"
	}
	if cfg.MinConfidence <= 0 {
		cfg.MinConfidence = DefaultMinConfidence
	}
	if cfg.Smoothing <= 0 {
		cfg.Smoothing = 0.5
	}
	m := &Model{minConf: cfg.MinConfidence, noneConf: cfg.NoneConfidence, overConf: cfg.OverruleConfidence,
		stmtNoneConf: cfg.StatementNoneConfidence, feats: map[uint64]int32{}, none: -1}
	for k := range m.seeds {
		m.seeds[k] = maphash.MakeSeed()
	}
	m.question, m.statement = maphash.String(m.seeds[kindAsks], "?"), maphash.String(m.seeds[kindAsks], ".")
	labelIndex := map[string]int{}
	// First the feature rows of every example, so that the counts can then
	// be one dense table of rows × labels.
	var rows []int32   // the rows of each kept example's features, one example after another
	var ends, of []int // where each kept example's rows end, and its label
	var hs []uint64
	for _, ex := range examples {
		text := ex.Text
		if cfg.Normalize != nil {
			text = cfg.Normalize(text)
		}
		hs = m.features(hs[:0], text)
		if len(hs) == 0 {
			continue
		}
		c, ok := labelIndex[ex.Label]
		if !ok {
			c = len(m.labels)
			labelIndex[ex.Label] = c
			m.labels = append(m.labels, ex.Label)
		}
		for _, h := range hs {
			row, ok := m.feats[h]
			if !ok {
				row = int32(len(m.feats))
				m.feats[h] = row
			}
			rows = append(rows, row)
		}
		ends, of = append(ends, len(rows)), append(of, c)
	}
	if len(m.labels) == 0 {
		return nil, fmt.Errorf("%w to learn from", ErrNoExamples)
	}
	none, ok := labelIndex[cfg.NoneLabel]
	if !ok {
		return nil, fmt.Errorf("%w labelled %q: the model must learn what needs no answer", ErrNoExamples, cfg.NoneLabel)
	}
	m.none = none
	nl := len(m.labels)
	m.logp = make([]float64, len(m.feats)*nl) // the counts, until turned into log-probabilities
	totals := make([]float64, nl)
	start := 0
	for i, end := range ends {
		c := of[i]
		for _, row := range rows[start:end] {
			m.logp[int(row)*nl+c]++
		}
		totals[c] += float64(end - start)
		start = end
	}
	if m.stmtNoneConf > 0 {
		m.pooled = make([]float64, len(m.feats)*2)
		for i, n := range m.logp {
			col := 1
			if i%nl == none {
				col = 0
			}
			m.pooled[i/nl*2+col] += n
		}
		var all float64
		for _, t := range totals {
			all += t
		}
		toLogProbs(m.pooled, []float64{totals[none], all - totals[none]}, cfg.Smoothing)
	}
	toLogProbs(m.logp, totals, cfg.Smoothing)
	return m, nil
}

// toLogProbs turns counts (rows × len(totals), totals[c] the sum of column
// c) into log-probabilities with Lidstone smoothing. Priors are uniform
// (nothing to add): how many examples a label has says how much was written
// for it, not how often customers ask it.
func toLogProbs(counts, totals []float64, smoothing float64) {
	nl := len(totals)
	rows := len(counts) / nl
	denom, unseen := make([]float64, nl), make([]float64, nl)
	for c := range nl {
		denom[c] = math.Log(totals[c] + smoothing*float64(rows))
		unseen[c] = math.Log(smoothing) - denom[c]
	}
	for i, n := range counts {
		if n == 0 {
			counts[i] = unseen[i%nl]
		} else {
			counts[i] = math.Log(n+smoothing) - denom[i%nl]
		}
	}
}

// Labels returns the labels the model knows, in the order they first
// appeared in the training examples.
func (m *Model) Labels() []string { return slices.Clone(m.labels) }

// Classify returns the most probable label of text, which must be
// normalized as Config.Normalize normalized the training texts, and its
// posterior probability. Text with no word the model has seen (empty, only
// punctuation, only unknown words) gets the none label with probability 1.
func (m *Model) Classify(text string) (label string, p float64) {
	var buf [256]uint64
	best, p := m.posterior(m.features(buf[:0], text), m.logp, len(m.labels))
	if best < 0 {
		return m.labels[m.none], 1
	}
	return m.labels[best], p
}

// posterior scores the features hs against table (rows × n log-
// probabilities) and returns the best column and its posterior, or -1 when
// hs holds no word the model has seen. It allocates nothing for n ≤ 16.
func (m *Model) posterior(hs []uint64, table []float64, n int) (best int, p float64) {
	var sbuf [16]float64
	scores := sbuf[:]
	if n > len(sbuf) {
		scores = make([]float64, n)
	}
	scores = scores[:n] // every label starts at 0: uniform priors
	seen, words := 0, 0
	for _, h := range hs {
		row, ok := m.feats[h]
		if !ok {
			continue // a feature no label has seen says nothing
		}
		seen++
		if h != m.question && h != m.statement {
			words++
		}
		for c := range n {
			scores[c] += table[int(row)*n+c]
		}
	}
	if words == 0 {
		return -1, 0 // a question mark alone says nothing either
	}
	// The n-grams of a word are far from independent; scaling the sum by
	// the number of features keeps the posterior from being certain of
	// everything.
	for c := range n {
		scores[c] /= math.Sqrt(float64(seen))
		if scores[c] > scores[best] {
			best = c
		}
	}
	var z float64
	for c := range n {
		z += math.Exp(scores[c] - scores[best])
	}
	return best, 1 / z
}

// Intent returns the label of text if it is probable enough (at least
// Config.MinConfidence), not the none label, and, with
// Config.StatementNoneConfidence set, not small talk by the pooled view;
// else "". It is the method by which a Model serves as an
// autoreply.Classifier.
func (m *Model) Intent(text string) string {
	var buf [256]uint64
	hs := m.features(buf[:0], text)
	best, p := m.posterior(hs, m.logp, len(m.labels))
	if best < 0 || p < m.minConf || best == m.none || m.pooledNone(hs) {
		return ""
	}
	return m.labels[best]
}

// pooledNone reports whether the pooled view, when set, gives none at
// least Config.StatementNoneConfidence for the features hs of a message
// without a question mark.
func (m *Model) pooledNone(hs []uint64) bool {
	if m.stmtNoneConf <= 0 || slices.Contains(hs, m.question) {
		return false
	}
	best, p := m.posterior(hs, m.pooled, 2)
	return best < 0 || best == 0 && p >= m.stmtNoneConf
}

// NeedsNoAnswer reports whether the none label wins for text with a
// posterior of at least Config.NoneConfidence, or, with
// Config.StatementNoneConfidence set and no question mark in text, whether
// the pooled view (none against every other label at once) gives none at
// least that posterior. It is false when neither is set. It is the method by
// which a Model serves as an autoreply.Vetoer: an engine then withholds the
// answer of a keyword that text matched, for small talk that happens to
// contain one ("thanks, the refund arrived").
func (m *Model) NeedsNoAnswer(text string) bool {
	if m.noneConf <= 0 && m.stmtNoneConf <= 0 {
		return false
	}
	var buf [256]uint64
	hs := m.features(buf[:0], text)
	if m.noneConf > 0 {
		if best, p := m.posterior(hs, m.logp, len(m.labels)); best < 0 || best == m.none && p >= m.noneConf {
			return true
		}
	}
	return m.pooledNone(hs)
}

// Overrule returns the most probable label of text when it is neither tag
// nor the none label and its posterior is at least
// Config.OverruleConfidence, else ""; always "" when that is 0. It is the
// method by which a Model serves as an autoreply.Overruler: the engine then
// answers with that label's rule instead of the rule (first tag tag) whose
// keyword matched.
func (m *Model) Overrule(text, tag string) string {
	if m.overConf <= 0 {
		return ""
	}
	label, p := m.Classify(text)
	if p < m.overConf || label == tag || label == m.labels[m.none] {
		return ""
	}
	return label
}

// features appends the hashes of text's features to dst: every word, the
// character n-grams of 2 to 4 runes of each word between boundary marks,
// and whether text asks (askWeight times); a run of a script without spaces
// is one word. Arabic letters are folded first (see foldArabic), digits
// read as 0.
func (m *Model) features(dst []uint64, text string) []uint64 {
	var rbuf [64]rune
	word := append(rbuf[:0], wordStart) // the word being read, after its start mark
	prevSpaced := false
	asks := false
	for _, r := range text {
		if r == '?' || r == '¿' || r == '؟' {
			asks = true
		}
		if !(unicode.IsLetter(r) || unicode.IsMark(r) || unicode.IsDigit(r) || r == '\'') {
			dst = m.wordFeatures(dst, word)
			word = word[:1]
			continue
		}
		if unicode.IsDigit(r) {
			r = '0'
		}
		r = foldArabic(r)
		spaced := !unspaced(r)
		if len(word) > 1 && spaced != prevSpaced {
			dst = m.wordFeatures(dst, word)
			word = word[:1]
		}
		prevSpaced = spaced
		word = append(word, r)
	}
	dst = m.wordFeatures(dst, word)
	if len(dst) == 0 {
		return dst
	}
	mark := m.statement
	if asks {
		mark = m.question
	}
	for range askWeight {
		dst = append(dst, mark)
	}
	return dst
}

// askWeight is how many features a message's question mark, or the lack of
// one, counts as. Whether a message asks is the best single sign that it
// wants an answer ("the refund arrived, thanks" against "has the refund
// arrived?"), worth more than one n-gram of its words. Three was chosen by
// the shop bot's cross-validation on messages of 12 languages (1 to 6
// compared: 3 gained 8 messages over 1, more gained nothing).
const askWeight = 3

// Word boundary marks around a word's runes for its n-grams.
const (
	wordStart = '\x02'
	wordEnd   = '\x03'
)

// The kinds of feature, each hashed with a seed of its own: a word, whether
// the message asks, and the n-grams of 2, 3 and 4 runes (kind n).
const (
	kindWord = iota
	kindAsks
	_
	_
	_
	kinds
)

// wordFeatures appends the features of word, which starts with wordStart;
// a word of no runes has none. The word is written out once in UTF-8 with
// its end mark, and each feature hashes a stretch of those bytes.
func (m *Model) wordFeatures(dst []uint64, word []rune) []uint64 {
	if len(word) < 2 {
		return dst
	}
	var bbuf [256]byte
	var obuf [72]int
	b, off := bbuf[:0], obuf[:0] // off[i]: where rune i of word + wordEnd starts in b
	for _, r := range append(word, wordEnd) {
		off = append(off, len(b))
		b = utf8.AppendRune(b, r)
	}
	off = append(off, len(b))
	dst = append(dst, maphash.Bytes(m.seeds[kindWord], b[off[1]:off[len(word)]]))
	runes := len(word) + 1
	for n := 2; n <= 4; n++ {
		for i := 0; i+n <= runes; i++ {
			dst = append(dst, maphash.Bytes(m.seeds[n], b[off[i]:off[i+n]]))
		}
	}
	return dst
}

// unspaced reports whether r belongs to a script written without spaces
// between words.
func unspaced(r rune) bool {
	return r >= '\u0e00' && unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Thai, unicode.Lao, unicode.Khmer, unicode.Myanmar)
}

// foldArabic folds the Arabic letters that chat writes interchangeably:
// alef with hamza or madda and alef wasla to alef, alef maqsura and ya with
// hamza to ya, waw with hamza to waw, ta marbuta to ha.
func foldArabic(r rune) rune {
	switch r {
	case 'أ', 'إ', 'آ', 'ٱ':
		return 'ا'
	case 'ى', 'ئ':
		return 'ي'
	case 'ؤ':
		return 'و'
	case 'ة':
		return 'ه'
	}
	return r
}
