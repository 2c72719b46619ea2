package lang

import (
	"embed"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/language"
	"golang.org/x/text/unicode/norm"
)

// The shop's languages (the starter set of examples/shopbot).
var (
	Arabic             = language.MustParse("ar")
	German             = language.MustParse("de")
	English            = language.MustParse("en")
	Spanish            = language.MustParse("es")
	French             = language.MustParse("fr")
	Indonesian         = language.MustParse("id")
	Japanese           = language.MustParse("ja")
	Korean             = language.MustParse("ko")
	BrazilianPortugese = language.MustParse("pt-BR")
	Thai               = language.MustParse("th")
	Vietnamese         = language.MustParse("vi")
	SimplifiedChinese  = language.MustParse("zh-Hans")
	TraditionalChinese = language.MustParse("zh-Hant")
)

// DefaultLanguages returns the 12 languages of the shop's starter rule set,
// the default of Config.Languages. Each call returns a new slice.
func DefaultLanguages() []language.Tag {
	return []language.Tag{Arabic, German, English, Spanish, French, Indonesian, Japanese,
		BrazilianPortugese, Thai, Vietnamese, SimplifiedChinese, TraditionalChinese}
}

// ErrUnsupported is returned by New for a language the detector cannot
// tell: one neither written in a script of its own (ar, th, ko, ja, zh-Hans,
// zh-Hant) nor among the Latin-script languages it has training text for
// (de, en, es, fr, id, pt-BR, vi).
var ErrUnsupported = errors.New("lang: unsupported language")

// Method says how a Result was decided. A plain value.
type Method int

// Methods. The zero value means nothing was decided.
const (
	// None: the text has no letters (emoji, digits) and no prior was given.
	None Method = iota
	// Script: the letters' script decided (Thai, Arabic, Hangul, kana, Han).
	Script
	// Statistical: the Latin-script model decided.
	Statistical
	// Prior: the message said too little and the conversation or profile
	// decided (DetectIn).
	Prior
)

// String returns the method's name in lower case.
func (m Method) String() string {
	switch m {
	case None:
		return "none"
	case Script:
		return "script"
	case Statistical:
		return "statistical"
	case Prior:
		return "prior"
	}
	return fmt.Sprintf("Method(%d)", int(m))
}

// Result is a detected language. A plain value.
type Result struct {
	// Lang is the detected language; language.Und when Method is None.
	Lang language.Tag
	// Confidence is the share of the evidence for Lang, in [0, 1]: 1 when
	// a script decided unambiguously, the model's posterior otherwise.
	Confidence float64
	// Method says what decided.
	Method Method
}

// Config configures a Detector.
type Config struct {
	// Languages are the languages to choose from; nil means
	// DefaultLanguages. The order breaks ties: of two equally likely
	// languages, the earlier wins (Han text with no character peculiar to
	// either script is the first Chinese in the list).
	Languages []language.Tag
}

// scriptLangs are the languages decided by script alone.
var scriptLangs = []language.Tag{Arabic, Thai, Korean, Japanese, SimplifiedChinese, TraditionalChinese}

// Detector detects the language of short chat messages. Build one with New
// and share it: it is immutable and safe for concurrent use.
type Detector struct {
	langs []language.Tag // as configured
	has   map[language.Tag]bool
	zh    []language.Tag // the configured Chinese, in configured order
	m     *model         // nil when no Latin-script language is configured
}

//go:embed data/*.txt
var trainingText embed.FS

// New builds a Detector for cfg.Languages. It returns an error wrapping
// ErrUnsupported for a language it cannot tell.
func New(cfg Config) (*Detector, error) {
	langs := cfg.Languages
	if langs == nil {
		langs = DefaultLanguages()
	}
	d := &Detector{langs: slices.Clone(langs), has: map[language.Tag]bool{}}
	var latin []language.Tag
	var texts []string
	for _, t := range langs {
		if d.has[t] {
			continue
		}
		d.has[t] = true
		if slices.Contains(scriptLangs, t) {
			if t == SimplifiedChinese || t == TraditionalChinese {
				d.zh = append(d.zh, t)
			}
			continue
		}
		b, err := trainingText.ReadFile("data/" + t.String() + ".txt")
		if err != nil {
			return nil, fmt.Errorf("%w: %s", ErrUnsupported, t)
		}
		latin = append(latin, t)
		texts = append(texts, string(b))
	}
	if len(latin) > 0 {
		d.m = train(latin, texts)
	}
	return d, nil
}

