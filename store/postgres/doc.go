// Package postgres keeps Switchboard's state in PostgreSQL through
// github.com/jackc/pgx/v5: the source of truth when several instances run.
// Unique keys decide claims (INSERT … ON CONFLICT … DO UPDATE … WHERE the
// old claim expired), counters are conditional upserts, and every statement
// is a single round trip.
//
// Open applies the embedded migrations (migrations/NNNN_name.sql, recorded
// in switchboard_migrations, under an advisory lock so instances starting
// together migrate once). Numbers 0001–0099 belong to this package's own
// state, 0100–0199 to desk, 0200–0299 to insights. Options.Schema puts every
// table in one schema, so tests (and several shops on one server) never see
// each other.
//
// pgxpool reconnects on its own: after a server restart or a killed
// connection, the statement that met the broken connection fails (callers
// see an error wrapping channel.ErrUnavailable where the interface says so)
// and the next one gets a fresh connection.
//
// Every type here is safe for concurrent use.
package postgres
