// Package redis keeps Switchboard's shared, hot state in Redis through
// github.com/redis/go-redis/v9: webhook claims (SET NX PX, Lua to complete
// or release), per-recipient limits and quotas (one Lua script per check,
// so check-and-count is atomic), windows, leases and conversation state.
// Every key starts with the prefix given to New, so several shops (and
// tests) share one server without seeing each other.
//
// go-redis reconnects on its own: after a server restart or a killed
// connection, the command that met the broken connection is retried or
// fails, and the next one gets a fresh connection.
//
// Every type here is safe for concurrent use.
package redis
