package telemetry_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/channel/channeltest"
	"github.com/switchboard-go/switchboard/telemetry"
)

type recorded struct {
	spans  *tracetest.SpanRecorder
	reader *sdkmetric.ManualReader
	tel    *telemetry.Telemetry
}

func newRecorded(t testing.TB) *recorded {
	t.Helper()
	r := &recorded{spans: tracetest.NewSpanRecorder(), reader: sdkmetric.NewManualReader()}
	tel, err := telemetry.New(telemetry.Config{
		TracerProvider: sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(r.spans)),
		MeterProvider:  sdkmetric.NewMeterProvider(sdkmetric.WithReader(r.reader)),
	})
	require.NoError(t, err)
	r.tel = tel
	return r
}

// sums returns each counter's data points as "attr=value,... → n".
func (r *recorded) sums(t *testing.T, name string) map[string]int64 {
	t.Helper()
	var rm metricdata.ResourceMetrics
	require.NoError(t, r.reader.Collect(context.Background(), &rm))
	out := map[string]int64{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if m.Name != name {
				continue
			}
			for _, p := range m.Data.(metricdata.Sum[int64]).DataPoints {
				var parts []string
				for _, kv := range p.Attributes.ToSlice() {
					parts = append(parts, string(kv.Key)+"="+kv.Value.String())
				}
				out[strings.Join(parts, ",")] += p.Value
			}
		}
	}
	return out
}

const phone = "85291230003"

func TestSendsAndEventsAreRecordedWithoutPersonalData(t *testing.T) {
	t.Parallel()
	r := newRecorded(t)
	fake := channeltest.New(channeltest.Config{})
	fail := true
	flaky := channel.SenderFunc(func(ctx context.Context, m *channel.Message) (channel.Receipt, error) {
		if fail {
			fail = false
			return channel.Receipt{}, channel.ErrWindowClosed
		}
		return fake.Send(ctx, m)
	})
	send := channel.Chain(flaky, r.tel.Sender())
	h := r.tel.Handler(channel.HandlerFunc(func(ctx context.Context, e channel.Event) error {
		_, err := send.Send(ctx, &channel.Message{To: e.From, Text: "your parcel JD014600006281 is out"})
		return err
	}))
	from := channel.Address{Channel: channel.WhatsApp, ID: phone}
	ev := channel.Event{Type: channel.EventMessage, Channel: channel.WhatsApp, ID: "wamid.1", From: from,
		Message: &channel.Message{From: from, Text: "where is my parcel, my number is " + phone}}
	require.ErrorIs(t, h.HandleEvent(context.Background(), ev), channel.ErrWindowClosed)
	require.NoError(t, h.HandleEvent(context.Background(), ev))

	assert.Equal(t, map[string]int64{
		"switchboard.channel=whatsapp,switchboard.outcome=window_closed": 1,
		"switchboard.channel=whatsapp,switchboard.outcome=ok":            1,
	}, r.sums(t, "switchboard.messages.out"))
	assert.Equal(t, map[string]int64{
		"switchboard.channel=whatsapp,switchboard.event.type=message,switchboard.outcome=window_closed": 1,
		"switchboard.channel=whatsapp,switchboard.event.type=message,switchboard.outcome=ok":            1,
	}, r.sums(t, "switchboard.messages.in"))

	spans := r.spans.Ended()
	require.Len(t, spans, 4)
	names := map[string]int{}
	for _, s := range spans {
		names[s.Name()]++
		for _, kv := range s.Attributes() {
			v := kv.Value.String()
			assert.NotContains(t, v, phone, "%s %s", s.Name(), kv.Key)
			assert.NotContains(t, v, "parcel", "%s %s: no message text", s.Name(), kv.Key)
		}
	}
	assert.Equal(t, map[string]int{"switchboard.send": 2, "switchboard.handle": 2}, names)
	handles := map[string]bool{}
	for _, s := range spans {
		if s.Name() == "switchboard.handle" {
			handles[s.SpanContext().SpanID().String()] = true
		}
	}
	for _, s := range spans {
		if s.Name() == "switchboard.send" {
			assert.True(t, handles[s.Parent().SpanID().String()], "sends are children of the handling")
		}
	}
}

func TestWebhookStatusAndInFlight(t *testing.T) {
	t.Parallel()
	r := newRecorded(t)
	codes := []int{http.StatusOK, http.StatusUnauthorized, http.StatusServiceUnavailable, http.StatusOK}
	i := 0
	h := r.tel.Webhook(channel.LINE, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(codes[i])
		i++
	}))
	for range codes {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodPost, "/webhooks/line", nil))
	}
	assert.Equal(t, map[string]int64{
		"http.response.status_code=200,switchboard.channel=line": 2,
		"http.response.status_code=401,switchboard.channel=line": 1,
		"http.response.status_code=503,switchboard.channel=line": 1,
	}, r.sums(t, "switchboard.webhook.requests"))

	inFlight := r.tel.Handler(channel.HandlerFunc(func(context.Context, channel.Event) error { return channel.ErrInFlight }))
	_ = inFlight.HandleEvent(context.Background(), channel.Event{Channel: channel.LINE, Type: channel.EventMessage})
	assert.Equal(t, map[string]int64{"switchboard.channel=line": 1}, r.sums(t, "switchboard.dedupe.hits"))
}

