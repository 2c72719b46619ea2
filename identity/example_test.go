package identity_test

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/identity"
)

// fixedClock and counter make the examples' output deterministic; a real
// shop leaves Clock and NewID nil.
func fixedClock() time.Time { return time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC) }

func counter() func() string {
	n := 0
	return func() string { n++; return fmt.Sprintf("cust-%d", n) }
}

func ExampleNormalizePhone() {
	for _, in := range []struct{ raw, region string }{
		{"0912 345 678", "TW"},
		{"(852) 91234567", "HK"},
		{"＋８５２ ９１２３ ４５６７", ""},
		{"+0000 0000", "HK"},
	} {
		e164, err := identity.NormalizePhone(in.raw, in.region)
		fmt.Println(e164, err)
	}
	waID, _ := identity.NormalizeWAID("85291234567")
	fmt.Println(waID, identity.MaskPhone(waID))
	// Output:
	// +886912345678 <nil>
	// +85291234567 <nil>
	// +85291234567 <nil>
	//  identity: invalid phone number: invalid country code
	// +85291234567 +852****4567
}

func ExampleNameSimilarity() {
	fmt.Println(identity.NormalizeName("TAI-MAN, Chan"))
	fmt.Printf("%.2f\n", identity.NameSimilarity("Chan Tai Man", "ＣＨＡＮ ＴＡＩ ＭＵＮ"))
	fmt.Printf("%.2f\n", identity.NameSimilarity("王小明", "王小名"))
	// Output:
	// chanmantai
	// 0.90
	// 0.67
}

func ExampleIsAcceptance() {
	for _, reply := range []string{"I agree!", "同意", "ยอมรับค่ะ", "Estoy de acuerdo", "不同意", "ok"} {
		fmt.Println(reply, identity.IsAcceptance(reply))
	}
	// Output:
	// I agree! true
	// 同意 true
	// ยอมรับค่ะ true
	// Estoy de acuerdo true
	// 不同意 false
	// ok false
}

// A customer writes on WhatsApp: anonymous until they accept the privacy
// notice, then identified, with the phone masked in the default view.
func ExampleRegistry_Resolve() {
	ctx := context.Background()
	reg, _ := identity.New(identity.Config{DefaultRegion: "HK", Clock: fixedClock, NewID: counter()})
	from := channel.Address{Channel: channel.WhatsApp, ID: "85291234567"}

	p, _ := reg.Resolve(ctx, from, identity.Hints{Name: "Chan Tai Man"})
	fmt.Println("anonymous:", p.Anonymous, len(p.Names))

	reply := "同意"
	if identity.IsAcceptance(reply) {
		c := identity.Consent{Version: "2026-01", MessageID: "wamid.1", Phrase: reply, At: fixedClock()}
		p, _ = reg.RecordConsent(ctx, from, c, identity.Hints{Name: "Chan Tai Man"})
	}
	p, _ = reg.Resolve(ctx, from, identity.Hints{Email: "tm@example.com"})
	fmt.Println(p.ID, p.Anonymous, p.Names, p.Phones[0].E164, p.Emails)

	full, _ := reg.Reveal(ctx, p.ID, identity.Reason{Actor: "agent:7", Purpose: "call back, ticket 88"})
	audit, _ := reg.Accesses(ctx, p.ID)
	fmt.Println(full.Phones[0].E164, audit[0].Actor, audit[0].Purpose)
	// Output:
	// anonymous: true 0
	// cust-1 false [Chan Tai Man] +852****4567 [t***@example.com]
	// +85291234567 agent:7 call back, ticket 88
}

// The same customer on LINE and Messenger, with two lines of one phone
// plan: found as a probable duplicate (a person decides: only ClassStrong
// may be merged automatically), merged, and the merge undone.
func ExampleRegistry_Merge() {
	ctx := context.Background()
	reg, _ := identity.New(identity.Config{DefaultRegion: "HK", Clock: fixedClock, NewID: counter()})
	agree := identity.Consent{Version: "2026-01", Phrase: "agree", At: fixedClock()}
	a, _ := reg.RecordConsent(ctx, channel.Address{Channel: channel.LINE, ID: "U4af4980629"}, agree,
		identity.Hints{Name: "Maria Fernanda Souza", Phone: "9123 4567"})
	b, _ := reg.RecordConsent(ctx, channel.Address{Channel: channel.Messenger, ID: "6754321"}, agree,
		identity.Hints{Name: "SOUSA, Maria Fernanda", Phone: "9123 4000"})

	cands, _ := reg.Candidates(ctx, a.ID)
	for _, c := range cands {
		fmt.Printf("%s %.2f %s %v auto-merge: %v\n", c.ProfileID, c.Score, c.Class, c.Evidence, c.AutoMerge())
	}
	rec, _ := reg.Merge(ctx, a.ID, cands[0].ProfileID)
	merged, _ := reg.Get(ctx, b.ID)
	fmt.Println(rec.Keep, "<-", rec.Dup, merged.ID, len(merged.Links))

	_ = reg.Unmerge(ctx, b.ID)
	back, _ := reg.Get(ctx, b.ID)
	fmt.Println(back.ID, len(back.Links), back.Names)
	// Output:
	// cust-2 0.94 probable [{name 0.9444444444444444 } {phone_prefix 1 }] auto-merge: false
	// cust-1 <- cust-2 cust-1 2
	// cust-2 1 [SOUSA, Maria Fernanda]
}

