package lang

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"text/tabwriter"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/language"
)

// devCorpus is the shared labelled corpus, outside this module's tree.
const devCorpus = "../../shared/corpus/intents-dev.jsonl"

// heldOut are 657 messages written for issue 22 (the shop bot's fresh
// sets, examples/shopbot/testdata/fresh-*.jsonl, lang and text only); heldOutShort, 12 messages of one to
// three words per language, with typos, slang, missing diacritics and
// emoji, written after the detector and never used to change it. The
// detector's training text (data/*.txt) was written separately and shares
// no line with them.
var (
	heldOut      = filepath.Join("testdata", "heldout.jsonl")
	heldOutShort = filepath.Join("testdata", "heldout-short.jsonl")
	// heldOutShort2: 12 more one-to-three-word messages per language,
	// written before the second round of changes (the frequent-character
	// table, more training text) and never used to make them.
	heldOutShort2 = filepath.Join("testdata", "heldout-short2.jsonl")
)

// roundFifteen are the shop bot's locked batches of issue 22's round 15
// (1,883 messages in 12 languages, written by people who never saw this
// detector; read in place, lang and text only).
var roundFifteen = []string{
	filepath.Join("..", "examples", "shopbot", "testdata", "fresh-locked19.jsonl"),
	filepath.Join("..", "examples", "shopbot", "testdata", "fresh-locked20.jsonl"),
	filepath.Join("..", "examples", "shopbot", "testdata", "fresh-locked21.jsonl"),
}

// Targets of issue 22.
const (
	minOverall = 0.95
	minPerLang = 0.90
	minZhSplit = 0.95
)

type labelled struct {
	Lang string `json:"lang"`
	Text string `json:"text"`
}

func readLabelled(t testing.TB, path string) []labelled {
	t.Helper()
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		t.Skipf("%s is absent", path)
	}
	require.NoError(t, err)
	defer f.Close()
	var out []labelled
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var m labelled
		require.NoError(t, json.Unmarshal(sc.Bytes(), &m))
		out = append(out, m)
	}
	require.NoError(t, sc.Err())
	return out
}

// confusion counts detections: confusion[want][got].
type confusion map[string]map[string]int

func (c confusion) add(want, got string) {
	if c[want] == nil {
		c[want] = map[string]int{}
	}
	c[want][got]++
}

func (c confusion) accuracy(lang string) float64 {
	total := 0
	for _, n := range c[lang] {
		total += n
	}
	if total == 0 {
		return 0
	}
	return float64(c[lang][lang]) / float64(total)
}

func (c confusion) overall() float64 {
	ok, total := 0, 0
	for want, row := range c {
		for got, n := range row {
			total += n
			if got == want {
				ok += n
			}
		}
	}
	return float64(ok) / float64(total)
}

// table prints the confusion table, rows the true language, columns the
// detected one, and each row's accuracy.
func (c confusion) table(langs []language.Tag) string {
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 0, 1, ' ', tabwriter.AlignRight)
	cols := append(tagStrings(langs), "und")
	fmt.Fprint(tw, "true\\got\t")
	for _, l := range cols {
		fmt.Fprintf(tw, "%s\t", l)
	}
	fmt.Fprint(tw, "acc\t\n")
	for _, want := range tagStrings(langs) {
		fmt.Fprintf(tw, "%s\t", want)
		for _, got := range cols {
			if n := c[want][got]; n > 0 {
				fmt.Fprintf(tw, "%d\t", n)
			} else {
				fmt.Fprint(tw, ".\t")
			}
		}
		fmt.Fprintf(tw, "%.1f%%\t\n", 100*c.accuracy(want))
	}
	tw.Flush()
	fmt.Fprintf(&b, "overall %.1f%%\n", 100*c.overall())
	return b.String()
}

func tagStrings(ts []language.Tag) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.String()
	}
	return out
}

// zhSplit is the share of Chinese messages given the right script among
// those detected as Chinese.
func (c confusion) zhSplit() float64 {
	ok, total := 0, 0
	for _, want := range []string{"zh-Hans", "zh-Hant"} {
		for _, got := range []string{"zh-Hans", "zh-Hant"} {
			total += c[want][got]
			if got == want {
				ok += c[want][got]
			}
		}
	}
	return float64(ok) / float64(total)
}

func detectAll(d *Detector, ms []labelled) confusion {
	c := confusion{}
	for _, m := range ms {
		c.add(m.Lang, d.Detect(m.Text).Lang.String())
	}
	return c
}

// eachCorpus runs check on every labelled corpus, each in a parallel
// subtest, with one default Detector. A corpus of several files is named
// after its first.
func eachCorpus(t *testing.T, check func(t *testing.T, d *Detector, path string, ms []labelled)) {
	t.Helper()
	d, err := New(Config{})
	require.NoError(t, err)
	for _, paths := range [][]string{{devCorpus}, {heldOut}, {heldOutShort}, {heldOutShort2}, roundFifteen} {
		t.Run(filepath.Base(paths[0]), func(t *testing.T) {
			t.Parallel()
			var ms []labelled
			for _, path := range paths {
				ms = append(ms, readLabelled(t, path)...)
			}
			check(t, d, paths[0], ms)
		})
	}
}

func TestAccuracy(t *testing.T) {
	t.Parallel()
	eachCorpus(t, func(t *testing.T, d *Detector, path string, ms []labelled) {
		c := detectAll(d, ms)
		t.Logf("%s, message by message:\n%s", path, c.table(d.Languages()))
		if path == heldOutShort || path == heldOutShort2 {
			// One to three words, many written alike in two languages
			// ("reembolso?", "退款?", "ok super"): alone they cannot all
			// be told apart; see TestAccuracyInConversation. A floor
			// against regressions only.
			assert.GreaterOrEqual(t, c.overall(), 0.90, "overall")
			return
		}
		assert.GreaterOrEqual(t, c.overall(), minOverall, "overall")
		for _, l := range d.Languages() {
			assert.GreaterOrEqual(t, c.accuracy(l.String()), minPerLang, "language %s", l)
		}
		assert.GreaterOrEqual(t, c.zhSplit(), minZhSplit, "Simplified vs Traditional")
	})
}

// TestAccuracyInConversation detects each message with the language of the
// message before it in the same language as context, as a conversation
// would give it: the prior must not make things worse, and short messages
// gain.
func TestAccuracyInConversation(t *testing.T) {
	t.Parallel()
	eachCorpus(t, func(t *testing.T, d *Detector, path string, ms []labelled) {
		alone, inConv := confusion{}, confusion{}
		for i, m := range ms {
			alone.add(m.Lang, d.Detect(m.Text).Lang.String())
			// The previous message of the same language stands for the
			// conversation so far.
			var ctx Context
			for j := i - 1; j >= 0; j-- {
				if ms[j].Lang == m.Lang {
					ctx.Recent = []language.Tag{d.Detect(ms[j].Text).Lang}
					break
				}
			}
			inConv.add(m.Lang, d.DetectIn(m.Text, ctx).Lang.String())
		}
		t.Logf("%s in conversation:\n%s", path, inConv.table(d.Languages()))
		assert.GreaterOrEqual(t, inConv.overall(), alone.overall())
		assert.GreaterOrEqual(t, inConv.overall(), minOverall)
	})
}
