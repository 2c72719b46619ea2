package wechat

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/switchboard-go/switchboard/channel"
)

// Send sends m as a customer-service message (POST
// /cgi-bin/message/custom/send). The mapping:
//
//   - Text → msgtype text; Text with Buttons → msgtype msgmenu (Text is the
//     head_content, each Button an item with id = Payload, or Title when
//     Payload is empty, and content = Title; the customer's tap comes back as
//     a text message with Message.Payload = that id).
//   - Media by ID (upload it first with UploadMedia): image → image, audio →
//     voice, video → video (Filename is the title, Caption the description).
//   - A document by URL → a news card (图文消息) linking to it: Filename is the
//     title, Caption (or Text) the description, PreviewURL the picture. This
//     is also how a link the customer shared arrives.
//
// WeChat cannot send templates (its template messages are another API),
// locations, stickers, media by URL, captions on images or voice, or buttons
// with media: those answer channel.ErrUnsupported before any network call.
// m is checked with m.Validate first.
//
// Long texts are not split: each part would use up one of the 5 messages a
// customer's message allows. WeChat does not document the text limit; it
// answers 45002 (channel.ErrInvalidMessage) for a text that is too long.
//
// WeChat's answer carries no message id, so the Receipt's MessageID is empty.
// Errors are *APIError (errcode 45015 is channel.ErrWindowClosed: outside the
// 48 h window; 45047 is channel.ErrRateLimited: the 5 messages per customer
// message are used up). A refused token is refreshed and the send retried
// once; otherwise a send is retried only where WeChat certainly did not
// take it (a connection never made, HTTP 429, errcode 45011): WeChat has no
// idempotency key. An outcome that leaves delivery open (a 5xx, errcode -1
// "system busy", a reset or timeout after the request was written) returns
// a *channel.DeliveryError (errors.Is channel.ErrDeliveryUnknown) naming m
// and the attempt time, for the caller to reconcile.
//
// Send is safe for concurrent use.
func (c *Client) Send(ctx context.Context, m *channel.Message) (channel.Receipt, error) {
	if err := m.Validate(); err != nil {
		return channel.Receipt{}, err
	}
	if m.To.Channel != channel.WeChat {
		return channel.Receipt{}, fmt.Errorf("%w: recipient is on %s, not wechat", channel.ErrInvalidRecipient, m.To.Channel)
	}
	body, err := customMessage(m)
	if err != nil {
		return channel.Receipt{}, err
	}
	var ans struct {
		MsgID json.RawMessage `json:"msgid"`
	}
	if err := c.call(ctx, request{op: "send", method: http.MethodPost, path: "/cgi-bin/message/custom/send",
		body: body, contentType: jsonType, msg: m}, &ans); err != nil {
		return channel.Receipt{}, err
	}
	r := channel.Receipt{Channel: channel.WeChat, To: m.To}
	if id := strings.Trim(string(ans.MsgID), `"`); id != "" && id != "null" {
		r.MessageID = id
		r.MessageIDs = []string{id}
	}
	return r, nil
}

// Article is a news card (图文消息) of a customer-service message: a title,
// a description, the page it opens and a picture. A plain value.
type Article struct {
	// Title is the card's headline.
	Title string `json:"title"`
	// Description is the text under the title; empty shows none.
	Description string `json:"description,omitempty"`
	// URL is the page the card opens when tapped.
	URL string `json:"url"`
	// PictureURL is the card's picture (JPG or PNG; WeChat suggests 1068×455
	// for the large card); empty shows none.
	PictureURL string `json:"picurl,omitempty"`
}

// SendNews sends a news card to the openid to. WeChat shows one article per
// card. Errors are as for Send. SendNews is safe for concurrent use.
func (c *Client) SendNews(ctx context.Context, to string, a Article) error {
	if strings.TrimSpace(to) == "" {
		return fmt.Errorf("%w: empty openid", channel.ErrInvalidRecipient)
	}
	if a.Title == "" || a.URL == "" {
		return fmt.Errorf("%w: an article needs a title and a URL", channel.ErrInvalidMessage)
	}
	body, err := json.Marshal(outbound{ToUser: to, MsgType: "news", News: &news{Articles: []Article{a}}})
	if err != nil {
		return fmt.Errorf("wechat: encoding message: %w", err)
	}
	m := &channel.Message{To: channel.Address{Channel: channel.WeChat, ID: to}, Text: a.Title}
	return c.call(ctx, request{op: "send", method: http.MethodPost, path: "/cgi-bin/message/custom/send",
		body: body, contentType: jsonType, msg: m}, nil)
}

