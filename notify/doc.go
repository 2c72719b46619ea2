// Package notify plans proactive notices: parcel updates, invoices ready,
// promotions. A shop hands each Notice to a Planner, which decides, on an
// injected clock, to send it now (and how: free text inside the
// customer-service window; outside it an approved WhatsApp template, a
// Messenger message tag or a LINE push; WeChat within its 48 h and
// 5-message rule), to defer it (not before its time, quiet hours in the
// customer's time zone, the frequency cap, a quota above 80 % for
// marketing), to coalesce it (a newer notice with the same coalesce key
// replaces a pending older one), or to drop it (expired, duplicate, no
// route). Every notice ends in exactly one reported outcome: nothing is
// dropped silently.
//
// The planner only decides; the caller renders the template and sends
// through its channel.Sender, so the window, limit and quota middlewares
// still guard the send itself.
//
// FromChange turns the tracking poller's changes (status change, out for
// delivery, customs hold, exception, no update for 72 h) into notices.
package notify
