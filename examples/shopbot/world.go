package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/language"

	"github.com/switchboard-go/switchboard/autoreply/catalog"
	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/channel/channeltest"
	"github.com/switchboard-go/switchboard/examples/internal/shop"
	"github.com/switchboard-go/switchboard/identity"
	"github.com/switchboard-go/switchboard/line"
	"github.com/switchboard-go/switchboard/line/linetest"
	"github.com/switchboard-go/switchboard/messenger"
	"github.com/switchboard-go/switchboard/messenger/messengertest"
	"github.com/switchboard-go/switchboard/notify/files"
	"github.com/switchboard-go/switchboard/tracking"
	"github.com/switchboard-go/switchboard/tracking/dhl"
	"github.com/switchboard-go/switchboard/tracking/trackingtest"
	"github.com/switchboard-go/switchboard/wechat"
	"github.com/switchboard-go/switchboard/wechat/wechattest"
	"github.com/switchboard-go/switchboard/whatsapp"
	"github.com/switchboard-go/switchboard/whatsapp/whatsapptest"
)

// world is the shop bot wired to every platform's fake server and a fake
// carrier: customers' messages go out as signed webhooks over loopback HTTP
// to the adapters' handlers, and the bot's replies go back over HTTP to the
// fakes, which record them. Nothing leaves the machine.
type world struct {
	clk *channeltest.Clock
	out io.Writer

	wa  *whatsapptest.Server
	fb  *messengertest.Server
	ln  *linetest.Server
	wc  *wechattest.Server
	dhl *trackingtest.DHL
	web *httptest.Server // the shop's webhook routes

	shop   *shop.Shop
	orders *shop.Orders
	book   *orderBook // what the customer card shows
	poller *tracking.Poller

	printed map[channel.Kind]int // fake sends already shown
	quiet   bool
	events  *recorder // insights events for -report

	invoices *files.Invoices // prepared when orders complete
}

const (
	pathWhatsApp  = "/webhooks/whatsapp"
	pathMessenger = "/webhooks/messenger"
	pathLINE      = "/webhooks/line"
	pathWeChat    = "/webhooks/wechat"
)

// start is 09:00 on a Monday in Hong Kong, the shop's home; replies show
// times in Hong Kong time (UTC+8 all year).
var (
	hongKong = time.FixedZone("HKT", 8*60*60)
	start    = time.Date(2026, 11, 23, 9, 0, 0, 0, hongKong)
)

