package files_test

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/channel/channeltest"
	"github.com/switchboard-go/switchboard/notify/files"
	"github.com/switchboard-go/switchboard/whatsapp"
	"github.com/switchboard-go/switchboard/whatsapp/whatsapptest"
)

var t0 = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)

var key = []byte("0123456789abcdef0123456789abcdef")

// scripted is a Sender whose document and text sends fail, hang or succeed
// as told, recording what it delivered.
type scripted struct {
	mu             sync.Mutex
	docErr, txtErr error
	hangDoc        bool
	sent           []*channel.Message
}

func (s *scripted) Send(ctx context.Context, m *channel.Message) (channel.Receipt, error) {
	s.mu.Lock()
	docErr, txtErr, hang := s.docErr, s.txtErr, s.hangDoc
	s.mu.Unlock()
	if m.Media != nil {
		if hang {
			<-ctx.Done()
			return channel.Receipt{}, ctx.Err()
		}
		if docErr != nil {
			return channel.Receipt{}, docErr
		}
	} else if txtErr != nil {
		return channel.Receipt{}, txtErr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sent = append(s.sent, m)
	return channel.Receipt{}, nil
}

type mailbox struct {
	mu   sync.Mutex
	err  error
	mail []string
}

func (m *mailbox) Mail(_ context.Context, to, subject, body string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.err != nil {
		return m.err
	}
	m.mail = append(m.mail, to+"|"+subject+"|"+body)
	return nil
}

type fixture struct {
	clk   *channeltest.Clock
	store *files.MemoryStore
	links *files.Links
	send  *scripted
	mail  *mailbox
	d     *files.Deliverer
	doc   files.Document
}

func newFixture(t *testing.T, mod func(*files.DelivererConfig)) *fixture {
	t.Helper()
	f := &fixture{clk: channeltest.NewClock(t0), store: files.NewMemoryStore(), send: &scripted{}, mail: &mailbox{}}
	var err error
	f.links, err = files.NewLinks(files.LinksConfig{Key: key, BaseURL: "https://shop.example/files", Store: f.store, Clock: f.clk.Now})
	require.NoError(t, err)
	cfg := files.DelivererConfig{Send: f.send, Links: f.links, Mail: f.mail, Clock: f.clk.Now, StepTimeout: 50 * time.Millisecond}
	if mod != nil {
		mod(&cfg)
	}
	f.d, err = files.NewDeliverer(cfg)
	require.NoError(t, err)
	f.doc = files.Document{Kind: "invoice", Name: "invoice-1042.pdf", MIME: "application/pdf", Data: []byte("%PDF-1.4 fake")}
	f.doc.ID, err = f.store.Put(context.Background(), f.doc)
	require.NoError(t, err)
	return f
}

func TestDeliverChain(t *testing.T) {
	t.Parallel()
	wa := channel.Address{Channel: channel.WhatsApp, ID: "85291230003"}
	cases := []struct {
		name   string
		to     channel.Address
		setup  func(*fixture)
		via    string
		steps  int
		failed bool
	}{
		{"document message", wa, nil, "document", 1, false},
		{"document fails: link", wa, func(f *fixture) { f.send.docErr = channel.ErrUnsupported }, "link", 2, false},
		{"document unknown: link too", wa, func(f *fixture) { f.send.docErr = channel.ErrDeliveryUnknown }, "link", 2, false},
		{"document hangs past its step: link within the deadline", wa, func(f *fixture) { f.send.hangDoc = true }, "link", 2, false},
		{"document and link fail: email", wa, func(f *fixture) {
			f.send.docErr, f.send.txtErr = channel.ErrWindowClosed, channel.ErrWindowClosed
		}, "email", 3, false},
		{"everything fails", wa, func(f *fixture) {
			f.send.docErr, f.send.txtErr, f.mail.err = channel.ErrWindowClosed, channel.ErrWindowClosed, errors.New("smtp down")
		}, "", 3, true},
		{"LINE has no document message: the link at once", channel.Address{Channel: channel.LINE, ID: "U1"}, nil, "link", 1, false},
		{"WeChat likewise", channel.Address{Channel: channel.WeChat, ID: "o1"}, nil, "link", 1, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, nil)
			if c.setup != nil {
				c.setup(f)
			}
			start := time.Now()
			out, err := f.d.Deliver(context.Background(), files.Request{To: c.to, Doc: f.doc, Lang: "en", Email: "buyer@example.com"})
			assert.Less(t, time.Since(start), 5*time.Second)
			assert.Len(t, out.Steps, c.steps)
			if c.failed {
				require.ErrorIs(t, err, files.ErrNotDelivered)
				require.ErrorIs(t, err, channel.ErrWindowClosed)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, c.via, out.Via)
			switch c.via {
			case "link":
				last := f.send.sent[len(f.send.sent)-1]
				assert.Contains(t, last.Text, out.Link)
				assert.Contains(t, last.Text, "7 days")
			case "email":
				require.Len(t, f.mail.mail, 1)
				assert.Contains(t, f.mail.mail[0], out.Link)
				assert.Contains(t, f.mail.mail[0], "could not deliver")
			case "document":
				require.Len(t, f.send.sent, 1)
				assert.Equal(t, channel.MediaDocument, f.send.sent[0].Media.Type)
			}
		})
	}
}

