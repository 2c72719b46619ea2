package line_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/internal/inbound/inboundtest"
	"github.com/switchboard-go/switchboard/line"
	"github.com/switchboard-go/switchboard/line/linetest"
)

const (
	testSecret = "webhook-test-secret"
	testUser   = "U4af4980629a1b2c3d4e5f60718293a4b"
	testBot    = "Ub0700000000000000000000000000001"
)

// recorder is a channel.Handler that keeps the events it is given.
type recorder struct {
	mu     sync.Mutex
	events []channel.Event
	fail   error
}

func (r *recorder) HandleEvent(_ context.Context, e channel.Event) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, e)
	return r.fail
}

func (r *recorder) got() []channel.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]channel.Event(nil), r.events...)
}

func newWebhookClient(t *testing.T) *line.Client {
	t.Helper()
	lc, err := line.New(line.Config{ChannelAccessToken: "token", ChannelSecret: testSecret, MaxBodyBytes: 64 << 10,
		Dedupe: channel.NewMemoryDedupeStore(1024)})
	require.NoError(t, err)
	return lc
}

func post(t *testing.T, h http.Handler, body []byte, sig string) int {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, "/webhook", bytes.NewReader(body))
	if sig != "" {
		r.Header.Set(line.SignatureHeader, sig)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w.Code
}

func addr(id string) channel.Address { return channel.Address{Channel: channel.LINE, ID: id} }

