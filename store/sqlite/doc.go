// Package sqlite keeps Switchboard's state in one SQLite file: the embedded
// default for a single machine, which survives a restart. It uses
// modernc.org/sqlite, a pure-Go translation of SQLite (no cgo), in WAL mode
// with one connection (SQLite has one writer). Statements and transactions
// made at the same time are committed together (group commit): most of a
// small write's cost is its commit, and a call returns only once its own
// writes are committed, so what it reports is as durable as before.
//
// Open applies the embedded migrations (migrations/NNNN_name.sql, recorded
// in switchboard_migrations). Numbers 0001–0099 belong to this package's own
// state, 0100–0199 to desk, 0200–0299 to insights.
//
// Every type here is safe for concurrent use.
package sqlite
