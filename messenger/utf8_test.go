package messenger_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/messenger"
)

// TestParseWebhookRejectsInvalidUTF8: JSON is UTF-8, and a body with bad
// bytes in a customer's text is malformed, not text to answer.
func TestParseWebhookRejectsInvalidUTF8(t *testing.T) {
	t.Parallel()
	body := []byte(`{"object":"page","entry":[{"id":"1","time":1763859600000,"messaging":[{"sender":{"id":"6001"},"recipient":{"id":"1"},"timestamp":1763859600000,"message":{"mid":"m_1","text":"where is my parcel"}}]}]}`)
	_, err := messenger.ParseWebhook(body)
	require.NoError(t, err, "the well-formed body parses")
	bad := append([]byte(nil), body...)
	i := len(bad) - 13
	bad[i] = 0xff
	_, err = messenger.ParseWebhook(bad)
	assert.Error(t, err)
}
