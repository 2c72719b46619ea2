// Package telemetry records what Switchboard does as OpenTelemetry traces
// and metrics. It depends on OpenTelemetry's API only: the program that
// runs the SDK (examples/webhookserver does, with a Prometheus /metrics
// endpoint) chooses where they go.
//
// Telemetry wraps the pieces a shop assembles, so no adapter changes:
// Sender (a channel.Middleware), Handler, Webhook (an http.Handler) and
// Transport (an http.RoundTripper for an adapter's HTTPClient). A Telemetry
// made with no providers returns every piece unwrapped: nothing is recorded
// and nothing is allocated.
//
// Spans and their attributes:
//
//	switchboard.webhook   switchboard.channel, http.response.status_code
//	switchboard.handle    switchboard.channel, switchboard.event.type, switchboard.outcome
//	switchboard.send      switchboard.channel, switchboard.message.kind, switchboard.outcome
//	switchboard.http      server.address, http.request.method, http.response.status_code
//	switchboard.store     switchboard.store.op, switchboard.outcome
//
// Metrics (attributes in brackets):
//
//	switchboard.messages.in         counter   [switchboard.channel, switchboard.event.type, switchboard.outcome]
//	switchboard.messages.out        counter   [switchboard.channel, switchboard.outcome]
//	switchboard.handle.duration     histogram seconds [switchboard.channel]
//	switchboard.send.duration       histogram seconds [switchboard.channel]
//	switchboard.webhook.requests    counter   [switchboard.channel, http.response.status_code]
//	switchboard.dedupe.hits         counter   [switchboard.channel]
//	switchboard.quota.usage         gauge     ratio [switchboard.channel]
//	switchboard.endpoint.switches   counter   [switchboard.endpoint.group, switchboard.endpoint.to]
//	switchboard.endpoint.active     gauge     [switchboard.endpoint.group, switchboard.endpoint]
//	switchboard.desk.events         counter   [switchboard.desk.event, switchboard.desk.sla]
//	switchboard.desk.queue.depth    gauge
//
// switchboard.outcome is "ok" or the name of the channel sentinel the error
// matches (rate_limited, window_closed, invalid_recipient, unauthorized,
// media_too_large, unsupported, invalid_message, delivery_unknown,
// unavailable, in_flight), else "error". No attribute ever holds message
// text, a phone number, a recipient id or a secret.
package telemetry
