package desk

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/switchboard-go/switchboard/channel"
)

//go:embed web/*.html web/static/*
var webFS embed.FS

// Authenticator tells the console who the signed-in agent is. The shop
// implements it with its own sign-in (session cookie, SSO header, ...); the
// console answers 401 when it reports false. It must be safe for concurrent
// use.
type Authenticator interface {
	Agent(r *http.Request) (agentID string, ok bool)
}

// AuthFunc adapts a function to Authenticator.
type AuthFunc func(r *http.Request) (string, bool)

// Agent calls f.
func (f AuthFunc) Agent(r *http.Request) (string, bool) { return f(r) }

// ConsoleConfig configures Console.
type ConsoleConfig struct {
	// Auth identifies agents; required.
	Auth Authenticator
	// CSRFKey keys the per-agent CSRF tokens; nil means a random key (tokens
	// then change when the process restarts, and differ between processes:
	// give several instances the same key).
	CSRFKey []byte
	// Title is the page title; "" means "Switchboard desk".
	Title string
	// Teams are the transfer targets offered.
	Teams []string
	// Heartbeat is the interval of SSE keep-alive comments; 0 means 15 s.
	Heartbeat time.Duration
}

type console struct {
	d    *Desk
	cfg  ConsoleConfig
	tmpl *template.Template
	mux  *http.ServeMux
}

// Console returns the agents' web console as an http.Handler to mount under
// any prefix (with http.StripPrefix): the queue and "mine" lists with SLA
// timers, a conversation with its transcript and customer card, the reply box
// (or the template picker when the window is closed), FAQ suggestions,
// transfer and resolve, all refreshed live by server-sent events.
//
// Pages are html/template with embedded CSS and JavaScript (no CDN, no build
// step); every customer text is escaped; every POST needs the agent's CSRF
// token and, when the browser sends one, a same-host Origin; customer
// addresses are shown masked. Events reach the consoles of the process whose
// Desk produced them. It fails with ErrInvalid without Auth. The handler is
// safe for concurrent use.
func (d *Desk) Console(cfg ConsoleConfig) (http.Handler, error) {
	if cfg.Auth == nil {
		return nil, fmt.Errorf("%w: console needs an Authenticator", ErrInvalid)
	}
	if len(cfg.CSRFKey) == 0 {
		cfg.CSRFKey = make([]byte, 32)
		_, _ = rand.Read(cfg.CSRFKey)
	}
	if cfg.Title == "" {
		cfg.Title = "Switchboard desk"
	}
	if cfg.Heartbeat <= 0 {
		cfg.Heartbeat = 15 * time.Second
	}
	c := &console{d: d, cfg: cfg}
	t, err := template.New("").Funcs(template.FuncMap{
		"mask":  MaskAddress,
		"clock": func(t time.Time) string { return t.UTC().Format("Jan 2 15:04") },
		"ms":    func(t time.Time) int64 { return t.UnixMilli() },
		"seq": func(n int) []int {
			s := make([]int, n)
			for i := range s {
				s[i] = i + 1
			}
			return s
		},
	}).ParseFS(webFS, "web/*.html")
	if err != nil {
		return nil, fmt.Errorf("desk: console templates: %w", err)
	}
	c.tmpl = t
	static, _ := fs.Sub(webFS, "web/static")
	m := http.NewServeMux()
	m.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	m.HandleFunc("GET /{$}", c.auth(c.index))
	m.HandleFunc("GET /c/{id}", c.auth(c.index))
	m.HandleFunc("GET /lists", c.auth(c.lists))
	m.HandleFunc("GET /c/{id}/view", c.auth(c.view))
	m.HandleFunc("GET /events", c.auth(c.events))
	m.HandleFunc("POST /online", c.post("./", c.online))
	m.HandleFunc("POST /c/{id}/take", c.post("../../", c.take))
	m.HandleFunc("POST /c/{id}/reply", c.post("../../", c.reply))
	m.HandleFunc("POST /c/{id}/transfer", c.post("../../", c.transfer))
	m.HandleFunc("POST /c/{id}/resolve", c.post("../../", c.resolve))
	c.mux = m
	return c, nil
}

