package line_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/line"
)

// TestParseWebhookRejectsInvalidUTF8: JSON is UTF-8, and a body with bad
// bytes in a customer's text is malformed, not text to answer.
func TestParseWebhookRejectsInvalidUTF8(t *testing.T) {
	t.Parallel()
	body := []byte(`{"destination":"Uabc","events":[{"type":"message","mode":"active","timestamp":1763859600000,"source":{"type":"user","userId":"U4af4980629b0e6a2c1f3d5e7a9b1c3d5"},"webhookEventId":"01FZ74A0TDDPYRVKNK77XKC3ZR","deliveryContext":{"isRedelivery":false},"replyToken":"rt","message":{"id":"1","type":"text","text":"where is my parcel"}}]}`)
	_, err := line.ParseWebhook(body)
	require.NoError(t, err, "the well-formed body parses")
	bad := append([]byte(nil), body...)
	i := len(bad) - 11
	bad[i] = 0xff
	_, err = line.ParseWebhook(bad)
	assert.Error(t, err)
}