func newWorld(out io.Writer, quiet bool) (*world, error) {
	w := &world{clk: channeltest.NewClock(start), out: out, printed: map[channel.Kind]int{}, quiet: quiet, events: newRecorder(), book: &orderBook{}}
	now := w.clk.Now
	w.wa = whatsapptest.NewServer(whatsapptest.Config{Clock: now})
	w.wa.AddTemplate("parcel_no_update", "en", 2)
	w.wa.AddTemplate("order_status_update", "en", 4)
	w.fb = messengertest.NewServer(messengertest.Config{Clock: now})
	w.ln = linetest.NewServer(linetest.Config{Clock: now})
	w.wc = wechattest.NewServer(wechattest.Config{Clock: now, SafeMode: true, WebhookPath: pathWeChat})
	w.dhl = trackingtest.NewDHL(trackingtest.Config{Clock: func() time.Time { return w.clk.Now() }})

	waCfg := w.wa.ClientConfig()
	waCfg.Clock = now
	wa, err := whatsapp.New(waCfg)
	if err != nil {
		return nil, err
	}
	fbCfg := w.fb.ClientConfig()
	fbCfg.Clock = now
	fb, err := messenger.New(fbCfg)
	if err != nil {
		return nil, err
	}
	ln, err := line.New(line.Config{
		ChannelAccessToken: w.ln.AccessToken(), ChannelSecret: w.ln.ChannelSecret(),
		BaseURL: w.ln.URL, DataBaseURL: w.ln.URL, Clock: now,
	})
	if err != nil {
		return nil, err
	}
	wcCfg := w.wc.Config()
	wcCfg.Clock = now
	wc, err := wechat.New(wcCfg)
	if err != nil {
		return nil, err
	}
	carrier, err := dhl.New(dhl.Config{APIKey: w.dhl.APIKey, BaseURL: w.dhl.URL, HTTPClient: w.dhl.Client(),
		Clock: func() time.Time { return w.clk.Now() }})
	if err != nil {
		return nil, err
	}

	rules, err := loadRules()
	if err != nil {
		return nil, err
	}
	fallback, err := shopFallback()
	if err != nil {
		return nil, err
	}
	replies, err := catalog.Load(strings.NewReader(repliesJSON))
	if err != nil {
		return nil, err
	}
	people, err := identity.New(identity.Config{Clock: now, DefaultRegion: "HK"})
	if err != nil {
		return nil, err
	}
	w.orders = shop.NewOrders()
	trackers := map[tracking.Carrier]tracking.Tracker{tracking.DHL: carrier}
	send := recordOutbound(people, channel.Router{
		channel.WhatsApp:  channel.Chain(wa, whatsapp.DefaultLimits(now)),
		channel.Messenger: channel.Chain(fb, messenger.DefaultLimits(now)),
		channel.LINE:      ln,
		channel.WeChat:    wc,
	})
	invoices, deliverer, err := newFiles(send, wa, now)
	if err != nil {
		return nil, err
	}
	w.invoices = invoices
	w.shop, err = shop.New(shop.Config{
		Invoices: invoices, Files: deliverer,
		Rules: rules, Fallback: fallback, Replies: replies, Identity: people, Orders: w.orders, Trackers: trackers,
		Language: language.English, Clock: now, TimeZone: hongKong,
		Send: send,
		OnDuplicate: func(_ context.Context, id string, c identity.Candidate) {
			w.note("identity: profile %s looks like %s (score %.2f, evidence %s)", short(id), short(c.ProfileID), c.Score, evidence(c))
		},
	})
	if err != nil {
		return nil, err
	}
	w.poller, err = tracking.NewPoller(tracking.PollerConfig{
		Trackers: trackers,
		// DHL's starting quota: 250 calls a day, about one a second; a
		// small burst lets one pass look at every watched parcel.
		Limits: map[tracking.Carrier]tracking.Limit{tracking.DHL: {Rate: 1, Burst: 10, Daily: 250}},
		Clock:  func() time.Time { return w.clk.Now() },
	})
	if err != nil {
		return nil, err
	}

	mux := http.NewServeMux()
	h := recordInbound(people, w.shop) // one thread per customer
	mux.Handle(pathWhatsApp, wa.Webhook(h))
	mux.Handle(pathMessenger, fb.Webhook(h))
	mux.Handle(pathLINE, ln.Webhook(h))
	mux.Handle(pathWeChat, wc.Webhook(h))
	w.web = httptest.NewServer(mux)
	return w, nil
}

func (w *world) close() {
	w.web.Close()
	w.wa.Close()
	w.fb.Close()
	w.ln.Close()
	w.wc.Close()
	w.dhl.Close()
}

// customer is one person writing to the shop.
type customer struct {
	kind  channel.Kind
	id    string // wa_id, PSID, LINE userId, openid
	name  string
	phone string // for WhatsApp, the number the platform reveals
	lang  string // for the transcript only
}

func (c customer) address() channel.Address { return channel.Address{Channel: c.kind, ID: c.id} }

