package meta

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"net/http"
	"sync"

	"github.com/switchboard-go/switchboard/internal/transport"
)

// SignatureHeader is the header Meta signs webhook deliveries with:
// "sha256=" followed by the hex HMAC-SHA256 of the raw body keyed with the
// app secret (Graph API webhooks, "Validate payloads").
const SignatureHeader = "X-Hub-Signature-256"

const signaturePrefix = "sha256="

// DefaultMaxBody is the default cap on a webhook body: 1 MiB. Meta batches
// at most a few hundred updates per delivery, far below it.
const DefaultMaxBody = 1 << 20

// Sign returns the X-Hub-Signature-256 value for body: "sha256=<hex>".
func Sign(body, secret []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	var sum [sha256.Size]byte
	return signaturePrefix + hex.EncodeToString(m.Sum(sum[:0]))
}

// ValidSignature reports whether header is the X-Hub-Signature-256 of body
// under secret. The comparison is constant time (hmac.Equal); a missing,
// malformed or wrong header is simply false. An empty secret never matches.
func ValidSignature(body []byte, header string, secret []byte) bool {
	var got [sha256.Size]byte
	if len(secret) == 0 || !decodeHeader(header, &got) {
		return false
	}
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	var want [sha256.Size]byte
	return hmac.Equal(got[:], m.Sum(want[:0]))
}

// Verifier checks X-Hub-Signature-256 headers for one app secret, reusing
// its HMAC state between calls. It is safe for concurrent use.
type Verifier struct {
	secret []byte
	pool   sync.Pool // of hash.Hash keyed with secret
}

// NewVerifier returns a Verifier for secret. An empty secret matches nothing.
func NewVerifier(secret []byte) *Verifier {
	v := &Verifier{secret: append([]byte(nil), secret...)}
	v.pool.New = func() any { return hmac.New(sha256.New, v.secret) }
	return v
}

// Valid reports whether header is the X-Hub-Signature-256 of body, compared
// in constant time (hmac.Equal).
func (v *Verifier) Valid(body []byte, header string) bool {
	var got [sha256.Size]byte
	if len(v.secret) == 0 || !decodeHeader(header, &got) {
		return false
	}
	m := v.pool.Get().(hash.Hash)
	m.Reset()
	m.Write(body)
	var want [sha256.Size]byte
	ok := hmac.Equal(got[:], m.Sum(want[:0]))
	v.pool.Put(m)
	return ok
}

func decodeHeader(header string, out *[sha256.Size]byte) bool {
	if len(header) != len(signaturePrefix)+2*sha256.Size || header[:len(signaturePrefix)] != signaturePrefix {
		return false
	}
	_, err := hex.Decode(out[:], []byte(header[len(signaturePrefix):]))
	return err == nil
}

// ReadSigned reads a webhook POST body through a cap of limit bytes (over it:
// 413) and checks its signature on the raw bytes before anything parses them
// (missing or wrong: 401). On failure it has answered and returns ok false;
// the caller just returns without calling any handler.
func ReadSigned(w http.ResponseWriter, r *http.Request, v *Verifier, limit int64) (body []byte, ok bool) {
	if limit <= 0 {
		limit = DefaultMaxBody
	}
	body, ok = transport.ReadBody(w, r, limit)
	if !ok {
		return nil, false
	}
	if !v.Valid(body, r.Header.Get(SignatureHeader)) {
		http.Error(w, "invalid signature", http.StatusUnauthorized)
		return nil, false
	}
	return body, true
}