func TestOutcome(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "ok", telemetry.Outcome(nil))
	assert.Equal(t, "delivery_unknown", telemetry.Outcome(&channel.DeliveryError{Err: context.DeadlineExceeded}))
	assert.Equal(t, "unavailable", telemetry.Outcome(channel.ErrUnavailable))
	assert.Equal(t, "error", telemetry.Outcome(assert.AnError))
}

func TestWithoutProvidersNothingIsWrapped(t *testing.T) {
	t.Parallel()
	tel, err := telemetry.New(telemetry.Config{})
	require.NoError(t, err)
	fake := channeltest.New(channeltest.Config{})
	assert.Same(t, fake, tel.Sender()(fake).(*channeltest.Fake), "the sender itself")
	base := http.DefaultTransport
	assert.Equal(t, base, tel.Transport(base))
	var nilTel *telemetry.Telemetry
	assert.Same(t, fake, nilTel.Sender()(fake).(*channeltest.Fake))
}

// newRecordedDiscard is a Telemetry on the SDK whose spans go nowhere
// (sampled and ended, then dropped) and whose metrics are aggregated.
func newRecordedDiscard(t testing.TB) *telemetry.Telemetry {
	t.Helper()
	tel, err := telemetry.New(telemetry.Config{
		TracerProvider: sdktrace.NewTracerProvider(sdktrace.WithSampler(sdktrace.AlwaysSample())),
		MeterProvider:  sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader())),
	})
	require.NoError(t, err)
	return tel
}

type fixedEndpoint string

func (f fixedEndpoint) Active() string { return string(f) }

func TestDeskAndEndpointMetrics(t *testing.T) {
	t.Parallel()
	r := newRecorded(t)
	r.tel.DeskEvent(context.Background(), "sla_breach", "first_response")
	r.tel.DeskEvent(context.Background(), "sla_breach", "first_response")
	r.tel.DeskEvent(context.Background(), "assigned", "")
	assert.Equal(t, map[string]int64{
		"switchboard.desk.event=sla_breach,switchboard.desk.sla=first_response": 2,
		"switchboard.desk.event=assigned,switchboard.desk.sla=":                 1,
	}, r.sums(t, "switchboard.desk.events"))
	require.NoError(t, r.tel.ObserveQueueDepth(func(context.Context) (int, error) { return 7, nil }))
	require.NoError(t, r.tel.ObserveEndpoints(map[string]telemetry.ActiveEndpoint{"whatsapp": fixedEndpoint("backup")}))
	var rm metricdata.ResourceMetrics
	require.NoError(t, r.reader.Collect(context.Background(), &rm))
	gauges := map[string]int64{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if g, ok := m.Data.(metricdata.Gauge[int64]); ok {
				for _, p := range g.DataPoints {
					v, _ := p.Attributes.Value("switchboard.endpoint")
					gauges[m.Name+"/"+v.AsString()] = p.Value
				}
			}
		}
	}
	assert.Equal(t, map[string]int64{"switchboard.desk.queue.depth/": 7, "switchboard.endpoint.active/backup": 1}, gauges)
}

func TestStoreSpans(t *testing.T) {
	t.Parallel()
	r := newRecorded(t)
	store := r.tel.DedupeStore(channel.NewMemoryDedupeStore(16))
	h := channel.Dedupe(channel.HandlerFunc(func(context.Context, channel.Event) error { return nil }),
		channel.DedupeConfig{Store: store})
	require.NoError(t, h.HandleEvent(context.Background(), channel.Event{Channel: channel.WhatsApp, ID: "wamid.HBgL85291230003"}))
	var ops []string
	for _, s := range r.spans.Ended() {
		require.Equal(t, "switchboard.store", s.Name())
		for _, kv := range s.Attributes() {
			if kv.Key == "switchboard.store.op" {
				ops = append(ops, kv.Value.AsString())
			}
			assert.NotContains(t, kv.Value.String(), "85291230003", "no key (a message id) in attributes")
		}
	}
	assert.Equal(t, []string{"dedupe.claim", "dedupe.complete"}, ops)

	off, err := telemetry.New(telemetry.Config{})
	require.NoError(t, err)
	mem := channel.NewMemoryDedupeStore(1)
	assert.Same(t, mem, off.DedupeStore(mem).(*channel.MemoryDedupeStore), "unwrapped without a tracer")
}
