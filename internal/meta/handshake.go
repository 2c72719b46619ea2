package meta

import (
	"crypto/subtle"
	"io"
	"net/http"
)

// Handshake answers Meta's webhook verification request: a GET with
// hub.mode=subscribe, hub.verify_token and hub.challenge. When the mode is
// subscribe and the token matches verifyToken (constant-time comparison), it
// answers 200 with the challenge as the body and reports true; otherwise it
// writes nothing and reports false (the caller answers 403). An empty
// verifyToken refuses every handshake.
func Handshake(w http.ResponseWriter, r *http.Request, verifyToken string) bool {
	q := r.URL.Query()
	token := q.Get("hub.verify_token")
	if verifyToken == "" || q.Get("hub.mode") != "subscribe" ||
		subtle.ConstantTimeCompare([]byte(token), []byte(verifyToken)) != 1 {
		return false
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, q.Get("hub.challenge"))
	return true
}
