package files

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/switchboard-go/switchboard/channel"
)

// Uploader uploads a file to a platform and returns its media id.
// *whatsapp.Client implements it.
type Uploader interface {
	UploadMedia(ctx context.Context, r io.Reader, filename, mimeType string) (string, error)
}

// DelivererConfig configures a Deliverer. Send and Links are required.
type DelivererConfig struct {
	// Send sends chat messages (with the channel middlewares the shop uses).
	Send channel.Sender
	// Links makes the signed links.
	Links *Links
	// Mail sends the last-resort email; nil leaves the email step out.
	Mail Mailer
	// Uploaders upload documents per channel so the platform holds the file
	// (its media id is reused for MediaTTL); a channel without one gets the
	// document by the signed link's URL, which the platform fetches.
	Uploaders map[channel.Kind]Uploader
	// MediaTTL is how long an uploaded media id is reused; 0 means 29 days
	// (WhatsApp keeps uploaded media 30 days).
	MediaTTL time.Duration
	// MaxDocument is the largest document message per channel; a channel
	// absent here has no document message for customers (LINE, WeChat) and
	// gets the link at once. nil means WhatsApp 100 MB and Messenger 25 MB.
	MaxDocument map[channel.Kind]int64
	// LinkAbove sends files larger than this as a link even where the
	// platform would take them; 0 means 30 MB.
	LinkAbove int64
	// Deadline bounds the whole chain; 0 means 5 s. StepTimeout bounds the
	// document and link steps each, so a hung step leaves time for the
	// next; 0 means 2 s.
	Deadline, StepTimeout time.Duration
	// Consent records consent to sensitive documents; nil means a
	// MemoryConsentStore.
	Consent ConsentStore
	// Counts counts requests per kind and week; nil means a new Counts.
	Counts *Counts
	// Clock returns the current time; nil means time.Now.
	Clock channel.Clock
}

// Request is one document for one customer.
type Request struct {
	// To is the customer's address on the channel the document goes out on.
	To channel.Address
	// Doc is the document to deliver, already in the Links' store (its ID
	// set by Store.Put).
	Doc Document
	// Lang is the customer's language (BCP 47), for the texts.
	Lang string
	// Email is the customer's address for the last step; empty leaves it
	// out.
	Email string
}

// Step is one attempt of the chain.
type Step struct {
	Via string // "document", "link", "email"
	Err error  // nil: this step delivered
}

// Outcome says how a document reached the customer.
type Outcome struct {
	// Via is the step that delivered ("document", "link", "email"), or
	// "consent requested" when the customer was asked first.
	Via string
	// Link is the signed link, when one was made.
	Link string
	// Steps are the steps tried, in order, with their errors.
	Steps []Step
}

// ErrConsentRequired: the document is sensitive and the customer has not
// agreed yet; they were asked (Outcome.Via "consent requested").
var ErrConsentRequired = errors.New("files: the customer's consent is required first")

// ErrNotDelivered: every step of the chain failed; Outcome.Steps says how.
var ErrNotDelivered = errors.New("files: document not delivered")

// Deliverer sends documents by the best way that works within a deadline.
// It is safe for concurrent use.
type Deliverer struct {
	cfg   DelivererConfig
	media mediaIDs
}

// NewDeliverer returns a Deliverer.
func NewDeliverer(cfg DelivererConfig) (*Deliverer, error) {
	if cfg.Send == nil || cfg.Links == nil {
		return nil, errors.New("files: DelivererConfig.Send and Links are required")
	}
	if cfg.MediaTTL <= 0 {
		cfg.MediaTTL = 29 * 24 * time.Hour
	}
	if cfg.MaxDocument == nil {
		cfg.MaxDocument = map[channel.Kind]int64{channel.WhatsApp: 100 << 20, channel.Messenger: 25 << 20}
	}
	if cfg.LinkAbove <= 0 {
		cfg.LinkAbove = 30 << 20
	}
	if cfg.Deadline <= 0 {
		cfg.Deadline = 5 * time.Second
	}
	if cfg.StepTimeout <= 0 {
		cfg.StepTimeout = 2 * time.Second
	}
	if cfg.Consent == nil {
		cfg.Consent = NewMemoryConsentStore()
	}
	if cfg.Counts == nil {
		cfg.Counts = &Counts{}
	}
	return &Deliverer{cfg: cfg, media: mediaIDs{ids: map[string]uploaded{}}}, nil
}