func TestDeliverLargeFilesGoAsLinks(t *testing.T) {
	t.Parallel()
	f := newFixture(t, func(c *files.DelivererConfig) { c.LinkAbove = 8 })
	out, err := f.d.Deliver(context.Background(), files.Request{To: channel.Address{Channel: channel.WhatsApp, ID: "1"}, Doc: f.doc})
	require.NoError(t, err)
	assert.Equal(t, "link", out.Via)
	assert.Len(t, out.Steps, 1, "no document attempt above the link size")
}

func TestDeliverSensitiveNeedsConsent(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	to := channel.Address{Channel: channel.WhatsApp, ID: "1"}
	doc := f.doc
	doc.Kind, doc.Sensitive = "contract", true
	out, err := f.d.Deliver(context.Background(), files.Request{To: to, Doc: doc, Lang: "th"})
	require.ErrorIs(t, err, files.ErrConsentRequired)
	assert.Equal(t, "consent requested", out.Via)
	require.Len(t, f.send.sent, 1)
	assert.Contains(t, f.send.sent[0].Text, "ยินยอม")
	assert.Nil(t, f.send.sent[0].Media, "the document itself is not sent")

	ok, err := f.d.Consent(context.Background(), to, "contract", "I don't agree")
	require.NoError(t, err)
	assert.False(t, ok)
	ok, err = f.d.Consent(context.Background(), to, "contract", " ยินยอม ")
	require.NoError(t, err)
	assert.True(t, ok)
	out, err = f.d.Deliver(context.Background(), files.Request{To: to, Doc: doc})
	require.NoError(t, err)
	assert.Equal(t, "document", out.Via)
}

func TestIsConsent(t *testing.T) {
	t.Parallel()
	yes := []string{"I agree", "i agree!", "I AGREE.", "Acepto", "Eu aceito", "J’accepte", "Einverstanden", "Saya setuju",
		"Tôi đồng ý", "ยินยอม", "我同意", "我同意。", "同意します", "أوافق", "Yes, I agree 👍"}
	no := []string{"", "I don't agree", "agree?? what is this", "no", "不同意", "ไม่ยินยอม", "I agree to nothing", "acepto no"}
	for _, s := range yes {
		assert.True(t, files.IsConsent(s), s)
	}
	for _, s := range no {
		assert.False(t, files.IsConsent(s), s)
	}
	for lang := range files.ConsentPrompts {
		assert.Contains(t, files.ConsentPrompts[lang], "{{kind}}", lang)
	}
	assert.Len(t, files.ConsentPrompts, 12)
}

