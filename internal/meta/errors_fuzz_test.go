package meta

import (
	"bytes"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"
)

// FuzzGraphError feeds Graph API error bodies with any status and
// Retry-After through ReadFailure, the error text, the retry decisions and
// ParseError. Properties: no panic; a parsed error survives Marshal and
// ParseError with its codes (and is stable from then on); the error text holds no byte of the body that is not
// in a parsed field (a body that is not a Graph error is never echoed); the
// send policy's refusal test agrees with the parsed code.
func FuzzGraphError(f *testing.F) {
	seeds := []string{
		`{"error":{"message":"(#130429) Rate limit hit","type":"OAuthException","code":130429,"error_data":{"messaging_product":"whatsapp","details":"Cloud API message throughput has been reached."},"fbtrace_id":"Az8or2yhqkZfEZ-_4Qn_Bam"}}`,
		`{"error":{"message":"(#10) This message is sent outside of allowed window.","type":"OAuthException","code":10,"error_subcode":2018278,"fbtrace_id":"A"}}`,
		`{"error":{"code":190,"message":"Invalid OAuth access token"}}`,
		`{"error":{"code":1,"message":"An unknown error occurred"}}`,
		`{"error":null}`, `{"error":{"code":"4"}}`, `{"error":[]}`, `<html>Bad Gateway</html>`, ``,
	}
	for _, s := range seeds {
		f.Add(400, s, "7")
		f.Add(500, s, "")
	}
	now := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	throttling := func(code, _ int) bool { return code == 4 || code == 613 || code == 130429 }
	f.Fuzz(func(t *testing.T, status int, body, retryAfter string) {
		resp := &http.Response{StatusCode: status, Header: http.Header{"Retry-After": {retryAfter}},
			Body: io.NopCloser(strings.NewReader(body))}
		fl := ReadFailure(resp, now)
		if fl.RetryAfter < 0 {
			t.Fatalf("negative Retry-After %v", fl.RetryAfter)
		}
		text := fl.Fields().Text("whatsapp")
		_ = fl.Fields().Retryable(throttling)
		g, ok := ParseError([]byte(body))
		if !ok {
			if fl.Graph.Message != http.StatusText(status) || fl.Graph.Code != 0 {
				t.Fatalf("a body that is not a Graph error leaked into %+v", fl.Graph)
			}
			empty := &http.Response{StatusCode: status, Header: resp.Header, Body: io.NopCloser(strings.NewReader(""))}
			if want := ReadFailure(empty, now).Fields().Text("whatsapp"); text != want {
				t.Fatalf("error text %q depends on a body that is not a Graph error (want %q)", text, want)
			}
		} else {
			if !reflect.DeepEqual(fl.Graph, g) {
				t.Fatalf("ReadFailure %+v, ParseError %+v", fl.Graph, g)
			}
			// Marshal may normalize text (invalid UTF-8 becomes U+FFFD);
			// codes survive, and a second round trip changes nothing.
			back, ok1 := ParseError(g.Marshal())
			again, ok2 := ParseError(back.Marshal())
			if !ok1 || !ok2 || back.Code != g.Code || back.Subcode != g.Subcode || !reflect.DeepEqual(back, again) {
				t.Fatalf("round trip: %+v → %+v → %+v", g, back, again)
			}
		}
		resp.Body = io.NopCloser(strings.NewReader(body))
		refused := Refused(throttling)(resp)
		want := status == http.StatusTooManyRequests || (ok && throttling(g.Code, g.Subcode))
		if refused != want {
			t.Fatalf("Refused %v, want %v (status %d, %+v)", refused, want, status, g)
		}
		rest, _ := io.ReadAll(resp.Body)
		if !bytes.Equal(rest, []byte(body)[:min(len(body), maxErrorBody)]) && status != http.StatusTooManyRequests {
			t.Fatalf("Refused did not put the body back")
		}
		_ = Unknown(fl.Graph.Code)
	})
}
