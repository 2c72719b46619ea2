// Package redis keeps Switchboard's shared, hot state in Redis through
// github.com/redis/go-redis/v9: webhook claims (SET NX PX, Lua to complete
// or release), per-recipient limits and quotas (one Lua script per check,
// so check-and-count is atomic), windows, leases and conversation state.
// Every key starts with the prefix given to New, so several shops (and
// tests) share one server without seeing each other.
//
// Inside a webhook delivery (the channel.Delivery channel.Dedupe puts in
// the context), the stores of one Store share round trips: the claim's
// pipeline also touches the customer's window, reads their conversation and
// charges their per-recipient allowance for the reply, and the
// conversation's save travels with the completion — two round trips for a
// handled message instead of seven. A waiting write that fails is the
// error of the call that carried it. Scripts in pipelines go by their SHA1
// (EVALSHA); one the server has lost is sent again with its body. The
// pipelines of deliveries handled at the same time are sent together, as
// one (batch.go), so a busy server makes fewer system calls a message.
//
// go-redis reconnects on its own: after a server restart or a killed
// connection, the command that met the broken connection is retried or
// fails, and the next one gets a fresh connection.
//
// Every type here is safe for concurrent use.
package redis
