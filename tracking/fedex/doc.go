// Package fedex tracks FedEx shipments with the FedEx Track API v1 (POST
// https://apis.fedex.com/track/v1/trackingnumbers, up to 30 numbers a call)
// authenticated by OAuth 2.0 client credentials (POST /oauth/token). The
// token is cached and shared: one fetch for any number of concurrent
// callers, refreshed shortly before expiry on the injected clock, and fetched
// again once if FedEx answers 401. Client implements tracking.BatchTracker.
package fedex
