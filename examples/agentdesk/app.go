package main

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"strings"

	"golang.org/x/text/language"

	"github.com/switchboard-go/switchboard/autoreply"
	"github.com/switchboard-go/switchboard/autoreply/catalog"
	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/desk"
	"github.com/switchboard-go/switchboard/messenger"
	"github.com/switchboard-go/switchboard/messenger/messengertest"
	"github.com/switchboard-go/switchboard/whatsapp"
	"github.com/switchboard-go/switchboard/whatsapp/whatsapptest"
)

// app is the shop: fake platforms, the bot, the desk and its console.
type app struct {
	log    *slog.Logger
	wa     *whatsapptest.Server
	ms     *messengertest.Server
	sender channel.Sender
	waHook http.Handler
	msHook http.Handler
	bot    *autoreply.Engine
	cat    *catalog.Catalog
	desk   *desk.Desk
	auth   signedCookie
	langs  map[channel.Address]string
}

func newApp(log *slog.Logger, store desk.Store) (*app, error) {
	a := &app{log: log, langs: map[channel.Address]string{}}
	for _, c := range customers {
		a.langs[c.addr] = c.lang
	}
	a.wa = whatsapptest.NewServer(whatsapptest.Config{})
	a.ms = messengertest.NewServer(messengertest.Config{})
	wa, err := whatsapp.New(a.wa.ClientConfig())
	if err != nil {
		return nil, err
	}
	ms, err := messenger.New(a.ms.ClientConfig())
	if err != nil {
		return nil, err
	}
	a.wa.AddTemplate("order_follow_up", "en_US", 1)
	a.sender = channel.Router{channel.WhatsApp: wa, channel.Messenger: ms}

	rules := ruleSet()
	a.bot, err = autoreply.New(autoreply.Config{Rules: rules, MaxMisses: 2})
	if err != nil {
		return nil, err
	}
	if a.cat, err = replies(); err != nil {
		return nil, err
	}
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	a.auth = signedCookie{key: key}

	a.desk, err = desk.New(desk.Config{
		Store:       store,
		Sender:      a.sender,
		Cards:       desk.CardFunc(a.card),
		Teams:       map[string]string{"refund": "after-sales", "franchise": "partnerships"},
		DefaultTeam: "support",
		Templates: map[channel.Kind][]desk.TemplateOption{channel.WhatsApp: {
			{Name: "order_follow_up", Language: "en_US", Params: 1, Preview: "Hi {{1}}, we have news about your order. Reply to continue."}}},
		Suggester:    &desk.FAQ{Engine: a.bot, Rules: rules, Catalog: a.cat},
		RatingPrompt: "How did we do? Tap 1 (poor) to 5 (great).",
		Logger:       log,
		OnEvent: func(e desk.Event) {
			switch e.Type {
			case desk.EventSLAWarning, desk.EventSLABreach, desk.EventReminder, desk.EventRated:
				log.Info("desk event", "type", e.Type, "conversation", e.ConversationID, "sla", e.SLA)
			case desk.EventReplied:
				log.Info("agent replied; the fake platform recorded it", "agent", e.Agent, "conversation", e.ConversationID,
					"whatsapp_sent", len(a.wa.Sent()), "messenger_sent", len(a.ms.Sent()))
			}
		},
	})
	if err != nil {
		return nil, err
	}
	ctx := context.Background()
	for _, ag := range []desk.Agent{
		{ID: "ann", Name: "Ann", Teams: []string{"support", "after-sales"}, Languages: []string{"en", "es"}, Skills: []string{"refund"}},
		{ID: "somchai", Name: "Somchai", Teams: []string{"support", "after-sales"}, Languages: []string{"th", "en"}},
		{ID: "li", Name: "Li", Teams: []string{"support", "partnerships"}, Languages: []string{"zh", "en"}, Capacity: 3},
	} {
		if err := a.desk.AddAgent(ctx, ag); err != nil {
			return nil, err
		}
	}
	a.waHook = wa.Webhook(channel.HandlerFunc(a.handle))
	a.msHook = ms.Webhook(channel.HandlerFunc(a.handle))
	return a, nil
}

func (a *app) close() {
	a.wa.Close()
	a.ms.Close()
}

// card is the shop's customer card, masked, as identity would give it.
func (a *app) card(_ context.Context, who channel.Address) (desk.Card, error) {
	for _, c := range customers {
		if c.addr == who {
			return c.card, nil
		}
	}
	return desk.Card{}, nil
}

