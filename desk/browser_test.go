package desk_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/desk"
	"github.com/switchboard-go/switchboard/internal/testenv"
	"github.com/switchboard-go/switchboard/whatsapp"
	"github.com/switchboard-go/switchboard/whatsapp/whatsapptest"
)

// cookieAuth is a minimal shop sign-in: a form that sets an HMAC-signed
// cookie naming the agent.
type cookieAuth struct{ key []byte }

func (a cookieAuth) sign(agent string) string {
	m := hmac.New(sha256.New, a.key)
	m.Write([]byte(agent))
	return agent + "." + hex.EncodeToString(m.Sum(nil))
}

func (a cookieAuth) Agent(r *http.Request) (string, bool) {
	c, err := r.Cookie("agent")
	if err != nil {
		return "", false
	}
	name, _, ok := strings.Cut(c.Value, ".")
	return name, ok && hmac.Equal([]byte(c.Value), []byte(a.sign(name)))
}

// evaluate runs the JavaScript expression expr in the browser within one
// step's timeout and returns its value as a T.
func evaluate[T any](t *testing.T, step func() (context.Context, context.CancelFunc), expr string) T {
	t.Helper()
	sctx, cancel := step()
	defer cancel()
	v, err := chromedp.Run(sctx, chromedp.Evaluate[T](expr))
	require.NoError(t, err, expr)
	return v
}

