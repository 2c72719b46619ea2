// Package ups tracks UPS shipments with the UPS Tracking API v1 (GET
// https://onlinetools.ups.com/api/track/v1/details/{inquiryNumber}) and
// OAuth 2.0 client credentials (POST /security/v1/oauth/token with the
// client id and secret as HTTP Basic auth). Every track request carries the
// transId (unique per request) and transactionSrc headers UPS requires. The
// token is cached and shared like the FedEx adapter's. Client implements
// tracking.Tracker; UPS's REST API takes one number per request.
package ups