// Languages returns the configured languages, in order.
func (d *Detector) Languages() []language.Tag { return slices.Clone(d.langs) }

// counts holds the letters of a message by script.
type counts struct {
	latin, thai, arabic, hangul, kana, han int
	simp, trad                             int // Han characters peculiar to one script
	simpLean, tradLean                     int // characters of both scripts one region's chat prefers (hanLean)
}

// hanLean tells, for a Han character both scripts have, which one chat
// written in it more likely is: 1 Simplified, 2 Traditional, 0 neither.
// Unihan's tables leave them out because each is a valid character in both,
// but in short chat they lean: mainland writers use 么 (什么), 里 (这里), 后
// (以后), 干 and the particles 哦 啥 咋 啰 where Taiwan and Hong Kong write
// 麼, 裡, 後, 乾 and 喔 唷 欸; 著 is the Traditional 着. (麼 and 裡 are
// already peculiar to Traditional in Unihan's tables.) A leaning character
// counts half of a peculiar one.
func hanLean(r rune) int {
	switch r {
	case '么', '里', '后', '干', '哦', '啥', '咋', '啰':
		return 1
	case '後', '著', '乾', '喔', '唷', '欸':
		return 2
	}
	return 0
}

func scan(text string) counts {
	var c counts
	for _, r := range text {
		switch {
		case r < 0x80:
			if r|0x20 >= 'a' && r|0x20 <= 'z' {
				c.latin++
			}
		case r >= 0x0E01 && r <= 0x0E5B:
			c.thai++
		case r >= 0x0600 && r <= 0x06FF || r >= 0x0750 && r <= 0x077F || r >= 0xFB50 && r <= 0xFDFF || r >= 0xFE70 && r <= 0xFEFF:
			if unicode.IsLetter(r) {
				c.arabic++
			}
		case r >= 0x3041 && r <= 0x30FA || r >= 0x31F0 && r <= 0x31FF || r >= 0xFF66 && r <= 0xFF9D:
			c.kana++
		case r >= 0xAC00 && r <= 0xD7A3 || r >= 0x1100 && r <= 0x11FF || r >= 0x3131 && r <= 0x318E:
			c.hangul++
		case r >= hanLo && r <= hanHi:
			c.han++
			i := r - hanLo
			if hanSimplified[i/8]&(1<<(i%8)) != 0 {
				c.simp++
			}
			if hanTraditional[i/8]&(1<<(i%8)) != 0 {
				c.trad++
			}
			switch hanLean(r) {
			case 1:
				c.simpLean++
			case 2:
				c.tradLean++
			}
		case unicode.Is(unicode.Han, r):
			c.han++
		case unicode.Is(unicode.Latin, r):
			c.latin++
		}
	}
	return c
}

// Detect returns the language of text among the configured ones, from the
// text alone. Text with no letters gives Method None and language.Und.
func (d *Detector) Detect(text string) Result {
	res, _ := d.detect(text, nil)
	return res
}

// Context is what is known about a message's sender besides the message.
// A plain value.
type Context struct {
	// Recent are the languages of the conversation's latest messages, the
	// most recent first (their detected or confirmed languages).
	Recent []language.Tag
	// Profile is the customer's preferred language, language.Und if none.
	Profile language.Tag
}

// Weights of the prior: a message that says little (one word shared by two
// languages, an emoji) takes the conversation's language; one that says much
// overrides it. Scores are log-likelihoods, so a weight is how many nats of
// evidence it takes to move away from the prior.
const (
	priorRecent  = 2.5 // the latest message's language
	priorOlder   = 1.0 // each earlier one, up to maxRecent
	priorProfile = 1.5
	maxRecent    = 4
)

// DetectIn returns the language of text in its conversation: the message's
// own evidence combined with the languages of the conversation's recent
// messages and the profile's preference. A message with no letters takes
// the most recent language (or the profile's), with Method Prior.
func (d *Detector) DetectIn(text string, c Context) Result {
	prior := func(t language.Tag) float64 {
		p := 0.0
		for i, r := range c.Recent[:min(len(c.Recent), maxRecent)] {
			if r == t {
				if i == 0 {
					p += priorRecent
				} else {
					p += priorOlder
				}
			}
		}
		if c.Profile == t {
			p += priorProfile
		}
		return p
	}
	res, scores := d.detect(text, prior)
	if res.Method != None || scores != nil {
		return res
	}
	for _, t := range append(slices.Clip(c.Recent), c.Profile) {
		if d.has[t] {
			return Result{Lang: t, Confidence: 0.5, Method: Prior}
		}
	}
	return res
}

