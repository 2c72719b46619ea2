package deliverytest

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/line"
	"github.com/switchboard-go/switchboard/messenger"
	"github.com/switchboard-go/switchboard/wechat"
	"github.com/switchboard-go/switchboard/whatsapp"
)

// printed is everything a Config or Client may end up as in a log: every
// fmt verb, alone and as a field of another struct, and both slog handlers.
func printed(v any) map[string]string {
	out := map[string]string{}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
		out[verb] = fmt.Sprintf(verb, v)
		out["field "+verb] = fmt.Sprintf(verb, struct{ Cfg any }{v})
	}
	var text, js bytes.Buffer
	slog.New(slog.NewTextHandler(&text, nil)).Info("start", "cfg", v)
	slog.New(slog.NewJSONHandler(&js, nil)).Info("start", "cfg", v)
	out["slog text"], out["slog json"] = text.String(), js.String()
	return out
}

// TestConfigsPrintNoSecret fails if any credential of any adapter's Config
// or Client shows in fmt or slog output.
func TestConfigsPrintNoSecret(t *testing.T) {
	t.Parallel()
	const base = "https://api.example.test"
	wa := whatsapp.Config{AccessToken: "SECRET-wa-token", PhoneNumberID: "106540352242922",
		AppSecret: "SECRET-wa-app", VerifyToken: "SECRET-wa-verify", BaseURL: base}
	fb := messenger.Config{PageAccessToken: "SECRET-fb-token", AppSecret: "SECRET-fb-app",
		VerifyToken: "SECRET-fb-verify", BaseURL: base}
	ln := line.Config{ChannelAccessToken: "SECRET-ln-token", ChannelSecret: "SECRET-ln-secret", BaseURL: base}
	wc := wechat.Config{AppID: "wx0123456789", AppSecret: "SECRET-wc-app", Token: "SECRET-wc-token",
		EncodingAESKey: "SECRETabcdefghijklmnopqrstuvwxyz0123456789A", BaseURL: base}
	waC, err := whatsapp.New(wa)
	require.NoError(t, err)
	fbC, err := messenger.New(fb)
	require.NoError(t, err)
	lnC, err := line.New(ln)
	require.NoError(t, err)
	wcC, err := wechat.New(wc)
	require.NoError(t, err)
	values := map[string]any{
		"whatsapp.Config": wa, "messenger.Config": fb, "line.Config": ln, "wechat.Config": wc,
		"*whatsapp.Config": &wa, "*messenger.Config": &fb, "*line.Config": &ln, "*wechat.Config": &wc,
		"whatsapp.Client": waC, "messenger.Client": fbC, "line.Client": lnC, "wechat.Client": wcC,
	}
	for name, v := range values {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			for how, s := range printed(v) {
				assert.NotContains(t, s, "SECRET", "%s leaks a credential: %s", how, s)
				if how == "%v" && name[0] != '*' {
					assert.Contains(t, s, "api.example.test", "the rest still prints")
				}
			}
		})
	}
	assert.Contains(t, fmt.Sprint(wa), "AccessToken:[redacted]", "a set credential shows as set")
	assert.Contains(t, fmt.Sprint(whatsapp.Config{}), "AccessToken: ", "an empty one shows as empty")
}

// TestErrorsMaskRecipients: an invalid-recipient error names the recipient
// masked as 852****0003, never in full.
func TestErrorsMaskRecipients(t *testing.T) {
	t.Parallel()
	wa, err := whatsapp.New(whatsapp.Config{AccessToken: "t", PhoneNumberID: "1", BaseURL: "http://127.0.0.1:1"})
	require.NoError(t, err)
	fb, err := messenger.New(messenger.Config{PageAccessToken: "t", BaseURL: "http://127.0.0.1:1"})
	require.NoError(t, err)
	tests := []struct {
		name string
		send func() error
		id   string
		mask string
	}{
		{"whatsapp bad number", func() error {
			_, err := wa.Send(context.Background(), &channel.Message{To: channel.Address{Channel: channel.WhatsApp, ID: "852-9111-0003"}, Text: "x"})
			return err
		}, "852-9111-0003", "852****0003"},
		{"messenger bad psid", func() error {
			_, err := fb.Send(context.Background(), &channel.Message{To: channel.Address{Channel: channel.Messenger, ID: "85291110003x"}, Text: "x"})
			return err
		}, "85291110003x", "852****003x"},
		{"messenger sender action", func() error {
			return fb.SenderAction(context.Background(), channel.Address{Channel: channel.Messenger, ID: "85291110003x"}, messenger.TypingOn)
		}, "85291110003x", "852****003x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.send()
			require.ErrorIs(t, err, channel.ErrInvalidRecipient)
			assert.NotContains(t, err.Error(), tt.id)
			assert.Contains(t, err.Error(), tt.mask)
		})
	}
}
