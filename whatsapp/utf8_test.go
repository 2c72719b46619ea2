package whatsapp_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/whatsapp"
)

// TestParseWebhookRejectsInvalidUTF8: JSON is UTF-8, and a body with bad
// bytes in a customer's text is malformed, not text to answer.
func TestParseWebhookRejectsInvalidUTF8(t *testing.T) {
	t.Parallel()
	body := []byte(`{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550001234","phone_number_id":"106540352242922"},"contacts":[{"profile":{"name":"Ada"},"wa_id":"85291234567"}],"messages":[{"from":"85291234567","id":"wamid.X","timestamp":"1763859600","type":"text","text":{"body":"where is my parcel"}}]}}]}]}`)
	_, err := whatsapp.ParseWebhook(body)
	require.NoError(t, err, "the well-formed body parses")
	bad := append([]byte(nil), body...)
	i := len(bad) - 16
	bad[i] = 0xff
	_, err = whatsapp.ParseWebhook(bad)
	assert.Error(t, err)
}
