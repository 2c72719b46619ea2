package failover_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/switchboard-go/switchboard/failover"
)

func benchGet(b *testing.B, c *http.Client, u string) {
	b.Helper()
	b.ReportAllocs()
	for b.Loop() {
		resp, err := c.Get(u)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}

// BenchmarkTransport is a loopback GET through the failover transport;
// BenchmarkTransportBaseline is the same GET on the plain transport. Their
// difference is what failover adds to every call.
func BenchmarkTransport(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("ok")) }))
	defer srv.Close()
	tr, err := failover.New(failover.Config{Endpoints: []failover.Endpoint{{Name: "p", URL: srv.URL + "/v21.0"}, {Name: "b", URL: srv.URL + "/b"}}})
	if err != nil {
		b.Fatal(err)
	}
	benchGet(b, &http.Client{Transport: tr}, srv.URL+"/v21.0/123/messages")
}

func BenchmarkTransportBaseline(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("ok")) }))
	defer srv.Close()
	benchGet(b, &http.Client{Transport: http.DefaultTransport}, srv.URL+"/v21.0/123/messages")
}
