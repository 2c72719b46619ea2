package whatsapp_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/whatsapp/whatsapptest"
)

func TestMediaRoundTrip(t *testing.T) {
	t.Parallel()
	srv := whatsapptest.NewServer(whatsapptest.Config{})
	defer srv.Close()
	c := newClient(t, srv, nil)
	ctx := context.Background()
	data := []byte("%PDF-1.7 invoice 2026-0042")

	id, err := c.UploadMedia(ctx, bytes.NewReader(data), "invoice.pdf", "application/pdf")
	require.NoError(t, err)
	require.NotEmpty(t, id)
	assert.Contains(t, srv.Requests()[0].Header.Get("Content-Type"), "multipart/form-data")

	info, err := c.Media(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, "application/pdf", info.MIMEType)
	assert.Equal(t, int64(len(data)), info.FileSize)

	var buf bytes.Buffer
	info, err = c.DownloadMedia(ctx, id, &buf)
	require.NoError(t, err)
	assert.Equal(t, data, buf.Bytes())
	assert.Equal(t, id, info.ID)

	_, err = c.Send(ctx, &channel.Message{To: customer, Media: &channel.Media{Type: channel.MediaDocument, ID: id, Filename: "invoice.pdf"}})
	require.NoError(t, err)
}

func TestMediaFromWebhook(t *testing.T) {
	t.Parallel()
	srv := whatsapptest.NewServer(whatsapptest.Config{})
	defer srv.Close()
	c := newClient(t, srv, nil)
	id := srv.AddMedia([]byte("\xff\xd8\xff photo"), "image/jpeg")
	var buf bytes.Buffer
	info, err := c.DownloadMedia(context.Background(), id, &buf)
	require.NoError(t, err)
	assert.Equal(t, "image/jpeg", info.MIMEType)
	assert.Equal(t, "\xff\xd8\xff photo", buf.String())
}

func TestMediaErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		run     func(ctx context.Context, srv *whatsapptest.Server) error
		want    error
		network bool
	}{
		{"image over 5 MB", func(ctx context.Context, srv *whatsapptest.Server) error {
			_, err := newClient(t, srv, nil).UploadMedia(ctx, bytes.NewReader(make([]byte, 5<<20+1)), "a.png", "image/png")
			return err
		}, channel.ErrMediaTooLarge, false},
		{"sticker over 500 KB", func(ctx context.Context, srv *whatsapptest.Server) error {
			_, err := newClient(t, srv, nil).UploadMedia(ctx, bytes.NewReader(make([]byte, 500<<10+1)), "s.webp", "image/webp")
			return err
		}, channel.ErrMediaTooLarge, false},
		{"bad mime type", func(ctx context.Context, srv *whatsapptest.Server) error {
			_, err := newClient(t, srv, nil).UploadMedia(ctx, strings.NewReader("x"), "a", "nonsense")
			return err
		}, channel.ErrInvalidMessage, false},
		{"empty file", func(ctx context.Context, srv *whatsapptest.Server) error {
			_, err := newClient(t, srv, nil).UploadMedia(ctx, strings.NewReader(""), "a.txt", "text/plain")
			return err
		}, channel.ErrInvalidMessage, false},
		{"unknown media id", func(ctx context.Context, srv *whatsapptest.Server) error {
			_, err := newClient(t, srv, nil).Media(ctx, "123456789")
			return err
		}, channel.ErrInvalidMessage, true},
		{"path in media id", func(ctx context.Context, srv *whatsapptest.Server) error {
			_, err := newClient(t, srv, nil).Media(ctx, "../me")
			return err
		}, channel.ErrInvalidMessage, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := whatsapptest.NewServer(whatsapptest.Config{})
			defer srv.Close()
			err := tt.run(context.Background(), srv)
			assert.ErrorIs(t, err, tt.want)
			assert.Equal(t, tt.network, len(srv.Requests()) > 0)
		})
	}
}
