package linetest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/line/linetest"
)

const user = "U4af4980629a1b2c3d4e5f60718293a4b"

type call struct {
	method, path, body, key, token string
}

// do sends one raw request and returns the status and decoded body.
func do(t *testing.T, srv *linetest.Server, c call) (int, map[string]any, http.Header) {
	t.Helper()
	if c.method == "" {
		c.method = http.MethodPost
	}
	req, err := http.NewRequestWithContext(context.Background(), c.method, srv.URL+c.path, strings.NewReader(c.body))
	require.NoError(t, err)
	if c.token == "" {
		c.token = srv.AccessToken()
	}
	if c.token != "-" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if c.key != "" {
		req.Header.Set("X-Line-Retry-Key", c.key)
	}
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var out map[string]any
	_ = json.Unmarshal(raw, &out)
	return resp.StatusCode, out, resp.Header
}

func textBody(to string, n int) string {
	msgs := make([]string, n)
	for i := range msgs {
		msgs[i] = fmt.Sprintf(`{"type":"text","text":"m%d"}`, i)
	}
	return fmt.Sprintf(`{"to":%q,"messages":[%s]}`, to, strings.Join(msgs, ","))
}

const key1 = "123e4567-e89b-42d3-a456-426614174000"

func TestServerAnswersLikeLINE(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("😀", 2501) // 5002 UTF-16 units
	tests := []struct {
		name    string
		call    call
		status  int
		message string
	}{
		{"push ok", call{path: "/v2/bot/message/push", body: textBody(user, 5), key: key1}, 200, ""},
		{"no token", call{path: "/v2/bot/message/push", body: textBody(user, 1), token: "-"}, 401, "Authentication failed. Confirm that the access token in the authorization header is valid."},
		{"wrong token", call{path: "/v2/bot/message/push", body: textBody(user, 1), token: "nope"}, 401, "Authentication failed. Confirm that the access token in the authorization header is valid."},
		{"six messages", call{path: "/v2/bot/message/push", body: textBody(user, 6)}, 400, "The request body has 1 error(s)"},
		{"no messages", call{path: "/v2/bot/message/push", body: textBody(user, 0)}, 400, "The request body has 1 error(s)"},
		{"bad to", call{path: "/v2/bot/message/push", body: textBody("bob", 1)}, 400, "The property, 'to', in the request body is invalid (line: -, column: -)"},
		{"malformed json", call{path: "/v2/bot/message/push", body: `{"to":`}, 400, "The request body could not be parsed as JSON (line: -, column: -)"},
		{"text too long", call{path: "/v2/bot/message/push", body: fmt.Sprintf(`{"to":%q,"messages":[{"type":"text","text":%q}]}`, user, long)}, 400, "The request body has 1 error(s)"},
		{"http image", call{path: "/v2/bot/message/push", body: fmt.Sprintf(`{"to":%q,"messages":[{"type":"image","originalContentUrl":"http://x/a.png","previewImageUrl":"https://x/a.png"}]}`, user)}, 400, "The request body has 1 error(s)"},
		{"unknown type", call{path: "/v2/bot/message/push", body: fmt.Sprintf(`{"to":%q,"messages":[{"type":"hologram"}]}`, user)}, 400, "The request body has 1 error(s)"},
		{"bad retry key", call{path: "/v2/bot/message/push", body: textBody(user, 1), key: "not-a-uuid"}, 400, "The value for the 'X-Line-Retry-Key' header is invalid"},
		{"retry key on reply", call{path: "/v2/bot/message/reply", body: `{"replyToken":"x","messages":[{"type":"text","text":"a"}]}`, key: key1}, 400, "The X-Line-Retry-Key header is not supported by this endpoint"},
		{"unknown reply token", call{path: "/v2/bot/message/reply", body: `{"replyToken":"x","messages":[{"type":"text","text":"a"}]}`}, 400, "Invalid reply token"},
		{"loading seconds", call{path: "/v2/bot/chat/loading/start", body: fmt.Sprintf(`{"chatId":%q,"loadingSeconds":7}`, user)}, 400, "The request body has 1 error(s)"},
		{"loading ok", call{path: "/v2/bot/chat/loading/start", body: fmt.Sprintf(`{"chatId":%q,"loadingSeconds":20}`, user)}, 202, ""},
		{"quota", call{method: http.MethodGet, path: "/v2/bot/message/quota"}, 200, ""},
		{"no such content", call{method: http.MethodGet, path: "/v2/bot/message/1/content"}, 404, "Not found"},
		{"unknown path", call{path: "/v2/bot/nothing"}, 404, "Not found"},
		{"wrong method", call{method: http.MethodGet, path: "/v2/bot/message/push"}, 405, "Method not allowed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := linetest.NewServer(linetest.Config{})
			t.Cleanup(srv.Close)
			status, body, hdr := do(t, srv, tt.call)
			assert.Equal(t, tt.status, status)
			assert.NotEmpty(t, hdr.Get("X-Line-Request-Id"))
			if tt.message != "" {
				assert.Equal(t, tt.message, body["message"])
			}
			reqs := srv.Requests()
			require.Len(t, reqs, 1)
			assert.Equal(t, tt.status, reqs[0].Status)
		})
	}
}

