package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/autoreply/intent"
)

// cvFold is one split of leave-one-batch-out cross-validation: one tuning
// batch and every k-th small-talk line held out, the rest learnt.
type cvFold struct {
	name            string
	train           []intent.Example
	batch, smallTal []message
}

// cvScore is what a fold's model does with the held-out messages.
type cvScore struct {
	ar, de, all tally
	// smallTalkFAQ counts held-out small-talk lines given an FAQ answer.
	smallTalkFAQ int
}

func (s *cvScore) addUp(o cvScore) {
	for _, p := range [][2]*tally{{&s.ar, &o.ar}, {&s.de, &o.de}, {&s.all, &o.all}} {
		p[0].correct += p[1].correct
		p[0].total += p[1].total
	}
	s.smallTalkFAQ += o.smallTalkFAQ
}

func (s cvScore) String() string {
	return fmt.Sprintf("ar %3d/%3d  de %3d/%3d  all %3d/%3d  small talk answered %d",
		s.ar.correct, s.ar.total, s.de.correct, s.de.total, s.all.correct, s.all.total, s.smallTalkFAQ)
}

func readMessages(t testing.TB, name string) []message {
	t.Helper()
	b, err := fs.ReadFile(trainFS, name)
	require.NoError(t, err)
	var ms []message
	require.NoError(t, eachMessage(context.Background(), bytes.NewReader(b), func(m message) error {
		ms = append(ms, m)
		return nil
	}))
	return ms
}

// cvFolds makes one fold per tuning batch; fold k also holds out the
// small-talk lines whose index is k modulo the number of batches.
func cvFolds(t testing.TB) []cvFold {
	t.Helper()
	rs, err := loadRules()
	require.NoError(t, err)
	names, err := fs.Glob(trainFS, tuneGlob)
	require.NoError(t, err)
	small := readMessages(t, smallTalkFile)
	examples := func(ms []message) []intent.Example {
		exs := make([]intent.Example, len(ms))
		for i, m := range ms {
			exs[i] = intent.Example{Text: m.Text, Label: m.Intent}
		}
		return exs
	}
	var folds []cvFold
	for k, held := range names {
		f := cvFold{name: strings.TrimSuffix(path.Base(held), ".jsonl"), train: keywordExamples(rs)}
		for _, name := range names {
			if name == held {
				f.batch = readMessages(t, name)
			} else {
				f.train = append(f.train, examples(readMessages(t, name))...)
			}
		}
		for i, m := range small {
			if i%len(names) == k {
				f.smallTal = append(f.smallTal, m)
			} else {
				f.train = append(f.train, examples([]message{m})...)
			}
		}
		folds = append(folds, f)
	}
	return folds
}

// cvRun trains a fallback with cfg on the fold and scores the held-out
// messages through the shop's engine.
func cvRun(t testing.TB, f cvFold, cfg intent.Config) cvScore {
	t.Helper()
	m, err := intent.Train(f.train, cfg)
	require.NoError(t, err)
	c := newClassifierWith(t, m)
	run := func(ms []message) *report {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		for _, m := range ms {
			require.NoError(t, enc.Encode(m))
		}
		rep, err := score(context.Background(), c, &b)
		require.NoError(t, err)
		return rep
	}
	var s cvScore
	rep := run(f.batch)
	s.all = rep.overall
	for lang, p := range map[string]*tally{"ar": &s.ar, "de": &s.de} {
		if rep.byLang[lang] != nil {
			*p = *rep.byLang[lang]
		}
	}
	st := run(f.smallTal)
	s.smallTalkFAQ = st.noneNoFAQ.total - st.noneNoFAQ.correct
	return s
}

// TestFallbackCrossValidation is how the fallback's settings were chosen:
// leave one tuning batch (and a tenth of the small talk) out of training,
// score it, repeat for every batch. The keywords were tuned on every batch
// (on fresh-tune10 too since round 9's keywords), so the figures are kind to
// them; what they compare is the fallback, and the keywords now answer most
// of what once set the configurations apart. The shop's configuration must do better than the round-8
// one (answer at 0.9, withhold a keyword's answer at 0.9, smoothing 0.5) in
// total, answer fewer small-talk lines, and lose at most 3 messages on any
// batch (round 9's smoothing of 0.05 loses 3 of fresh-tune's 396 and gains
// 41 of fresh-tune10's 1,284). Figures, summed over the 10 batches after
// round 9: round 6 (0.95, never withhold) ar 486/539, de 268/293, all
// 2065/2359, small talk answered 45 of 204; round 8 ar 494, de 271, all
// 2090, small talk 36; now ar 508, de 277, all 2132, small talk 27. After
// round 9's keywords from fresh-tune10 and older batches: round 6 ar 519, de
// 289, all 2287, small talk 46; round 8 ar 520, de 289, all 2293, small talk
// 35; now ar 525, de 289, all 2296, small talk 27. Round 10 relabelled 20
// messages of fresh-tune and fresh-tune2 (money back for an already cancelled
// order: refund, as fresh-tune10 has it), which alone fell to all 2277, ar
// 525, de 287; its two rules (refund for a cancelled order above cancelling,
// another way to pay above a failed payment): round 6 ar 520, de 291, all
// 2309, small talk 45; round 8 ar 523, de 291, all 2317, small talk 35; now ar
// 528, de 291, all 2320, small talk 27. Then data/smalltalk.jsonl gained a
// thank-you for the money of a cancelled order in each language (216 lines):
// now small talk answered 35 of 216, 24 of the 204 older lines and 11 of the
// 12 new ones (the model withholds such thanks only once it has learnt them).
// With fresh-tune12 (11 batches, 3,408 messages with small talk): round 6 ar
// 597/624, de 364/379, all 3191/3408, small talk 56; round 8 ar 600, de 367,
// all 3213, small talk 45; now ar 606, de 368, all 3262, small talk 32. Round
// 11's keywords from fresh-tune12's misses (so fresh-tune12's own fold is
// kind to them): round 6 ar 605, de 374, all 3334, small talk 56; round 8 ar
// 607, de 374, all 3342, small talk 45; now ar 612, de 373, all 3354, small
// talk 32.
func TestFallbackCrossValidation(t *testing.T) {
	t.Parallel()
	round6 := fallbackConfig
	round6.MinConfidence, round6.NoneConfidence, round6.Smoothing = intent.DefaultMinConfidence, 0, 0.5
	round8 := fallbackConfig
	round8.NoneConfidence, round8.Smoothing = 0.9, 0.5
	var first, before, after cvScore
	for _, f := range cvFolds(t) {
		r6, b, a := cvRun(t, f, round6), cvRun(t, f, round8), cvRun(t, f, fallbackConfig)
		t.Logf("%-18s round 6: %v\n%-18s round 8: %v\n%-18s now:     %v", f.name, r6, "", b, "", a)
		assert.GreaterOrEqual(t, a.all.correct, b.all.correct-3, f.name)
		first.addUp(r6)
		before.addUp(b)
		after.addUp(a)
	}
	t.Logf("%-18s round 6: %v\n%-18s round 8: %v\n%-18s now:     %v", "total", first, "", before, "", after)
	assert.Greater(t, after.all.correct, before.all.correct)
	assert.GreaterOrEqual(t, after.all.correct, 3354)
	assert.GreaterOrEqual(t, after.ar.correct, 612)
	assert.GreaterOrEqual(t, after.de.correct, 373)
	assert.LessOrEqual(t, after.smallTalkFAQ, 32)
	assert.Less(t, after.smallTalkFAQ, before.smallTalkFAQ)
}
