package oauth

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// answer serves every request in memory with one status and body.
type answer struct {
	status int
	body   string
}

func (a answer) RoundTrip(r *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: a.status, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(a.body)), Request: r}, nil
}

// FuzzTokenAnswer feeds carrier OAuth token answers (FedEx: expires_in a
// number; UPS: a string; both carriers' error shapes) with any status
// through ClientCredentials.Fetch and FirstError. Properties: no panic; an
// error never holds the client secret; a token that is returned has a value
// and expires after the fetch started.
func FuzzTokenAnswer(f *testing.F) {
	seeds := []string{
		`{"access_token":"eyJhbGciOi","token_type":"bearer","expires_in":3599,"scope":"CXS"}`,
		`{"token_type":"Bearer","issued_at":"1700000000000","client_id":"c","access_token":"eyJraWQ","expires_in":"14399","status":"approved"}`,
		`{"errors":[{"code":"NOT.AUTHORIZED.ERROR","message":"The given client credentials were not valid."}]}`,
		`{"response":{"errors":[{"code":"10401","message":"ClientId is Invalid"}]}}`,
		`{"access_token":"t","expires_in":"9223372036854775807"}`,
		`{"access_token":"t","expires_in":-1}`, `{"access_token":""}`, `[]`, ``, `<html/>`,
	}
	for _, s := range seeds {
		f.Add(200, s)
		f.Add(401, s)
	}
	start := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, status int, body string) {
		if status < 100 || status > 999 {
			return // net/http itself refuses such responses
		}
		_, _ = FirstError([]byte(body))
		hc := &retryablehttp.Client{
			HTTPClient: &http.Client{Transport: answer{status, body}}, RetryMax: 0,
			CheckRetry: retryablehttp.DefaultRetryPolicy, Backoff: retryablehttp.DefaultBackoff,
			ErrorHandler: retryablehttp.PassthroughErrorHandler,
		}
		for _, basic := range []bool{false, true} {
			cc := ClientCredentials{Carrier: "fedex", URL: "https://apis.example/oauth/token", ClientID: "id",
				ClientSecret: "SECRET-client", Basic: basic, Clock: func() time.Time { return start }}
			tok, err := cc.Fetch(t.Context(), hc)
			if err != nil {
				if strings.Contains(err.Error(), "SECRET") {
					t.Fatalf("secret in %v", err)
				}
				continue
			}
			if tok.Value == "" || !tok.Expiry.After(start) {
				t.Fatalf("token %+v from %d %q", tok, status, body)
			}
		}
	})
}
