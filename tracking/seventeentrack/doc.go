// Package seventeentrack tracks parcels through 17TRACK's tracking API v2.2,
// the aggregator this module uses for postal and Asian carriers (China Post,
// Hongkong Post, Chunghwa Post, SF Express, ...). Requests are POSTs of a
// JSON array of {"number","carrier"} to
// https://api.17track.net/track/v2.2/gettrackinfo (up to 40 numbers) with the
// API key in the 17token header.
//
// 17TRACK only reports numbers registered with it (POST
// /track/v2.2/register, which spends quota). With Config.AutoRegister the
// Client registers a number 17TRACK rejects as unregistered and asks once
// more; 17TRACK then fetches the carrier in the background, so the first
// answer is often NotFound and later polls fill in.
//
// Client implements tracking.BatchTracker.
package seventeentrack
