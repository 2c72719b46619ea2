package whatsapp

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// slowParse is the reference: encoding/json, then the same normalization.
func slowParse(body []byte) ([]byte, error) {
	var p webhookBody
	if err := json.Unmarshal(body, &p); err != nil {
		return nil, err
	}
	return json.Marshal(normalize(p, body))
}

func TestDecodeFastTakesTheHotPath(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"text.json", "image.json", "interactive_button.json", "interactive_list.json", "button.json", "multi.json", "user_id_only.json", "unknown.json", "echo_and_other_field.json"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			body, err := os.ReadFile(filepath.Join("testdata", name))
			require.NoError(t, err)
			p, ok := decodeFast(body)
			require.True(t, ok, "the common shapes must not fall back")
			want, err := slowParse(body)
			require.NoError(t, err)
			got, err := json.Marshal(normalize(p, body))
			require.NoError(t, err)
			assert.JSONEq(t, string(want), string(got))
		})
	}
}

func TestDecodeFastGivesUp(t *testing.T) {
	t.Parallel()
	for name, body := range map[string]string{
		"duplicate key":      `{"object":"a","object":"b"}`,
		"upper-case key":     `{"Object":"whatsapp_business_account"}`,
		"escaped key":        `{"\u006fbject":"x"}`,
		"trailing garbage":   `{"object":"x"} x`,
		"unclosed":           `{"object":"x"`,
		"number as string":   `{"object":1}`,
		"bad escape":         `{"object":"\q"}`,
		"control character":  "{\"object\":\"a\x01\"}",
		"bad number":         `{"x":01}`,
		"text with Body key": `{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{"messages":[{"type":"text","text":{"Body":"hi"}}]}}]}]}`,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, ok := decodeFast([]byte(body))
			assert.False(t, ok)
		})
	}
	p, ok := decodeFast([]byte(`{"object":"whatsapp_business_account","note":"caf\u00e9 \"quoted\""}`))
	assert.True(t, ok, "escaped values are fine")
	assert.Equal(t, "whatsapp_business_account", p.Object)
}

// FuzzDecodeFast is the differential check: whenever the fast decoder
// accepts a body, encoding/json must accept it too and yield the same events.
func FuzzDecodeFast(f *testing.F) {
	entries, _ := os.ReadDir("testdata")
	for _, e := range entries {
		if b, err := os.ReadFile(filepath.Join("testdata", e.Name())); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{"messages":[{"id":"w\u00e9","type":"text","text":{"body":"\ud83d\ude00"}}]}}]}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		p, ok := decodeFast(body)
		if !ok {
			return
		}
		want, err := slowParse(body)
		if err != nil {
			t.Fatalf("fast decoder accepted what encoding/json refuses: %v", err)
		}
		got, _ := json.Marshal(normalize(p, body))
		if !reflect.DeepEqual(want, got) {
			t.Fatalf("fast and reference decoders differ:\n%s\n%s", got, want)
		}
	})
}
