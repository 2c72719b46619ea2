// Package store is the home of Switchboard's durable state backends. It
// holds no code of its own; its subpackages implement the small state
// interfaces that core packages (channel, autoreply, wechat, tracking, and
// the wave-2 packages) define beside their users:
//
//   - store/sqlite: pure Go (modernc.org/sqlite), one file, WAL, the embedded
//     default for one machine; survives a restart.
//   - store/postgres: pgx/v5, the source of truth for several instances.
//   - store/redis: go-redis/v9, claims, limits, quotas, leases and hot
//     conversation state shared by several instances.
//   - store/storetest: helpers that give each test its own database schema,
//     file or key prefix, and the conformance suite every backend passes.
//
// The two SQL backends share their stores' logic through store/internal/sqldb
// (written once, with $1-style placeholders that both databases accept);
// each backend keeps only what its database does its own way.
//
// Core packages never import a backend; only the user's program, the
// examples and tests do.
//
// Migration numbers of the SQL backends are shared out by owner so branches
// merge without clashes: 0001–0099 the channel/autoreply/wechat/tracking
// state, 0100–0199 desk, 0200–0299 insights.
package store
