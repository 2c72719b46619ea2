package whatsapptest_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/whatsapp/whatsapptest"
)

type graphErr struct {
	Error struct {
		Code      int    `json:"code"`
		Subcode   int    `json:"error_subcode"`
		FBTraceID string `json:"fbtrace_id"`
	} `json:"error"`
}

// TestServerRejectsWhatMetaRejects posts raw bodies, bypassing the client,
// to check the fake holds users to the real API's rules.
func TestServerRejectsWhatMetaRejects(t *testing.T) {
	t.Parallel()
	srv := whatsapptest.NewServer(whatsapptest.Config{})
	t.Cleanup(srv.Close) // after the parallel subtests
	const path = "/v26.0/106540352242922/messages"
	tests := []struct {
		name, path, token, body string
		status, code            int
	}{
		{"valid text", path, "test-access-token", `{"messaging_product":"whatsapp","to":"16505551234","type":"text","text":{"body":"hi"}}`, 200, 0},
		{"type defaults to text", path, "test-access-token", `{"messaging_product":"whatsapp","to":"16505551234","text":{"body":"hi"}}`, 200, 0},
		{"no token", path, "", `{"messaging_product":"whatsapp","to":"1","type":"text","text":{"body":"hi"}}`, 401, 190},
		{"wrong token", path, "nope", `{"messaging_product":"whatsapp","to":"1","type":"text","text":{"body":"hi"}}`, 401, 190},
		{"no version", "/106540352242922/messages", "test-access-token", `{}`, 400, 2500},
		{"other phone number id", "/v26.0/1/messages", "test-access-token", `{}`, 400, 100},
		{"missing messaging_product", path, "test-access-token", `{"to":"16505551234","type":"text","text":{"body":"hi"}}`, 400, 100},
		{"unknown key", path, "test-access-token", `{"messaging_product":"whatsapp","to":"16505551234","type":"text","text":{"body":"hi"},"colour":"red"}`, 400, 100},
		{"no recipient", path, "test-access-token", `{"messaging_product":"whatsapp","type":"text","text":{"body":"hi"}}`, 400, 100},
		{"empty body text", path, "test-access-token", `{"messaging_product":"whatsapp","to":"16505551234","type":"text","text":{"body":""}}`, 400, 100},
		{"image with id and link", path, "test-access-token", `{"messaging_product":"whatsapp","to":"16505551234","type":"image","image":{"id":"1","link":"https://x/y.jpg"}}`, 400, 100},
		{"audio caption", path, "test-access-token", `{"messaging_product":"whatsapp","to":"16505551234","type":"audio","audio":{"id":"1","caption":"x"}}`, 400, 100},
		{"four buttons", path, "test-access-token", `{"messaging_product":"whatsapp","to":"16505551234","type":"interactive","interactive":{"type":"button","body":{"text":"?"},"action":{"buttons":[
			{"type":"reply","reply":{"id":"1","title":"a"}},{"type":"reply","reply":{"id":"2","title":"b"}},{"type":"reply","reply":{"id":"3","title":"c"}},{"type":"reply","reply":{"id":"4","title":"d"}}]}}}`, 400, 100},
		{"template param with newline", path, "test-access-token", `{"messaging_product":"whatsapp","to":"16505551234","type":"template","template":{"name":"t","language":{"code":"en"},"components":[{"type":"body","parameters":[{"type":"text","text":"a\nb"}]}]}}`, 400, 100},
		{"mark read", path, "test-access-token", `{"messaging_product":"whatsapp","status":"read","message_id":"wamid.X"}`, 200, 0},
		{"unknown media id", "/v26.0/123", "test-access-token", ``, 400, 100},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			method := http.MethodPost
			if tt.body == "" {
				method = http.MethodGet
			}
			req, err := http.NewRequest(method, srv.URL+tt.path, bytes.NewReader([]byte(tt.body)))
			require.NoError(t, err)
			if tt.token != "" {
				req.Header.Set("Authorization", "Bearer "+tt.token)
			}
			req.Header.Set("Content-Type", "application/json")
			resp, err := srv.Client().Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			assert.Equal(t, tt.status, resp.StatusCode)
			if tt.code != 0 {
				var g graphErr
				require.NoError(t, json.NewDecoder(resp.Body).Decode(&g))
				assert.Equal(t, tt.code, g.Error.Code)
				assert.NotEmpty(t, g.Error.FBTraceID)
			}
		})
	}
}

func TestServerRecordsRedacted(t *testing.T) {
	t.Parallel()
	srv := whatsapptest.NewServer(whatsapptest.Config{})
	defer srv.Close()
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/v26.0/106540352242922/messages?access_token=test-access-token",
		bytes.NewReader([]byte(`{"messaging_product":"whatsapp","to":"16505551234","type":"text","text":{"body":"hi"}}`)))
	resp, err := srv.Client().Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode, "the access_token parameter works too")
	reqs := srv.Requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, "[redacted]", reqs[0].Query.Get("access_token"))
	srv.Reset()
	assert.Empty(t, srv.Requests())
	assert.Empty(t, srv.Sent())
}