func (d *Deliverer) now() time.Time { return d.cfg.Clock.Now() }

// Counts returns the request counter.
func (d *Deliverer) Counts() *Counts { return d.cfg.Counts }

// Consent checks a customer's reply: when it says "I agree" (in any of the
// 12 languages) it records consent to documents of kind, with its time, and
// reports true.
func (d *Deliverer) Consent(ctx context.Context, a channel.Address, kind, reply string) (bool, error) {
	if !IsConsent(reply) {
		return false, nil
	}
	if err := d.cfg.Consent.Record(ctx, a, kind, d.now()); err != nil {
		return false, fmt.Errorf("files: record consent: %w", err)
	}
	return true, nil
}

// Deliver sends req.Doc (already in the Links' store, with its ID set):
//  1. as a document message where the platform has one and the file is
//     small enough;
//  2. else, or when that fails, as a message with a signed link;
//  3. else, or when that fails, by email with the link, saying what
//     happened.
//
// A document message whose delivery is unknown (channel.ErrDeliveryUnknown)
// is followed by the link: the customer may get both, never neither. A
// sensitive document without recorded consent is not sent: the customer is
// asked, and the error wraps ErrConsentRequired. When every step fails the
// error wraps ErrNotDelivered and each step's error.
func (d *Deliverer) Deliver(ctx context.Context, req Request) (Outcome, error) {
	var out Outcome
	doc := req.Doc
	if doc.ID == "" {
		return out, fmt.Errorf("%w: document has no id (Store.Put sets it)", ErrNotFound)
	}
	d.cfg.Counts.Add(doc.Kind, d.now())
	ctx, cancel := context.WithTimeout(ctx, d.cfg.Deadline)
	defer cancel()
	if doc.Sensitive {
		_, ok, err := d.cfg.Consent.Given(ctx, req.To, doc.Kind)
		if err != nil {
			return out, fmt.Errorf("files: consent: %w: %w", channel.ErrUnavailable, err)
		}
		if !ok {
			out.Via = "consent requested"
			text := strings.ReplaceAll(prompt(req.Lang), "{{kind}}", doc.Kind)
			if _, err := d.cfg.Send.Send(ctx, &channel.Message{To: req.To, Text: text}); err != nil {
				return out, errors.Join(ErrConsentRequired, err)
			}
			return out, ErrConsentRequired
		}
	}
	size := int64(len(doc.Data))
	if max := d.cfg.MaxDocument[req.To.Channel]; max > 0 && size <= max && size <= d.cfg.LinkAbove {
		err := d.step(ctx, func(ctx context.Context) error { return d.sendDocument(ctx, req, &out) })
		out.Steps = append(out.Steps, Step{Via: "document", Err: err})
		if err == nil {
			out.Via = "document"
			return out, nil
		}
	}
	if out.Link == "" {
		out.Link = d.cfg.Links.URL(doc.ID)
	}
	days := int(d.cfg.Links.TTL().Hours() / 24)
	err := d.step(ctx, func(ctx context.Context) error {
		_, err := d.cfg.Send.Send(ctx, &channel.Message{To: req.To, Text: linkText(req.Lang, doc.Name, out.Link, days)})
		return err
	})
	out.Steps = append(out.Steps, Step{Via: "link", Err: err})
	if err == nil {
		out.Via = "link"
		return out, nil
	}
	if d.cfg.Mail != nil && req.Email != "" {
		err := d.cfg.Mail.Mail(ctx, req.Email, "Your "+doc.Kind+": "+doc.Name, mailText(doc.Name, out.Link, days))
		out.Steps = append(out.Steps, Step{Via: "email", Err: err})
		if err == nil {
			out.Via = "email"
			return out, nil
		}
	}
	errs := []error{ErrNotDelivered}
	for _, s := range out.Steps {
		errs = append(errs, fmt.Errorf("%s: %w", s.Via, s.Err))
	}
	return out, errors.Join(errs...)
}

// step runs f with the step timeout.
func (d *Deliverer) step(ctx context.Context, f func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(ctx, d.cfg.StepTimeout)
	defer cancel()
	return f(ctx)
}