// say delivers text from c as its platform would (a signed webhook over
// HTTP) and prints the bot's answers.
func (w *world) say(ctx context.Context, c customer, text string) error {
	w.line(fmt.Sprintf("%-9s %s (%s) > %s", c.kind, c.name, c.lang, text))
	snap := w.events.snapshot(w)
	handoffs := w.shop.Summary().Handoffs
	var status int
	var err error
	switch c.kind {
	case channel.WhatsApp:
		body, _ := w.wa.MessageWebhook(whatsapptest.Inbound{From: c.id, Name: c.name, Text: text})
		status, err = w.wa.DeliverURL(ctx, w.web.URL+pathWhatsApp, w.web.Client(), body)
	case channel.Messenger:
		body, _ := w.fb.MessageWebhook(messengertest.Inbound{PSID: c.id, Text: text})
		status, err = w.fb.DeliverURL(ctx, w.web.URL+pathMessenger, w.web.Client(), body)
	case channel.LINE:
		status, err = w.ln.Deliver(ctx, w.web.URL+pathLINE, w.ln.TextEvent(c.id, text))
	case channel.WeChat:
		var d wechattest.Delivery
		d, err = w.wc.DeliverURL(ctx, w.web.URL+pathWeChat, w.wc.Text(c.id, text))
		status = d.Status
	}
	if err != nil {
		return fmt.Errorf("%s webhook: %w", c.kind, err)
	}
	if status != http.StatusOK {
		return fmt.Errorf("%s webhook answered %d", c.kind, status)
	}
	w.events.said(w, c, text, snap)
	w.showReplies()
	if w.shop.Summary().Handoffs > handoffs {
		if err := w.showCard(ctx, c); err != nil {
			return err
		}
	}
	w.clk.Advance(40 * time.Second)
	return nil
}

// showReplies prints what the fakes received since the last call.
func (w *world) showReplies() {
	show := func(k channel.Kind, texts []string) {
		for _, t := range texts[w.printed[k]:] {
			w.line(fmt.Sprintf("%-9s bot < %s", k, indent(t)))
		}
		w.printed[k] = len(texts)
	}
	var wa, fb, ln, wc []string
	for _, s := range w.wa.Sent() {
		if s.Type == "document" {
			wa = append(wa, "[document "+documentName(s.Body)+"]")
			continue
		}
		if s.Template != "" {
			wa = append(wa, "[approved template "+s.Template+"] "+templateParams(s.Body))
			continue
		}
		wa = append(wa, s.Text)
	}
	for _, s := range w.fb.Sent() {
		fb = append(fb, s.Text)
	}
	for _, s := range w.ln.Sent() {
		for _, m := range s.Messages {
			ln = append(ln, m.Text)
		}
	}
	for _, s := range w.wc.Sent() {
		wc = append(wc, s.Text)
	}
	show(channel.WhatsApp, wa)
	show(channel.Messenger, fb)
	show(channel.LINE, ln)
	show(channel.WeChat, wc)
}

func (w *world) line(s string) {
	if !w.quiet {
		fmt.Fprintln(w.out, s)
	}
}

func (w *world) note(format string, args ...any) {
	w.line("          -- " + fmt.Sprintf(format, args...))
}

func indent(s string) string {
	return strings.ReplaceAll(strings.TrimSpace(s), "\n", "\n                ")
}

func short(id string) string {
	if len(id) > 8 {
		return id[:8]
	}
	return id
}

func evidence(c identity.Candidate) string {
	var parts []string
	for _, e := range c.Evidence {
		parts = append(parts, string(e.Rule))
	}
	return strings.Join(parts, "+")
}

// templateParams lists the body parameters of a WhatsApp template send.
func templateParams(body []byte) string {
	var msg struct {
		Template struct {
			Components []struct {
				Parameters []struct {
					Text string `json:"text"`
				} `json:"parameters"`
			} `json:"components"`
		} `json:"template"`
	}
	if json.Unmarshal(body, &msg) != nil {
		return ""
	}
	var ps []string
	for _, c := range msg.Template.Components {
		for _, p := range c.Parameters {
			ps = append(ps, strconv.Quote(p.Text))
		}
	}
	return "params " + strings.Join(ps, ", ")
}
