package meta

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"github.com/switchboard-go/switchboard/channel"
)

// Webhook is the http.Handler both adapters register as their webhook URL;
// only Parse differs between them. The adapters build one per Webhook call
// and it is immutable afterwards, so it is safe for concurrent use.
//
// GET answers the hub.* verification handshake (see Handshake). POST reads
// the body through a cap of MaxBody (0: DefaultMaxBody; 413 over it), checks
// X-Hub-Signature-256 with Verifier on the raw bytes before parsing (missing
// or wrong: 401, Handler is not called), parses it (error: 400) and passes
// every event to Handler in order. When Handler returns an error it stops
// and answers 500, so Meta redelivers the whole batch (Graph API webhooks:
// a delivery that is not answered 200 is retried). Other methods get 405.
type Webhook struct {
	VerifyToken string
	Verifier    *Verifier
	MaxBody     int64
	// Parse turns a verified body into events; an error means malformed.
	Parse func(body []byte) ([]channel.Event, error)
	// Handler receives the events; the adapters pass it through
	// channel.Dedupe so a redelivered event reaches the user's handler once.
	Handler channel.Handler
}

// ServeHTTP implements http.Handler.
func (wh *Webhook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		Handshake(w, r, wh.VerifyToken)
		return
	case http.MethodPost:
	default:
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	body, ok := ReadSigned(w, r, wh.Verifier, wh.MaxBody)
	if !ok {
		return
	}
	events, err := wh.Parse(body)
	if err != nil {
		http.Error(w, "malformed payload", http.StatusBadRequest)
		return
	}
	for _, e := range events {
		if err := wh.Handler.HandleEvent(r.Context(), e); err != nil {
			http.Error(w, "handler failed", http.StatusInternalServerError)
			return
		}
	}
	w.WriteHeader(http.StatusOK)
}

// JSONErrorKind describes an encoding/json decoding error without quoting
// the input, so a webhook parse error never echoes what the sender wrote.
func JSONErrorKind(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return "syntax error at offset " + strconv.FormatInt(se.Offset, 10)
	case errors.As(err, &te):
		return "wrong type for " + te.Field
	}
	return "cannot decode"
}
