package line

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/switchboard-go/switchboard/channel"
)

// FuzzErrorBody feeds LINE error bodies (the monthly-limit answer among
// them) with any status through decodeError, monthlyLimit, the APIError
// methods and the retry policy. Properties: no panic; the message is the
// body's "message" string exactly when the body is a JSON object with one;
// monthlyLimit is true exactly when that message is MessageMonthlyLimit, and
// puts the body back; a 429 with it is never retried; the error text never
// quotes a body that is not LINE's JSON error.
func FuzzErrorBody(f *testing.F) {
	seeds := []string{
		`{"message":"You have reached your monthly limit."}`,
		`{"message":"The API rate limit has been exceeded. Try again later."}`,
		`{"message":"Invalid reply token"}`,
		`{"message":"Failed to send messages"}`,
		`{"message":"The request body has 1 error(s)","details":[{"message":"May not be empty","property":"messages[0].text"}]}`,
		`{"message":"The property, 'to', in the request body is invalid (line: -, column: -)"}`,
		`{"message":1}`, `{"details":null}`, `<html>502 Bad Gateway</html>`, ``, `null`,
	}
	for _, s := range seeds {
		f.Add(429, s)
		f.Add(400, s)
		f.Add(500, s)
	}
	f.Fuzz(func(t *testing.T, status int, body string) {
		resp := func() *http.Response {
			return &http.Response{StatusCode: status, Header: http.Header{"Retry-After": {"5"}},
				Body: io.NopCloser(strings.NewReader(body))}
		}
		e := decodeError(resp())
		var parsed struct {
			Message string `json:"message"`
		}
		isJSON := json.Unmarshal(bytes.TrimSpace([]byte(body)), &parsed) == nil
		if isJSON && len(body) <= 1<<16 && e.Message != parsed.Message {
			t.Fatalf("message %q, body says %q", e.Message, parsed.Message)
		}
		if !isJSON && e.Message != "" {
			t.Fatalf("message %q from a body that is not JSON", e.Message)
		}
		text := e.Error()
		empty := resp()
		empty.Body = io.NopCloser(strings.NewReader(""))
		if want := decodeError(empty).Error(); !isJSON && text != want {
			t.Fatalf("error text %q depends on a body that is not LINE's JSON (want %q)", text, want)
		}
		_ = e.Retryable()
		for _, target := range []error{channel.ErrRateLimited, channel.ErrUnauthorized, channel.ErrInvalidRecipient, ErrInvalidReplyToken} {
			_ = errors.Is(e, target)
		}
		r := resp()
		monthly := monthlyLimit(r)
		if want := isJSON && len(body) <= 1<<16 && parsed.Message == MessageMonthlyLimit; monthly != want && len(body) <= 1<<16 {
			t.Fatalf("monthlyLimit %v, want %v", monthly, want)
		}
		if rest, _ := io.ReadAll(r.Body); len(body) <= 1<<16 && string(rest) != body {
			t.Fatal("monthlyLimit did not put the body back")
		}
		ctx := t.Context()
		if status == http.StatusTooManyRequests && monthly {
			retry, _ := checkRetry(context.WithValue(ctx, retryableKey{}, true), resp(), nil)
			if retry {
				t.Fatal("a used-up monthly quota is retried")
			}
		}
	})
}
