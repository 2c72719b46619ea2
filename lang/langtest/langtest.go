// Package langtest provides a fake machine translation provider for tests
// of code that uses lang.Translator, like net/http/httptest for servers.
package langtest

import (
	"context"
	"strings"
	"sync"

	"github.com/switchboard-go/switchboard/lang"
)

// Fake is a lang.Translator that "translates" by replacing the words of Dict
// (whole text first, then word by word, case-sensitive) and prefixing the
// target language in brackets: "[es] hola". It records every request. The
// zero value works; Fake is safe for concurrent use.
type Fake struct {
	// Dict maps source words or whole texts to their translation.
	Dict map[string]string
	// Mangle, if set, rewrites each translation before it is returned
	// (to drop or repeat placeholders, as a misbehaving provider would).
	Mangle func(string) string
	// Err, if set, is returned by every call.
	Err error

	mu       sync.Mutex
	requests []lang.Request
}

// Translate implements lang.Translator.
func (f *Fake) Translate(_ context.Context, req lang.Request) ([]string, error) {
	f.mu.Lock()
	f.requests = append(f.requests, lang.Request{Texts: append([]string(nil), req.Texts...),
		Source: req.Source, Target: req.Target, Glossary: req.Glossary})
	f.mu.Unlock()
	if f.Err != nil {
		return nil, f.Err
	}
	out := make([]string, len(req.Texts))
	for i, t := range req.Texts {
		tr, ok := f.Dict[t]
		if !ok {
			words := strings.Fields(t)
			for j, w := range words {
				if g, ok := req.Glossary[w]; ok {
					words[j] = g
				} else if d, ok := f.Dict[w]; ok {
					words[j] = d
				}
			}
			tr = strings.Join(words, " ")
		}
		tr = "[" + req.Target.String() + "] " + tr
		if f.Mangle != nil {
			tr = f.Mangle(tr)
		}
		out[i] = tr
	}
	return out, nil
}

// Requests returns a copy of the requests received so far.
func (f *Fake) Requests() []lang.Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]lang.Request(nil), f.requests...)
}

// Texts returns how many texts were sent to the fake in all.
func (f *Fake) Texts() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, r := range f.requests {
		n += len(r.Texts)
	}
	return n
}
