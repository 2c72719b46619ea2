package insights

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Word is a hot word and how many customer messages used it.
type Word struct {
	// Text is the word: a space-separated word folded to lower case, or a
	// two-character run of Chinese or Thai (scripts written without spaces).
	Text string `json:"text"`
	// Count is how many customer messages used it (a message counts once).
	Count int `json:"count"`
}

// stop words per language (base subtag). Latin words are compared folded to
// lower case; for Chinese and Thai a character bigram is dropped when it is
// part of a stop word, and Chinese bigrams also when they hold a stop
// character.
var stopLists = map[string]string{
	"en": `a an and are as at be been but by can could did do does don't for from get got had has have
		hello hi how i i'm if in into is it it's its just me my no not of on or our please so than thanks
		thank that the their them then there they this to too up us was we were what when where which who
		why will with would yes you your you're hey ok okay im`,
	"es": `a al como con de del el ella en es esta está este hay la las le lo los me mi mis muy no o para
		pero por que qué se si sí su sus te tengo tu un una uno y ya yo hola gracias buenas buenos días
		cuánto cuándo dónde cómo`,
	"pt": `a as com da de do e em é eu isso meu minha na no o os para por que se um uma você olá obrigado`,
	"fr": `au aux avec ce de des du elle en est et il je la le les ma mais me mes mon ne nous on ou par pas
		pour que qui sa se ses son sur ta te tu un une vous bonjour merci`,
	"zh": `你好 您好 谢谢 请问 一下 我们 你们 可以 什么 怎么 没有 还是 已经 这个 那个 就是`,
	"th": `ครับ ค่ะ คะ นะ ไหม ได้ ของ ฉัน ผม ที่ และ จะ มี ไม่ สวัสดี ขอบคุณ หน่อย แล้ว อยาก`,
}

// zhStopChars are particles and pronouns: a Chinese bigram holding one is
// not a topic ("我的", "了吗").
const zhStopChars = "的了吗呢吧啊么我你您他她它是在有和就也都这那个请嗎們"

type stopWords struct {
	latin   map[string]map[string]bool // lang → words
	bigrams map[string]bool            // every substring of a zh or th stop word
	zhChars map[rune]bool
}

func newStopWords() *stopWords {
	s := &stopWords{latin: map[string]map[string]bool{}, bigrams: map[string]bool{}, zhChars: map[rune]bool{}}
	for _, r := range zhStopChars {
		s.zhChars[r] = true
	}
	for lang, list := range stopLists {
		switch lang {
		case "zh", "th":
			for _, w := range strings.Fields(list) {
				for i := range w {
					for j := i + 1; j <= len(w); j++ {
						if utf8.RuneStart(w[i]) && (j == len(w) || utf8.RuneStart(w[j])) {
							s.bigrams[w[i:j]] = true
						}
					}
				}
			}
		default:
			m := map[string]bool{}
			for _, w := range strings.Fields(list) {
				m[w] = true
			}
			s.latin[lang] = m
		}
	}
	return s
}

// latinStop reports whether w is a stop word of lang or of English; with no
// language every list applies.
func (s *stopWords) latinStop(lang, w string) bool {
	if lang == "" {
		for _, m := range s.latin {
			if m[w] {
				return true
			}
		}
		return false
	}
	return s.latin["en"][w] || s.latin[baseLang(lang)][w]
}

func baseLang(tag string) string {
	if i := strings.IndexAny(tag, "-_"); i >= 0 {
		tag = tag[:i]
	}
	return strings.ToLower(tag)
}

// bigramStop reports whether bigram is part of a Chinese or Thai stop word,
// or, for Chinese (script 'h'), holds a stop character.
func (s *stopWords) bigramStop(script rune, bigram []byte) bool {
	if s.bigrams[string(bigram)] {
		return true
	}
	if script == 'h' {
		for _, r := range string(bigram) {
			if s.zhChars[r] {
				return true
			}
		}
	}
	return false
}

// wordCounter counts hot words. Not safe for concurrent use.
type wordCounter struct {
	stop   *stopWords
	counts map[string]*int
	buf    []byte
	seen   map[string]bool // per message, so a word counts once a message
	units  []string        // per run: CJK/Thai characters (Thai with marks)
}

