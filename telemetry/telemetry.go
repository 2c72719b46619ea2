package telemetry

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"sync"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/switchboard-go/switchboard/channel"
)

// Config names the providers. A nil provider records nothing of its kind;
// pass otel.GetTracerProvider() and otel.GetMeterProvider() to use the
// global ones.
type Config struct {
	// TracerProvider makes the tracer of the send, handle, webhook and
	// HTTP spans; nil records no spans.
	TracerProvider trace.TracerProvider
	// MeterProvider makes the meter of the counters and histograms; nil
	// records no metrics.
	MeterProvider metric.MeterProvider
}

// Telemetry makes instrumented wrappers. It is safe for concurrent use; a
// nil *Telemetry records nothing.
type Telemetry struct {
	tracer trace.Tracer // nil: no traces

	meter                                     metric.Meter // nil: no metrics
	in, out, webhooks, dedupe, switches, desk metric.Int64Counter
	handleDur, sendDur                        metric.Float64Histogram
	optsMu                                    sync.RWMutex
	opts                                      map[optKey]metric.MeasurementOption
}

type optKey struct{ a, b, c string }

const scope = "github.com/switchboard-go/switchboard"

// New returns a Telemetry, or an error when a metric instrument cannot be
// created.
func New(cfg Config) (*Telemetry, error) {
	t := &Telemetry{opts: map[optKey]metric.MeasurementOption{}}
	if cfg.TracerProvider != nil {
		t.tracer = cfg.TracerProvider.Tracer(scope)
	}
	if cfg.MeterProvider == nil {
		return t, nil
	}
	m := cfg.MeterProvider.Meter(scope)
	t.meter = m
	var errs []error
	counter := func(name, desc string) metric.Int64Counter {
		c, err := m.Int64Counter(name, metric.WithDescription(desc))
		errs = append(errs, err)
		return c
	}
	hist := func(name, desc string) metric.Float64Histogram {
		h, err := m.Float64Histogram(name, metric.WithDescription(desc), metric.WithUnit("s"),
			metric.WithExplicitBucketBoundaries(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 1.5, 2.5, 5, 10))
		errs = append(errs, err)
		return h
	}
	t.in = counter("switchboard.messages.in", "Events received from platforms, by outcome of handling.")
	t.out = counter("switchboard.messages.out", "Messages sent to platforms, by outcome.")
	t.webhooks = counter("switchboard.webhook.requests", "Webhook requests, by HTTP status answered.")
	t.dedupe = counter("switchboard.dedupe.hits", "Redeliveries not handled again (done or in flight).")
	t.switches = counter("switchboard.endpoint.switches", "Failover switches between endpoints.")
	t.desk = counter("switchboard.desk.events", "Desk events: queued, assigned, replied, resolved, SLA warnings and breaches.")
	t.handleDur = hist("switchboard.handle.duration", "Time to handle one event.")
	t.sendDur = hist("switchboard.send.duration", "Time to send one message, retries included.")
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return t, nil
}

func (t *Telemetry) tracing() bool  { return t != nil && t.tracer != nil }
func (t *Telemetry) metering() bool { return t != nil && t.meter != nil }

// opt returns the cached attribute option for key k, so a hot path does
// not build an attribute set on every call.
func (t *Telemetry) opt(k optKey, attrs func() []attribute.KeyValue) metric.MeasurementOption {
	t.optsMu.RLock()
	o, ok := t.opts[k]
	t.optsMu.RUnlock()
	if ok {
		return o
	}
	o = metric.WithAttributeSet(attribute.NewSet(attrs()...))
	t.optsMu.Lock()
	if len(t.opts) < 10_000 {
		t.opts[k] = o
	}
	t.optsMu.Unlock()
	return o
}

var sentinels = []struct {
	err  error
	name string
}{
	{channel.ErrRateLimited, "rate_limited"},
	{channel.ErrWindowClosed, "window_closed"},
	{channel.ErrInvalidRecipient, "invalid_recipient"},
	{channel.ErrUnauthorized, "unauthorized"},
	{channel.ErrMediaTooLarge, "media_too_large"},
	{channel.ErrUnsupported, "unsupported"},
	{channel.ErrInvalidMessage, "invalid_message"},
	{channel.ErrDeliveryUnknown, "delivery_unknown"},
	{channel.ErrUnavailable, "unavailable"},
	{channel.ErrInFlight, "in_flight"},
	{context.DeadlineExceeded, "timeout"},
	{context.Canceled, "canceled"},
}

// Outcome names err as the switchboard.outcome attribute does.
func Outcome(err error) string {
	if err == nil {
		return "ok"
	}
	for _, s := range sentinels {
		if errors.Is(err, s.err) {
			return s.name
		}
	}
	return "error"
}

func messageKind(m *channel.Message) string {
	switch {
	case m == nil:
		return "none"
	case m.Template != nil:
		return "template"
	case m.Media != nil:
		return string(m.Media.Type)
	case len(m.Buttons) > 0:
		return "interactive"
	}
	return "text"
}

