package shop_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/language"

	"github.com/switchboard-go/switchboard/autoreply"
	"github.com/switchboard-go/switchboard/autoreply/catalog"
	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/channel/channeltest"
	"github.com/switchboard-go/switchboard/examples/internal/shop"
	"github.com/switchboard-go/switchboard/notify/files"
	"github.com/switchboard-go/switchboard/tracking"
)

var t0 = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

type fixture struct {
	clk  *channeltest.Clock
	fake *channeltest.Fake
	shop *shop.Shop
}

func loadData(t testing.TB) (*autoreply.RuleSet, *catalog.Catalog) {
	t.Helper()
	rf, err := os.Open("../../shopbot/data/rules.json")
	require.NoError(t, err)
	defer rf.Close()
	rules, err := autoreply.LoadRules(rf)
	require.NoError(t, err)
	cf, err := os.Open("../../shopbot/data/replies.json")
	require.NoError(t, err)
	defer cf.Close()
	replies, err := catalog.Load(cf)
	require.NoError(t, err)
	return rules, replies
}

func newFixture(t *testing.T, tune ...func(*shop.Config)) *fixture {
	t.Helper()
	rules, replies := loadData(t)
	clk := channeltest.NewClock(t0)
	fake := channeltest.New(channeltest.Config{Clock: clk.Now})
	parcel := &tracking.Shipment{Carrier: tracking.DHL, Number: "1234567890", Status: tracking.StatusInTransit,
		RawDescription: "Arrived at the sort facility HONG KONG", LastUpdate: t0.Add(-3 * time.Hour)}
	cfg := shop.Config{
		Rules: rules, Replies: replies, Send: fake, Clock: clk.Now,
		Orders: shop.NewOrders(shop.Order{Number: "48213957", Carrier: tracking.DHL, Tracking: "1234567890"}),
		Trackers: map[tracking.Carrier]tracking.Tracker{tracking.DHL: tracking.TrackerFunc(
			func(_ context.Context, n string) (*tracking.Shipment, error) {
				if n != parcel.Number {
					return nil, tracking.ErrNotFound
				}
				return parcel.Clone(), nil
			})},
	}
	for _, f := range tune {
		f(&cfg)
	}
	s, err := shop.New(cfg)
	require.NoError(t, err)
	return &fixture{clk: clk, fake: fake, shop: s}
}

// says delivers text from c and returns what the shop answered.
func (f *fixture) says(t *testing.T, c *channeltest.Customer, text string) []string {
	t.Helper()
	before := len(f.fake.SentTo(c.Address))
	require.NoError(t, c.Says(context.Background(), f.shop, text))
	f.clk.Advance(10 * time.Second)
	var out []string
	for _, m := range f.fake.SentTo(c.Address)[before:] {
		out = append(out, m.Text)
	}
	return out
}

func TestWhereIsMyParcelAsksThenAnswers(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := f.fake.Customer(channel.WhatsApp, "85291234567")
	first := f.says(t, c, "where is my parcel?")
	require.Len(t, first, 1)
	second := f.says(t, c, "it's 48213957")
	require.Len(t, second, 1)
	assert.Contains(t, second[0], "1234567890")
	assert.Contains(t, second[0], "Arrived at the sort facility HONG KONG")
	assert.Contains(t, second[0], "DHL")
	s := f.shop.Summary()
	assert.EqualValues(t, 2, s.Messages)
	assert.EqualValues(t, 1, s.Asks)
	assert.EqualValues(t, 1, s.Answers)
}

func TestAnswersInTheCustomersLanguage(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	rules, replies := loadData(t)
	_ = rules
	want, _, err := replies.Render("returns.policy", []language.Tag{language.Spanish}, catalog.Vars{})
	require.NoError(t, err)
	got := f.says(t, f.fake.Customer(channel.LINE, "U1"), "quiero devolver unas zapatillas")
	require.Len(t, got, 1)
	assert.Equal(t, want, got[0])
}

func TestHandoffOnRequestThenQuiet(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := f.fake.Customer(channel.Messenger, "psid-1")
	got := f.says(t, c, "I want to talk to a human")
	require.Len(t, got, 1)
	assert.Empty(t, f.says(t, c, "hello?"), "a person has the conversation now")
	s := f.shop.Summary()
	assert.EqualValues(t, 1, s.Handoffs)
	assert.EqualValues(t, 1, s.Quiet)
}

func TestRepeatedQuestionIsHandedOff(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := f.fake.Customer(channel.WeChat, "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o")
	f.says(t, c, "How long does delivery to Spain take?")
	f.says(t, c, "How long does delivery to Spain take?")
	assert.EqualValues(t, 1, f.shop.Summary().Handoffs)
}

