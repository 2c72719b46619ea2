// Package inbound holds what the four adapters' webhook handlers share
// beyond parsing: the HTTP status that answers a handler's or a state
// store's error, the bound on the number of items a JSON webhook body may
// hold (checked before the body is decoded into structs), and the optional
// slog logging of every refused request and failed handler, and the
// description of a JSON decoding error that quotes nothing of the input.
//
// Everything here is safe for concurrent use.
package inbound
