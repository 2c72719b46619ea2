package inbound

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"unicode/utf8"

	"github.com/switchboard-go/switchboard/channel"
)

// DefaultMaxEvents is the number of events a webhook body may hold when an
// adapter's Config.MaxEvents is 0. Meta batches at most 1,000 updates per
// delivery and LINE sends a few events per request; a body above the bound
// is no real delivery.
const DefaultMaxEvents = 1000

// ItemsPerEvent bounds the JSON array elements a body may hold per allowed
// event (entries, changes, contacts and the events themselves): a body with
// more than ItemsPerEvent × MaxEvents array elements is refused before it is
// decoded into structs, so its cost stays bounded.
const ItemsPerEvent = 8

// ErrTooManyEvents is wrapped by the adapters' errors for a webhook body
// holding more events (or JSON array elements) than allowed. Webhooks answer
// it with 413 before any handler runs.
var ErrTooManyEvents = errors.New("webhook body holds too many events")

// MaxEvents returns n, or DefaultMaxEvents when n ≤ 0.
func MaxEvents(n int) int {
	if n <= 0 {
		return DefaultMaxEvents
	}
	return n
}

// CheckItems walks the JSON in body token by token, without building any
// value, and returns an error wrapping ErrTooManyEvents as soon as its
// arrays hold more than ItemsPerEvent × maxEvents elements in total (at any
// depth). A body shorter than 2 × that bound cannot hold so many and is not
// walked. It returns nil for malformed JSON: the decoder that runs next
// reports it. It reads each byte once and never panics.
func CheckItems(body []byte, maxEvents int) error {
	limit := ItemsPerEvent * MaxEvents(maxEvents)
	if (len(body)+1)/2 <= limit {
		// n elements take n values and n-1 commas: a body this short
		// cannot hold more than limit (a real delivery never needs the walk).
		return nil
	}
	d := json.NewDecoder(bytes.NewReader(body))
	var (
		inArray []bool // one per open object or array: is it an array?
		n       int
	)
	for {
		tok, err := d.Token()
		if err == io.EOF || err != nil {
			return nil
		}
		if delim, ok := tok.(json.Delim); ok && (delim == '}' || delim == ']') {
			if len(inArray) > 0 {
				inArray = inArray[:len(inArray)-1]
			}
			continue
		}
		if len(inArray) > 0 && inArray[len(inArray)-1] {
			if n++; n > limit {
				return fmt.Errorf("%w: more than %d JSON array elements", ErrTooManyEvents, limit)
			}
		}
		if delim, ok := tok.(json.Delim); ok {
			inArray = append(inArray, delim == '[')
		}
	}
}

// DecodeJSON is the first step of the JSON adapters' webhook parsers. It
// refuses a body that is not UTF-8 (JSON is UTF-8, RFC 8259 §8.1, and
// encoding/json would silently turn bad bytes into U+FFFD and hand the bot
// text the customer never wrote) or that holds too many array elements
// (CheckItems, before anything is decoded), then unmarshals body into v.
// Its errors wrap malformed, with the kind of JSON error but never the
// input, or ErrTooManyEvents, prefixed with "name: ".
func DecodeJSON(body []byte, maxEvents int, v any, name string, malformed error) error {
	if !utf8.Valid(body) {
		return fmt.Errorf("%w: body is not valid UTF-8", malformed)
	}
	if err := CheckItems(body, maxEvents); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("%w: %s", malformed, JSONErrorKind(err))
	}
	return nil
}

// CheckEvents returns an error wrapping ErrTooManyEvents when n > maxEvents
// (0 meaning DefaultMaxEvents).
func CheckEvents(n, maxEvents int) error {
	if limit := MaxEvents(maxEvents); n > limit {
		return fmt.Errorf("%w: %d events, at most %d", ErrTooManyEvents, n, limit)
	}
	return nil
}

// Status is the HTTP status a webhook answers when handling an event failed
// with err: 503 when the event is in flight elsewhere (channel.ErrInFlight)
// or a state store did not answer (channel.ErrUnavailable), so the platform
// redelivers later; 500 for any other handler error, which the platform
// redelivers too.
func Status(err error) int {
	if errors.Is(err, channel.ErrInFlight) || errors.Is(err, channel.ErrUnavailable) {
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// Log reports what a webhook refused or failed to handle to an optional
// *slog.Logger. A nil Logger is silent. Records carry the channel, the HTTP
// status, a fixed reason and, for a handler failure, the event's type and
// masked platform id (MaskID) and the error: never a body, a signature, a token, a phone
// number or message text (the adapters' parse errors quote none; a
// handler's own error is logged as the handler wrote it).
type Log struct {
	Logger  *slog.Logger
	Channel channel.Kind
}

// Refused answers status with reason as the body and logs it (Warn for 4xx,
// Error for 5xx) with err, when err is not nil.
func (l Log) Refused(ctx context.Context, w http.ResponseWriter, status int, reason string, err error) {
	http.Error(w, reason, status)
	if l.Logger == nil {
		return
	}
	attrs := []slog.Attr{
		slog.String("channel", string(l.Channel)), slog.Int("status", status), slog.String("reason", reason),
	}
	if err != nil {
		attrs = append(attrs, slog.String("err", err.Error()))
	}
	l.Logger.LogAttrs(ctx, level(status), "webhook refused", attrs...)
}

// Failed logs that handling e failed with err, answered with status.
func (l Log) Failed(ctx context.Context, status int, e channel.Event, err error) {
	if l.Logger == nil {
		return
	}
	l.Logger.LogAttrs(ctx, level(status), "webhook handler failed",
		slog.String("channel", string(l.Channel)), slog.Int("status", status),
		slog.String("event_type", string(e.Type)), slog.String("event_id", MaskID(e.ID)),
		slog.String("err", err.Error()))
}

func level(status int) slog.Level {
	if status >= 500 {
		return slog.LevelError
	}
	return slog.LevelWarn
}

// MaskID shortens an event id for a log line: the first 10 and the last 6
// characters of a longer id. A WhatsApp message id ("wamid." and base64)
// encodes the customer's wa_id after its first 10 characters, so a log line
// never carries the phone number, and the ends still tell events apart.
func MaskID(id string) string {
	if len(id) <= 16 {
		return id
	}
	return id[:10] + "…" + id[len(id)-6:]
}

// ReadBody reads r's body through http.MaxBytesReader with limit. On failure
// it returns the status to answer (413 over the limit, 400 otherwise) and
// the error; it writes nothing, so the caller answers and logs it.
func ReadBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, int, error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, http.StatusRequestEntityTooLarge, fmt.Errorf("body larger than %d bytes", limit)
		}
		return nil, http.StatusBadRequest, errors.New("cannot read request body")
	}
	return body, http.StatusOK, nil
}

// DedupeError logs a dedupe store error Dedupe could not return (a Complete
// that failed after the handler succeeded); use it as
// channel.DedupeConfig.OnError.
func (l Log) DedupeError(ctx context.Context, e channel.Event, err error) {
	if l.Logger == nil {
		return
	}
	l.Logger.LogAttrs(ctx, slog.LevelError, "webhook dedupe store failed after handling",
		slog.String("channel", string(l.Channel)),
		slog.String("event_type", string(e.Type)), slog.String("event_id", MaskID(e.ID)),
		slog.String("err", err.Error()))
}

// JSONErrorKind describes an encoding/json decoding error without quoting
// the input, so a webhook parse error never echoes what the sender wrote.
func JSONErrorKind(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("syntax error at offset %d", se.Offset)
	case errors.As(err, &te):
		return "wrong type for " + te.Field
	}
	return "cannot decode"
}
