// Package dhl tracks DHL shipments with the DHL Shipment Tracking – Unified
// API (GET https://api-eu.dhl.com/track/shipments?trackingNumber=…&service=…,
// API key in the DHL-API-Key header). It implements tracking.Tracker.
//
// DHL's starting quota is 250 calls a day at about one call a second; the
// tracking.Poller's DefaultLimits encode that. Always pass the service when
// known (Config.Service or TrackService): it saves DHL a search over every
// business unit and avoids answers for the wrong shipment.
package dhl