// handle is the shop's inbound path: a customer with an open desk
// conversation talks to people; otherwise the bot answers or hands off.
func (a *app) handle(ctx context.Context, e channel.Event) error {
	if e.Type != channel.EventMessage || e.Message == nil {
		return nil
	}
	if _, ok, err := a.desk.CustomerMessage(ctx, e.Message); err != nil || ok {
		return err
	}
	lang := a.langs[e.From]
	d, err := a.bot.Decide(ctx, e.Message)
	if err != nil {
		return err
	}
	switch d.Action {
	case autoreply.Reply, autoreply.Ask:
		text, _, err := a.cat.Render(d.Template, prefs(lang), catalog.Vars{"order_number": d.Vars["order_number"]})
		if err != nil {
			text, _, err = a.cat.Render(d.Template, prefs(lang), nil)
		}
		if err != nil {
			return err
		}
		_, err = a.sender.Send(ctx, &channel.Message{To: e.From, Text: text})
		return err
	case autoreply.Handoff:
		_, err := a.desk.Handoff(ctx, desk.Handoff{Customer: e.From, Reason: d.Reason.String(), InquiryType: d.Intent,
			Language: lang, Message: e.Message, Tags: nonEmpty(d.Intent)})
		if err != nil {
			return err
		}
		text, _, err := a.cat.Render("handoff", prefs(lang), nil)
		if err != nil {
			return err
		}
		_, err = a.sender.Send(ctx, &channel.Message{To: e.From, Text: text})
		return err
	default:
		text, _, err := a.cat.Render("didnt_understand", prefs(lang), nil)
		if err != nil {
			return err
		}
		_, err = a.sender.Send(ctx, &channel.Message{To: e.From, Text: text})
		return err
	}
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

func prefs(lang string) []language.Tag {
	if t, err := language.Parse(lang); err == nil {
		return []language.Tag{t}
	}
	return nil
}

func (a *app) handler() (http.Handler, error) {
	console, err := a.desk.Console(desk.ConsoleConfig{Auth: a.auth, Teams: []string{"support", "after-sales", "partnerships"},
		Title: "Switchboard desk (demo)"})
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("/desk/", http.StripPrefix("/desk", console))
	mux.Handle("/webhook/whatsapp", a.waHook)
	mux.Handle("/webhook/messenger", a.msHook)
	mux.HandleFunc("/", a.auth.login)
	return mux, nil
}

// signedCookie is the demo's sign-in: any name, kept in an HMAC-signed
// cookie. A shop uses its own sign-in here.
type signedCookie struct{ key []byte }

func (s signedCookie) sign(agent string) string {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte(agent))
	return agent + "." + hex.EncodeToString(m.Sum(nil))
}

// Agent implements desk.Authenticator.
func (s signedCookie) Agent(r *http.Request) (string, bool) {
	c, err := r.Cookie("agent")
	if err != nil {
		return "", false
	}
	name, _, ok := strings.Cut(c.Value, ".")
	return name, ok && hmac.Equal([]byte(c.Value), []byte(s.sign(name)))
}

var loginPage = template.Must(template.New("login").Parse(`<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Sign in · Switchboard desk</title></head>
<body style="font-family:system-ui,sans-serif;max-width:22rem;margin:4rem auto;padding:0 1rem">
<h1 style="font-size:1.3rem">Switchboard desk (demo)</h1>
<form method="post" action="/"><label>Agent <input id="agent" name="agent" value="ann" autocomplete="username" style="font:inherit;padding:.4rem"></label>
<button id="signin" style="font:inherit;padding:.4rem .9rem">Sign in</button></form>
<p style="color:#555">ann speaks English and Spanish, somchai Thai, li Chinese. Any other name works for all teams.</p></body></html>`))

func (s signedCookie) login(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/" {
		http.NotFound(w, r)
		return
	}
	if r.Method == http.MethodPost {
		name := strings.ToLower(strings.TrimSpace(r.FormValue("agent")))
		if name == "" || len(name) > 32 || strings.ContainsAny(name, ". ") {
			http.Error(w, "pick a short name without dots or spaces", http.StatusBadRequest)
			return
		}
		http.SetCookie(w, &http.Cookie{Name: "agent", Value: s.sign(name), Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
		http.Redirect(w, r, "/desk/", http.StatusSeeOther)
		return
	}
	if _, ok := s.Agent(r); ok {
		http.Redirect(w, r, "/desk/", http.StatusSeeOther)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := loginPage.Execute(w, nil); err != nil {
		fmt.Fprintln(w, "login page failed")
	}
}
