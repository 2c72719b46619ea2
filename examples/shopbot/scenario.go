package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"sort"
	"text/tabwriter"
	"time"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/examples/internal/shop"
	"github.com/switchboard-go/switchboard/identity"
	"github.com/switchboard-go/switchboard/notify/files"
	"github.com/switchboard-go/switchboard/tracking"
	"github.com/switchboard-go/switchboard/tracking/trackingtest"
)

// The demo's customers.
var (
	ada     = customer{kind: channel.WhatsApp, id: "85291234567", name: "Ada Wong", phone: "+85291234567", lang: "en"}
	adaNew  = customer{kind: channel.WhatsApp, id: "85261234567", name: "Ada Wong", phone: "+85261234567", lang: "en"}
	tom     = customer{kind: channel.WhatsApp, id: "447700900123", name: "Tom Baker", phone: "+447700900123", lang: "en"}
	lucia   = customer{kind: channel.Messenger, id: "6001234567890123", name: "Lucía Gómez", lang: "es"}
	somchai = customer{kind: channel.LINE, id: "U4af4980629b0e6a2c1f3d5e7a9b1c3d5", name: "Somchai", lang: "th"}
	wei     = customer{kind: channel.WeChat, id: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", name: "王伟", lang: "zh"}
)

// orders are the shop's orders and the carrier's scripted parcels.
func (w *world) seedOrders() {
	h := func(d float64) time.Time { return start.Add(time.Duration(d * float64(time.Hour))) }
	add := func(o shop.Order, steps ...trackingtest.Step) {
		w.orders.Add(o)
		w.dhl.Add(trackingtest.Script{Number: o.Tracking, Steps: steps})
	}
	add(shop.Order{Number: "48213957", Customer: ada.address(), Carrier: tracking.DHL, Tracking: "1234567890", SKU: "JKT-M-NAVY"},
		trackingtest.Step{At: h(-50), Status: tracking.StatusInfoReceived, Description: "Shipment information received", City: "Shenzhen", CountryCode: "CN"},
		trackingtest.Step{At: h(-30), Status: tracking.StatusInTransit, Description: "Departed facility", City: "Hong Kong", CountryCode: "HK"},
		trackingtest.Step{At: h(-2), Status: tracking.StatusInTransit, Description: "Arrived at delivery facility", City: "Kowloon", CountryCode: "HK"},
		trackingtest.Step{At: h(30), Status: tracking.StatusOutForDelivery, Description: "With delivery courier", City: "Kowloon", CountryCode: "HK"})
	add(shop.Order{Number: "50731846", Customer: wei.address(), Carrier: tracking.DHL, Tracking: "5678901234", SKU: "SNK-42-WHT"},
		trackingtest.Step{At: h(-40), Status: tracking.StatusInTransit, Description: "Departed facility", City: "Leipzig", CountryCode: "DE"},
		trackingtest.Step{At: h(-10), Status: tracking.StatusCustomsHeld, Description: "Clearance event: held by customs", City: "Shanghai", CountryCode: "CN"})
	add(shop.Order{Number: "61520394", Customer: tom.address(), Carrier: tracking.DHL, Tracking: "9876543210", SKU: "BAG-TOTE-BLK"},
		trackingtest.Step{At: h(-100), Status: tracking.StatusInfoReceived, Description: "Shipment information received", City: "Hong Kong", CountryCode: "HK"},
		trackingtest.Step{At: h(-80), Status: tracking.StatusInTransit, Description: "Processed at export hub", City: "Hong Kong", CountryCode: "HK"})
}

// consent records that the demo's returning customers accepted the privacy
// notice at checkout, so the bot may link what they tell it.
func (w *world) consent(ctx context.Context, cs ...customer) error {
	for _, c := range cs {
		_, err := w.shop.Identity().RecordConsent(ctx, c.address(),
			identity.Consent{Version: "2026-01", MessageID: "checkout", At: start.Add(-72 * time.Hour)},
			identity.Hints{Name: c.name, Phone: c.phone, Language: c.lang})
		if err != nil {
			return fmt.Errorf("consent %s: %w", c.name, err)
		}
	}
	return nil
}

// demo is the scripted conversation of the README's main command.
func demo(ctx context.Context, w *world) error {
	w.seedOrders()
	if err := w.consent(ctx, ada, tom, lucia, somchai, wei); err != nil {
		return err
	}
	if err := w.seedHistory(ctx); err != nil {
		return err
	}
	// Order 48213957 was paid: its invoice is rendered now, so a request
	// is answered from the store.
	if _, err := w.invoices.Prepare(ctx, files.Invoice{Number: "48213957", Date: start.Add(-50 * time.Hour), Currency: "HKD",
		Seller: files.Party{Name: "Switchboard Demo Shop", Address: []string{"1 Harbour Road", "Wan Chai, Hong Kong"}},
		Buyer:  files.Party{Name: ada.name, Address: []string{"Kowloon, Hong Kong"}},
		Lines:  []files.Line{{Description: "Rain jacket, navy, size M (JKT-M-NAVY)", Quantity: 1, UnitPrice: 89900}}}); err != nil {
		return err
	}
	for _, o := range []struct{ number, tracking string }{{"48213957", "1234567890"}, {"50731846", "5678901234"}, {"61520394", "9876543210"}} {
		if err := w.poller.Watch(ctx, tracking.DHL, o.tracking, o.number); err != nil {
			return err
		}
	}
	type line struct {
		c    customer
		text string
	}
	script := []line{
		{ada, "Hi! Where is my parcel?"},
		{ada, "It's 48213957"},
		{ada, "Could you also send me the invoice for order 48213957?"},
		{lucia, "Hola, ¿qué talla de chaqueta me recomiendan? Mido 1,65"},
		{lucia, "¿Cuánto tarda el envío a Madrid?"},
		{lucia, "¿Cuánto tarda el envío a Madrid?"},
		{lucia, "¿hola? ¿hay alguien?"},
		{somchai, "อยากคืนสินค้า ไซส์ไม่พอดีค่ะ"},
		{somchai, "จ่ายเงินด้วยบัตรไม่ผ่านค่ะ"},
		{wei, "你好，我的包裹到哪里了？"},
		{wei, "订单号50731846"},
		{adaNew, "I agree"},
		{adaNew, "Hi, it's Ada from my new number. Do you take PayPal?"},
	}
	w.line("== Customers write in (signed webhooks over loopback HTTP; replies sent over HTTP to the fake platforms)")
	for _, l := range script {
		if err := w.say(ctx, l.c, l.text); err != nil {
			return err
		}
	}
	if err := w.mergeDuplicates(ctx); err != nil {
		return err
	}

	w.line("")
	w.line("== The carrier poller runs (fake DHL, clock moved by hand)")
	if err := w.poll(ctx, true); err != nil {
		return err
	}
	w.clk.Advance(40 * time.Hour)
	w.note("clock +40h: %s", w.clk.Now().In(hongKong).Format("Mon 2 Jan 15:04 MST"))
	return w.poll(ctx, false)
}

// mergeDuplicates acts on what the registry's scan found: a pair with
// strong evidence (similar names and a phone number or email in common) is
// merged; any other pair — a name alone, a phone prefix, a shared
// purchase — goes to the review queue for a person to decide.
func (w *world) mergeDuplicates(ctx context.Context) error {
	reg := w.shop.Identity()
	pairs, err := reg.Scan(ctx)
	if err != nil {
		return err
	}
	for _, p := range pairs {
		if !p.AutoMerge() {
			if err := reg.QueueDuplicate(ctx, p); err != nil {
				return err
			}
			w.note("identity: %s and %s may be one customer (%s, evidence %s): queued for review, not merged",
				short(p.A), short(p.B), p.Class, pairEvidence(p))
			continue
		}
		rec, err := reg.Merge(ctx, p.A, p.B)
		if err != nil {
			return err
		}
		w.note("identity: merged profile %s into %s (evidence %s; record %s; Unmerge restores both)",
			short(p.B), short(p.A), pairEvidence(p), short(rec.ID))
	}
	return nil
}

func pairEvidence(p identity.Pair) string {
	return evidence(identity.Candidate{Evidence: p.Evidence})
}

// poll runs one poller pass and tells customers about parcels that stalled.
// On the first pass every parcel's history is new; it is not repeated.
func (w *world) poll(ctx context.Context, first bool) error {
	rep, err := w.poller.Poll(ctx)
	if err != nil {
		return err
	}
	for _, ch := range rep.Changes {
		switch ch.Kind {
		case tracking.StatusChanged:
			w.note("tracking: %s %s → %s (%s)", ch.Number, ch.From, ch.To, ch.Shipment.RawDescription)
		case tracking.NewEvents:
			if !first && len(ch.Events) > 0 {
				w.note("tracking: %s new event: %s", ch.Number, ch.Events[0].Description)
			}
		case tracking.BecameStale:
			o, ok := w.orders.Find(ch.Ref)
			if !ok {
				continue
			}
			w.note("tracking: %s is stale: %s", ch.Number, ch.Stale)
			how, err := w.shop.Notify(ctx, o, ch.Shipment, true)
			if err != nil {
				w.note("notice not sent: %v", err)
				continue
			}
			w.note("told the customer (%s, as %s)", o.Customer.Channel, how)
			w.showReplies()
		}
	}
	return nil
}

// crowd has n simulated customers across the four platforms ask the common
// questions, and prints only the summary.
func crowd(ctx context.Context, w *world, n int) error {
	w.seedOrders()
	r := rand.New(rand.NewPCG(7, 11))
	kinds := channel.Kinds()
	for i := range n {
		k := kinds[i%len(kinds)]
		c := customer{kind: k, name: fmt.Sprintf("Customer %d", i)}
		switch k {
		case channel.WhatsApp:
			c.id = fmt.Sprintf("8529%07d", i)
		case channel.Messenger:
			c.id = fmt.Sprintf("60%014d", i)
		case channel.LINE:
			c.id = fmt.Sprintf("U%032x", i+1)
		case channel.WeChat:
			c.id = fmt.Sprintf("oUpF8uMuAJO_%016d", i)
		}
		bank := phrases[r.IntN(len(phrases))]
		c.lang = bank.lang
		for _, j := range r.Perm(len(bank.texts))[:2] {
			if err := w.say(ctx, c, bank.texts[j]); err != nil {
				return err
			}
		}
	}
	return nil
}

// phrases are what simulated customers ask, written for this example (not
// taken from the evaluation corpus).
var phrases = []struct {
	lang  string
	texts []string
}{
	{"en", []string{"where is my order??", "can I return shoes that don't fit", "my card was declined at checkout", "what size should I get, I'm 180cm", "how long is shipping to Canada", "thanks a lot!"}},
	{"es", []string{"¿dónde está mi pedido?", "quiero devolver un pantalón", "me rechazaron la tarjeta", "¿aceptan pago contra reembolso?", "¿cuánto tarda el envío a Chile?"}},
	{"th", []string{"พัสดุของฉันถึงไหนแล้ว", "ขอคืนสินค้าได้ไหม", "ชำระเงินไม่ผ่าน", "ส่งไปเชียงใหม่กี่วัน"}},
	{"zh", []string{"我的订单到哪了", "可以退货吗", "付款失败了怎么办", "寄到上海要多久"}},
}

// summary prints the totals, the rules' failure rates and reply latencies.
func summary(out io.Writer, w *world) {
	s := w.shop.Summary()
	fmt.Fprintln(out)
	fmt.Fprintln(out, "== Summary")
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "messages\t%d\n", s.Messages)
	fmt.Fprintf(tw, "automatic answers\t%d (+%d follow-up questions)\n", s.Answers, s.Asks)
	fmt.Fprintf(tw, "hand-offs to a person\t%d\n", s.Handoffs)
	fmt.Fprintf(tw, "messages left to the person\t%d\n", s.Quiet)
	fmt.Fprintf(tw, "not understood\t%d\n", s.Fallbacks)
	fmt.Fprintf(tw, "proactive parcel notices\t%d\n", s.Notices)
	fmt.Fprintf(tw, "documents sent (invoices)\t%d\n", s.Files)
	fmt.Fprintf(tw, "duplicate profiles found\t%d\n", s.Duplicates)
	fmt.Fprintf(tw, "undelivered replies\t%d\n", s.SendFailures)
	fmt.Fprintf(tw, "reply latency p50 / p99\t%v / %v\n", s.P50.Round(time.Microsecond), s.P99.Round(time.Microsecond))
	tw.Flush()

	stats := w.shop.Engine().Stats()
	rules := stats.Rules
	sort.SliceStable(rules, func(i, j int) bool { return rules[i].Triggered > rules[j].Triggered })
	fmt.Fprintln(out)
	fmt.Fprintln(out, "rule                      answered  then handed off  failure rate")
	for _, r := range rules {
		if r.Triggered == 0 {
			continue
		}
		flag := ""
		if r.FailureRate() > 0.20 {
			flag = "  <- revise (above 20 %)"
		}
		fmt.Fprintf(out, "%-25s %8d  %15d  %11.0f%%%s\n", r.Rule, r.Triggered, r.HandedOff, 100*r.FailureRate(), flag)
	}
	for _, f := range w.shop.Failures() {
		fmt.Fprintf(out, "undelivered: %s %s: %v (retryable: %v)\n", f.To.Channel, f.Key, f.Err, channel.IsRetryable(f.Err))
	}
}

var errUnknownScenario = errors.New("unknown scenario (want demo or crowd)")