// detect decides text; prior, when not nil, adds its value to each
// candidate's log score. scores is non-nil when the statistical model ran.
func (d *Detector) detect(text string, prior func(language.Tag) float64) (Result, []float64) {
	c := scan(text)
	type cand struct {
		t language.Tag
		n int
	}
	// A Han character or a kana says about as much as a Latin word.
	nonLatin := []cand{{Thai, c.thai}, {Arabic, c.arabic}, {Korean, 3 * c.hangul}}
	if c.kana > 0 {
		nonLatin = append(nonLatin, cand{Japanese, 3 * (c.kana + c.han)})
	} else if c.han > 0 {
		nonLatin = append(nonLatin, cand{language.Chinese, 3 * c.han})
	}
	best := cand{}
	total := 0
	for _, x := range nonLatin {
		total += x.n
		if x.n > best.n && (d.has[x.t] || x.t == language.Chinese && len(d.zh) > 0) {
			best = x
		}
	}
	if best.n > 0 && (best.n >= c.latin || d.m == nil) {
		conf := float64(best.n) / float64(total+c.latin)
		if best.t != language.Chinese {
			return Result{Lang: best.t, Confidence: conf, Method: Script}, nil
		}
		return d.chinese(c, conf, prior), nil
	}
	if c.latin == 0 || d.m == nil {
		return Result{Lang: language.Und}, nil
	}
	scores := d.m.score(text)
	bi := 0
	for i := range scores {
		if prior != nil {
			scores[i] += prior(d.m.langs[i])
		}
		if scores[i] > scores[bi] {
			bi = i
		}
	}
	// Posterior of the best: 1 / Σ exp(s_i - s_best).
	sum := 0.0
	for _, s := range scores {
		sum += math.Exp(s - scores[bi])
	}
	return Result{Lang: d.m.langs[bi], Confidence: 1 / sum, Method: Statistical}, scores
}

// chinese chooses between the configured Simplified and Traditional Chinese
// from the characters peculiar to each, then the prior, then the order of
// configuration.
func (d *Detector) chinese(c counts, conf float64, prior func(language.Tag) float64) Result {
	if len(d.zh) == 1 {
		return Result{Lang: d.zh[0], Confidence: conf, Method: Script}
	}
	// A peculiar character weighs 2, a leaning one 1.
	simp, trad := 2*c.simp+c.simpLean, 2*c.trad+c.tradLean
	switch {
	case simp > trad:
		return Result{Lang: SimplifiedChinese, Confidence: conf * float64(simp) / float64(simp+trad), Method: Script}
	case trad > simp:
		return Result{Lang: TraditionalChinese, Confidence: conf * float64(trad) / float64(simp+trad), Method: Script}
	}
	// No character tells them apart (的, 好, 我): half the confidence.
	if prior != nil {
		ps, pt := prior(SimplifiedChinese), prior(TraditionalChinese)
		if ps != pt {
			t := SimplifiedChinese
			if pt > ps {
				t = TraditionalChinese
			}
			return Result{Lang: t, Confidence: conf / 2, Method: Prior}
		}
	}
	return Result{Lang: d.zh[0], Confidence: conf / 2, Method: Script}
}

// model is a naive Bayes model of Latin-script chat over words and
// character trigrams, trained from data/*.txt: text written for it, each
// line also learnt without its diacritics, so "nao" counts like "não".
type model struct {
	langs []language.Tag
	// feat maps a word ("w:" prefix) or trigram to its row in logp.
	feat map[string]int32
	// logp[row*n+i] is the log-probability of the feature in language i,
	// weighted; unseen[i] that of a feature language i never saw.
	logp   []float32
	unseen []float32
}

// Feature weights: a known word says more than one of its trigrams.
const (
	wordWeight    = 2.0
	trigramWeight = 1.0
	smoothing     = 0.5
)