func (a cookieAuth) login(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPost {
		name := strings.TrimSpace(r.FormValue("agent"))
		if name == "" {
			http.Error(w, "name required", http.StatusBadRequest)
			return
		}
		http.SetCookie(w, &http.Cookie{Name: "agent", Value: a.sign(name), Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
		http.Redirect(w, r, "/desk/", http.StatusSeeOther)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprint(w, `<!doctype html><title>Sign in</title><form method="post"><input id="agent" name="agent"><button id="signin">Sign in</button></form>`)
}

// TestBrowser drives Chromium through the console: sign in, a WhatsApp
// message delivered as a signed webhook by the fake platform shows up in the
// queue without a reload, the agent takes it and replies, the fake platform
// records the reply; a <script> message renders as text; a closed window
// shows the template picker. Screenshots go to testdata/screenshots.
func TestBrowser(t *testing.T) {
	chromium := testenv.Chromium(t)
	ctx := context.Background()

	wa := whatsapptest.NewServer(whatsapptest.Config{})
	defer wa.Close()
	client, err := whatsapp.New(wa.ClientConfig())
	require.NoError(t, err)

	var offset atomic.Int64 // the desk's clock runs ahead by this much
	clock := func() time.Time { return time.Now().Add(time.Duration(offset.Load())) }
	d, err := desk.New(desk.Config{Sender: client, Clock: clock, Tick: 200 * time.Millisecond, ReplyTimeout: -1,
		Templates: map[channel.Kind][]desk.TemplateOption{channel.WhatsApp: {
			{Name: "order_follow_up", Language: "en_US", Params: 1, Preview: "Hi {{1}}, we have news about your order."}}},
		Cards: desk.CardFunc(func(_ context.Context, a channel.Address) (desk.Card, error) {
			switch a.ID {
			case "85291230003":
				return desk.Card{Name: "M*** Chan", Tier: "gold", Orders: 7, Spend: 125000, Currency: "HKD", RecentInquiries: 1,
					PastIssues: []string{"late parcel (May)"}, Preferences: []string{"English", "WhatsApp"}}, nil
			case "66812345678":
				return desk.Card{Name: "S****** K.", Tier: "vip", VIP: true, Orders: 31}, nil
			}
			return desk.Card{Name: "B*** S.", Orders: 1}, nil
		})})
	require.NoError(t, err)
	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() { _ = d.Run(rctx) }()

	auth := cookieAuth{key: []byte("test-key")}
	console, err := d.Console(desk.ConsoleConfig{Auth: auth, Teams: []string{"support", "after-sales"}})
	require.NoError(t, err)
	hook := client.Webhook(channel.HandlerFunc(func(ctx context.Context, e channel.Event) error {
		if e.Type != channel.EventMessage || e.Message == nil {
			return nil
		}
		if _, ok, err := d.CustomerMessage(ctx, e.Message); err != nil || ok {
			return err
		}
		lang := map[string]string{"6281234567890": "id", "66812345678": "th"}[e.From.ID]
		if lang == "" {
			lang = "en"
		}
		_, err := d.Handoff(ctx, desk.Handoff{Customer: e.From, Reason: "asked for a person", Language: lang, Message: e.Message})
		return err
	}))
	mux := http.NewServeMux()
	mux.Handle("/desk/", http.StripPrefix("/desk", console))
	mux.Handle("/webhook", hook)
	mux.HandleFunc("/login", auth.login)
	srv := httptest.NewServer(mux)
	defer srv.Close()

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.NoFirstRun, chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900))
	actx, acancel := chromedp.NewExecAllocator(ctx, opts...)
	defer acancel()
	bctx, bcancel := chromedp.NewContext(actx)
	defer bcancel()
	// The first call starts the browser and must not carry a timeout.
	require.NoError(t, chromedp.Do(bctx, chromedp.Navigate("about:blank")))
	step := func() (context.Context, context.CancelFunc) { return context.WithTimeout(bctx, 20*time.Second) }
	run := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		sctx, cancel := step()
		defer cancel()
		require.NoError(t, chromedp.Do(sctx, actions...), what)
	}
	text := func(sel string) string {
		t.Helper()
		return evaluate[string](t, step, fmt.Sprintf(`document.querySelector(%q).innerText`, sel))
	}
	eval := func(expr string) bool {
		t.Helper()
		return evaluate[bool](t, step, expr)
	}
	deliver := func(text string) {
		t.Helper()
		body, _ := wa.MessageWebhook(whatsapptest.Inbound{From: "85291230003", Name: "May Chan", Text: text})
		status, err := wa.Deliver(ctx, hook, body)
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, status)
	}
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }

	// Sign in.
	run("sign in", chromedp.Navigate(srv.URL+"/login"), chromedp.WaitVisible(css("#agent")),
		chromedp.SendKeys(css("#agent"), "ann"), chromedp.Click(css("#signin")), chromedp.WaitVisible(css("#who")))
	assert.Equal(t, "ann", text("#who"))
	run("queue empty, events connected", chromedp.WaitVisible(css("#queue .none")), chromedp.WaitReady(css(`body[data-live="1"]`)))

	// A customer writes; the queue shows it without a reload.
	start := time.Now()
	deliver("Hello, my parcel is late. Can a person help?")
	run("message appears in the queue", chromedp.WaitVisible(css("#queue li.item")))
	appeared := time.Since(start)
	t.Logf("webhook → queue on screen without reload: %v", appeared)
	assert.LessOrEqual(t, appeared, time.Second)
	assert.Contains(t, text("#queue li.item .preview"), "parcel is late")

	// Take it and reply.
	first := evaluate[string](t, step, `document.querySelector("#queue li.item").dataset.id`)
	run("open and take", chromedp.Click(css("#queue li.item a")), chromedp.WaitVisible(css("#take")),
		chromedp.Click(css("#take")), chromedp.WaitVisible(css("#reply-form")), chromedp.WaitReady(css(`body[data-live="1"]`)))
	reply := "Sorry for the delay! Your parcel left the depot this morning."
	run("reply", chromedp.SendKeys(css("#text"), reply), chromedp.Click(css("#send")), chromedp.WaitVisible(css("#transcript li.msg.agent")))
	require.Eventually(t, func() bool {
		for _, s := range wa.Sent() {
			if s.Text == reply && s.To == "85291230003" {
				return true
			}
		}
		return false
	}, 2*time.Second, 20*time.Millisecond, "the fake platform recorded the reply")

	// A message with a script renders as text, live, in the open conversation.
	deliver(`<script>window.__xss=1</script><img src=x onerror="window.__xss=2"> javascript:alert(1)`)
	require.Eventually(t, func() bool {
		return eval(`[...document.querySelectorAll("#transcript .msg.customer .text")].some(p => p.textContent.includes("<script>window.__xss=1</script>"))`)
	}, 2*time.Second, 50*time.Millisecond, "the message shows live, as text")
	assert.False(t, eval(`window.__xss !== undefined`), "no customer script ran")
	assert.False(t, eval(`document.querySelector("#transcript script, #transcript img") !== null`), "no element made from customer text")

	shots := filepath.Join("testdata", "screenshots")
	require.NoError(t, os.MkdirAll(shots, 0o755))
	shot := func(name string, w, h int64) {
		t.Helper()
		run("viewport "+name, chromedp.EmulateViewport(w, h), chromedp.Sleep(300*time.Millisecond))
		sctx, cancel := step()
		defer cancel()
		png, err := chromedp.Run(sctx, chromedp.CaptureScreenshot())
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(shots, name), png, 0o644))
	}
	// More customers, so both lists show something: ann takes at most two.
	require.NoError(t, d.AddAgent(ctx, desk.Agent{ID: "ann", Name: "ann", Capacity: 2, Languages: []string{"en", "id"}}))
	for _, in := range []whatsapptest.Inbound{
		{From: "6281234567890", Name: "Budi", Text: "Apakah ukuran L masih ada?"},
		{From: "66812345678", Name: "Somchai", Text: "ขอคืนเงินได้ไหมครับ สินค้าชำรุด"},
	} {
		body, _ := wa.MessageWebhook(in)
		_, err = wa.Deliver(ctx, hook, body)
		require.NoError(t, err)
	}
	require.Eventually(t, func() bool {
		return eval(`document.querySelectorAll("#mine li.item").length === 2 && document.querySelectorAll("#queue li.item").length === 1`)
	}, 3*time.Second, 50*time.Millisecond, "lists updated live")
	shot("console-1280.png", 1280, 860)
	shot("console-390.png", 390, 844)
	run("back to the lists", chromedp.Navigate(srv.URL+"/desk/"), chromedp.WaitVisible(css("#mine li.item")))
	shot("lists-390.png", 390, 844)

	// 25 hours later the window is closed: the template picker replaces the box.
	offset.Store(int64(25 * time.Hour))
	run("closed window", chromedp.EmulateViewport(1280, 860), chromedp.Navigate(srv.URL+"/desk/c/"+first), chromedp.WaitVisible(css("#template-form")),
		chromedp.WaitReady(css(`body[data-live="1"]`)))
	assert.False(t, eval(`document.getElementById("reply-form") !== null`), "no free-text box")
	shot("template-picker-1280.png", 1280, 860)
	run("send template", chromedp.SendKeys(css(`input[name="p1"]`), "May"), chromedp.Click(css("#send")), chromedp.WaitVisible(css("#template-form")))
	require.Eventually(t, func() bool {
		for _, s := range wa.Sent() {
			if s.Type == "template" && s.Template == "order_follow_up" {
				return true
			}
		}
		return false
	}, 2*time.Second, 20*time.Millisecond, "the template went out")
}
