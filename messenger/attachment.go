package messenger

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/textproto"
	"strings"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/internal/meta"
)

type uploadMessage struct {
	Attachment attachment `json:"attachment"`
}

type uploadResponse struct {
	AttachmentID string `json:"attachment_id"`
}

// UploadAttachment saves media at a URL as a reusable attachment (POST
// /me/message_attachments) and returns its attachment_id, to send again and
// again as channel.Media.ID without Meta fetching the URL each time. A
// Media.Size over 25 MB fails with channel.ErrMediaTooLarge before the call.
func (c *Client) UploadAttachment(ctx context.Context, md channel.Media) (string, error) {
	typ, err := attachmentType(md.Type)
	if err != nil {
		return "", err
	}
	if !strings.HasPrefix(md.URL, "https://") && !strings.HasPrefix(md.URL, "http://") {
		return "", fmt.Errorf("%w: attachment URL must be http(s)", channel.ErrInvalidMessage)
	}
	if md.Size > MaxAttachmentBytes {
		return "", fmt.Errorf("%w: %d bytes, Messenger accepts at most %d", channel.ErrMediaTooLarge, md.Size, MaxAttachmentBytes)
	}
	body := map[string]uploadMessage{"message": {Attachment: attachment{
		Type: typ, Payload: attachmentPayload{URL: md.URL, IsReusable: true},
	}}}
	return c.upload(ctx, body)
}

// UploadAttachmentFile uploads a file's bytes as a reusable attachment
// (multipart "message" and "filedata") and returns its attachment_id. More
// than 25 MB fails with channel.ErrMediaTooLarge before the call; r is read
// into memory so a retry can resend it.
func (c *Client) UploadAttachmentFile(ctx context.Context, t channel.MediaType, r io.Reader, filename, mimeType string) (string, error) {
	typ, err := attachmentType(t)
	if err != nil {
		return "", err
	}
	if _, _, err := mime.ParseMediaType(mimeType); err != nil || !strings.Contains(mimeType, "/") {
		return "", fmt.Errorf("%w: MIME type %q", channel.ErrInvalidMessage, mimeType)
	}
	data, err := io.ReadAll(io.LimitReader(r, MaxAttachmentBytes+1))
	if err != nil {
		return "", fmt.Errorf("messenger: read attachment: %w", err)
	}
	if len(data) > MaxAttachmentBytes {
		return "", fmt.Errorf("%w: more than %d bytes", channel.ErrMediaTooLarge, MaxAttachmentBytes)
	}
	if len(data) == 0 {
		return "", fmt.Errorf("%w: empty attachment", channel.ErrInvalidMessage)
	}
	msg, _ := json.Marshal(uploadMessage{Attachment: attachment{Type: typ, Payload: attachmentPayload{IsReusable: true}}})
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	_ = w.WriteField("message", string(msg))
	h := make(textproto.MIMEHeader)
	if filename == "" {
		filename = "file"
	}
	h.Set("Content-Disposition", mime.FormatMediaType("form-data", map[string]string{"name": "filedata", "filename": filename}))
	h.Set("Content-Type", mimeType)
	part, _ := w.CreatePart(h) // writes to a bytes.Buffer: cannot fail
	_, _ = part.Write(data)
	_ = w.Close()
	return c.upload(ctx, &meta.Form{Data: buf.Bytes(), ContentType: w.FormDataContentType()})
}

func (c *Client) upload(ctx context.Context, body any) (string, error) {
	var out uploadResponse
	if err := c.api.Call(ctx, "POST", c.base+"/me/message_attachments", body, &out); err != nil {
		return "", err
	}
	if out.AttachmentID == "" {
		return "", fmt.Errorf("messenger: upload answered no attachment_id")
	}
	return out.AttachmentID, nil
}
