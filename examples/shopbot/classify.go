package main

// The classify and eval modes measure the starter rule set (data/rules.json)
// against labelled customer messages, the way ../shared/corpus/README.md
// scores it: the intent of a message is the first tag of the rule the bot
// answers with, "human_agent" when it hands off on request, and "none" when
// it gives no FAQ answer. Every message is decided as the first message of a
// fresh conversation.
//
// How data/rules.json is laid out (JSON has no comments, so here):
//
//   - One rule or more per inquiry type, its first tag the corpus label;
//     keywords in all 12 languages, written as a support team would list
//     them, never copied from the corpus. Keywords compile with diacritics
//     folding, so "dónde está" also matches "donde esta" and an unaccented
//     twin would be a duplicate (autoreply.New rejects duplicates across the
//     whole file, which is why a word shared by two languages appears once).
//   - Priorities settle messages that touch two types: money back for an
//     order that is already cancelled (31, the refund answer; its keywords
//     join money-back and already-cancelled wording, so "cancel my order and
//     refund me" still gets the cancellation) over cancelling or changing an
//     order (30) over another way to pay after a declined card (26, the
//     payment methods: "pay another way", "paypal instead", "stattdessen
//     per") over a failed payment (25) over cash on
//     delivery (22) over a refund (20) over "change it before it ships" (16)
//     over invoices and returns (15); the processing time (17) and battery
//     questions (13) sit above the "how long" of delivery times (12), which
//     sits above parcel status and payment methods (10); a bare "address"
//     (8) and product specs (5) answer only when nothing else does.
//   - Words that also appear in compliments and small talk are listed only
//     in question form: "what colour", "which size", not "colour" or
//     "size" ("love the colour!" wants no FAQ answer). Hand-off keywords
//     outrank every rule, so they are phrases that ask for a person, not
//     words that may be about the courier ("the driver didn't call me").

import (
	"bufio"
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/switchboard-go/switchboard/autoreply"
	"github.com/switchboard-go/switchboard/channel"
)

// rulesJSON is the starter rule set: keywords and synonyms in the 12
// languages of the corpus, tagged with its inquiry types. It is a string so
// that nothing can modify it.
//
//go:embed data/rules.json
var rulesJSON string

// Labels that are not the tag of a rule (see the corpus README).
const (
	intentHandoff = autoreply.HandoffIntent
	intentNone    = "none"
)

// maxLineBytes bounds one JSON line of classify and eval input.
const maxLineBytes = 1 << 20

// loadRules parses the embedded starter rule set.
func loadRules() (*autoreply.RuleSet, error) {
	return autoreply.LoadRules(strings.NewReader(rulesJSON))
}

// newEngine compiles the starter rule set, with the fallback classifier
// (fallback.go) for messages no keyword matches. The rules are written with
// diacritics folding in mind: "dónde está" also matches "donde esta", and an
// unaccented duplicate of a keyword would be rejected by autoreply.New. The
// shipping rule's next step looks parcels up with lookups["track"], which
// must be present.
func newEngine(lookups map[string]autoreply.LookupFunc) (*autoreply.Engine, error) {
	rs, err := loadRules()
	if err != nil {
		return nil, err
	}
	fb, err := shopFallback()
	if err != nil {
		return nil, err
	}
	return autoreply.New(autoreply.Config{Rules: rs, Lookups: lookups, FoldDiacritics: true, Fallback: fb})
}

// noLookup stands in for the carrier in classify mode: the intent of a
// message does not depend on what the carrier says about its parcel, so an
// order number in the message reaches the shipping rule's final step with no
// tracking values.
func noLookup(context.Context, channel.Address, string) (map[string]string, error) {
	return nil, nil
}

// classifier decides messages one at a time, each as the first message of a
// fresh conversation. Not safe for concurrent use.
type classifier struct {
	eng  *autoreply.Engine
	addr channel.Address
}

func newClassifier() (*classifier, error) {
	eng, err := newEngine(map[string]autoreply.LookupFunc{"track": noLookup})
	if err != nil {
		return nil, err
	}
	return &classifier{eng: eng, addr: channel.Address{Channel: channel.WhatsApp, ID: "classify"}}, nil
}

// result is one line of classify output.
type result struct {
	Intent  string `json:"intent"`
	Rule    string `json:"rule"`
	Handoff bool   `json:"handoff"`
}

// faq reports whether the bot answered the message from its FAQ rules.
func (r result) faq() bool { return r.Rule != "" }

func (c *classifier) classify(ctx context.Context, text string) (result, error) {
	d, err := c.eng.Decide(ctx, &channel.Message{From: c.addr, Text: text})
	if err != nil {
		return result{}, err
	}
	// Forget the conversation, so the next message starts a fresh one (no
	// repeat detection, no awaited order number, no earlier hand-off).
	if err := c.eng.Release(ctx, c.addr); err != nil {
		return result{}, err
	}
	switch d.Action {
	case autoreply.Reply, autoreply.Ask:
		return result{Intent: d.Intent, Rule: d.Rule}, nil
	case autoreply.Handoff:
		if d.Reason == autoreply.Requested {
			return result{Intent: intentHandoff, Handoff: true}, nil
		}
		// Repeats and misses cannot hand off a first message; if a
		// future engine does, it is still no FAQ answer.
		return result{Intent: intentNone, Handoff: true}, nil
	}
	return result{Intent: intentNone}, nil
}

