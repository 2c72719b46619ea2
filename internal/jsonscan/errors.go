package jsonscan

import (
	"errors"
	"fmt"
)

// ErrSyntax is wrapped by the error of a Scanner that met malformed JSON or
// a value of another type than its caller asked for.
var ErrSyntax = errors.New("jsonscan: syntax error")

// ErrDeclined is wrapped by the error of a Scanner that met valid JSON it
// would not read: in exact mode, input that encoding/json might read
// differently; or anything its caller refused with [Scanner.Fail].
var ErrDeclined = errors.New("jsonscan: declined")

// Error is the error a Scanner records: what went wrong and where.
type Error struct {
	Err    error  // ErrSyntax or ErrDeclined
	Reason string // what was met, e.g. "expected object"
	Offset int    // byte offset in the input
}

// Error formats the error as "jsonscan: syntax error: <reason> at offset <n>".
func (e *Error) Error() string {
	return fmt.Sprintf("%v: %s at offset %d", e.Err, e.Reason, e.Offset)
}

// Unwrap returns ErrSyntax or ErrDeclined, for errors.Is.
func (e *Error) Unwrap() error { return e.Err }
