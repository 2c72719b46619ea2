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
	// none counts the batch's small-talk lines given no FAQ answer.
	none tally
	// smallTalkFAQ counts held-out small-talk lines given an FAQ answer.
	smallTalkFAQ int
}

func (s *cvScore) addUp(o cvScore) {
	for _, p := range [][2]*tally{{&s.ar, &o.ar}, {&s.de, &o.de}, {&s.all, &o.all}, {&s.none, &o.none}} {
		p[0].correct += p[1].correct
		p[0].total += p[1].total
	}
	s.smallTalkFAQ += o.smallTalkFAQ
}

func (s cvScore) String() string {
	return fmt.Sprintf("ar %3d/%3d  de %3d/%3d  all %3d/%3d  small talk answered %d  the batch's small talk unanswered %d/%d",
		s.ar.correct, s.ar.total, s.de.correct, s.de.total, s.all.correct, s.all.total, s.smallTalkFAQ, s.none.correct, s.none.total)
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
	s.none = rep.noneNoFAQ
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
// small-talk lines than round 10, and lose at most 3 messages (0.5 % of a
// batch over 600) on any batch against round 10. The figures of each round are in testdata/README.md and
// ROUNDS.md; round 6's configuration (answer at 0.95, never withhold), which
// the figures below still name, is no longer run: it only made the test
// slower (124 → 85 s under -race with the training made denser too).
// Round 14 (17 batches, 5,706 messages; fresh-tune15 in two halves, so that
// each half's fold learns the other's small talk): round 6 5,379, round 8
// 5,461, round 10 5,524, now 5,531 (ar 745, de 602); small talk answered 53,
// 37, 19, 19; the batches' own small talk left unanswered 566, 642, 733 and
// 733 of 814. Whether a message asks, as a feature, gained 7 before
// fresh-tune16 (with both thresholds as in round 13); the veto at 0.5
// instead of 0.8 gains 5 and leaves 22 more of the batches' small talk
// unanswered; answering at 0.95 instead of 0.9 would leave 5 more unanswered
// but lose 1 here, and lost 11 requests on the locked batches (see
// fallbackConfig). With fresh-tune17 and 18 (19 batches, 6,354 messages):
// round 6 5,764, round 8 5,879, round 10 5,988, now 6,067 (ar 782, de 647);
// small talk answered 54, 40, 19, 19; the batches' own small talk left
// unanswered 588, 691, 813 and 813 of 934; overruling at 0.999 6,041, at
// 0.98 6,063, at 0.95 6,065. With fresh-tune19 (20 batches, 6,660
// messages): round 6 5,975, round 8 6,138, round 10 6,266, now 6,345 (ar
// 803, de 668); small talk answered 53, 37, 15, 15; the batches' own left
// unanswered 622, 765, 899 and 899 of 1,030. With fresh-tune20 (21 batches,
// 7,073 messages): round 8 6,520, round 10 6,655, now 6,748 (ar 830, de
// 709); small talk answered 35, 17, 17; the batches' own left unanswered
// 850, 980 and 980 of 1,121. Round 15 (56 batches, 12,755 messages, with
// fresh-tune21 to 56; the configurations of rounds 8 and 10 without the
// pooled view): round 8 11,857, round 10 12,123, now 12,377 (ar 1,314, de
// 1,188); small talk answered 24, 13, 8; the batches' own left unanswered
// 1,633, 1,822 and 1,880 of 2,029. The pooled view
// (StatementNoneConfidence) at 0.8 as a veto of keyword answers gained 29
// (at 0.7 26, at 0.9 26) and left 53 more of the batches' small talk
// unanswered for 24 requests lost; asked before the model's own answers
// too, 4 more and 5 more; before it, now was 12,344 and 1,822. Learning fresh-tune53–56's small
// talk alone gained 7 on the 52 batches before them, learning their
// requests wrapped in thanks too 1.
func TestFallbackCrossValidation(t *testing.T) {
	t.Parallel()
	round8 := fallbackConfig
	round8.NoneConfidence, round8.Smoothing, round8.OverruleConfidence, round8.StatementNoneConfidence = 0.9, 0.5, 0, 0
	round10 := fallbackConfig
	round10.OverruleConfidence, round10.StatementNoneConfidence = 0, 0
	var eighth, tenth, after cvScore
	for _, f := range cvFolds(t) {
		r8, r10, a := cvRun(t, f, round8), cvRun(t, f, round10), cvRun(t, f, fallbackConfig)
		t.Logf("%-18s round 8:  %v\n%-18s round 10: %v\n%-18s now:      %v", f.name, r8, "", r10, "", a)
		assert.GreaterOrEqual(t, a.all.correct, r10.all.correct-max(3, r10.all.total/200), f.name)
		eighth.addUp(r8)
		tenth.addUp(r10)
		after.addUp(a)
	}
	t.Logf("%-18s round 8:  %v\n%-18s round 10: %v\n%-18s now:      %v", "total", eighth, "", tenth, "", after)
	assert.Greater(t, after.all.correct, eighth.all.correct)
	assert.Greater(t, after.all.correct, tenth.all.correct)
	assert.LessOrEqual(t, after.smallTalkFAQ, tenth.smallTalkFAQ)
	assert.GreaterOrEqual(t, after.all.correct, 12377)
	assert.GreaterOrEqual(t, after.ar.correct, 1314)
	assert.GreaterOrEqual(t, after.de.correct, 1188)
	assert.LessOrEqual(t, after.smallTalkFAQ, 8)
	assert.GreaterOrEqual(t, after.none.correct, 1880)
	assert.Less(t, after.smallTalkFAQ, eighth.smallTalkFAQ)
}
