// Package meta holds what the WhatsApp Cloud API and the Messenger Platform
// share because both live on Meta's Graph API: the X-Hub-Signature-256
// webhook signature, the hub.* verification handshake, the webhook
// http.Handler (parameterized by each platform's parser), the Graph error
// JSON, its parsing and the fields and text of both adapters' APIError, a
// Caller that checks the API version and base URL, retries idempotent calls
// on throttling codes read from 4xx bodies, 5xx and connection errors, and
// sends (Caller.Send) only on what certainly was not delivered, and the
// plumbing the two fake servers share
// (request reading and redacted recording, error answers, fault injection,
// realistic ids, signed webhook delivery).
//
// What differs per platform stays in the adapters: the payload parsers,
// the error codes and their errors.Is mapping, and the exported Config,
// APIError and fake types.
//
// Everything here is safe for concurrent use unless a comment says otherwise.
package meta