func TestCountsFlagAboveFiftyAWeek(t *testing.T) {
	t.Parallel()
	var c files.Counts
	for i := range 51 {
		c.Add("invoice", t0.Add(time.Duration(i)*time.Minute))
	}
	for range 50 {
		c.Add("return_label", t0)
	}
	c.Add("invoice", t0.Add(7*24*time.Hour)) // next week
	week := c.Week(t0)
	require.Len(t, week, 2)
	assert.Equal(t, files.KindCount{Kind: "invoice", Year: 2026, Week: 47, Requests: 51, Flagged: true}, week[0])
	assert.False(t, week[1].Flagged, "50 is not above 50")
}

func TestLinks(t *testing.T) {
	t.Parallel()
	clk := channeltest.NewClock(t0)
	store := files.NewMemoryStore()
	links, err := files.NewLinks(files.LinksConfig{Key: key, BaseURL: "https://shop.example/files", Store: store, Clock: clk.Now})
	require.NoError(t, err)
	id, _ := store.Put(context.Background(), files.Document{Name: "invoice \"1\".pdf", MIME: "application/pdf", Data: []byte("%PDF")})
	srv := httptest.NewServer(http.StripPrefix("/files", links))
	defer srv.Close()
	get := func(link string) *http.Response {
		u, err := url.Parse(link)
		require.NoError(t, err)
		resp, err := srv.Client().Get(srv.URL + u.Path + "?" + u.RawQuery)
		require.NoError(t, err)
		t.Cleanup(func() { resp.Body.Close() })
		return resp
	}
	link := links.URL(id)
	resp := get(link)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	body, _ := io.ReadAll(resp.Body)
	assert.Equal(t, "%PDF", string(body))
	assert.Equal(t, "nosniff", resp.Header.Get("X-Content-Type-Options"))
	assert.Contains(t, resp.Header.Get("Content-Disposition"), "attachment")

	forged := strings.Replace(link, "sig=", "sig=0", 1)
	assert.Equal(t, http.StatusForbidden, get(forged).StatusCode)
	other := strings.Replace(link, id, files.Hash([]byte("other")), 1)
	assert.Equal(t, http.StatusForbidden, get(other).StatusCode, "a signature is for one document")
	longer := strings.Replace(link, "exp=", "exp=9", 1)
	assert.Equal(t, http.StatusForbidden, get(longer).StatusCode, "the expiry is signed")

	clk.Advance(7*24*time.Hour - time.Second)
	assert.Equal(t, http.StatusOK, get(link).StatusCode)
	clk.Advance(time.Second)
	assert.Equal(t, http.StatusGone, get(link).StatusCode)

	unknown := links.URL(files.Hash([]byte("never stored")))
	assert.Equal(t, http.StatusNotFound, get(unknown).StatusCode)

	resp, err = srv.Client().Post(srv.URL+"/files/x", "text/plain", nil)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)

	_, err = files.NewLinks(files.LinksConfig{Key: []byte("short"), BaseURL: "https://x", Store: store})
	assert.Error(t, err)
}

func FuzzLinkVerify(f *testing.F) {
	store := files.NewMemoryStore()
	links, err := files.NewLinks(files.LinksConfig{Key: key, BaseURL: "https://shop.example/files", Store: store,
		Clock: func() time.Time { return t0 }})
	require.NoError(f, err)
	u, _ := url.Parse(links.URL("abc"))
	f.Add("abc", u.Query().Get("exp"), u.Query().Get("sig"))
	f.Add("", "", "")
	f.Add("abc", "-1", strings.Repeat("0", 64))
	f.Fuzz(func(t *testing.T, id, exp, sig string) {
		err := links.Verify(id, exp, sig)
		if err == nil && (id != "abc" || exp != u.Query().Get("exp")) {
			t.Fatalf("forged link accepted: %q %q %q", id, exp, sig)
		}
	})
}