func train(langs []language.Tag, texts []string) *model {
	n := len(langs)
	m := &model{langs: langs, feat: map[string]int32{}, unseen: make([]float32, n)}
	var counts [][]float64 // per feature, per language
	totals := make([][2]float64, n)
	var buf []byte
	for i, text := range texts {
		for line := range strings.Lines(text) {
			if strings.HasPrefix(line, "#") {
				continue
			}
			for _, variant := range []string{line, stripDiacritics(line)} {
				buf = appendLetters(buf[:0], variant)
				eachFeature(buf, func(f []byte, word bool) {
					row, ok := m.feat[string(f)]
					if !ok {
						row = int32(len(counts))
						m.feat[string(f)] = row
						counts = append(counts, make([]float64, n))
					}
					counts[row][i]++
					if word {
						totals[i][0]++
					} else {
						totals[i][1]++
					}
				})
			}
		}
	}
	var vocab [2]float64
	for f := range m.feat {
		if strings.HasPrefix(f, "w:") {
			vocab[0]++
		} else {
			vocab[1]++
		}
	}
	m.logp = make([]float32, len(counts)*n)
	for f, row := range m.feat {
		k, w := 1, trigramWeight
		if strings.HasPrefix(f, "w:") {
			k, w = 0, wordWeight
		}
		for i := range n {
			m.logp[int(row)*n+i] = float32(w * math.Log((counts[row][i]+smoothing)/(totals[i][k]+smoothing*vocab[k])))
		}
	}
	// An unseen trigram costs each language its smoothed floor; unseen
	// words cost nothing (see score).
	for i := range n {
		m.unseen[i] = float32(trigramWeight * math.Log(smoothing/(totals[i][1]+smoothing*vocab[1])))
	}
	return m
}

// score returns the log score of text in each language of the model.
func (m *model) score(text string) []float64 {
	n := len(m.langs)
	out := make([]float64, n)
	var arr [256]byte
	buf := appendLetters(arr[:0], text)
	eachFeature(buf, func(f []byte, word bool) {
		row, ok := m.feat[string(f)]
		if !ok {
			if !word {
				for i := range out {
					out[i] += float64(m.unseen[i])
				}
			}
			// An unknown word is no evidence: every language would
			// score it alike but for its vocabulary size.
			return
		}
		for i, p := range m.logp[int(row)*n : int(row)*n+n] {
			out[i] += float64(p)
		}
	})
	return out
}

// appendLetters appends text lower-cased, its letters and apostrophes
// kept, every other run of characters written as one space, with a space at
// each end.
func appendLetters(dst []byte, text string) []byte {
	dst = append(dst, ' ')
	for _, r := range text {
		switch {
		case r < 0x80 && (r|0x20 >= 'a' && r|0x20 <= 'z'):
			dst = append(dst, byte(r|0x20))
		case r == '\'' || r == 0x2019 || r == 0x02BC:
			dst = append(dst, '\'')
		case r >= 0x80 && unicode.IsLetter(r) || unicode.Is(unicode.Mn, r):
			dst = utf8.AppendRune(dst, unicode.ToLower(r))
		default:
			if dst[len(dst)-1] != ' ' {
				dst = append(dst, ' ')
			}
		}
	}
	if dst[len(dst)-1] != ' ' {
		dst = append(dst, ' ')
	}
	return dst
}

// eachFeature calls fn with every word of buf (as "w:word") and every
// character trigram of " word ", for the output of appendLetters. The
// bytes passed are only valid during the call.
func eachFeature(buf []byte, fn func(f []byte, word bool)) {
	var wb [64]byte
	start := 0 // index of the space before the current word
	for i := 1; i < len(buf); i++ {
		if buf[i] != ' ' {
			continue
		}
		w := buf[start : i+1] // " word "
		if len(w) > 2 {
			if len(w)-2 <= len(wb)-2 {
				k := copy(wb[:], "w:")
				k += copy(wb[k:], w[1:len(w)-1])
				fn(wb[:k], true)
			}
			// Trigrams over runes.
			var b [4]int // byte offsets of the last runes
			nr := 0
			for j := 0; j < len(w); {
				_, size := utf8.DecodeRune(w[j:])
				b[0], b[1], b[2] = b[1], b[2], j
				nr++
				j += size
				b[3] = j
				if nr >= 3 {
					fn(w[b[0]:b[3]], false)
				}
			}
		}
		start = i
	}
}

// stripDiacritics removes the diacritics of Latin letters ("não" → "nao",
// "đơn" → "don").
func stripDiacritics(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r == 'đ':
			b.WriteByte('d')
		case r == 'Đ':
			b.WriteByte('D')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
