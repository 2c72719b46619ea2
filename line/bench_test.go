package line_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/switchboard-go/switchboard/internal/testenv"
	"github.com/switchboard-go/switchboard/line"
	"github.com/switchboard-go/switchboard/line/linetest"
)

// The target: verify + parse of a one-event webhook in ≤ 10 µs.
// BenchmarkWebhookVerifyParseMap is the baseline in the same run: the same
// signature check followed by decoding into map[string]any, what a handler
// without typed structs does.
//
// Besides ns/op (wall time), both report cpu-ns/op, the process's CPU time
// per operation from getrusage: on a shared, overloaded machine wall time
// measures the queue for a core, CPU time measures the code.

func oneEventWebhook(b *testing.B) (*line.Client, []byte, string) {
	b.Helper()
	body, err := os.ReadFile(filepath.Join("testdata", "text.json"))
	if err != nil {
		b.Fatal(err)
	}
	lc, err := line.New(line.Config{ChannelAccessToken: "t", ChannelSecret: testSecret})
	if err != nil {
		b.Fatal(err)
	}
	return lc, body, linetest.Sign(testSecret, body)
}

// benchVerifyThen measures the signature check of the one-event webhook
// followed by parse, reporting allocations, bytes and cpu-ns/op.
func benchVerifyThen(b *testing.B, parse func(body []byte) error) {
	lc, body, sig := oneEventWebhook(b)
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	start := testenv.CPUTime()
	for b.Loop() {
		if !lc.VerifySignature(body, sig) {
			b.Fatal("signature")
		}
		if err := parse(body); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(testenv.CPUTime()-start)/float64(b.N), "cpu-ns/op")
}

func BenchmarkWebhookVerifyParse(b *testing.B) {
	benchVerifyThen(b, func(body []byte) error {
		events, err := line.ParseWebhook(body)
		if err != nil || len(events) != 1 || events[0].Message == nil {
			return fmt.Errorf("parse: %d events, %v", len(events), err)
		}
		return nil
	})
}

func BenchmarkWebhookVerifyParseMap(b *testing.B) {
	benchVerifyThen(b, func(body []byte) error {
		var m map[string]any
		if err := json.Unmarshal(body, &m); err != nil {
			return err
		}
		if events, _ := m["events"].([]any); len(events) != 1 {
			return errors.New("events")
		}
		return nil
	})
}
