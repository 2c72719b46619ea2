package whatsapp_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/channel"
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

// claimAll is a DedupeStore that never finds a duplicate, so every
// iteration of BenchmarkWebhookHandler reaches the handler.
type claimAll struct{}

func (claimAll) Claim(context.Context, string, time.Time, time.Duration) (channel.ClaimStatus, error) {
	return channel.ClaimNew, nil
}
func (claimAll) Complete(context.Context, string, time.Time, time.Duration) error { return nil }
func (claimAll) Release(context.Context, string) error                            { return nil }

// BenchmarkWebhookHandler is the same delivery through the whole
// http.Handler that Client.Webhook returns: method switch, capped body read,
// signature, parse, dedupe and the handler call. The request and recorder
// are built in the loop, so it includes their cost.
func BenchmarkWebhookHandler(b *testing.B) {
	body := benchBody(b)
	secret := "test-app-secret"
	sig := meta.Sign(body, []byte(secret))
	c, err := whatsapp.New(whatsapp.Config{AccessToken: "t", PhoneNumberID: "1", AppSecret: secret, Dedupe: claimAll{}})
	if err != nil {
		b.Fatal(err)
	}
	var handled int
	h := c.Webhook(channel.HandlerFunc(func(context.Context, channel.Event) error { handled++; return nil }))
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		r := httptest.NewRequest(http.MethodPost, "/webhook", bytes.NewReader(body))
		r.Header.Set(meta.SignatureHeader, sig)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			b.Fatal("status", w.Code)
		}
	}
	if handled == 0 {
		b.Fatal("handler not called")
	}
}
