package autoreply_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/switchboard-go/switchboard/autoreply"
	"github.com/switchboard-go/switchboard/channel"
)

const exampleRules = `{"version": 1,
 "handoff": {"en": ["agent", "human"], "zh-Hans": ["人工"], "th": ["เจ้าหน้าที่"]},
 "rules": [
  {"name": "where_is_my_order", "priority": 10, "tags": ["shipping_status"],
   "keywords": {"en": ["where is my order", "track*"], "th": ["พัสดุ"], "zh-Hans": ["我的订单"]},
   "next": {"ask": "shipping.ask_order", "await": "order_number", "then": "shipping.status", "lookup": "track"}},
  {"name": "refund", "priority": 5, "tags": ["refund"], "reply": "refund.policy",
   "keywords": {"en": ["refund*", "money back"], "es": ["reembolso"], "ja": ["返金"]}}
 ]}`

// A two-step conversation: the engine asks for the order number, then looks
// it up. The caller renders each Decision's template and sends it.
func Example() {
	rules, err := autoreply.LoadRules(strings.NewReader(exampleRules))
	if err != nil {
		fmt.Println(err)
		return
	}
	track := func(_ context.Context, _ channel.Address, order string) (map[string]string, error) {
		return map[string]string{"status": "out for delivery"}, nil // a carrier query in real life
	}
	eng, err := autoreply.New(autoreply.Config{
		Rules:   rules,
		Lookups: map[string]autoreply.LookupFunc{"track": track},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	customer := channel.Address{Channel: channel.LINE, ID: "U4af4980629"}
	for _, text := range []string{
		"Hi, WHERE IS MY ORDER?",
		"it's ４８２１３９５７",
		"I want a refund",
		"I want a refund!",
		"hello?",
	} {
		d, err := eng.Decide(context.Background(), &channel.Message{From: customer, Text: text})
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%-24q %-8s %-19s %v %s\n", text, d.Action, d.Template, d.Vars, d.Reason)
	}
	// Output:
	// "Hi, WHERE IS MY ORDER?" ask      shipping.ask_order  map[] none
	// "it's ４８２１３９５７"          reply    shipping.status     map[order_number:48213957 status:out for delivery] none
	// "I want a refund"        reply    refund.policy       map[] none
	// "I want a refund!"       handoff                      map[] repeated
	// "hello?"                 quiet                        map[] none
}

// Match reports every keyword hit, best first, without touching any
// conversation: handy for tests of a rule file and for classifiers.
func ExampleEngine_Match() {
	rules, _ := autoreply.LoadRules(strings.NewReader(exampleRules))
	eng, _ := autoreply.New(autoreply.Config{Rules: rules, Lookups: map[string]autoreply.LookupFunc{
		"track": func(context.Context, channel.Address, string) (map[string]string, error) { return nil, nil },
	}})
	for _, text := range []string{"Tracking says nothing, I want my money back", "我的订单呢？转人工", "พัสดุถึงไหนแล้วคะ", "返金できますか"} {
		for _, h := range eng.Match(text) {
			fmt.Printf("%s: rule=%q handoff=%v keyword=%q mode=%s\n", text, h.Rule, h.Handoff, h.Keyword.Text, h.Keyword.Mode)
		}
	}
	// Output:
	// Tracking says nothing, I want my money back: rule="where_is_my_order" handoff=false keyword="track" mode=prefix
	// Tracking says nothing, I want my money back: rule="refund" handoff=false keyword="money back" mode=word
	// 我的订单呢？转人工: rule="" handoff=true keyword="人工" mode=contains
	// 我的订单呢？转人工: rule="where_is_my_order" handoff=false keyword="我的订单" mode=contains
	// พัสดุถึงไหนแล้วคะ: rule="where_is_my_order" handoff=false keyword="พัสดุ" mode=contains
	// 返金できますか: rule="refund" handoff=false keyword="返金" mode=contains
}

func ExampleParseKeyword() {
	for _, s := range []string{"size", "~parcel", "refund*", "=hi", `\~tilde`} {
		k, err := autoreply.ParseKeyword(s, "en")
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Printf("%-9s → %q %s\n", s, k.Text, k.Mode)
	}
	// Output:
	// size      → "size" auto
	// ~parcel   → "parcel" contains
	// refund*   → "refund" prefix
	// =hi       → "hi" exact
	// \~tilde   → "~tilde" auto
}

// Stats tell a shop which rules fail (followed by a hand-off) and which
// messages nothing answered.
func ExampleEngine_Stats() {
	rules, _ := autoreply.LoadRules(strings.NewReader(exampleRules))
	eng, _ := autoreply.New(autoreply.Config{Rules: rules, Lookups: map[string]autoreply.LookupFunc{
		"track": func(context.Context, channel.Address, string) (map[string]string, error) { return nil, nil },
	}})
	ctx := context.Background()
	say := func(id, text string) {
		_, _ = eng.Decide(ctx, &channel.Message{From: channel.Address{Channel: channel.WhatsApp, ID: id}, Text: text})
	}
	say("alice", "refund?")
	say("alice", "this is useless, get me a human")
	say("bob", "refund please")
	say("bob", "Do you ship to Guam?")
	s := eng.Stats()
	for _, r := range s.Rules {
		fmt.Printf("%s: triggered %d, handed off %d (%.0f%%)\n", r.Rule, r.Triggered, r.HandedOff, 100*r.FailureRate())
	}
	for _, m := range s.Misses {
		fmt.Printf("miss %q ×%d\n", m.Text, m.Count)
	}
	// Output:
	// where_is_my_order: triggered 0, handed off 0 (0%)
	// refund: triggered 2, handed off 1 (50%)
	// miss "do you ship to guam?" ×1
}