// Sender returns a Middleware recording every send: a span, the outcome
// counter and the duration. Without providers it returns next itself.
func (t *Telemetry) Sender() channel.Middleware {
	return func(next channel.Sender) channel.Sender {
		if !t.tracing() && !t.metering() {
			return next
		}
		return channel.SenderFunc(func(ctx context.Context, m *channel.Message) (channel.Receipt, error) {
			var kind channel.Kind
			if m != nil {
				kind = m.To.Channel
			}
			var span trace.Span
			if t.tracing() {
				ctx, span = t.tracer.Start(ctx, "switchboard.send", trace.WithSpanKind(trace.SpanKindClient))
			}
			start := time.Now()
			rc, err := next.Send(ctx, m)
			outcome := Outcome(err)
			if span != nil {
				if span.IsRecording() {
					span.SetAttributes(attribute.String("switchboard.channel", string(kind)),
						attribute.String("switchboard.message.kind", messageKind(m)),
						attribute.String("switchboard.outcome", outcome))
					if err != nil {
						span.SetStatus(codes.Error, outcome)
					}
				}
				span.End()
			}
			if t.metering() {
				t.out.Add(ctx, 1, t.opt(optKey{"out", string(kind), outcome}, func() []attribute.KeyValue {
					return []attribute.KeyValue{attribute.String("switchboard.channel", string(kind)), attribute.String("switchboard.outcome", outcome)}
				}))
				t.sendDur.Record(ctx, time.Since(start).Seconds(), t.opt(optKey{"send", string(kind), ""}, func() []attribute.KeyValue {
					return []attribute.KeyValue{attribute.String("switchboard.channel", string(kind))}
				}))
			}
			return rc, err
		})
	}
}

// Handler returns h recording every event it handles: a span, the inbound
// counter by outcome, the duration, and dedupe hits (ErrInFlight, or a
// duplicate reported through DedupeHit). Without providers it returns h.
func (t *Telemetry) Handler(h channel.Handler) channel.Handler {
	if !t.tracing() && !t.metering() {
		return h
	}
	return channel.HandlerFunc(func(ctx context.Context, e channel.Event) error {
		var span trace.Span
		if t.tracing() {
			ctx, span = t.tracer.Start(ctx, "switchboard.handle", trace.WithSpanKind(trace.SpanKindConsumer))
		}
		start := time.Now()
		err := h.HandleEvent(ctx, e)
		outcome := Outcome(err)
		if span != nil {
			if span.IsRecording() {
				span.SetAttributes(attribute.String("switchboard.channel", string(e.Channel)),
					attribute.String("switchboard.event.type", string(e.Type)),
					attribute.String("switchboard.outcome", outcome))
				if err != nil {
					span.SetStatus(codes.Error, outcome)
				}
			}
			span.End()
		}
		if t.metering() {
			ch, typ := string(e.Channel), string(e.Type)
			t.in.Add(ctx, 1, t.opt(optKey{ch, typ, outcome}, func() []attribute.KeyValue {
				return []attribute.KeyValue{attribute.String("switchboard.channel", ch),
					attribute.String("switchboard.event.type", typ), attribute.String("switchboard.outcome", outcome)}
			}))
			t.handleDur.Record(ctx, time.Since(start).Seconds(), t.opt(optKey{"handle", ch, ""}, func() []attribute.KeyValue {
				return []attribute.KeyValue{attribute.String("switchboard.channel", ch)}
			}))
			if errors.Is(err, channel.ErrInFlight) {
				t.DedupeHit(ctx, e)
			}
		}
		return err
	})
}

// DedupeHit counts a redelivery that was not handled again; use it as
// channel.DedupeConfig.OnDuplicate.
func (t *Telemetry) DedupeHit(ctx context.Context, e channel.Event) {
	if !t.metering() {
		return
	}
	ch := string(e.Channel)
	t.dedupe.Add(ctx, 1, t.opt(optKey{"dedupe", ch, ""}, func() []attribute.KeyValue {
		return []attribute.KeyValue{attribute.String("switchboard.channel", ch)}
	}))
}

// Switched counts a failover switch; use it as failover.Config.OnSwitch
// (with the group bound).
func (t *Telemetry) Switched(group, to string) {
	if !t.metering() {
		return
	}
	t.switches.Add(context.Background(), 1, t.opt(optKey{"switch", group, to}, func() []attribute.KeyValue {
		return []attribute.KeyValue{attribute.String("switchboard.endpoint.group", group), attribute.String("switchboard.endpoint.to", to)}
	}))
}

// DeskEvent counts a desk event by type, with the SLA kind for SLA warnings
// and breaches (empty otherwise); use it from desk.Config.OnEvent:
//
//	cfg.OnEvent = func(e desk.Event) { tel.DeskEvent(context.Background(), string(e.Type), string(e.SLA)) }
func (t *Telemetry) DeskEvent(ctx context.Context, eventType, sla string) {
	if !t.metering() {
		return
	}
	t.desk.Add(ctx, 1, t.opt(optKey{"desk", eventType, sla}, func() []attribute.KeyValue {
		return []attribute.KeyValue{attribute.String("switchboard.desk.event", eventType), attribute.String("switchboard.desk.sla", sla)}
	}))
}

