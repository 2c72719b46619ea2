package wechat

import (
	"context"
	"encoding/xml"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/internal/inbound/inboundtest"
)

// safeModeRequest builds what WeChat posts in safe mode for the text.xml
// message: the query signatures and the encrypted envelope.
func safeModeRequest(tb testing.TB) (c *Client, sig, msgSig, ts, nonce string, body []byte) {
	tb.Helper()
	now := time.Unix(1700000000, 0)
	c, err := New(Config{AppID: testAppID, AppSecret: "s", Token: "tok", EncodingAESKey: testAESKey,
		Clock: func() time.Time { return now }})
	require.NoError(tb, err)
	ts, nonce = strconv.FormatInt(now.Unix(), 10), "1320562132"
	enc := c.box.seal(inboundtest.Testdata(tb, "text.xml"))
	body = []byte("<xml><ToUserName><![CDATA[gh_fake]]></ToUserName><Encrypt><![CDATA[" + enc + "]]></Encrypt></xml>")
	return c, signature("tok", ts, nonce), signature("tok", ts, nonce, enc), ts, nonce, body
}

func TestSafeModeRequestOpens(t *testing.T) {
	t.Parallel()
	c, sig, msgSig, ts, nonce, body := safeModeRequest(t)
	in, _, _, err := c.authenticate(sig, msgSig, ts, nonce, "aes", body)
	require.NoError(t, err)
	e, err := in.ChannelEvent(nil)
	require.NoError(t, err)
	require.Equal(t, "我的包裹在哪里？ <order #123>", e.Message.Text)
}

// FuzzSafeModeWebhook seals arbitrary plaintext the way WeChat does and runs
// it through the webhook's authentication: it must never panic, and must
// yield exactly what ParseWebhook makes of the plaintext.
func FuzzSafeModeWebhook(f *testing.F) {
	for _, name := range []string{"text.xml", "click.xml", "location.xml"} {
		f.Add(inboundtest.Testdata(f, name))
	}
	f.Add([]byte("<xml><Content>&#0;</Content></xml>"))
	c, _, _, ts, nonce, _ := safeModeRequest(f)
	f.Fuzz(func(t *testing.T, plain []byte) {
		enc := c.box.sealWith([16]byte{}, plain) // deterministic, for stable coverage
		body := []byte("<xml><ToUserName>gh</ToUserName><Encrypt>" + enc + "</Encrypt></xml>")
		got, raw, status, err := c.authenticate(signature("tok", ts, nonce), signature("tok", ts, nonce, enc), ts, nonce, "aes", body)
		want, wantErr := ParseWebhook(plain)
		switch {
		case (err == nil) != (wantErr == nil):
			t.Fatalf("authenticate: %v (status %d); ParseXML: %v", err, status, wantErr)
		case err == nil && (got != want || string(raw) != string(plain)):
			t.Fatalf("authenticate and ParseWebhook disagree: %+v vs %+v", got, want)
		case err != nil && status != 400:
			t.Fatalf("a sealed, signed message that does not parse is a 400, got %d", status)
		}
	})
}

// BenchmarkSafeModeText is the webhook's work for one safe-mode text
// message: check signature and msg_signature, parse the envelope, decrypt,
// parse the message and normalize it to a channel.Event. Target ≤ 20 µs.
func BenchmarkSafeModeText(b *testing.B) {
	c, sig, msgSig, ts, nonce, body := safeModeRequest(b)
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		in, raw, _, err := c.authenticate(sig, msgSig, ts, nonce, "aes", body)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := in.ChannelEvent(raw); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkXMLUnmarshalBaseline is the floor to compare with: plain
// encoding/xml.Unmarshal of the same (already decrypted) text message into a
// struct, with no signature, decryption or normalization.
func BenchmarkXMLUnmarshalBaseline(b *testing.B) {
	raw := inboundtest.Testdata(b, "text.xml")
	b.ReportAllocs()
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		var m struct {
			ToUserName, FromUserName, MsgType, Content, MsgId string
			CreateTime                                        int64
		}
		if err := xml.Unmarshal(raw, &m); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseWebhookPlain is ParseWebhook alone on the plaintext message, to
// set against the baseline.
func BenchmarkParseWebhookPlain(b *testing.B) {
	raw := inboundtest.Testdata(b, "text.xml")
	b.ReportAllocs()
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		if _, err := ParseWebhook(raw); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAccessTokenParallel is the token lookup every API call makes, from
// many goroutines at once: a lock-free read of the cached token.
func BenchmarkAccessTokenParallel(b *testing.B) {
	now := time.Unix(1700000000, 0)
	tk := &tokens{store: NewMemoryTokenStore(), clock: func() time.Time { return now }, margin: time.Minute,
		lease: time.Second, poll: time.Millisecond,
		fetch: func(context.Context, bool) (Token, error) {
			return Token{Value: "T", ExpiresAt: now.Add(2 * time.Hour)}, nil
		}}
	if _, err := tk.get(b.Context(), ""); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := tk.get(context.Background(), ""); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkMutexTokenBaseline is the obvious alternative to compare with: the
// token behind a sync.Mutex, as most WeChat SDKs keep it.
func BenchmarkMutexTokenBaseline(b *testing.B) {
	var mu sync.Mutex
	tok := Token{Value: "T", ExpiresAt: time.Unix(1700000000, 0).Add(2 * time.Hour)}
	now := time.Unix(1700000000, 0)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			mu.Lock()
			t := tok
			mu.Unlock()
			if !now.Before(t.ExpiresAt) {
				b.Fatal("expired")
			}
		}
	})
}