func (c *console) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; form-action 'self'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	c.mux.ServeHTTP(w, r)
}

func (c *console) auth(next func(w http.ResponseWriter, r *http.Request, agent string)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		agent, ok := c.cfg.Auth.Agent(r)
		if !ok || agent == "" {
			http.Error(w, "sign in first", http.StatusUnauthorized)
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		next(w, r, agent)
	}
}

func (c *console) csrf(agent string) string { return c.sign("csrf", agent) }

// sign is an HMAC of what under the console's key, for one purpose.
func (c *console) sign(purpose, what string) string {
	m := hmac.New(sha256.New, c.cfg.CSRFKey)
	m.Write([]byte("desk-" + purpose + "\x00" + what))
	return hex.EncodeToString(m.Sum(nil))
}

// post checks the CSRF token and the Origin, runs the action and redirects
// (303) to the page it names (relative to the console's root, which is root
// relative to the request), with its error as a flash message.
func (c *console) post(root string, act func(r *http.Request, agent string) (string, error)) http.HandlerFunc {
	return c.auth(func(w http.ResponseWriter, r *http.Request, agent string) {
		r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
		if err := r.ParseForm(); err != nil {
			http.Error(w, "bad form", http.StatusBadRequest)
			return
		}
		if o := r.Header.Get("Origin"); o != "" {
			u, err := url.Parse(o)
			if err != nil || u.Host != r.Host {
				http.Error(w, "cross-origin request refused", http.StatusForbidden)
				return
			}
		}
		if !hmac.Equal([]byte(r.PostForm.Get("csrf")), []byte(c.csrf(agent))) {
			http.Error(w, "invalid CSRF token", http.StatusForbidden)
			return
		}
		to, err := act(r, agent)
		to = root + to
		if err != nil {
			c.d.cfg.Logger.InfoContext(r.Context(), "desk: console action refused", "path", r.URL.Path, "err", err)
			sep := "?"
			if strings.Contains(to, "?") {
				sep = "&"
			}
			msg := userMessage(err)
			to += sep + "err=" + url.QueryEscape(msg) + "&sig=" + c.sign("flash", msg)
		}
		// Not http.Redirect: it would resolve the path against r.URL, which
		// lacks the prefix the shop mounted the console under.
		w.Header().Set("Location", to)
		w.WriteHeader(http.StatusSeeOther)
	})
}

// userMessage says what went wrong in words for the agent, without internals.
func userMessage(err error) string {
	var pe *PolicyError
	switch {
	case errors.As(err, &pe):
		var ps []string
		for _, r := range pe.Rules {
			s := "“" + r.Phrase + "”"
			if r.Reason != "" {
				s += " (" + r.Reason + ")"
			}
			ps = append(ps, s)
		}
		return "Not sent: the reply promises " + strings.Join(ps, ", ") + "."
	case errors.Is(err, ErrWindow):
		return "Not sent: the channel's window does not allow this reply."
	case errors.Is(err, ErrCapacity):
		return "You already have as many conversations as your capacity allows (or you are offline)."
	case errors.Is(err, ErrConflict):
		return "Someone else changed this conversation; it has been reloaded."
	case errors.Is(err, ErrNotAssigned):
		return "This conversation is not assigned to you."
	case errors.Is(err, ErrInvalid):
		return "Nothing to send."
	case errors.Is(err, channel.ErrDeliveryUnknown):
		return "The platform did not confirm the reply: it may or may not have arrived. Check before resending."
	case errors.Is(err, channel.ErrWindowClosed):
		return "The platform refused the reply: the customer-service window is closed."
	default:
		return "That did not work; try again."
	}
}

// convLink is a conversation's page relative to the console's root.
func convLink(id string) string { return "c/" + url.PathEscape(id) }

type listItem struct {
	Conversation
	Timer *Timer
	Mine  bool
}

type page struct {
	Title string
	Agent AgentState
	CSRF  string
	Base  string
	Queue []listItem
	Mine  []listItem
	Conv  *convView
	Flash string
	Teams []string
	NowMS int64
}