// ObserveQueueDepth reports depth (e.g. the length of desk.Desk.Queue) as
// the switchboard.desk.queue.depth gauge at every collection; an error
// skips that observation.
func (t *Telemetry) ObserveQueueDepth(depth func(context.Context) (int, error)) error {
	if !t.metering() {
		return nil
	}
	g, err := t.meter.Int64ObservableGauge("switchboard.desk.queue.depth",
		metric.WithDescription("Conversations waiting for an agent."))
	if err != nil {
		return err
	}
	_, err = t.meter.RegisterCallback(func(ctx context.Context, o metric.Observer) error {
		if n, err := depth(ctx); err == nil {
			o.ObserveInt64(g, int64(n))
		}
		return nil
	}, g)
	return err
}

// ActiveEndpoint reports which endpoint a failover pool uses; a
// *failover.Transport implements it.
type ActiveEndpoint interface{ Active() string }

// ObserveEndpoints reports each pool's active endpoint as the
// switchboard.endpoint.active gauge (1 for the endpoint in use, by group).
func (t *Telemetry) ObserveEndpoints(pools map[string]ActiveEndpoint) error {
	if !t.metering() {
		return nil
	}
	g, err := t.meter.Int64ObservableGauge("switchboard.endpoint.active",
		metric.WithDescription("1 for the endpoint each failover pool sends to."))
	if err != nil {
		return err
	}
	_, err = t.meter.RegisterCallback(func(_ context.Context, o metric.Observer) error {
		for group, p := range pools {
			o.ObserveInt64(g, 1, metric.WithAttributes(attribute.String("switchboard.endpoint.group", group),
				attribute.String("switchboard.endpoint", p.Active())))
		}
		return nil
	}, g)
	return err
}

// QuotaSource reports a quota's use; *channel.Quota implements it.
type QuotaSource interface {
	Usage() channel.QuotaUsage
}

// ObserveQuotas reports each channel's quota use as the
// switchboard.quota.usage gauge at every collection.
func (t *Telemetry) ObserveQuotas(quotas map[channel.Kind]QuotaSource) error {
	if !t.metering() {
		return nil
	}
	g, err := t.meter.Float64ObservableGauge("switchboard.quota.usage", metric.WithUnit("1"),
		metric.WithDescription("Share of each channel's rolling quota used."))
	if err != nil {
		return err
	}
	_, err = t.meter.RegisterCallback(func(_ context.Context, o metric.Observer) error {
		for k, q := range quotas {
			o.ObserveFloat64(g, q.Usage().Fraction, metric.WithAttributes(attribute.String("switchboard.channel", string(k))))
		}
		return nil
	}, g)
	return err
}

// statusWriter remembers the status a handler answered.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Webhook returns h (an adapter's webhook handler for channel k) recording
// every request: a span and the request counter by the status answered
// (401 forged, 400 malformed, 413 oversize, 503 in flight, 5xx store down).
// Without providers it returns h.
func (t *Telemetry) Webhook(k channel.Kind, h http.Handler) http.Handler {
	if !t.tracing() && !t.metering() {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		var span trace.Span
		if t.tracing() {
			ctx, span = t.tracer.Start(ctx, "switchboard.webhook", trace.WithSpanKind(trace.SpanKindServer))
			r = r.WithContext(ctx)
		}
		sw := &statusWriter{ResponseWriter: w}
		h.ServeHTTP(sw, r)
		status := sw.status
		if status == 0 {
			status = http.StatusOK
		}
		if span != nil {
			if span.IsRecording() {
				span.SetAttributes(attribute.String("switchboard.channel", string(k)), attribute.Int("http.response.status_code", status))
				if status >= 500 {
					span.SetStatus(codes.Error, strconv.Itoa(status))
				}
			}
			span.End()
		}
		if t.metering() {
			t.webhooks.Add(ctx, 1, t.opt(optKey{"webhook", string(k), strconv.Itoa(status)}, func() []attribute.KeyValue {
				return []attribute.KeyValue{attribute.String("switchboard.channel", string(k)), attribute.Int("http.response.status_code", status)}
			}))
		}
	})
}

// Transport returns base recording a span per HTTP attempt (each retry is
// its own span under the send's), with the host it went to. Without a
// tracer provider it returns base.
func (t *Telemetry) Transport(base http.RoundTripper) http.RoundTripper {
	if !t.tracing() {
		return base
	}
	return roundTripper(func(r *http.Request) (*http.Response, error) {
		ctx, span := t.tracer.Start(r.Context(), "switchboard.http", trace.WithSpanKind(trace.SpanKindClient))
		defer span.End()
		resp, err := base.RoundTrip(r.WithContext(ctx))
		if span.IsRecording() {
			span.SetAttributes(attribute.String("server.address", r.URL.Hostname()), attribute.String("http.request.method", r.Method))
			if err != nil {
				span.SetStatus(codes.Error, "transport error")
			} else {
				span.SetAttributes(attribute.Int("http.response.status_code", resp.StatusCode))
			}
		}
		return resp, err
	})
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