func TestWebhookPayloads(t *testing.T) {
	t.Parallel()
	user, bot := addr(testUser), addr(testBot)
	tests := []struct {
		file  string
		check func(t *testing.T, es []channel.Event)
	}{
		{"text.json", func(t *testing.T, es []channel.Event) {
			require.Len(t, es, 1)
			e := es[0]
			assert.Equal(t, channel.EventMessage, e.Type)
			assert.Equal(t, channel.LINE, e.Channel)
			assert.Equal(t, "01H810YECXQQZ37VAXPF6H9E6T", e.ID)
			assert.Equal(t, user, e.From)
			assert.Equal(t, bot, e.To)
			assert.Equal(t, time.UnixMilli(1692251666727).UTC(), e.Time)
			assert.Equal(t, "38ef843bde154d9b91c21320ffd17a0f", e.ReplyToken)
			assert.False(t, e.Redelivery)
			require.NotNil(t, e.Message)
			assert.Equal(t, "468789577898262530", e.Message.ID)
			assert.Equal(t, "Where is my parcel? 📦", e.Message.Text)
			assert.Equal(t, e.ReplyToken, e.Message.ReplyToken)
			assert.Equal(t, user, e.Message.From)
			assert.Nil(t, e.Message.Contact)
			assert.Contains(t, string(e.Raw), `"webhookEventId":"01H810YECXQQZ37VAXPF6H9E6T"`)
		}},
		{"image.json", func(t *testing.T, es []channel.Event) {
			require.Len(t, es, 1)
			m := es[0].Message
			require.NotNil(t, m)
			assert.Equal(t, &channel.Media{Type: channel.MediaImage, ID: "354718705033693859"}, m.Media)
		}},
		{"video_external.json", func(t *testing.T, es []channel.Event) {
			m := es[0].Message
			assert.Equal(t, &channel.Media{Type: channel.MediaVideo, ID: "325708",
				URL: "https://example.com/original.mp4", PreviewURL: "https://example.com/preview.jpg"}, m.Media)
		}},
		{"audio.json", func(t *testing.T, es []channel.Event) {
			assert.Equal(t, &channel.Media{Type: channel.MediaAudio, ID: "325709"}, es[0].Message.Media)
		}},
		{"file.json", func(t *testing.T, es []channel.Event) {
			assert.Equal(t, &channel.Media{Type: channel.MediaDocument, ID: "325710", Filename: "invoice.pdf", Size: 2138},
				es[0].Message.Media)
		}},
		{"location.json", func(t *testing.T, es []channel.Event) {
			assert.Equal(t, &channel.Location{Latitude: 35.67966, Longitude: 139.73669, Name: "my location",
				Address: "1-3 Kioicho, Chiyoda-ku, Tokyo, 102-8282, Japan"}, es[0].Message.Location)
		}},
		{"sticker.json", func(t *testing.T, es []channel.Event) {
			assert.Equal(t, &channel.Media{Type: channel.MediaSticker, ID: "11537/52002738"}, es[0].Message.Media)
		}},
		{"follow.json", func(t *testing.T, es []channel.Event) {
			require.Len(t, es, 1)
			assert.Equal(t, channel.EventFollow, es[0].Type)
			assert.Equal(t, "85cbe770fa8b4f45bbe077b1d4be4a36", es[0].ReplyToken)
			assert.Equal(t, user, es[0].From)
			assert.Nil(t, es[0].Message)
		}},
		{"unfollow.json", func(t *testing.T, es []channel.Event) {
			assert.Equal(t, channel.EventUnfollow, es[0].Type)
			assert.Empty(t, es[0].ReplyToken)
		}},
		{"postback.json", func(t *testing.T, es []channel.Event) {
			assert.Equal(t, channel.EventPostback, es[0].Type)
			assert.Equal(t, &channel.Postback{Payload: "action=track&order=A1234"}, es[0].Postback)
			assert.Equal(t, time.UnixMilli(1513669370317).UTC(), es[0].Time)
		}},
		{"group_text.json", func(t *testing.T, es []channel.Event) {
			e := es[0]
			assert.Equal(t, addr("Ca56f94637c1234567890abcdef012345"), e.From, "From is the chat")
			assert.Equal(t, &channel.Contact{ScopedID: testUser}, e.Message.Contact, "the author")
			assert.Equal(t, "468789577898262530", e.Message.ReplyTo)
		}},
		{"room_text.json", func(t *testing.T, es []channel.Event) {
			e := es[0]
			assert.Equal(t, addr("Ra8dbf4ccc1234567890abcdef012345"), e.From)
			assert.Nil(t, e.Message.Contact, "no userId given")
			assert.True(t, e.Redelivery)
		}},
		{"join_unknown.json", func(t *testing.T, es []channel.Event) {
			require.Len(t, es, 1)
			assert.Equal(t, channel.EventUnknown, es[0].Type)
			assert.Equal(t, "01FZ74A0TDDPYRVKNK77XKC3ZS", es[0].ID)
			assert.Contains(t, string(es[0].Raw), `"type":"join"`)
		}},
		{"multi.json", func(t *testing.T, es []channel.Event) {
			require.Len(t, es, 2)
			assert.Equal(t, channel.EventFollow, es[0].Type)
			assert.Equal(t, channel.EventMessage, es[1].Type)
			assert.Equal(t, "hi", es[1].Message.Text)
		}},
		{"verify.json", func(t *testing.T, es []channel.Event) {
			assert.Empty(t, es)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			body := inboundtest.Testdata(t, tt.file)
			rec := &recorder{}
			code := post(t, newWebhookClient(t).Webhook(rec), body, linetest.Sign(testSecret, body))
			assert.Equal(t, http.StatusOK, code)
			tt.check(t, rec.got())
		})
	}
}