// Typing shows (on) or hides (off) the "typing…" indicator in the chat with
// the customer (POST /cgi-bin/message/custom/typing, command Typing or
// CancelTyping). Like a send, it only works while a customer-service
// message could be sent. It is safe for concurrent use.
func (c *Client) Typing(ctx context.Context, to channel.Address, on bool) error {
	if strings.TrimSpace(to.ID) == "" {
		return fmt.Errorf("%w: empty openid", channel.ErrInvalidRecipient)
	}
	cmd := "CancelTyping"
	if on {
		cmd = "Typing"
	}
	body, err := json.Marshal(map[string]string{"touser": to.ID, "command": cmd})
	if err != nil {
		return fmt.Errorf("wechat: encoding typing: %w", err)
	}
	return c.postJSON(ctx, "typing", "/cgi-bin/message/custom/typing", body, nil)
}

const jsonType = "application/json; charset=utf-8"

func (c *Client) postJSON(ctx context.Context, op, p string, body []byte, out any) error {
	return c.call(ctx, request{op: op, method: http.MethodPost, path: p, body: body, contentType: jsonType}, out)
}

// outbound is the JSON body of a customer-service message.
type outbound struct {
	ToUser  string    `json:"touser"`
	MsgType string    `json:"msgtype"`
	Text    *text     `json:"text,omitempty"`
	Image   *mediaRef `json:"image,omitempty"`
	Voice   *mediaRef `json:"voice,omitempty"`
	Video   *videoRef `json:"video,omitempty"`
	News    *news     `json:"news,omitempty"`
	MsgMenu *msgMenu  `json:"msgmenu,omitempty"`
}

type text struct {
	Content string `json:"content"`
}

type mediaRef struct {
	MediaID string `json:"media_id"`
}

type videoRef struct {
	MediaID     string `json:"media_id"`
	Title       string `json:"title,omitempty"`
	Description string `json:"description,omitempty"`
}

type news struct {
	Articles []Article `json:"articles"`
}

type msgMenu struct {
	HeadContent string        `json:"head_content"`
	List        []msgMenuItem `json:"list"`
	TailContent string        `json:"tail_content,omitempty"`
}

type msgMenuItem struct {
	ID      string `json:"id"`
	Content string `json:"content"`
}

// customMessage maps m onto a customer-service message body.
func customMessage(m *channel.Message) ([]byte, error) {
	out := outbound{ToUser: m.To.ID}
	unsupported := func(what string) error {
		return fmt.Errorf("%w: wechat cannot send %s", channel.ErrUnsupported, what)
	}
	switch {
	case m.Template != nil:
		return nil, unsupported("templates as customer-service messages")
	case m.Location != nil:
		return nil, unsupported("locations")
	case m.Media != nil && len(m.Buttons) > 0:
		return nil, unsupported("buttons with media")
	case m.Media != nil:
		md := m.Media
		if md.Type == channel.MediaDocument && md.ID == "" {
			desc := md.Caption
			if desc == "" {
				desc = m.Text
			}
			title := md.Filename
			if title == "" {
				title = path.Base(md.URL)
			}
			out.MsgType = "news"
			out.News = &news{Articles: []Article{{Title: title, Description: desc, URL: md.URL, PictureURL: md.PreviewURL}}}
			break
		}
		if md.ID == "" {
			return nil, unsupported("media by URL (upload it with UploadMedia and send the media id)")
		}
		if m.Text != "" {
			return nil, unsupported("text with media in one message (send them as two)")
		}
		switch md.Type {
		case channel.MediaImage, channel.MediaAudio:
			if md.Caption != "" {
				return nil, unsupported("captions on images or voice (send the caption as text)")
			}
			if md.Type == channel.MediaImage {
				out.MsgType, out.Image = "image", &mediaRef{MediaID: md.ID}
			} else {
				out.MsgType, out.Voice = "voice", &mediaRef{MediaID: md.ID}
			}
		case channel.MediaVideo:
			out.MsgType = "video"
			out.Video = &videoRef{MediaID: md.ID, Title: md.Filename, Description: md.Caption}
		default:
			return nil, unsupported(string(md.Type) + " media")
		}
	case len(m.Buttons) > 0:
		menu := &msgMenu{HeadContent: m.Text}
		for _, b := range m.Buttons {
			id := b.Payload
			if id == "" {
				id = b.Title
			}
			menu.List = append(menu.List, msgMenuItem{ID: id, Content: b.Title})
		}
		out.MsgType, out.MsgMenu = "msgmenu", menu
	default:
		out.MsgType, out.Text = "text", &text{Content: m.Text}
	}
	body, err := json.Marshal(out)
	if err != nil {
		return nil, fmt.Errorf("wechat: encoding message: %w", err)
	}
	return body, nil
}