func (d *Deliverer) sendDocument(ctx context.Context, req Request, out *Outcome) error {
	doc := req.Doc
	m := &channel.Media{Type: channel.MediaDocument, Filename: doc.Name, MIMEType: doc.MIME, Size: int64(len(doc.Data))}
	if up := d.cfg.Uploaders[req.To.Channel]; up != nil {
		id, err := d.mediaID(ctx, req.To.Channel, up, doc)
		if err != nil {
			return err
		}
		m.ID = id
	} else {
		out.Link = d.cfg.Links.URL(doc.ID)
		m.URL = out.Link
	}
	_, err := d.cfg.Send.Send(ctx, &channel.Message{To: req.To, Media: m})
	return err
}

// mediaID returns the platform's id for doc, uploading it when it has none
// younger than MediaTTL.
func (d *Deliverer) mediaID(ctx context.Context, ch channel.Kind, up Uploader, doc Document) (string, error) {
	key := string(ch) + "\x00" + doc.ID
	now := d.now()
	d.media.mu.Lock()
	u, ok := d.media.ids[key]
	d.media.mu.Unlock()
	if ok && now.Sub(u.at) < d.cfg.MediaTTL {
		return u.id, nil
	}
	id, err := up.UploadMedia(ctx, bytes.NewReader(doc.Data), doc.Name, doc.MIME)
	if err != nil {
		return "", err
	}
	d.media.mu.Lock()
	d.media.ids[key] = uploaded{id: id, at: now}
	d.media.mu.Unlock()
	return id, nil
}

func prompt(lang string) string {
	if p, ok := ConsentPrompts[chineseOrBase(lang)]; ok {
		return p
	}
	return ConsentPrompts["en"]
}

// chineseOrBase maps a BCP 47 tag to the keys of ConsentPrompts.
func chineseOrBase(lang string) string {
	l := strings.ToLower(lang)
	switch {
	case strings.HasPrefix(l, "zh"):
		if strings.Contains(l, "hant") || strings.HasSuffix(l, "-tw") || strings.HasSuffix(l, "-hk") || strings.HasSuffix(l, "-mo") {
			return "zh-Hant"
		}
		return "zh-Hans"
	}
	base, _, _ := strings.Cut(l, "-")
	return base
}

var linkTexts = map[string]string{
	"en":      "Here is your file {{name}}: {{link}} (the link works for {{days}} days).",
	"es":      "Aquí tienes tu archivo {{name}}: {{link}} (el enlace funciona {{days}} días).",
	"pt":      "Aqui está seu arquivo {{name}}: {{link}} (o link funciona por {{days}} dias).",
	"fr":      "Voici votre fichier {{name}} : {{link}} (le lien fonctionne {{days}} jours).",
	"de":      "Hier ist Ihre Datei {{name}}: {{link}} (der Link gilt {{days}} Tage).",
	"id":      "Ini file Anda {{name}}: {{link}} (tautan berlaku {{days}} hari).",
	"vi":      "Đây là tệp {{name}} của bạn: {{link}} (liên kết có hiệu lực {{days}} ngày).",
	"th":      "ไฟล์ {{name}} ของคุณ: {{link}} (ลิงก์ใช้ได้ {{days}} วัน)",
	"zh-Hans": "您的文件 {{name}}：{{link}}（链接 {{days}} 天内有效）",
	"zh-Hant": "您的檔案 {{name}}：{{link}}（連結 {{days}} 天內有效）",
	"ja":      "ファイル {{name}} はこちらです：{{link}}（リンクの有効期限は {{days}} 日です）",
	"ar":      "إليك ملفك {{name}}: {{link}} (الرابط صالح لمدة {{days}} أيام).",
}

func linkText(lang, name, link string, days int) string {
	t, ok := linkTexts[chineseOrBase(lang)]
	if !ok {
		t = linkTexts["en"]
	}
	return strings.NewReplacer("{{name}}", name, "{{link}}", link, "{{days}}", fmt.Sprint(days)).Replace(t)
}

func mailText(name, link string, days int) string {
	return fmt.Sprintf("We could not deliver %s in the chat, so here it is by email.\n\nDownload: %s\n\nThe link works for %d days.\n", name, link, days)
}