func TestUndeliverableReplyIsQueuedNotReturned(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.fake.FailNext(1, &channel.APIError{Channel: channel.LINE, StatusCode: 500, Temporary: true})
	c := f.fake.Customer(channel.LINE, "U2")
	require.NoError(t, c.Says(context.Background(), f.shop, "what payment methods do you accept"),
		"the webhook is acknowledged: a redelivery would answer twice")
	fails := f.shop.Failures()
	require.Len(t, fails, 1)
	assert.Equal(t, c.Address, fails[0].To)
	assert.Equal(t, "payment.methods", fails[0].Key)
	assert.EqualValues(t, 1, f.shop.Summary().SendFailures)
}

// A reply that cannot be delivered, and one a takeover holds back, are
// kept in the Outbox (a store's, shared by instances) with their state.
func TestFailedRepliesGoToTheOutbox(t *testing.T) {
	t.Parallel()
	outbox := channel.NewMemoryOutbox()
	f := newFixture(t, func(c *shop.Config) { c.Outbox = outbox })
	ctx := context.Background()
	f.fake.FailNext(1, &channel.APIError{Channel: channel.LINE, StatusCode: 400, Message: "bad request"})
	c := f.fake.Customer(channel.LINE, "U3")
	require.NoError(t, c.Says(ctx, f.shop, "what payment methods do you accept"))

	// A redelivery taken over from an instance that stopped mid-way.
	store := channel.NewMemoryDedupeStore(0)
	h := channel.Dedupe(f.shop, channel.DedupeConfig{Store: store, Clock: f.clk.Now, Lease: time.Minute})
	w := f.fake.Customer(channel.WhatsApp, "85298765433")
	e := channel.Event{Type: channel.EventMessage, Channel: channel.WhatsApp, ID: "wamid.t", From: w.Address, Time: f.clk.Now(),
		Message: &channel.Message{ID: "wamid.t", From: w.Address, Text: "what payment methods do you accept", Time: f.clk.Now()}}
	_, err := store.Claim(ctx, channel.DedupeKey(e.Channel, e.ID), f.clk.Now(), time.Minute)
	require.NoError(t, err)
	f.clk.Advance(time.Minute)
	require.NoError(t, h.HandleEvent(ctx, e))
	assert.Empty(t, f.fake.SentTo(w.Address), "nothing sent blindly after a takeover")

	pending, err := outbox.Pending(ctx, 10)
	require.NoError(t, err)
	require.Len(t, pending, 2)
	assert.Equal(t, c.Address, pending[0].Message.To)
	assert.Equal(t, channel.OutboxUndelivered, pending[0].State)
	assert.NotEmpty(t, pending[0].Message.Text)
	assert.Equal(t, w.Address, pending[1].Message.To)
	assert.Equal(t, channel.OutboxUnknown, pending[1].State)
	assert.Contains(t, pending[1].Err, "taken over")
	assert.Len(t, f.shop.Failures(), 2)
}

func TestNotifyInsideAndOutsideTheWindow(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := f.fake.Customer(channel.WhatsApp, "85298765432")
	f.says(t, c, "where is my order")
	o := shop.Order{Number: "48213957", Customer: c.Address, Carrier: tracking.DHL, Tracking: "1234567890"}
	sh := &tracking.Shipment{Carrier: tracking.DHL, Number: "1234567890", Status: tracking.StatusInTransit,
		LastUpdate: t0.Add(-80 * time.Hour)}

	how, err := f.shop.Notify(context.Background(), o, sh, true)
	require.NoError(t, err)
	assert.Equal(t, "text", how)
	last := f.fake.SentTo(c.Address)
	assert.Contains(t, last[len(last)-1].Text, "1234567890")

	f.clk.Advance(25 * time.Hour)
	how, err = f.shop.Notify(context.Background(), o, sh, true)
	require.NoError(t, err)
	assert.Equal(t, "template", how)
	last = f.fake.SentTo(c.Address)
	tmpl := last[len(last)-1].Template
	require.NotNil(t, tmpl)
	assert.Equal(t, "parcel_no_update", tmpl.Name)
	assert.Equal(t, "1234567890", tmpl.Params[0])
	for _, p := range tmpl.Params {
		assert.False(t, strings.ContainsAny(p, "\n\t"), "parameters are sanitized")
	}
}

// TestStandbyEventsGetNoReply: a LINE event in standby (another channel
// owns the chat) is not answered, and counts as no customer message.
func TestStandbyEventsGetNoReply(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := f.fake.Customer(channel.LINE, "U1")
	e := channel.Event{Type: channel.EventMessage, Channel: channel.LINE, ID: "ev1", From: c.Address, Standby: true,
		Message: &channel.Message{ID: "m1", From: c.Address, Text: "where is my parcel?", Standby: true}}
	require.NoError(t, f.shop.HandleEvent(context.Background(), e))
	assert.Empty(t, f.fake.SentTo(c.Address), "no reply in standby")
	assert.Zero(t, f.shop.Summary().Messages)
	e.Standby, e.Message.Standby, e.ID = false, false, "ev2"
	require.NoError(t, f.shop.HandleEvent(context.Background(), e))
	assert.Len(t, f.fake.SentTo(c.Address), 1, "the same message in active mode is answered")
}

