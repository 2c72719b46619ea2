package autoreply

// Classifier guesses the intent of a message that no keyword matched, for
// Config.Fallback. autoreply/intent provides one (a naive Bayes model over
// character n-grams); any other model, or a remote service behind a cache,
// fits too.
type Classifier interface {
	// Intent returns the first tag of the rule that should answer
	// normalized (the message as Normalize returns it), HandoffIntent when
	// the customer asks for a person, or "" when no rule should answer:
	// the message needs no answer, or the classifier is not sure enough. A
	// tag that no rule has as its first tag counts as "".
	// The engine calls it from Decide's goroutine, for many conversations
	// at once: it must be safe for concurrent use.
	Intent(normalized string) string
}

// Vetoer is a Classifier that also judges messages a keyword matched: the
// engine asks NeedsNoAnswer before a rule's keyword answers (never before a
// hand-off keyword, nor about a message carrying an awaited value), and a
// true answer makes the message a miss, as if no keyword had matched and the
// classifier had answered "". It is for small talk that contains a keyword
// ("thanks, the refund arrived"), which a statistical model trained on such
// messages recognizes better than a keyword list. autoreply/intent's Model
// is one when trained with a NoneConfidence.
type Vetoer interface {
	Classifier
	// NeedsNoAnswer reports whether normalized wants no answer even
	// though a rule's keyword matched it. Safe for concurrent use.
	NeedsNoAnswer(normalized string) bool
}

// Overruler is a Classifier that may also replace the rule a keyword
// chose: after a rule's keyword matched and no Vetoer withheld the answer
// (never for a hand-off keyword, nor for a message carrying an awaited
// value), the engine asks Overrule, and a tag it returns answers instead:
// HandoffIntent hands off; if a keyword of a rule with that first tag
// matched too, the best such hit's rule answers (the model settles a
// priority conflict: "money back for the order you cancelled" matches a
// cancel keyword that outranks the refund one); else the first rule with
// that first tag, as for Intent; a tag no rule has as its first tag keeps
// the keyword's rule. It is for words that belong to another question
// ("apple pay keeps failing" matches a payment-methods keyword and no
// failed-payment one) and for conflicts priorities settle wrongly, which a
// model trained on such messages recognizes when it is very sure.
// autoreply/intent's Model is one when trained with an
// OverruleConfidence. An engine whose fallback is both a Vetoer and an
// Overruler asks it twice about a keyword hit.
type Overruler interface {
	Classifier
	// Overrule returns the first tag of the rule that should answer
	// normalized instead of the keyword's rule, whose first tag is tag, or
	// "" to keep it. Safe for concurrent use.
	Overrule(normalized, tag string) string
}

// HandoffIntent is what a Classifier returns for a message that asks for a
// person: the engine hands the conversation off (reason Requested) as if a
// hand-off keyword had matched.
const HandoffIntent = "human_agent"

// Normalize returns text normalized the way an Engine with the given
// diacritics folding (Config.FoldDiacritics) matches it; Engine.Normalize
// is the same for a built engine. It lets a Classifier learn from texts
// normalized like the ones it will be given. Safe for concurrent use.
func Normalize(text string, foldDiacritics bool) string {
	return string(appendNormalized(nil, text, foldDiacritics))
}

// vetoed reports whether the fallback, if it is a Vetoer, judges that the
// normalized text, which a rule's keyword matched, needs no answer.
func (e *Engine) vetoed(text string) bool {
	v, ok := e.fallback.(Vetoer)
	return ok && v.NeedsNoAnswer(text)
}

// overruled returns the rule that answers the normalized text whose best
// keyword hit, hits[0], chose a rule: that rule, or the one the fallback, if
// it is an Overruler, prefers; handoff true if it recognizes a request for a
// person. The preferred tag's best hit answers if a keyword of a rule with
// that first tag matched too (a priority conflict the model settles), else
// the first rule with it.
func (e *Engine) overruled(text string, hits []rawHit) (_ *compiledRule, handoff bool) {
	r := &e.rules[e.patterns[hits[0].pat].rule]
	o, ok := e.fallback.(Overruler)
	if !ok {
		return r, false
	}
	tag := o.Overrule(text, intent(r))
	switch tag {
	case "":
		return r, false
	case HandoffIntent:
		return nil, true
	}
	for _, h := range hits {
		if ri := e.patterns[h.pat].rule; ri >= 0 && intent(&e.rules[ri]) == tag {
			return &e.rules[ri], false
		}
	}
	if i, ok := e.byIntent[tag]; ok {
		return &e.rules[i], false
	}
	return r, false
}

// fallbackRule returns the rule the fallback classifier chooses for the
// normalized text (nil for none), or handoff true if it recognizes a
// request for a person.
func (e *Engine) fallbackRule(text string) (r *compiledRule, handoff bool) {
	if e.fallback == nil {
		return nil, false
	}
	tag := e.fallback.Intent(text)
	if tag == HandoffIntent {
		return nil, true
	}
	if i, ok := e.byIntent[tag]; ok {
		return &e.rules[i], false
	}
	return nil, false
}
