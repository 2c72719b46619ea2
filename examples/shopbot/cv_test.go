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
	conflicts := readMessages(t, conflictsFile)
	examples := func(ms []message) []intent.Example {
		exs := make([]intent.Example, len(ms))
		for i, m := range ms {
			exs[i] = intent.Example{Text: m.Text, Label: m.Intent}
		}
		return exs
	}
	var folds []cvFold
	for k, held := range names {
		f := cvFold{name: strings.TrimSuffix(path.Base(held), ".jsonl"), train: append(keywordExamples(rs), examples(conflicts)...)}
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
// leave one tuning batch (and its share of the small talk) out of training,
// score it, repeat for every batch. The keywords were tuned on most batches,
// so the figures are kind to them; what they compare is the fallback. The
// shop's configuration must do better than the round-8 one (answer at 0.9,
// withhold a keyword's answer at 0.9, smoothing 0.5) and the round-10 one
// (smoothing 0.05, withhold at 0.8, never overrule) in total, answer no more
// small-talk lines than round 10, and lose at most 3 messages on any batch
// against round 10. Round 11's overruling (at 0.999, and only by a rule none
// of whose keywords matched) gains 10: 3,265 → 3,275 of 3,408, fresh-tune12's
// fold, which no keyword was written from then, 935 → 945 of 1,049. After
// round 11's keywords from fresh-tune12's misses the folds are kind to the
// keywords again: round 6 3,334, round 8 3,341, round 10 3,354, now 3,355
// (ar 610, de 374), small talk answered 56, 45, 32 and 32. With round 12's
// fresh-tune13 (13 batches, 4,226 messages): round 6 4,033, round 8 4,052,
// round 10 4,083, now 4,093 (ar 650, de 456), small talk 55, 46, 34, 34;
// after round 12's keywords from fresh-tune13's misses: round 6 4,134,
// round 8 4,144, round 10 4,156, now 4,159 (ar 653, de 465), small talk
// 55, 46, 34, 34. With round 13's fresh-tune14 (14 batches, 4,772 messages,
// small talk held out in fourteenths): round 6 4,614, round 8 4,637, round
// 10 4,656, now 4,664 (ar 679, de 525), small talk 55, 42, 36, 36; after
// round 13's keywords from fresh-tune14's misses: round 6 4,676, round 8
// 4,688, round 10 4,700, now 4,703 (ar 679, de 529), small talk 55, 42,
// 36, 36.
// Overruling rules whose keywords matched too gained 17–25 more at 0.99–0.999
// but undid the priorities TestRulePriorities pins ("cancel my order and
// refund me" became a refund question), so it was not kept.
func TestFallbackCrossValidation(t *testing.T) {
	t.Parallel()
	round6 := fallbackConfig
	round6.MinConfidence, round6.NoneConfidence, round6.Smoothing, round6.OverruleConfidence = intent.DefaultMinConfidence, 0, 0.5, 0
	round8 := fallbackConfig
	round8.NoneConfidence, round8.Smoothing, round8.OverruleConfidence = 0.9, 0.5, 0
	round10 := fallbackConfig
	round10.OverruleConfidence = 0
	var first, eighth, tenth, after cvScore
	for _, f := range cvFolds(t) {
		r6, r8, r10, a := cvRun(t, f, round6), cvRun(t, f, round8), cvRun(t, f, round10), cvRun(t, f, fallbackConfig)
		t.Logf("%-18s round 6:  %v\n%-18s round 8:  %v\n%-18s round 10: %v\n%-18s now:      %v", f.name, r6, "", r8, "", r10, "", a)
		assert.GreaterOrEqual(t, a.all.correct, r10.all.correct-3, f.name)
		first.addUp(r6)
		eighth.addUp(r8)
		tenth.addUp(r10)
		after.addUp(a)
	}
	t.Logf("%-18s round 6:  %v\n%-18s round 8:  %v\n%-18s round 10: %v\n%-18s now:      %v", "total", first, "", eighth, "", tenth, "", after)
	assert.Greater(t, after.all.correct, eighth.all.correct)
	assert.Greater(t, after.all.correct, tenth.all.correct)
	assert.LessOrEqual(t, after.smallTalkFAQ, tenth.smallTalkFAQ)
	assert.GreaterOrEqual(t, after.all.correct, 4703)
	assert.GreaterOrEqual(t, after.ar.correct, 679)
	assert.GreaterOrEqual(t, after.de.correct, 529)
	assert.LessOrEqual(t, after.smallTalkFAQ, 36)
	assert.Less(t, after.smallTalkFAQ, eighth.smallTalkFAQ)
}
