package messengertest_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/messenger/messengertest"
)

// TestServerRejectsWhatMetaRejects posts raw bodies, bypassing the client,
// to check the fake holds users to the real API's rules.
func TestServerRejectsWhatMetaRejects(t *testing.T) {
	t.Parallel()
	const path = "/v26.0/me/messages"
	tests := []struct {
		name, path, token, body string
		status, code, subcode   int
	}{
		{"valid", path, "test-page-token", `{"recipient":{"id":"123"},"messaging_type":"RESPONSE","message":{"text":"hi"}}`, 200, 0, 0},
		{"no token", path, "", `{"recipient":{"id":"123"},"messaging_type":"RESPONSE","message":{"text":"hi"}}`, 401, 190, 0},
		{"no messaging_type", path, "test-page-token", `{"recipient":{"id":"123"},"message":{"text":"hi"}}`, 400, 100, 0},
		{"tag without MESSAGE_TAG", path, "test-page-token", `{"recipient":{"id":"123"},"messaging_type":"RESPONSE","tag":"ACCOUNT_UPDATE","message":{"text":"hi"}}`, 400, 100, 0},
		{"MESSAGE_TAG without tag", path, "test-page-token", `{"recipient":{"id":"123"},"messaging_type":"MESSAGE_TAG","message":{"text":"hi"}}`, 400, 100, 0},
		{"text and attachment", path, "test-page-token", `{"recipient":{"id":"123"},"messaging_type":"RESPONSE","message":{"text":"hi","attachment":{"type":"image","payload":{"url":"https://x/y.jpg"}}}}`, 400, 100, 2018034},
		{"empty text", path, "test-page-token", `{"recipient":{"id":"123"},"messaging_type":"RESPONSE","message":{"text":" "}}`, 400, 100, 2018034},
		{"bad psid", path, "test-page-token", `{"recipient":{"id":"abc"},"messaging_type":"RESPONSE","message":{"text":"hi"}}`, 400, 100, 2018001},
		{"action with message", path, "test-page-token", `{"recipient":{"id":"123"},"sender_action":"typing_on","message":{"text":"hi"}}`, 400, 100, 2018015},
		{"unknown key", path, "test-page-token", `{"recipient":{"id":"123"},"messaging_type":"RESPONSE","message":{"text":"hi"},"priority":"high"}`, 400, 100, 0},
		{"wrong path", "/v26.0/me/feed", "test-page-token", `{}`, 400, 100, 33},
		{"no version", "/me/messages", "test-page-token", `{}`, 400, 2500, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := messengertest.NewServer(messengertest.Config{})
			defer srv.Close()
			req, err := http.NewRequest(http.MethodPost, srv.URL+tt.path, bytes.NewReader([]byte(tt.body)))
			require.NoError(t, err)
			if tt.token != "" {
				req.Header.Set("Authorization", "Bearer "+tt.token)
			}
			resp, err := srv.Client().Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			assert.Equal(t, tt.status, resp.StatusCode)
			var g struct {
				Error struct {
					Code    int `json:"code"`
					Subcode int `json:"error_subcode"`
				} `json:"error"`
			}
			require.NoError(t, json.NewDecoder(resp.Body).Decode(&g))
			assert.Equal(t, tt.code, g.Error.Code)
			assert.Equal(t, tt.subcode, g.Error.Subcode)
			if tt.status == 200 {
				assert.Len(t, srv.Sent(), 1)
			} else {
				assert.Empty(t, srv.Sent())
			}
		})
	}
}
