package wechat

import (
	"encoding/json"
	"errors"
	"net/http"
	"testing"
	"time"
)

// FuzzDecodeAnswer feeds WeChat API answers (errcode JSON, token answers,
// send answers) with any status through decodeAnswer and the token check.
// Properties: no panic; an *APIError exactly when the status is not 200 or
// the errcode is not 0, with errmsg at most 200 bytes plus the ellipsis; a
// token that passes has a value and expires after now, at most a day later.
func FuzzDecodeAnswer(f *testing.F) {
	seeds := []string{
		`{"access_token":"ACCESS_TOKEN","expires_in":7200}`,
		`{"errcode":40013,"errmsg":"invalid appid"}`,
		`{"errcode":-1,"errmsg":"system error"}`,
		`{"errcode":45011,"errmsg":"api minute-quota reach limit, must slower, retry next minute"}`,
		`{"errcode":0,"errmsg":"ok","msgid":24000000000000001}`,
		`{"access_token":"T","expires_in":9223372036854775807}`,
		`{"access_token":"T","expires_in":-5}`,
		`{"errcode":"1"}`, `<html>502</html>`, ``, `null`, `[]`,
	}
	for _, s := range seeds {
		f.Add(200, s, "")
		f.Add(503, s, "3")
	}
	now := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, status int, body, retryAfter string) {
		var ans tokenAnswer
		err := decodeAnswer("token", status, retryAfter, []byte(body), now, &ans)
		var st apiStatus
		_ = json.Unmarshal([]byte(body), &st) // fields decoded before a type error count, as in decodeAnswer
		var apiErr *APIError
		isAPI := errors.As(err, &apiErr)
		if want := status != http.StatusOK || st.ErrCode != 0; isAPI != want {
			t.Fatalf("status %d body %q: APIError %v, want %v (err %v)", status, body, isAPI, want, err)
		}
		if isAPI {
			if len(apiErr.Message) > 200+len("…") {
				t.Fatalf("errmsg of %d bytes", len(apiErr.Message))
			}
			if apiErr.RetryAfter < 0 {
				t.Fatalf("negative Retry-After %v", apiErr.RetryAfter)
			}
			_ = apiErr.Error()
			return
		}
		if err != nil {
			return
		}
		tok, err := ans.token(now)
		if err != nil {
			return
		}
		if tok.Value == "" || !tok.ExpiresAt.After(now) || tok.ExpiresAt.After(now.Add(maxTokenLife)) {
			t.Fatalf("token %+v from %q", tok, body)
		}
		var send struct {
			MsgID json.RawMessage `json:"msgid"`
		}
		_ = decodeAnswer("send", status, retryAfter, []byte(body), now, &send)
	})
}
