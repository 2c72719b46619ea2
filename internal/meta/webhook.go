package meta

import (
	"errors"
	"net/http"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/internal/inbound"
)

// Webhook is the http.Handler both adapters register as their webhook URL;
// only Parse differs between them. The adapters build one per Webhook call
// and it is immutable afterwards, so it is safe for concurrent use.
//
// GET answers the hub.* verification handshake (see Handshake). POST reads
// the body through a cap of MaxBody (0: DefaultMaxBody; 413 over it), checks
// X-Hub-Signature-256 with Verifier on the raw bytes before parsing (missing
// or wrong: 401, Handler is not called), parses it (more than MaxEvents
// events: 413; malformed: 400; Handler is not called) and passes every event
// to Handler in order. When Handler returns an error it stops and answers
// 503 for an event in flight elsewhere or a state store that did not answer
// (channel.ErrInFlight, channel.ErrUnavailable), else 500, so Meta
// redelivers the whole batch (Graph API webhooks: a delivery that is not
// answered 200 is retried). Other methods get 405. Every answer but 200 is
// logged through Log.
type Webhook struct {
	VerifyToken string
	Verifier    *Verifier
	MaxBody     int64
	// MaxEvents bounds the events of one body; 0 means
	// inbound.DefaultMaxEvents.
	MaxEvents int
	// Parse turns a verified body into at most maxEvents events; an error
	// wrapping inbound.ErrTooManyEvents means too many, any other malformed.
	Parse func(body []byte, maxEvents int) ([]channel.Event, error)
	// Handler receives the events; the adapters pass it through
	// channel.Dedupe so a redelivered event reaches the user's handler once.
	Handler channel.Handler
	// Log reports refused requests and failed handlers; its zero value is
	// silent.
	Log inbound.Log
}

// ServeHTTP implements http.Handler.
func (wh *Webhook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	switch r.Method {
	case http.MethodGet:
		if !Handshake(w, r, wh.VerifyToken) {
			wh.Log.Refused(ctx, w, http.StatusForbidden, "verification failed", nil)
		}
		return
	case http.MethodPost:
	default:
		w.Header().Set("Allow", "GET, POST")
		wh.Log.Refused(ctx, w, http.StatusMethodNotAllowed, "method not allowed", nil)
		return
	}
	limit := wh.MaxBody
	if limit <= 0 {
		limit = DefaultMaxBody
	}
	body, status, err := inbound.ReadBody(w, r, limit)
	if err != nil {
		wh.Log.Refused(ctx, w, status, "cannot read body", err)
		return
	}
	if !wh.Verifier.Valid(body, r.Header.Get(SignatureHeader)) {
		wh.Log.Refused(ctx, w, http.StatusUnauthorized, "invalid signature", nil)
		return
	}
	events, err := wh.Parse(body, wh.MaxEvents)
	switch {
	case errors.Is(err, inbound.ErrTooManyEvents):
		wh.Log.Refused(ctx, w, http.StatusRequestEntityTooLarge, "too many events", err)
		return
	case err != nil:
		wh.Log.Refused(ctx, w, http.StatusBadRequest, "malformed payload", err)
		return
	}
	for _, e := range events {
		if err := wh.Handler.HandleEvent(ctx, e); err != nil {
			status := inbound.Status(err)
			wh.Log.Failed(ctx, status, e, err)
			http.Error(w, http.StatusText(status), status)
			return
		}
	}
	w.WriteHeader(http.StatusOK)
}
