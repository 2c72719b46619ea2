package main

import (
	"encoding/json"
	"os"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/notify/files"
)

// Debian's fonts, when installed (fonts-noto-core, fonts-droid-fallback):
// invoices then embed them; without them, they use the PDF viewer's
// Helvetica (Latin text only).
const (
	fontLatin = "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf"
	fontCJK   = "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"
	fontThai  = "/usr/share/fonts/truetype/noto/NotoSansThai-Regular.ttf"
)

// newFiles sets up the invoice flow: a content-addressed store, signed
// links (never fetched in the demo), and a deliverer that uploads a
// document to WhatsApp once and reuses its media id.
func newFiles(send channel.Sender, wa files.Uploader, now channel.Clock) (*files.Invoices, *files.Deliverer, error) {
	fonts, err := files.LoadFonts(fontLatin, fontCJK, fontThai)
	if err != nil {
		fonts = files.Fonts{}
	}
	renderer, err := files.NewRenderer(fonts)
	if err != nil {
		return nil, nil, err
	}
	store := files.NewMemoryStore()
	links, err := files.NewLinks(files.LinksConfig{Key: []byte(os.Getenv("SHOPBOT_LINK_KEY") + "demo-only-link-key-32-bytes-long!"),
		BaseURL: "https://shop.example/files", Store: store, Clock: now})
	if err != nil {
		return nil, nil, err
	}
	d, err := files.NewDeliverer(files.DelivererConfig{Send: send, Links: links, Clock: now,
		Uploaders: map[channel.Kind]files.Uploader{channel.WhatsApp: wa}})
	if err != nil {
		return nil, nil, err
	}
	return files.NewInvoices(renderer, store), d, nil
}

// documentName reads the file name of a WhatsApp document message body.
func documentName(body []byte) string {
	var m struct {
		Document struct {
			Filename string `json:"filename"`
		} `json:"document"`
	}
	if json.Unmarshal(body, &m) != nil || m.Document.Filename == "" {
		return "(unnamed)"
	}
	return m.Document.Filename
}
