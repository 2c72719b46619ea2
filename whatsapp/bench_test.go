package whatsapp_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/switchboard-go/switchboard/internal/meta"
	"github.com/switchboard-go/switchboard/whatsapp"
)

func benchBody(b *testing.B) []byte {
	b.Helper()
	body, err := os.ReadFile(filepath.Join("testdata", "text.json"))
	if err != nil {
		b.Fatal(err)
	}
	return body
}

// BenchmarkWebhook is the webhook's hot path for a one-message delivery:
// verify the signature (pooled HMAC), parse (the reflection-free decoder,
// with encoding/json as its fallback), normalize into channel.Events.
// Target: at most 15 µs per op.
func BenchmarkWebhook(b *testing.B) {
	body := benchBody(b)
	secret := []byte("test-app-secret")
	sig := meta.Sign(body, secret)
	verifier := meta.NewVerifier(secret)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if !verifier.Valid(body, sig) {
			b.Fatal("signature")
		}
		events, err := whatsapp.ParseWebhook(body)
		if err != nil || len(events) != 1 || events[0].Message == nil {
			b.Fatal("parse", err)
		}
	}
}

// BenchmarkWebhookBaselineMapDecode only decodes the same body into
// map[string]any: no signature, no normalization.
func BenchmarkWebhookBaselineMapDecode(b *testing.B) {
	body := benchBody(b)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		var v map[string]any
		if err := json.Unmarshal(body, &v); err != nil {
			b.Fatal(err)
		}
	}
}