func TestServerRetryKey(t *testing.T) {
	t.Parallel()
	srv := linetest.NewServer(linetest.Config{})
	t.Cleanup(srv.Close)
	c := call{path: "/v2/bot/message/push", body: textBody(user, 1), key: key1}

	status, _, _ := do(t, srv, c)
	require.Equal(t, 200, status)
	status, body, hdr := do(t, srv, c)
	assert.Equal(t, http.StatusConflict, status)
	assert.Equal(t, "The retry key is already accepted", body["message"])
	assert.NotEmpty(t, hdr.Get("X-Line-Accepted-Request-Id"))
	assert.Len(t, srv.Sent(), 1)

	// A key whose request failed validation is not accepted: it may be reused.
	bad := call{path: "/v2/bot/message/push", body: textBody(user, 6), key: "223e4567-e89b-42d3-a456-426614174000"}
	status, _, _ = do(t, srv, bad)
	assert.Equal(t, 400, status)
	bad.body = textBody(user, 1)
	status, _, _ = do(t, srv, bad)
	assert.Equal(t, 200, status)
}

func TestServerReplyTokens(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	srv := linetest.NewServer(linetest.Config{ReplyTokenTTL: 30 * time.Second, Clock: func() time.Time { return now }})
	t.Cleanup(srv.Close)
	reply := func(token string) int {
		status, _, _ := do(t, srv, call{path: "/v2/bot/message/reply",
			body: fmt.Sprintf(`{"replyToken":%q,"messages":[{"type":"text","text":"ok"}]}`, token)})
		return status
	}
	e := srv.TextEvent(user, "hi")
	assert.Equal(t, 200, reply(e.ReplyToken))
	assert.Equal(t, 400, reply(e.ReplyToken), "single use")

	e2 := srv.FollowEvent(user)
	now = now.Add(30 * time.Second)
	assert.Equal(t, 400, reply(e2.ReplyToken), "expired at the TTL")
	assert.Empty(t, srv.UnfollowEvent(user).ReplyToken, "unfollow events carry no token")
	assert.Equal(t, 200, reply(srv.PostbackEvent(user, "a=1").ReplyToken))
}

func TestServerFaults(t *testing.T) {
	t.Parallel()
	srv := linetest.NewServer(linetest.Config{})
	t.Cleanup(srv.Close)
	srv.Inject(linetest.Fault{Path: "/v2/bot/message/push", Status: 429, RetryAfter: 1500 * time.Millisecond, Times: 2})
	for range 2 {
		status, body, hdr := do(t, srv, call{path: "/v2/bot/message/push", body: textBody(user, 1)})
		assert.Equal(t, 429, status)
		assert.Equal(t, "2", hdr.Get("Retry-After"))
		assert.NotEmpty(t, body["message"])
	}
	status, _, _ := do(t, srv, call{path: "/v2/bot/message/push", body: textBody(user, 1)})
	assert.Equal(t, 200, status)

	srv.Inject(linetest.Fault{Status: 500, AfterAccept: true})
	status, _, _ = do(t, srv, call{path: "/v2/bot/message/push", body: textBody(user, 1), key: key1})
	assert.Equal(t, 500, status)
	assert.Len(t, srv.Sent(), 2, "processed before failing")
	status, _, _ = do(t, srv, call{path: "/v2/bot/message/push", body: textBody(user, 1), key: key1})
	assert.Equal(t, http.StatusConflict, status)
}

func TestServerQuota(t *testing.T) {
	t.Parallel()
	srv := linetest.NewServer(linetest.Config{MonthlyQuota: 2})
	t.Cleanup(srv.Close)
	body := fmt.Sprintf(`{"to":[%q,%q],"messages":[{"type":"text","text":"x"}]}`, user, "U"+strings.Repeat("0", 32))
	status, _, _ := do(t, srv, call{path: "/v2/bot/message/multicast", body: body})
	assert.Equal(t, 200, status)
	status, resp, _ := do(t, srv, call{path: "/v2/bot/message/push", body: textBody(user, 1)})
	assert.Equal(t, 429, status)
	assert.Equal(t, "You have reached your monthly limit.", resp["message"])
	_, resp, _ = do(t, srv, call{method: http.MethodGet, path: "/v2/bot/message/quota/consumption"})
	assert.EqualValues(t, 2, resp["totalUsage"])
}

func TestWebhookSigning(t *testing.T) {
	t.Parallel()
	srv := linetest.NewServer(linetest.Config{ChannelSecret: "s3cret"})
	t.Cleanup(srv.Close)
	var got struct {
		Destination string           `json:"destination"`
		Events      []linetest.Event `json:"events"`
	}
	var sig string
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		sig = r.Header.Get("X-Line-Signature")
		assert.Equal(t, linetest.Sign("s3cret", body), sig)
		assert.NoError(t, json.NewDecoder(bytes.NewReader(body)).Decode(&got))
		w.WriteHeader(http.StatusNoContent)
	})
	e := srv.TextEvent(user, "hello")
	assert.Equal(t, http.StatusNoContent, srv.ServeWebhook(h, e))
	require.Len(t, got.Events, 1)
	assert.Equal(t, srv.BotUserID(), got.Destination)
	assert.Equal(t, e, got.Events[0])
	assert.Equal(t, "hello", got.Events[0].Message.Text)
	assert.Len(t, sig, 44)

	assert.True(t, linetest.Redelivered(e).DeliveryContext.IsRedelivery)
	assert.False(t, e.DeliveryContext.IsRedelivery, "Redelivered copies")
}