// message is one input line: classify reads lang and text, evaluate also
// the intent label.
type message struct {
	Lang   string `json:"lang"`
	Intent string `json:"intent"`
	Text   string `json:"text"`
}

// eachMessage calls fn with every message of the JSON Lines in r, skipping
// blank lines. A line that is not a JSON object, or longer than
// maxLineBytes, is an error naming its line number.
func eachMessage(ctx context.Context, r io.Reader, fn func(m message) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxLineBytes)
	line := 0
	for sc.Scan() {
		line++
		if err := ctx.Err(); err != nil {
			return err
		}
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		var m message
		if err := json.Unmarshal(b, &m); err != nil {
			return fmt.Errorf("line %d: %w", line, err)
		}
		if err := fn(m); err != nil {
			return fmt.Errorf("line %d: %w", line, err)
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return fmt.Errorf("line %d: longer than %d bytes", line+1, maxLineBytes)
		}
		return err
	}
	return nil
}

// classify reads JSON Lines {"lang": ..., "text": ...} from in and writes one
// JSON line {"intent": ..., "rule": ..., "handoff": ...} per input message to
// out, in order, using the starter rule set. Blank lines are skipped; empty
// input gives empty output. A malformed line stops it with an error naming
// the line, after the lines before it were written.
func classify(ctx context.Context, in io.Reader, out io.Writer) error {
	c, err := newClassifier()
	if err != nil {
		return err
	}
	return c.run(ctx, in, out)
}

// run is classify with an existing classifier.
func (c *classifier) run(ctx context.Context, in io.Reader, out io.Writer) error {
	w := bufio.NewWriter(out)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	err := eachMessage(ctx, in, func(m message) error {
		res, err := c.classify(ctx, m.Text)
		if err != nil {
			return err
		}
		return enc.Encode(res)
	})
	if ferr := w.Flush(); err == nil {
		err = ferr
	}
	return err
}

// tally counts correct answers.
type tally struct{ correct, total int }

func (t *tally) add(ok bool) {
	t.total++
	if ok {
		t.correct++
	}
}

// share is the fraction correct, 0 for no messages.
func (t tally) share() float64 {
	if t.total == 0 {
		return 0
	}
	return float64(t.correct) / float64(t.total)
}

// report is the accuracy of the rule set on a labelled file.
type report struct {
	byLang  map[string]*tally
	byLabel map[string]*tally
	overall tally
	// noneNoFAQ counts the messages labelled none that got no FAQ answer.
	noneNoFAQ tally
}

// score classifies every labelled message of r. A message is correct when
// the classified intent equals its label; for label none, when the bot gave
// no FAQ answer (a hand-off is not one), as the corpus README scores it.
func score(ctx context.Context, c *classifier, r io.Reader) (*report, error) {
	rep := &report{byLang: map[string]*tally{}, byLabel: map[string]*tally{}}
	err := eachMessage(ctx, r, func(m message) error {
		if m.Lang == "" || m.Intent == "" {
			return errors.New(`a labelled message needs "lang" and "intent"`)
		}
		res, err := c.classify(ctx, m.Text)
		if err != nil {
			return err
		}
		ok := res.Intent == m.Intent
		if m.Intent == intentNone {
			ok = !res.faq()
			rep.noneNoFAQ.add(ok)
		}
		for key, by := range map[string]map[string]*tally{m.Lang: rep.byLang, m.Intent: rep.byLabel} {
			if by[key] == nil {
				by[key] = &tally{}
			}
			by[key].add(ok)
		}
		rep.overall.add(ok)
		return nil
	})
	return rep, err
}

// evaluate classifies the labelled JSON Lines file at path (the corpus
// format: {"lang": ..., "intent": ..., "text": ...}) and writes to out the
// accuracy per language, per label and overall, and the share of messages
// labelled none that got no FAQ answer.
func evaluate(ctx context.Context, path string, out io.Writer) error {
	c, err := newClassifier()
	if err != nil {
		return err
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	rep, err := score(ctx, c, f)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return rep.write(out)
}

// write prints the report as aligned tables.
func (rep *report) write(out io.Writer) error {
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	section := func(title string, by map[string]*tally) {
		fmt.Fprintf(tw, "%s\tcorrect\ttotal\taccuracy\n", title)
		for _, k := range slices.Sorted(maps.Keys(by)) {
			t := by[k]
			fmt.Fprintf(tw, "%s\t%d\t%d\t%.1f%%\n", k, t.correct, t.total, 100*t.share())
		}
		fmt.Fprintln(tw)
	}
	section("language", rep.byLang)
	section("label", rep.byLabel)
	fmt.Fprintf(tw, "overall\t%d\t%d\t%.1f%%\n", rep.overall.correct, rep.overall.total, 100*rep.overall.share())
	fmt.Fprintf(tw, "none without FAQ answer\t%d\t%d\t%.1f%%\n", rep.noneNoFAQ.correct, rep.noneNoFAQ.total, 100*rep.noneNoFAQ.share())
	return tw.Flush()
}