func newWordCounter() *wordCounter {
	return &wordCounter{stop: newStopWords(), counts: map[string]*int{}, seen: map[string]bool{}}
}

func isCJK(r rune) bool {
	if r < 0x1100 { // below Hangul Jamo: no CJK script
		return false
	}
	return unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) ||
		unicode.Is(unicode.Katakana, r) || unicode.Is(unicode.Hangul, r)
}

func isThai(r rune) bool { return r >= 0x0E01 && r <= 0x0E5B && unicode.Is(unicode.Thai, r) }

// add counts the words of one message written in lang. Latin-script (and
// other spaced scripts') words are split on word boundaries, folded to
// lower case, and kept when they have two letters or more, no digit, and
// are not stop words; Chinese, Japanese, Korean and Thai runs are cut into
// character bigrams (a Thai character keeps its vowel and tone marks).
func (w *wordCounter) add(lang, text string) {
	clear(w.seen)
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		switch {
		case isCJK(r) || isThai(r):
			i = w.bigrams(text, i, isThai(r))
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			i = w.word(lang, text, i)
		default:
			i += size
		}
	}
}

func (w *wordCounter) word(lang, text string, i int) int {
	w.buf = w.buf[:0]
	letters, digit := 0, false
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		switch {
		case isCJK(r) || isThai(r):
		case unicode.IsLetter(r) || unicode.Is(unicode.Mn, r):
			w.buf = utf8.AppendRune(w.buf, unicode.ToLower(r))
			letters++
			i += size
			continue
		case unicode.IsDigit(r):
			digit = true
			w.buf = utf8.AppendRune(w.buf, r)
			i += size
			continue
		case (r == '\'' || r == '’') && letters > 0 && i+size < len(text):
			if n, _ := utf8.DecodeRuneInString(text[i+size:]); unicode.IsLetter(n) && !isCJK(n) && !isThai(n) {
				w.buf = append(w.buf, '\'')
				i += size
				continue
			}
		}
		break
	}
	if letters >= 2 && !digit && !w.stop.latinStop(lang, string(w.buf)) {
		w.count(w.buf)
	}
	return i
}

func (w *wordCounter) bigrams(text string, i int, thai bool) int {
	w.units = w.units[:0]
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		if thai != isThai(r) || (!thai && !isCJK(r)) {
			break
		}
		end := i + size
		if thai {
			for end < len(text) {
				m, ms := utf8.DecodeRuneInString(text[end:])
				if !unicode.Is(unicode.Mn, m) {
					break
				}
				end += ms
			}
		}
		w.units = append(w.units, text[i:end])
		i = end
	}
	script := 'h'
	if thai {
		script = 't'
	}
	for k := 0; k+1 < len(w.units); k++ {
		w.buf = append(append(w.buf[:0], w.units[k]...), w.units[k+1]...)
		if !w.stop.bigramStop(script, w.buf) {
			w.count(w.buf)
		}
	}
	return i
}

func (w *wordCounter) count(b []byte) {
	if w.seen[string(b)] {
		return
	}
	if p := w.counts[string(b)]; p != nil {
		*p++
		w.seen[string(b)] = true
		return
	}
	s := string(b)
	n := 1
	w.counts[s] = &n
	w.seen[s] = true
}

// top returns the n most used words, most used first, ties by text.
func (w *wordCounter) top(n int) []Word {
	out := make([]Word, 0, len(w.counts))
	for t, c := range w.counts {
		out = append(out, Word{Text: t, Count: *c})
	}
	slices.SortFunc(out, func(a, b Word) int {
		if a.Count != b.Count {
			return b.Count - a.Count
		}
		return strings.Compare(a.Text, b.Text)
	})
	if len(out) > n {
		out = out[:n]
	}
	return out
}

// HotWords returns the n most used words of texts (each counted once per
// text) written in lang (a BCP 47 tag; "" applies every stop list), by the
// rules Compute uses. It is for trying the tokenizer on sample text.
func HotWords(lang string, n int, texts ...string) []Word {
	n = max(n, 0)
	w := newWordCounter()
	for _, t := range texts {
		w.add(lang, t)
	}
	return w.top(n)
}
