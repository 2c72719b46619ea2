package wechattest_test

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/channel/channeltest"
	"github.com/switchboard-go/switchboard/wechat/wechattest"
)

// call makes a raw request and decodes WeChat's JSON answer.
func call(t *testing.T, srv *wechattest.Server, method, path string, q url.Values, contentType string, body []byte) map[string]any {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, srv.URL+path+"?"+q.Encode(), bytes.NewReader(body))
	require.NoError(t, err)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := srv.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode, "WeChat answers errors with HTTP 200")
	var out map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
	return out
}

func errcode(m map[string]any) int {
	if c, ok := m["errcode"].(float64); ok {
		return int(c)
	}
	return 0
}

func token(t *testing.T, srv *wechattest.Server) string {
	t.Helper()
	ans := call(t, srv, http.MethodGet, "/cgi-bin/token", url.Values{"grant_type": {"client_credential"},
		"appid": {wechattest.DefaultAppID}, "secret": {wechattest.DefaultAppSecret}}, "", nil)
	require.Zero(t, errcode(ans), ans)
	return ans["access_token"].(string)
}

func send(t *testing.T, srv *wechattest.Server, tok, body string) int {
	t.Helper()
	return errcode(call(t, srv, http.MethodPost, "/cgi-bin/message/custom/send", url.Values{"access_token": {tok}},
		"application/json", []byte(body)))
}

const textBody = `{"touser":"o1","msgtype":"text","text":{"content":"hi"}}`

func TestTokenLifecycle(t *testing.T) {
	t.Parallel()
	clk := channeltest.NewClock(time.Unix(1700000000, 0))
	srv := wechattest.NewServer(wechattest.Config{Clock: clk.Now, Grace: 5 * time.Minute})
	defer srv.Close()

	first := token(t, srv)
	assert.Zero(t, send(t, srv, first, textBody))
	second := token(t, srv)
	assert.Equal(t, 2, srv.TokenFetches())
	assert.Zero(t, send(t, srv, first, textBody), "the old token works during the grace period")
	clk.Advance(5*time.Minute + time.Second)
	assert.Equal(t, 42001, send(t, srv, first, textBody), "then it is gone")
	assert.Zero(t, send(t, srv, second, textBody))
	srv.ExpireTokens()
	assert.Equal(t, 42001, send(t, srv, second, textBody))
	assert.Equal(t, 41001, send(t, srv, "", textBody))
	assert.Equal(t, 40001, send(t, srv, "forged", textBody))

	bad := call(t, srv, http.MethodGet, "/cgi-bin/token", url.Values{"grant_type": {"client_credential"},
		"appid": {wechattest.DefaultAppID}, "secret": {"wrong"}}, "", nil)
	assert.Equal(t, 40125, errcode(bad))
}

func TestTokenRefreshInvalidatesAtOnceByDefault(t *testing.T) {
	t.Parallel()
	srv := wechattest.NewServer(wechattest.Config{})
	defer srv.Close()
	first := token(t, srv)
	_ = token(t, srv)
	assert.Equal(t, 40001, send(t, srv, first, textBody))
}

func TestStableToken(t *testing.T) {
	t.Parallel()
	srv := wechattest.NewServer(wechattest.Config{})
	defer srv.Close()
	get := func(force bool) string {
		body, _ := json.Marshal(map[string]any{"grant_type": "client_credential", "appid": wechattest.DefaultAppID,
			"secret": wechattest.DefaultAppSecret, "force_refresh": force})
		ans := call(t, srv, http.MethodPost, "/cgi-bin/stable_token", nil, "application/json", body)
		require.Zero(t, errcode(ans), ans)
		return ans["access_token"].(string)
	}
	a, b := get(false), get(false)
	assert.Equal(t, a, b, "normal mode returns the current token")
	c := get(true)
	assert.NotEqual(t, a, c, "forced refresh issues a new one")
	assert.Equal(t, 40001, send(t, srv, a, textBody))
}

func TestSendValidatesAndInjects(t *testing.T) {
	t.Parallel()
	srv := wechattest.NewServer(wechattest.Config{})
	defer srv.Close()
	tok := token(t, srv)
	cases := map[string]struct {
		body string
		want int
	}{
		"no touser":      {`{"msgtype":"text","text":{"content":"x"}}`, 40003},
		"empty text":     {`{"touser":"o1","msgtype":"text","text":{"content":""}}`, 44004},
		"unknown type":   {`{"touser":"o1","msgtype":"fax"}`, 40008},
		"image no media": {`{"touser":"o1","msgtype":"image","image":{}}`, 40007},
		"not json":       {`<xml/>`, 47001},
		"menu no items":  {`{"touser":"o1","msgtype":"msgmenu","msgmenu":{"head_content":"x","list":[]}}`, 47001},
	}
	for name, tc := range cases {
		assert.Equal(t, tc.want, send(t, srv, tok, tc.body), name)
	}
	srv.FailSends(45015, 45047, -1)
	for _, want := range []int{45015, 45047, -1, 0} {
		assert.Equal(t, want, send(t, srv, tok, textBody))
	}
	require.Len(t, srv.Sent(), 1)
	assert.Equal(t, "hi", srv.Sent()[0].Text)
}

func TestUploadChecksFieldAndSize(t *testing.T) {
	t.Parallel()
	srv := wechattest.NewServer(wechattest.Config{})
	defer srv.Close()
	tok := token(t, srv)
	upload := func(typ, field string, size int) map[string]any {
		var b bytes.Buffer
		w := multipart.NewWriter(&b)
		fw, err := w.CreateFormFile(field, "f.jpg")
		require.NoError(t, err)
		_, _ = fw.Write(bytes.Repeat([]byte{1}, size))
		require.NoError(t, w.Close())
		return call(t, srv, http.MethodPost, "/cgi-bin/media/upload", url.Values{"access_token": {tok}, "type": {typ}},
			w.FormDataContentType(), b.Bytes())
	}
	ok := upload("thumb", "media", 1000)
	assert.Zero(t, errcode(ok))
	assert.True(t, strings.HasPrefix(ok["media_id"].(string), "FAKE_MEDIA_"))
	assert.Equal(t, 41005, errcode(upload("image", "file", 10)), "the field must be named media")
	assert.Equal(t, 40012, errcode(upload("thumb", "media", 64<<10+1)))
	assert.Equal(t, 40004, errcode(upload("gif", "media", 10)))
	assert.Len(t, srv.Uploads(), 1)
}
