// Package redact masks personal data and secrets before they reach an error
// text or a log: a phone number or recipient id keeps its first three and
// last four characters ("852****0003"), a secret keeps nothing.
//
// The mask is the one examples/internal/shop.Mask applies in the example
// server's logs, so an id reads the same in a log line and in an error.
package redact

// Masked is what Secret prints in place of a credential.
const Masked = "[redacted]"

// ID masks a phone number, PSID, user id or openid: the first three and last
// four characters around "****" ("85291110003" → "852****0003"). An id of
// fewer than 8 characters (too short to keep anything safely) becomes
// "****". Bytes are kept as they are: ids are ASCII on every platform.
func ID(id string) string {
	if len(id) < 8 {
		return "****"
	}
	return id[:3] + "****" + id[len(id)-4:]
}

// Secret returns Masked for a non-empty secret and "" for an empty one, so
// a printed config still shows whether a credential is set.
func Secret(s string) string {
	if s == "" {
		return ""
	}
	return Masked
}
