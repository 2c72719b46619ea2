// Package failover keeps an adapter on a platform endpoint that answers
// well: a primary base URL and backups (a second region, a proxy, another
// provider account, each with its own credentials where needed).
//
// A Transport is an http.RoundTripper for the adapter's HTTPClient: it sends
// each request to the active endpoint, times it, and after Trips
// consecutive calls that were slower than Slow or failed (a transport error
// or a 5xx) it switches to the next endpoint. It fails back only after
// HealthyProbes probes of the better endpoint in a row succeeded and its
// hold time passed; the hold doubles with each ejection (Envoy's outlier
// detection ejects on errors only; this also reacts to latency). A good
// call resets the count, so alternating slow and fast answers never switch.
//
// The Transport never retries: a request that failed on an endpoint being
// ejected comes back as it failed, and the adapter's own rules (retry only
// what certainly did not reach the platform, else channel.ErrDeliveryUnknown)
// decide.
//
// Several instances share switches through a Bus (Redis pub/sub, Postgres
// LISTEN/NOTIFY, or the in-memory one for tests): each instance switches
// locally at once and announces it, and the others follow.
package failover