type convView struct {
	C           Conversation
	Policy      ReplyPolicy
	Timers      []Timer
	Suggestions []Suggestion
	MaxParams   int
	CanTake     bool
	Holder      bool
}

func (c *console) lists(w http.ResponseWriter, r *http.Request, agent string) {
	p, err := c.page(r, agent, "")
	if err != nil {
		c.fail(w, r, err)
		return
	}
	c.render(w, "lists", p)
}

func (c *console) view(w http.ResponseWriter, r *http.Request, agent string) {
	p, err := c.page(r, agent, r.PathValue("id"))
	if err != nil {
		c.fail(w, r, err)
		return
	}
	c.render(w, "conversation", p)
}

func (c *console) index(w http.ResponseWriter, r *http.Request, agent string) {
	id := r.PathValue("id")
	p, err := c.page(r, agent, id)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	// Only flash messages the console wrote itself (signed), so a crafted
	// link cannot put words on the agent's screen.
	if msg := r.URL.Query().Get("err"); msg != "" && hmac.Equal([]byte(r.URL.Query().Get("sig")), []byte(c.sign("flash", msg))) {
		p.Flash = msg
	}
	c.render(w, "page", p)
}

func (c *console) fail(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, ErrNotFound) {
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	c.d.cfg.Logger.ErrorContext(r.Context(), "desk: console", "err", err)
	http.Error(w, "the desk's store is unavailable; try again", http.StatusServiceUnavailable)
}

func (c *console) render(w http.ResponseWriter, name string, p *page) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := c.tmpl.ExecuteTemplate(w, name, p); err != nil {
		c.d.cfg.Logger.Error("desk: console template", "template", name, "err", err)
	}
}

func (c *console) page(r *http.Request, agent, convID string) (*page, error) {
	ctx := r.Context()
	p := &page{Title: c.cfg.Title, CSRF: c.csrf(agent), Teams: c.cfg.Teams, NowMS: c.d.now().UnixMilli(), Base: "./"}
	if r.PathValue("id") != "" {
		p.Base = "../" // pages under c/{id}: every link is relative to <base href>
	}
	a, err := c.d.store.Agent(ctx, agent)
	switch {
	case errors.Is(err, ErrNotFound):
		a = AgentState{Agent: Agent{ID: agent, Name: agent}}
	case err != nil:
		return nil, err
	}
	p.Agent = a
	q, err := c.d.Queue(ctx)
	if err != nil {
		return nil, err
	}
	mine, err := c.d.Mine(ctx, agent)
	if err != nil {
		return nil, err
	}
	for _, x := range q {
		p.Queue = append(p.Queue, c.item(x, agent))
	}
	for _, x := range mine {
		p.Mine = append(p.Mine, c.item(x, agent))
	}
	if convID != "" {
		conv, err := c.d.Conversation(ctx, convID)
		if err != nil {
			return nil, err
		}
		v := &convView{C: conv, Policy: c.d.ReplyPolicy(conv), Timers: c.d.Timers(conv),
			CanTake: conv.Status == StatusQueued, Holder: conv.Status == StatusAssigned && conv.Agent == agent}
		for _, o := range v.Policy.Templates {
			v.MaxParams = max(v.MaxParams, o.Params)
		}
		if v.Holder {
			v.Suggestions, err = c.d.Suggestions(ctx, convID)
			if err != nil {
				c.d.cfg.Logger.WarnContext(ctx, "desk: suggestions", "err", err)
			}
		}
		p.Conv = v
	}
	return p, nil
}

// item picks the most urgent running timer of a conversation for the lists.
func (c *console) item(x Conversation, agent string) listItem {
	it := listItem{Conversation: x, Mine: x.Agent == agent}
	for _, t := range c.d.Timers(x) {
		if t.Due.IsZero() {
			continue
		}
		if it.Timer == nil || t.Due.Before(it.Timer.Due) {
			tt := t
			it.Timer = &tt
		}
	}
	return it
}

// ensureAgent creates a signed-in agent the desk does not know yet (with no
// teams: it works for all).
func (c *console) ensureAgent(ctx context.Context, agent string) error {
	_, err := c.d.store.Agent(ctx, agent)
	if errors.Is(err, ErrNotFound) {
		return c.d.AddAgent(ctx, Agent{ID: agent, Name: agent})
	}
	return err
}