// TestFallbackInTheDetectedLanguage: a message no rule answers is answered
// in the language it is written in, not the shop's default; a message with
// nothing to detect keeps the conversation's language.
func TestFallbackInTheDetectedLanguage(t *testing.T) {
	t.Parallel()
	_, replies := loadData(t)
	tests := []struct {
		name  string
		texts []string // the last one is checked
		lang  string
	}{
		{"spanish", []string{"mi perro se llama Toby y le encanta el parque"}, "es"},
		{"vietnamese without diacritics", []string{"hom nay troi dep qua ban oi"}, "vi"},
		{"thai", []string{"วันนี้อากาศดีมาก"}, "th"},
		{"traditional chinese", []string{"你們的貓咪好可愛"}, "zh-Hant"},
		{"emoji keeps the conversation's language", []string{"วันนี้อากาศดีมาก", "🌞🌞"}, "th"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			want, _, err := replies.Render("fallback.unknown", []language.Tag{language.MustParse(tt.lang)}, catalog.Vars{})
			require.NoError(t, err)
			c := f.fake.Customer(channel.LINE, fmt.Sprintf("U%d", i))
			var got []string
			for _, text := range tt.texts {
				got = f.says(t, c, text)
			}
			require.Len(t, got, 1)
			assert.Equal(t, want, got[0])
		})
	}
}

// TestNotifyOutsideTheWindowPerPlatform: the notice planner picks each
// platform's way outside the window: a tagged message on Messenger, a
// refusal on WeChat (only template messages, which the shop has not set up).
func TestNotifyOutsideTheWindowPerPlatform(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	sh := &tracking.Shipment{Carrier: tracking.DHL, Number: "1234567890", Status: tracking.StatusOutForDelivery, LastUpdate: t0}
	fb := f.fake.Customer(channel.Messenger, "psid-7")
	wc := f.fake.Customer(channel.WeChat, "o-wechat-7")
	f.says(t, fb, "where is my order")
	f.says(t, wc, "where is my order")
	f.clk.Advance(49 * time.Hour)

	how, err := f.shop.Notify(context.Background(), shop.Order{Number: "1", Customer: fb.Address}, sh, false)
	require.NoError(t, err)
	assert.Equal(t, "tagged text", how)
	last := f.fake.SentTo(fb.Address)
	assert.Equal(t, "POST_PURCHASE_UPDATE", last[len(last)-1].Tag)

	before := len(f.fake.SentTo(wc.Address))
	_, err = f.shop.Notify(context.Background(), shop.Order{Number: "2", Customer: wc.Address}, sh, false)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "no route")
	assert.Len(t, f.fake.SentTo(wc.Address), before, "nothing sent")
}

// TestInvoiceRequestSendsTheFile: a customer asks for the invoice of their
// order; the prepared PDF goes out as a document message (a signed link
// where the platform has none), and only to the order's customer.
func TestInvoiceRequestSendsTheFile(t *testing.T) {
	t.Parallel()
	rules, replies := loadData(t)
	clk := channeltest.NewClock(t0)
	fake := channeltest.New(channeltest.Config{Clock: clk.Now})
	wa := fake.Customer(channel.WhatsApp, "85298765432")
	store := files.NewMemoryStore()
	links, err := files.NewLinks(files.LinksConfig{Key: []byte("0123456789abcdef0123456789abcdef"),
		BaseURL: "https://shop.example/files", Store: store, Clock: clk.Now})
	require.NoError(t, err)
	deliverer, err := files.NewDeliverer(files.DelivererConfig{Send: fake, Links: links, Clock: clk.Now})
	require.NoError(t, err)
	invoices := files.NewInvoices(nil, store)
	require.NoError(t, invoices.Add(context.Background(), "48213957",
		files.Document{Kind: "invoice", Name: "invoice-48213957.pdf", MIME: "application/pdf", Data: []byte("%PDF-1.4")}))
	s, err := shop.New(shop.Config{Rules: rules, Replies: replies, Send: fake, Clock: clk.Now,
		Orders:   shop.NewOrders(shop.Order{Number: "48213957", Customer: wa.Address, Carrier: tracking.DHL, Tracking: "1"}),
		Invoices: invoices, Files: deliverer})
	require.NoError(t, err)

	require.NoError(t, wa.Says(context.Background(), s, "invoice for order 48213957 please"))
	sent := fake.SentTo(wa.Address)
	require.NotEmpty(t, sent)
	last := sent[len(sent)-1]
	require.NotNil(t, last.Media, "the invoice itself")
	assert.Equal(t, channel.MediaDocument, last.Media.Type)
	assert.Equal(t, "invoice-48213957.pdf", last.Media.Filename)
	assert.EqualValues(t, 1, s.Summary().Files)

	other := fake.Customer(channel.Messenger, "psid-9")
	require.NoError(t, other.Says(context.Background(), s, "invoice for order 48213957"))
	for _, m := range fake.SentTo(other.Address) {
		assert.Nil(t, m.Media, "not someone else's invoice")
	}
	assert.EqualValues(t, 1, s.Summary().Files)
}