func TestWebhookRejects(t *testing.T) {
	t.Parallel()
	body := inboundtest.Testdata(t, "text.json")
	good := linetest.Sign(testSecret, body)
	tests := []struct {
		name   string
		method string
		body   []byte
		sig    string
		want   int
	}{
		{"missing signature", http.MethodPost, body, "", http.StatusUnauthorized},
		{"wrong secret", http.MethodPost, body, linetest.Sign("other", body), http.StatusUnauthorized},
		{"signature of another body", http.MethodPost, append([]byte(" "), body...), good, http.StatusUnauthorized},
		{"not base64", http.MethodPost, body, strings.Repeat("!", len(good)), http.StatusUnauthorized},
		{"hex instead of base64", http.MethodPost, body, "0123456789abcdef", http.StatusUnauthorized},
		{"oversize body", http.MethodPost, bytes.Repeat([]byte("x"), 65<<10), good, http.StatusRequestEntityTooLarge},
		{"signed garbage", http.MethodPost, []byte("{not json"), linetest.Sign(testSecret, []byte("{not json")), http.StatusBadRequest},
		{"get", http.MethodGet, nil, "", http.StatusMethodNotAllowed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := &recorder{}
			h := newWebhookClient(t).Webhook(rec)
			r := httptest.NewRequest(tt.method, "/webhook", bytes.NewReader(tt.body))
			if tt.sig != "" {
				r.Header.Set(line.SignatureHeader, tt.sig)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			assert.Equal(t, tt.want, w.Code)
			assert.Empty(t, rec.got(), "handler must not be called")
		})
	}
}

func TestWebhookDedupeAndRedelivery(t *testing.T) {
	t.Parallel()
	srv := linetest.NewServer(linetest.Config{ChannelSecret: testSecret})
	t.Cleanup(srv.Close)
	rec := &recorder{fail: errors.New("database down")}
	h := newWebhookClient(t).Webhook(rec)

	e := srv.TextEvent(testUser, "refund please")
	assert.Equal(t, http.StatusInternalServerError, srv.ServeWebhook(h, e), "handler error → 500 so LINE redelivers")

	rec.mu.Lock()
	rec.fail = nil
	rec.mu.Unlock()
	assert.Equal(t, http.StatusOK, srv.ServeWebhook(h, linetest.Redelivered(e)), "a failed event is handled again")
	assert.Equal(t, http.StatusOK, srv.ServeWebhook(h, linetest.Redelivered(e)), "a handled event is dropped")

	got := rec.got()
	require.Len(t, got, 2)
	assert.False(t, got[0].Redelivery)
	assert.True(t, got[1].Redelivery)
	assert.Equal(t, got[0].ID, got[1].ID)
}

func TestWebhookVerifyCall(t *testing.T) {
	t.Parallel()
	srv := linetest.NewServer(linetest.Config{ChannelSecret: testSecret})
	t.Cleanup(srv.Close)
	rec := &recorder{}
	ts := httptest.NewServer(newWebhookClient(t).Webhook(rec))
	t.Cleanup(ts.Close)
	code, err := srv.Deliver(context.Background(), ts.URL)
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, code)
	assert.Empty(t, rec.got())
}

func TestVerifySignature(t *testing.T) {
	t.Parallel()
	body := []byte(`{"destination":"x","events":[]}`)
	secret := []byte("s3cret")
	sig := linetest.Sign("s3cret", body)
	assert.True(t, line.VerifySignature(secret, body, sig))
	assert.False(t, line.VerifySignature(secret, body, ""))
	assert.False(t, line.VerifySignature(secret, body[1:], sig))
	assert.False(t, line.VerifySignature([]byte("other"), body, sig))
	assert.False(t, line.VerifySignature(secret, body, sig[:len(sig)-1]+"A"))
}

func FuzzParseWebhook(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"events":[null,{},{"type":"message"},{"type":"message","message":null}]}`))
	f.Add([]byte(`{"events":[{"timestamp":-1,"source":{"type":"group"}}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		events, err := line.ParseWebhook(body)
		if err != nil {
			assert.Nil(t, events)
			return
		}
		for _, e := range events {
			assert.Equal(t, channel.LINE, e.Channel)
			if e.Type == channel.EventMessage {
				assert.NotNil(t, e.Message)
			}
		}
		// The handler answers the same body without panicking.
		h, err := line.New(line.Config{ChannelAccessToken: "t", ChannelSecret: "s", Dedupe: channel.NewMemoryDedupeStore(64)})
		require.NoError(t, err)
		post(t, h.Webhook(channel.HandlerFunc(func(context.Context, channel.Event) error { return nil })),
			body, linetest.Sign("s", body))
	})
}
