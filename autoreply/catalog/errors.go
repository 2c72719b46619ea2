package catalog

import (
	"errors"
	"fmt"
)

// Sentinel errors. Errors returned by this package wrap them, so callers test
// with errors.Is and read details with errors.As (*VarError, *SyntaxError).
var (
	// ErrMissingVar means a template names a variable that Vars does not hold,
	// holds as nil, or holds as an empty or all-whitespace string. A customer
	// never sees an empty hole in a sentence.
	ErrMissingVar = errors.New("missing variable")
	// ErrBadValue means a variable holds a value its format cannot show (a
	// string for {{when|date}}, a float for a plural).
	ErrBadValue = errors.New("value does not fit its format")
	// ErrUnknownKey means the catalog has no template under that key.
	ErrUnknownKey = errors.New("catalog: unknown key")
	// ErrNoPlatformTemplate means the key names no WhatsApp approved template,
	// or none in a language the catalog can choose.
	ErrNoPlatformTemplate = errors.New("catalog: no platform template")
	// ErrInvalidCatalog means a catalog file or a catalog entry is malformed.
	// Load joins one such error per problem found.
	ErrInvalidCatalog = errors.New("catalog: invalid catalog")
)

// SyntaxError reports a malformed template and where: the byte offset in the
// template text and the 1-based line and column (counted in runes).
type SyntaxError struct {
	Offset int    // byte offset of the problem in the template text
	Line   int    // 1-based line
	Col    int    // 1-based column, in runes
	Msg    string // what is wrong, such as "unclosed {{"
}

// Error returns "template:LINE:COL: MSG".
func (e *SyntaxError) Error() string {
	return fmt.Sprintf("template:%d:%d: %s", e.Line, e.Col, e.Msg)
}

// VarError is a rendering error about one variable: Name says which, Err is
// ErrMissingVar or ErrBadValue, Detail explains a bad value.
type VarError struct {
	Name   string // the variable, such as "tracking_number"
	Err    error  // ErrMissingVar or ErrBadValue
	Detail string // why a value is bad; empty for a missing one
}

// Error names the variable, for example `missing variable "tracking_number"`.
func (e *VarError) Error() string {
	if e.Detail != "" {
		return fmt.Sprintf("%v %q: %s", e.Err, e.Name, e.Detail)
	}
	return fmt.Sprintf("%v %q", e.Err, e.Name)
}

// Unwrap returns ErrMissingVar or ErrBadValue.
func (e *VarError) Unwrap() error { return e.Err }
