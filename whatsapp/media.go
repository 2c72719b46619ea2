package whatsapp

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strings"

	"github.com/hashicorp/go-retryablehttp"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/internal/meta"
)

// MediaInfo is what GET /{media-id} answers: a short-lived download URL
// (about 5 minutes) and the file's type, hash and size.
type MediaInfo struct {
	// ID is the media id that was looked up.
	ID string `json:"id"`
	// URL is where to download the file, with the access token as bearer;
	// it expires about 5 minutes after the lookup.
	URL string `json:"url"`
	// MIMEType is the file's type, e.g. "image/jpeg".
	MIMEType string `json:"mime_type"`
	// SHA256 is the hex SHA-256 of the file, to check a download against.
	SHA256 string `json:"sha256"`
	// FileSize is the file's size in bytes.
	FileSize int64 `json:"file_size"`
}

// mediaTypeOf maps a MIME type onto the channel media type whose size limit
// applies (Cloud API "Supported media types").
func mediaTypeOf(mimeType string) channel.MediaType {
	switch {
	case mimeType == "image/webp":
		return channel.MediaSticker
	case strings.HasPrefix(mimeType, "image/"):
		return channel.MediaImage
	case strings.HasPrefix(mimeType, "audio/"):
		return channel.MediaAudio
	case strings.HasPrefix(mimeType, "video/"):
		return channel.MediaVideo
	}
	return channel.MediaDocument
}

// UploadMedia uploads a file (POST /{phone-number-id}/media) and returns its
// media id, usable as channel.Media.ID for 30 days. mimeType decides the
// size limit (image 5 MB, audio and video 16 MB, sticker image/webp 500 KB,
// anything else a 100 MB document): a larger r fails with
// channel.ErrMediaTooLarge before anything is sent. r is read into memory so
// a retry can resend it.
func (c *Client) UploadMedia(ctx context.Context, r io.Reader, filename, mimeType string) (string, error) {
	if _, _, err := mime.ParseMediaType(mimeType); err != nil || !strings.Contains(mimeType, "/") {
		return "", fmt.Errorf("%w: MIME type %q", channel.ErrInvalidMessage, mimeType)
	}
	typ := mediaTypeOf(mimeType)
	limit := MaxMediaBytes(typ)
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return "", fmt.Errorf("whatsapp: read media: %w", err)
	}
	if int64(len(data)) > limit {
		return "", fmt.Errorf("%w: %s larger than %d bytes", channel.ErrMediaTooLarge, typ, limit)
	}
	if len(data) == 0 {
		return "", fmt.Errorf("%w: empty media", channel.ErrInvalidMessage)
	}
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	_ = w.WriteField("messaging_product", messagingProduct)
	_ = w.WriteField("type", mimeType)
	h := make(textproto.MIMEHeader)
	h.Set("Content-Disposition", mime.FormatMediaType("form-data", map[string]string{
		"name": "file", "filename": cmp.Or(filename, "file"),
	}))
	h.Set("Content-Type", mimeType)
	part, _ := w.CreatePart(h) // writes to a bytes.Buffer: cannot fail
	_, _ = part.Write(data)
	_ = w.Close()
	var out struct {
		ID string `json:"id"`
	}
	err = c.call(ctx, "POST", c.base+"/"+c.cfg.PhoneNumberID+"/media",
		&meta.Form{Data: buf.Bytes(), ContentType: w.FormDataContentType()}, &out)
	if err != nil {
		return "", err
	}
	if out.ID == "" {
		return "", fmt.Errorf("whatsapp: upload answered no media id")
	}
	return out.ID, nil
}

// Media looks a media id up (from UploadMedia or an inbound message) and
// returns its download URL, MIME type, SHA-256 and size.
func (c *Client) Media(ctx context.Context, id string) (MediaInfo, error) {
	if !isDigits(id) { // media ids are numeric; anything else could rewrite the path
		return MediaInfo{}, fmt.Errorf("%w: media id %q", channel.ErrInvalidMessage, id)
	}
	var info MediaInfo
	err := c.call(ctx, "GET", c.base+"/"+id+"?phone_number_id="+c.cfg.PhoneNumberID, nil, &info)
	if err != nil {
		return MediaInfo{}, err
	}
	if info.ID == "" {
		info.ID = id
	}
	return info, nil
}

// DownloadMedia looks id up and copies the file to w, authenticated with the
// access token as Meta requires. It refuses files over the 100 MB document
// limit and checks the SHA-256 Meta reported: a mismatch is an error (and
// w has then received bad bytes: write to a temporary place). It returns the
// media's info.
func (c *Client) DownloadMedia(ctx context.Context, id string, w io.Writer) (MediaInfo, error) {
	info, err := c.Media(ctx, id)
	if err != nil {
		return MediaInfo{}, err
	}
	if !strings.HasPrefix(info.URL, "https://") && !strings.HasPrefix(info.URL, "http://") {
		return info, fmt.Errorf("whatsapp: media %s has no download URL", id)
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, http.MethodGet, info.URL, nil)
	if err != nil {
		return info, fmt.Errorf("whatsapp: build download request: %w", err)
	}
	resp, err := c.api.Do(req)
	if err != nil {
		return info, err
	}
	defer resp.Body.Close()
	sum := sha256.New()
	n, err := io.Copy(io.MultiWriter(w, sum), io.LimitReader(resp.Body, MaxDocumentBytes+1))
	if err != nil {
		return info, fmt.Errorf("whatsapp: download media %s: %w", id, err)
	}
	if n > MaxDocumentBytes {
		return info, fmt.Errorf("%w: media %s larger than %d bytes", channel.ErrMediaTooLarge, id, MaxDocumentBytes)
	}
	if info.SHA256 != "" && !sameHash(sum.Sum(nil), info.SHA256) {
		return info, fmt.Errorf("whatsapp: media %s: SHA-256 does not match what Meta reported", id)
	}
	return info, nil
}

// sameHash compares a digest with Meta's rendering of it, which is hex in
// media lookups and base64 in some webhook payloads.
func sameHash(sum []byte, reported string) bool {
	return strings.EqualFold(hex.EncodeToString(sum), reported) ||
		base64.StdEncoding.EncodeToString(sum) == reported
}

func isDigits(s string) bool {
	if s == "" || len(s) > 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
