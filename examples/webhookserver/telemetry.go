package main

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"

	"github.com/switchboard-go/switchboard/telemetry"
)

// newTelemetry wires the OpenTelemetry SDK's metrics to a Prometheus
// registry of this server's own and returns the telemetry wrappers and the
// /metrics handler. (A shop that exports traces passes its TracerProvider
// to telemetry.New as well.)
func newTelemetry() (*telemetry.Telemetry, http.Handler, error) {
	reg := prometheus.NewRegistry()
	exp, err := otelprom.New(otelprom.WithRegisterer(reg))
	if err != nil {
		return nil, nil, err
	}
	tel, err := telemetry.New(telemetry.Config{MeterProvider: sdkmetric.NewMeterProvider(sdkmetric.WithReader(exp))})
	if err != nil {
		return nil, nil, err
	}
	return tel, promhttp.HandlerFor(reg, promhttp.HandlerOpts{}), nil
}