// Erasure, then a replay of the old consent: the data stays gone.
func ExampleRegistry_Erase() {
	ctx := context.Background()
	reg, _ := identity.New(identity.Config{Clock: fixedClock, NewID: counter()})
	from := channel.Address{Channel: channel.LINE, ID: "U4af4980629"}
	consent := identity.Consent{Version: "2026-01", MessageID: "m1", Phrase: "agree", At: fixedClock().Add(-time.Hour)}
	p, _ := reg.RecordConsent(ctx, from, consent, identity.Hints{Name: "Mary Lee"})

	fmt.Println(reg.Erase(ctx, p.ID))
	_, err := reg.RecordConsent(ctx, from, consent, identity.Hints{Name: "Mary Lee"})
	fmt.Println(err)
	again, _ := reg.Resolve(ctx, from, identity.Hints{Name: "Mary Lee"})
	fmt.Println(again.Anonymous)
	// Output:
	// <nil>
	// identity: customer data was erased
	// true
}

// The card the person taking over a chat sees: masked, with the shop's
// orders and the tags routing can use.
func ExampleRegistry_Card() {
	ctx := context.Background()
	reg, _ := identity.New(identity.Config{DefaultRegion: "HK", Clock: fixedClock, NewID: counter()})
	from := channel.Address{Channel: channel.WhatsApp, ID: "85291234567"}
	c := identity.Consent{Version: "2026-01", Phrase: "agree", At: fixedClock()}
	p, _ := reg.RecordConsent(ctx, from, c, identity.Hints{Name: "Ada Wong", Language: "en"})
	_ = reg.SetTier(ctx, p.ID, "Gold")
	_ = reg.SetContactPrefs(ctx, p.ID, "no contact at weekends")

	day := 24 * time.Hour
	orders := identity.OrderLookupFunc(func(_ context.Context, _ *identity.Profile, _ time.Time) ([]identity.OrderInfo, error) {
		return []identity.OrderInfo{
			{ID: "48213957", At: fixedClock().Add(-2 * day), Amount: 129900, Currency: "HKD", Status: "shipped"},
			{ID: "48000001", At: fixedClock().Add(-30 * day), Amount: 50000, Currency: "HKD", Status: "refunded",
				ReturnedAt: fixedClock().Add(-20 * day)},
		}, nil
	})
	card, _ := reg.Card(ctx, p.ID, orders)
	for _, l := range card.Lines(nil) {
		fmt.Println(l)
	}
	fmt.Println(slices.Contains(card.Tags, identity.TierTag("Gold")))
	// Output:
	// customer card (masked): A** W*** · tier Gold · language en
	// tags: tier:gold
	// order ****3957 21/11 HKD 1,299.00 shipped
	// order ****0001 24/10 HKD 500.00 refunded (returned 3/11)
	// complaints 90 days: 0 · returns 90 days: 1 · spend 180 days: HKD 1,799.00
	// contact: no contact at weekends
	// true
}

// One thread per customer: messages on WhatsApp and Messenger, merged
// when the customer proves to be one person, newest first.
func ExampleRegistry_Thread() {
	ctx := context.Background()
	reg, _ := identity.New(identity.Config{DefaultRegion: "HK", Clock: fixedClock, NewID: counter()})
	c := identity.Consent{Version: "2026-01", Phrase: "agree", At: fixedClock()}
	wa := channel.Address{Channel: channel.WhatsApp, ID: "85291234567"}
	fb := channel.Address{Channel: channel.Messenger, ID: "6754321"}
	_, _ = reg.RecordConsent(ctx, wa, c, identity.Hints{Name: "Ada Wong"})
	_, _ = reg.RecordConsent(ctx, fb, c, identity.Hints{Name: "Ada Wong"})
	at := fixedClock()
	_, _ = reg.Record(ctx, wa, "", identity.ThreadMessage{Direction: identity.Inbound, Sender: identity.SenderCustomer, At: at, Text: "where is my parcel?"})
	_, _ = reg.Record(ctx, wa, "", identity.ThreadMessage{Direction: identity.Outbound, Sender: identity.SenderBot, At: at.Add(time.Second), Text: "order number?"})
	_, _ = reg.Record(ctx, fb, "", identity.ThreadMessage{Direction: identity.Inbound, Sender: identity.SenderCustomer, At: at.Add(time.Hour), Text: "it's 48213957"})

	// The customer gives the same email on Messenger: the profiles merge,
	// and their threads with them.
	_, _ = reg.Resolve(ctx, wa, identity.Hints{Email: "ada@example.com"})
	p, _ := reg.Resolve(ctx, fb, identity.Hints{Email: "ada@example.com"})
	msgs, _, _ := reg.Thread(ctx, p.ID, identity.ThreadCursor{}, 10)
	for _, m := range msgs {
		fmt.Println(m.Link.Channel, m.Direction, m.Sender, m.Text)
	}
	// Output:
	// messenger in customer it's 48213957
	// whatsapp out bot order number?
	// whatsapp in customer where is my parcel?
}