func FuzzIsConsent(f *testing.F) {
	for _, s := range []string{"I agree", "我同意", "ยินยอม", "I don't agree", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if files.IsConsent(s) && strings.Contains(strings.ToLower(s), "not") {
			t.Fatalf("%q counted as consent", s)
		}
	})
}

// TestDeliverOnWhatsAppFake sends an invoice through the real WhatsApp
// client to the fake Cloud API: uploaded once, its media id reused for the
// second request, uploaded again after 30 days.
func TestDeliverOnWhatsAppFake(t *testing.T) {
	t.Parallel()
	srv := whatsapptest.NewServer(whatsapptest.Config{})
	defer srv.Close()
	wa, err := whatsapp.New(srv.ClientConfig())
	require.NoError(t, err)
	counting := &countingUploader{up: wa}
	f := newFixture(t, func(c *files.DelivererConfig) {
		c.Send = wa
		c.Uploaders = map[channel.Kind]files.Uploader{channel.WhatsApp: counting}
		c.StepTimeout = 0
	})
	to := channel.Address{Channel: channel.WhatsApp, ID: "85291230003"}
	for range 2 {
		out, err := f.d.Deliver(context.Background(), files.Request{To: to, Doc: f.doc})
		require.NoError(t, err)
		assert.Equal(t, "document", out.Via)
	}
	assert.Equal(t, 1, counting.n, "the media id is reused")
	f.clk.Advance(30 * 24 * time.Hour)
	_, err = f.d.Deliver(context.Background(), files.Request{To: to, Doc: f.doc})
	require.NoError(t, err)
	assert.Equal(t, 2, counting.n, "uploaded again after 30 days")
	docs := 0
	for _, s := range srv.Sent() {
		if s.Type == "document" {
			docs++
		}
	}
	assert.Equal(t, 3, docs)
}

type countingUploader struct {
	up files.Uploader
	n  int
}

func (c *countingUploader) UploadMedia(ctx context.Context, r io.Reader, name, mime string) (string, error) {
	c.n++
	return c.up.UploadMedia(ctx, r, name, mime)
}

// TestSMTPMailer sends through a loopback SMTP server speaking just enough
// of RFC 5321.
func TestSMTPMailer(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	got := make(chan string, 1)
	go serveSMTP(ln, got)
	m := files.SMTPMailer{Addr: ln.Addr().String(), From: "shop@example.com"}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	require.NoError(t, m.Mail(ctx, "buyer@example.com", "Your invoice", "Download: https://x\nThanks"))
	data := <-got
	assert.Contains(t, data, "Subject: Your invoice\r\n")
	assert.Contains(t, data, "Download: https://x\r\nThanks")
	assert.ErrorIs(t, m.Mail(ctx, "a@b.c\r\nBcc: x@y.z", "s", "b"), files.ErrBadAddress)
}

func serveSMTP(ln net.Listener, got chan<- string) {
	conn, err := ln.Accept()
	if err != nil {
		return
	}
	defer conn.Close()
	r := bufio.NewReader(conn)
	say := func(s string) { _, _ = conn.Write([]byte(s + "\r\n")) }
	say("220 localhost ESMTP")
	var data strings.Builder
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.ToUpper(strings.TrimSpace(line))
		switch {
		case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
			say("250 localhost")
		case strings.HasPrefix(cmd, "MAIL"), strings.HasPrefix(cmd, "RCPT"):
			say("250 OK")
		case cmd == "DATA":
			say("354 go ahead")
			for {
				l, err := r.ReadString('\n')
				if err != nil || l == ".\r\n" {
					break
				}
				data.WriteString(l)
			}
			say("250 queued")
			got <- data.String()
		case cmd == "QUIT":
			say("221 bye")
			return
		default:
			say("502 not implemented")
		}
	}
}