// MediaKind is the type query parameter of a media upload (a string value).
type MediaKind string

// Media kinds WeChat accepts for temporary media, with its size limits
// (新增临时素材): image 10 MB (PNG, JPEG, GIF), voice 2 MB (AMR, MP3, at most
// 60 s), video 10 MB (MP4), thumb 64 KB (JPG).
const (
	KindImage MediaKind = "image"
	KindVoice MediaKind = "voice"
	KindVideo MediaKind = "video"
	KindThumb MediaKind = "thumb"
)

// MaxSize is WeChat's size limit for kind in bytes, or 0 for an unknown kind.
//
// WeChat's upload page states 10 MB for images in its list of limits and 2 MB
// in its notes; the list matches the platform's own upload limits and
// channel.DefaultMediaLimits, so 10 MB it is: WeChat answers 40009 (→
// channel.ErrMediaTooLarge) if it disagrees.
func (k MediaKind) MaxSize() int64 {
	switch k {
	case KindImage, KindVideo:
		return 10 << 20
	case KindVoice:
		return 2 << 20
	case KindThumb:
		return 64 << 10
	}
	return 0
}

// Upload is what WeChat answered to a media upload. A plain value.
type Upload struct {
	// Kind is the media type WeChat stored the upload as.
	Kind MediaKind
	// MediaID is the id to send the media by (an image, voice or video
	// message) until ExpiresAt().
	MediaID string
	// CreatedAt is WeChat's created_at: when it stored the upload.
	CreatedAt time.Time
}

// ExpiresAt is when WeChat deletes temporary media: 3 days after upload.
func (u Upload) ExpiresAt() time.Time { return u.CreatedAt.Add(72 * time.Hour) }

// UploadMedia uploads temporary media (POST /cgi-bin/media/upload?type=kind,
// multipart form field "media") and returns its media id for Send. It reads
// at most kind.MaxSize()+1 bytes of r: anything larger is
// channel.ErrMediaTooLarge without a network call. filename's extension is
// how WeChat tells formats apart. Uploads are retried on transient errors (a
// duplicate upload only costs a media id). It is safe for concurrent use.
func (c *Client) UploadMedia(ctx context.Context, kind MediaKind, filename string, r io.Reader) (Upload, error) {
	limit := kind.MaxSize()
	if limit == 0 {
		return Upload{}, fmt.Errorf("%w: unknown media kind %q", channel.ErrInvalidMessage, kind)
	}
	if r == nil {
		return Upload{}, fmt.Errorf("%w: no media", channel.ErrInvalidMessage)
	}
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return Upload{}, fmt.Errorf("wechat: upload: reading media: %w", err)
	}
	if int64(len(data)) > limit {
		return Upload{}, fmt.Errorf("%w: %s over %d bytes", channel.ErrMediaTooLarge, kind, limit)
	}
	if len(data) == 0 {
		return Upload{}, fmt.Errorf("%w: empty media", channel.ErrInvalidMessage)
	}
	if filename = path.Base(strings.ReplaceAll(filename, `\`, "/")); filename == "." || filename == "/" {
		filename = "media"
	}
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="media"; filename=%q`, filename))
	h.Set("Content-Type", http.DetectContentType(data))
	part, err := w.CreatePart(h)
	if err != nil {
		return Upload{}, fmt.Errorf("wechat: upload: %w", err)
	}
	_, _ = part.Write(data)
	if err := w.Close(); err != nil {
		return Upload{}, fmt.Errorf("wechat: upload: %w", err)
	}
	var ans struct {
		Type      string `json:"type"`
		MediaID   string `json:"media_id"`
		CreatedAt int64  `json:"created_at"`
	}
	err = c.call(ctx, request{op: "upload", method: http.MethodPost, path: "/cgi-bin/media/upload",
		query: url.Values{"type": {string(kind)}}, body: buf.Bytes(), contentType: w.FormDataContentType(),
		idempotent: true}, &ans)
	if err != nil {
		return Upload{}, err
	}
	if ans.MediaID == "" {
		return Upload{}, errors.New("wechat: upload: answer without media_id")
	}
	up := Upload{Kind: MediaKind(ans.Type), MediaID: ans.MediaID, CreatedAt: time.Unix(ans.CreatedAt, 0)}
	if up.Kind == "" {
		up.Kind = kind
	}
	return up, nil
}
