package insightstest

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/insights"
)

// phrases are what generated customers write, per language, made up for
// these tests.
var phrases = map[string][]string{
	"en": {"where is my parcel", "my order has not arrived yet", "can I return these shoes", "the card payment failed",
		"what size should I order", "I need the invoice for my order", "tracking number does not work", "refund please",
		"the jacket is too small", "when will the parcel arrive", "delivery is late", "change my address"},
	"es": {"dónde está mi pedido", "quiero devolver la chaqueta", "el pago con tarjeta falló", "necesito la factura",
		"el envío tarda mucho", "qué talla me recomiendan"},
	"zh": {"我的包裹到哪里了", "可以退货吗", "付款失败了怎么办", "需要发票", "快递太慢了", "尺码怎么选"},
	"th": {"พัสดุของฉันถึงไหนแล้ว", "ขอคืนสินค้าได้ไหม", "ชำระเงินไม่ผ่าน", "ขอใบกำกับภาษี", "ส่งช้ามาก"},
}

var (
	genLangs    = []string{"en", "en", "en", "es", "zh", "zh", "th"}
	genChannels = []channel.Kind{channel.WhatsApp, channel.WhatsApp, channel.WhatsApp, channel.Messenger,
		channel.Messenger, channel.LINE, channel.WeChat, channel.WeChat}
	genRules = []string{"where-is-my-parcel", "returns", "payment-failed", "size-guide", "invoice", "shipping-time",
		"refund-status", "change-address"}
	genTeams = []string{"hk-support", "latam", "cn-support", "sea"}
	genFiles = []string{"invoice", "receipt", "manual", "size-chart"}
)

// Generate returns at least n events (whole conversations, so a few more)
// of a shop's week starting at from, deterministic for a seed, in time
// order. Customers write most between 10:00 and 22:00 Hong Kong time with a
// peak at 14:00–16:00; the bot answers in 1–30 s; a rule hands off 15 %
// of its conversations (returns and refund-status 40 %, a miss 70 %) to
// one of 24 agents in four teams, whose first responses are log-normal
// around 4 minutes (two agents are three times slower);
// some conversations get a second reply, a rating (mean about 4), or are
// reopened; files and notices are sent along.
func Generate(n int, seed uint64, from time.Time) []insights.Event {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	events := make([]insights.Event, 0, n+32)
	week := 7 * 24 * time.Hour
	for c := 0; len(events) < n; c++ {
		id := fmt.Sprintf("g%07d", c)
		lang := genLangs[r.IntN(len(genLangs))]
		ch := genChannels[r.IntN(len(genChannels))]
		if lang == "zh" && r.IntN(3) > 0 {
			ch = channel.WeChat
		}
		if lang == "th" {
			ch = channel.LINE
		}
		// Time of day: a mixture peaking at 15:00 HKT.
		day := time.Duration(r.IntN(7)) * 24 * time.Hour
		hour := r.NormFloat64()*3.5 + 15
		if r.IntN(4) == 0 {
			hour = 10 + r.Float64()*12
		}
		hour = math.Mod(math.Mod(hour, 24)+24, 24)
		t := from.Add(day + time.Duration(hour*float64(time.Hour)))
		if !t.Before(from.Add(week)) {
			t = t.Add(-week)
		}
		base := insights.Event{Conversation: id, Channel: ch, Language: lang, Customer: "cust-" + id}
		add := func(t time.Time, k insights.Kind, mod func(*insights.Event)) {
			e := base
			e.Time, e.Kind = t, k
			if mod != nil {
				mod(&e)
			}
			events = append(events, e)
		}
		texts := phrases[lang]
		say := func(t time.Time) {
			add(t, insights.MessageIn, func(e *insights.Event) { e.Text = texts[r.IntN(len(texts))] })
		}
		say(t)
		rule := ""
		if r.Float64() < 0.8 {
			rule = genRules[r.IntN(len(genRules))]
			add(t, insights.RuleMatched, func(e *insights.Event) { e.Rule = rule })
		} else {
			add(t, insights.RuleMissed, nil)
		}
		t = t.Add(time.Duration(1+r.IntN(30)) * time.Second)
		add(t, insights.BotAnswer, nil)
		// Most rules answer well; two hand off too often.
		handoff := 0.15
		switch rule {
		case "":
			handoff = 0.7
		case "returns", "refund-status":
			handoff = 0.4
		}
		if r.Float64() >= handoff {
			if r.IntN(20) == 0 {
				add(t.Add(time.Minute), insights.FileSent, func(e *insights.Event) { e.FileKind = genFiles[r.IntN(len(genFiles))] })
			}
			continue
		}
		t = t.Add(time.Duration(10+r.IntN(120)) * time.Second)
		say(t)
		add(t, insights.Handoff, func(e *insights.Event) { e.Rule = rule })
		agent := r.IntN(24)
		team := genTeams[agent%len(genTeams)]
		name := fmt.Sprintf("agent-%02d", agent)
		add(t.Add(20*time.Second), insights.AgentAssigned, func(e *insights.Event) { e.Agent, e.Team = name, team })
		frt := time.Duration(math.Exp(r.NormFloat64()*0.8+math.Log(240)) * float64(time.Second))
		if agent < 2 {
			frt *= 3
		}
		t = t.Add(frt)
		add(t, insights.AgentReply, func(e *insights.Event) { e.Agent, e.Team = name, team })
		if r.IntN(6) == 0 {
			t = t.Add(time.Duration(30+r.IntN(300)) * time.Second)
			say(t)
			t = t.Add(time.Duration(20+r.IntN(400)) * time.Second)
			add(t, insights.AgentReply, func(e *insights.Event) { e.Agent, e.Team = name, team })
		}
		t = t.Add(time.Duration(1+r.IntN(20)) * time.Minute)
		add(t, insights.Resolved, nil)
		if r.IntN(3) == 0 {
			score := 5 - int(math.Abs(r.NormFloat64()*1.1))
			add(t.Add(time.Minute), insights.Rating, func(e *insights.Event) { e.Score = max(1, score) })
		}
		if r.IntN(15) == 0 {
			add(t.Add(time.Duration(1+r.IntN(48))*time.Hour), insights.Reopened, nil)
		}
		if r.IntN(10) == 0 {
			add(t.Add(2*time.Minute), insights.NoticeSent, nil)
		}
	}
	for i, rule := range genRules {
		events = append(events, insights.Event{Time: from.Add(time.Duration(i) * time.Hour), Kind: insights.RuleRevised, Rule: rule,
			Conversation: ""})
		if i%3 == 0 { // some rules were last touched long ago
			events[len(events)-1].Time = from.AddDate(0, -4, 0)
		}
	}
	// Sort by time, ties in generation order (a conversation's message
	// before its hand-off at the same instant).
	type key struct {
		t   int64
		idx int32
	}
	keys := make([]key, len(events))
	for i, e := range events {
		keys[i] = key{e.Time.UnixNano(), int32(i)}
	}
	slices.SortFunc(keys, func(a, b key) int { return cmp.Or(cmp.Compare(a.t, b.t), cmp.Compare(a.idx, b.idx)) })
	sorted := make([]insights.Event, len(events))
	for i, k := range keys {
		sorted[i] = events[k.idx]
	}
	return sorted
}
