// Package inbound holds what the four adapters' webhook handlers share
// beyond parsing:
//   - Status, the HTTP status that answers a handler's or a state store's
//     error (503 for channel.ErrInFlight and channel.ErrUnavailable, so the
//     platform redelivers; 500 otherwise);
//   - CheckItems and CheckEvents, the bound on the events a JSON webhook
//     body may hold, the first checked before the body is decoded;
//   - Log, the optional slog logging of every refused request and failed
//     handler, with MaskID for event ids;
//   - ReadBody and JSONErrorKind, which answer and describe without quoting
//     the sender's input.
//
// Everything here is safe for concurrent use.
package inbound
