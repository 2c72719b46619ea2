// Command quickstart answers WhatsApp customers with the shipped rules and
// replies (examples/shopbot/data), in the customer's language. From the
// module root:
//
//	WHATSAPP_ACCESS_TOKEN=… WHATSAPP_PHONE_NUMBER_ID=… WHATSAPP_APP_SECRET=… \
//	WHATSAPP_VERIFY_TOKEN=… go run ./examples/quickstart
//
// It serves the webhook on SWITCHBOARD_ADDR (default 127.0.0.1:8080).
package main

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"

	"golang.org/x/text/language"

	"github.com/switchboard-go/switchboard/autoreply"
	"github.com/switchboard-go/switchboard/autoreply/catalog"
	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/whatsapp"
)

func main() {
	h, err := newServer(whatsapp.Config{
		AccessToken: os.Getenv("WHATSAPP_ACCESS_TOKEN"), PhoneNumberID: os.Getenv("WHATSAPP_PHONE_NUMBER_ID"),
		AppSecret: os.Getenv("WHATSAPP_APP_SECRET"), VerifyToken: os.Getenv("WHATSAPP_VERIFY_TOKEN"),
	}, "examples/shopbot/data")
	if err != nil {
		log.Fatal(err) // missing credentials or a bad rule file fail here, not at the first message
	}
	addr := cmp.Or(os.Getenv("SWITCHBOARD_ADDR"), "127.0.0.1:8080")
	log.Printf("quickstart: webhook on http://%s/webhooks/whatsapp", addr)
	log.Fatal(http.ListenAndServe(addr, h))
}

// newServer loads rules.json and replies.json from dir and returns the
// webhook handler.
func newServer(cfg whatsapp.Config, dir string) (http.Handler, error) {
	wa, err := whatsapp.New(cfg)
	if err != nil {
		return nil, err
	}
	rules, err := load(dir+"/rules.json", autoreply.LoadRules) // keywords in 12 languages → reply keys
	if err != nil {
		return nil, err
	}
	replies, err := load(dir+"/replies.json", catalog.Load) // reply texts per language
	if err != nil {
		return nil, err
	}
	bot, err := autoreply.New(autoreply.Config{
		Rules:   rules,
		Lookups: map[string]autoreply.LookupFunc{"track": trackOrder}, // the rules ask for an order's status
	})
	if err != nil {
		return nil, err
	}
	windows := channel.NewWindows(channel.WindowConfig{}) // 24 h customer-service window
	send := channel.Chain(wa, whatsapp.DefaultLimits(nil), windows.Middleware())

	answer := func(ctx context.Context, e channel.Event) error {
		if e.Type != channel.EventMessage || e.Message == nil || e.Message.Text == "" {
			return nil
		}
		d, err := bot.Decide(ctx, e.Message)
		if err != nil {
			return err // 500: WhatsApp delivers the message again
		}
		key := d.Template
		switch d.Action {
		case autoreply.Quiet:
			return nil // a person has the conversation
		case autoreply.Handoff:
			key = "handoff.agent" // tell the customer; your team picks the chat up
		case autoreply.NoMatch:
			key = "fallback.unknown"
		}
		vars := catalog.Vars{}
		for k, v := range d.Vars { // extracted values and lookup results, e.g. order_number
			vars[k] = v
		}
		lang := customerLanguage(d)
		parts, _, err := replies.RenderFor(e.From.Channel, key, lang, vars)
		if errors.Is(err, catalog.ErrMissingVar) { // the lookup found no order: a person answers
			parts, _, err = replies.RenderFor(e.From.Channel, "handoff.agent", lang, nil)
		}
		if err != nil {
			return err
		}
		for _, text := range parts { // cut to WhatsApp's 4,096 characters
			if _, err := send.Send(ctx, &channel.Message{To: e.From, Text: text}); err != nil {
				log.Printf("quickstart: reply %s not sent: %v", key, err)
				return nil // not an error: a redelivery would answer twice
			}
		}
		return nil
	}
	mux := http.NewServeMux()
	mux.Handle("/webhooks/whatsapp", wa.Webhook(windows.Track(channel.HandlerFunc(answer))))
	return mux, nil
}

// customerLanguage is the language of the keyword that matched; nil means
// the catalog's default.
func customerLanguage(d autoreply.Decision) []language.Tag {
	for _, h := range d.Hits {
		if t, err := language.Parse(h.Keyword.Lang); err == nil {
			return []language.Tag{t}
		}
	}
	return nil
}

// trackOrder answers the rules' "track" lookup: find the order in your own
// system and return carrier, tracking_number, status and updated_at. This
// one knows no orders.
func trackOrder(ctx context.Context, from channel.Address, orderNumber string) (map[string]string, error) {
	return nil, nil
}

// load parses the file at path with parse.
func load[T any](path string, parse func(io.Reader) (T, error)) (T, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		var zero T
		return zero, err
	}
	v, err := parse(bytes.NewReader(b))
	if err != nil {
		return v, fmt.Errorf("%s: %w", path, err)
	}
	return v, nil
}
