// Package tracking answers "where is my parcel?" for a shop's customer-service
// bot: one normalized shipment status that every carrier's codes map to, a
// Tracker interface the carrier adapters implement, best-effort carrier
// detection from a tracking number's format, stale rules that flag a parcel
// nobody has scanned for days, and a Poller that watches many shipments within
// each carrier's rate limit and daily quota and reports what changed.
//
// The carrier adapters live in sub-packages (tracking/dhl, tracking/fedex,
// tracking/ups, tracking/seventeentrack) and tracking/trackingtest holds fake
// carrier servers for tests. This package imports none of them, and no
// messaging channel either: the bot and the tracker meet in the user's code.
//
// A Shipment keeps the carrier's raw code and description beside the
// normalized Status, the time of the carrier's last update (LastUpdate) and
// the time it was fetched (FetchedAt), so a reply can say "last updated at":
// carriers refresh roughly every 30 minutes, up to 90 minutes at peak season.
//
// Time is injected everywhere (a Clock), so stale rules, quotas and polling
// intervals are tested without sleeping.
package tracking
