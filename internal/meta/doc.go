// Package meta holds what the WhatsApp Cloud API and the Messenger Platform
// share because both live on Meta's Graph API: the X-Hub-Signature-256
// webhook signature, the hub.* verification handshake, the Graph error JSON
// and its parsing, a retry policy that reads throttling codes from 4xx
// bodies, and the plumbing the two fake servers share (error answers, fault
// injection, realistic ids, signed webhook delivery).
//
// Everything here is safe for concurrent use unless a comment says otherwise.
package meta
