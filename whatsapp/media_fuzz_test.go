package whatsapp_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/whatsapp"
)

// roundTrip answers every request in memory: the media lookup with the
// fuzzed status and body, the download with file. The fuzz function sets
// them before each input (a fuzz worker runs its inputs one at a time).
type roundTrip struct {
	status int
	body   string
	file   []byte
}

func (rt *roundTrip) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.Host == "media.example" {
		return &http.Response{StatusCode: 200, Header: http.Header{}, Body: io.NopCloser(bytes.NewReader(rt.file)), Request: r}, nil
	}
	return &http.Response{StatusCode: rt.status, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(rt.body)), Request: r}, nil
}

// FuzzMediaInfo feeds media-info answers (GET /{media-id}: url, mime_type,
// sha256, file_size, id) with any status through Client.Media and
// DownloadMedia. Properties: no panic; a lookup that succeeds names the
// media id; an error never holds the access token; a download whose bytes
// do not match a reported SHA-256 fails.
func FuzzMediaInfo(f *testing.F) {
	seeds := []string{
		`{"messaging_product":"whatsapp","url":"https://media.example/f","mime_type":"image/jpeg","sha256":"2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae","file_size":3,"id":"1037543291543636"}`,
		`{"url":"https://media.example/f","sha256":"LCa0a2j/xo/5m0U8HTBBNBNCLXBkg7+g+YpeiGJm564="}`,
		`{"url":"ftp://x","file_size":-1}`, `{"url":null,"file_size":"3"}`,
		`{"error":{"code":100,"message":"(#100) Invalid parameter"}}`, `[]`, ``, `{"id":7}`,
	}
	for _, s := range seeds {
		f.Add(200, s, []byte("foo"))
		f.Add(400, s, []byte("bar"))
	}
	rt := &roundTrip{}
	c, err := whatsapp.New(whatsapp.Config{AccessToken: "SECRET-TOKEN", PhoneNumberID: "1", Retry: channel.Retry{MaxAttempts: 1},
		BaseURL: "https://graph.example", HTTPClient: &http.Client{Transport: rt}, Dedupe: channel.NewMemoryDedupeStore(16)})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, status int, body string, file []byte) {
		if status < 100 || status > 999 {
			return // net/http itself refuses such responses
		}
		rt.status, rt.body, rt.file = status, body, file
		info, err := c.Media(t.Context(), "1037543291543636")
		if err != nil {
			if strings.Contains(err.Error(), "SECRET-TOKEN") {
				t.Fatalf("token in %v", err)
			}
			return
		}
		if info.ID == "" {
			t.Fatal("a media lookup without an id")
		}
		var out bytes.Buffer
		_, err = c.DownloadMedia(t.Context(), "1037543291543636", &out)
		if err != nil {
			if strings.Contains(err.Error(), "SECRET-TOKEN") {
				t.Fatalf("token in %v", err)
			}
			_ = errors.Is(err, channel.ErrMediaTooLarge)
			return
		}
		if !strings.HasPrefix(info.URL, "http") {
			t.Fatalf("downloaded from %q", info.URL)
		}
		if info.SHA256 != "" {
			sum := sha256.Sum256(out.Bytes())
			if !strings.EqualFold(hex.EncodeToString(sum[:]), info.SHA256) && base64.StdEncoding.EncodeToString(sum[:]) != info.SHA256 {
				t.Fatalf("download accepted although its SHA-256 is not %q", info.SHA256)
			}
		}
	})
}