func (c *console) online(r *http.Request, agent string) (string, error) {
	ctx := r.Context()
	if err := c.ensureAgent(ctx, agent); err != nil {
		return "", err
	}
	back := ""
	if id := r.PostForm.Get("c"); id != "" {
		back = convLink(id)
	}
	return back, c.d.SetOnline(ctx, agent, r.PostForm.Get("online") == "1")
}

func (c *console) take(r *http.Request, agent string) (string, error) {
	id := r.PathValue("id")
	if err := c.ensureAgent(r.Context(), agent); err != nil {
		return convLink(id), err
	}
	_, err := c.d.Take(r.Context(), id, agent)
	return convLink(id), err
}

func (c *console) reply(r *http.Request, agent string) (string, error) {
	id := r.PathValue("id")
	rep := Reply{ConversationID: id, Agent: agent, Text: r.PostForm.Get("text")}
	if name := r.PostForm.Get("template"); name != "" {
		conv, err := c.d.Conversation(r.Context(), id)
		if err != nil {
			return convLink(id), err
		}
		pol := c.d.ReplyPolicy(conv)
		i := slices.IndexFunc(pol.Templates, func(o TemplateOption) bool { return o.Name == name })
		if i < 0 {
			return convLink(id), fmt.Errorf("%w: unknown template", ErrWindow)
		}
		o := pol.Templates[i]
		t := &channel.Template{Name: o.Name, Language: o.Language}
		for n := 1; n <= o.Params; n++ {
			t.Params = append(t.Params, strings.TrimSpace(r.PostForm.Get("p"+strconv.Itoa(n))))
		}
		rep.Template, rep.Text = t, ""
	}
	_, err := c.d.Reply(r.Context(), rep)
	return convLink(id), err
}

func (c *console) transfer(r *http.Request, agent string) (string, error) {
	id := r.PathValue("id")
	_, err := c.d.Transfer(r.Context(), id, agent, r.PostForm.Get("team"), r.PostForm.Get("note"))
	if err != nil {
		return convLink(id), err
	}
	return "", nil
}

func (c *console) resolve(r *http.Request, agent string) (string, error) {
	id := r.PathValue("id")
	_, err := c.d.Resolve(r.Context(), id, agent, r.PostForm.Get("rate") == "1")
	return convLink(id), err
}

// events streams desk events as server-sent events: "data: <type> <id>".
// The page reloads its lists (and the open conversation) on each.
func (c *console) events(w http.ResponseWriter, r *http.Request, _ string) {
	fl, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	ch, stop := c.d.Subscribe(64)
	defer stop()
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("X-Accel-Buffering", "no")
	fmt.Fprint(w, "retry: 1000\n: hello\n\n")
	fl.Flush()
	hb := time.NewTicker(c.cfg.Heartbeat)
	defer hb.Stop()
	ctx := r.Context()
	for {
		select {
		case <-ctx.Done():
			return
		case <-hb.C:
			fmt.Fprint(w, ": keep-alive\n\n")
		case e, ok := <-ch:
			if !ok {
				return
			}
			fmt.Fprintf(w, "data: %s %s\n\n", e.Type, e.ConversationID)
		}
		fl.Flush()
	}
}

// MaskAddress shows a customer address without revealing it: a phone-like
// id keeps its first 3 and last 4 digits ("852****0003"); other ids keep
// their first and last 3 characters.
func MaskAddress(a channel.Address) string {
	id := []rune(a.ID)
	keepHead, keepTail := 3, 4
	if !isDigits(a.ID) {
		keepHead, keepTail = 3, 3
	}
	if len(id) <= keepHead+keepTail {
		if len(id) <= 2 {
			return string(a.Channel) + " ****"
		}
		return string(a.Channel) + " " + string(id[:1]) + "****" + string(id[len(id)-1:])
	}
	return string(a.Channel) + " " + string(id[:keepHead]) + "****" + string(id[len(id)-keepTail:])
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}
