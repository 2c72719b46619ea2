package desk_test

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/desk"
)

// headerAuth is the simplest shop authentication: a trusted header.
var headerAuth = desk.AuthFunc(func(r *http.Request) (string, bool) {
	a := r.Header.Get("X-Agent")
	return a, a != ""
})

type consoleClient struct {
	t     *testing.T
	srv   *httptest.Server
	agent string
	c     *http.Client
}

func (cc *consoleClient) do(method, path string, form url.Values, hdr map[string]string) (*http.Response, string) {
	cc.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, cc.srv.URL+"/desk/"+path, body)
	require.NoError(cc.t, err)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if cc.agent != "" {
		req.Header.Set("X-Agent", cc.agent)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	res, err := cc.c.Do(req)
	require.NoError(cc.t, err)
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	return res, string(b)
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([0-9a-f]+)"`)

func newConsole(t *testing.T, f *fixture) *consoleClient {
	t.Helper()
	h, err := f.desk.Console(desk.ConsoleConfig{Auth: headerAuth, Teams: []string{"support", "after-sales"}})
	require.NoError(t, err)
	mux := http.NewServeMux()
	mux.Handle("/desk/", http.StripPrefix("/desk", h))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	jar, _ := cookiejar.New(nil)
	c := srv.Client()
	c.Jar = jar
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &consoleClient{t: t, srv: srv, agent: "ann", c: c}
}

func TestConsole(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	f.agent(t, desk.Agent{ID: "ann", Name: "Ann"}, false)
	cc := newConsole(t, f)
	who := wa("85291230003")
	c := f.handoff(t, who, "", "en", `<script>alert(1)</script> javascript:alert(2)`)

	t.Run("sign in required", func(t *testing.T) {
		anon := *cc
		anon.agent = ""
		res, _ := anon.do("GET", "", nil, nil)
		assert.Equal(t, http.StatusUnauthorized, res.StatusCode)
	})

	res, page := cc.do("GET", "", nil, nil)
	require.Equal(t, http.StatusOK, res.StatusCode)
	assert.Contains(t, res.Header.Get("Content-Security-Policy"), "script-src 'self'")
	assert.Contains(t, page, "852****0003", "masked address")
	assert.NotContains(t, page, "85291230003", "no unmasked number in the page source")
	assert.NotContains(t, page, "<script>alert", "customer text escaped")
	assert.Contains(t, page, "&lt;script&gt;alert(1)&lt;/script&gt;")
	m := csrfRE.FindStringSubmatch(page)
	require.NotNil(t, m)
	token := m[1]

	t.Run("CSRF", func(t *testing.T) {
		res, _ := cc.do("POST", "c/"+c.ID+"/take", url.Values{}, nil)
		assert.Equal(t, http.StatusForbidden, res.StatusCode, "no token")
		res, _ = cc.do("POST", "c/"+c.ID+"/take", url.Values{"csrf": {strings.Repeat("0", 64)}}, nil)
		assert.Equal(t, http.StatusForbidden, res.StatusCode, "wrong token")
		res, _ = cc.do("POST", "c/"+c.ID+"/take", url.Values{"csrf": {token}}, map[string]string{"Origin": "https://evil.example"})
		assert.Equal(t, http.StatusForbidden, res.StatusCode, "cross origin")
		bob := *cc
		bob.agent = "bob"
		res, _ = bob.do("POST", "c/"+c.ID+"/take", url.Values{"csrf": {token}}, nil)
		assert.Equal(t, http.StatusForbidden, res.StatusCode, "another agent's token")
	})

	// Live events.
	sse, err := http.NewRequestWithContext(ctx, "GET", cc.srv.URL+"/desk/events", nil)
	require.NoError(t, err)
	sse.Header.Set("X-Agent", "ann")
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	sres, err := cc.c.Do(sse.WithContext(sctx))
	require.NoError(t, err)
	defer sres.Body.Close()
	assert.Equal(t, "text/event-stream", sres.Header.Get("Content-Type"))
	lines := bufio.NewScanner(sres.Body)
	require.True(t, lines.Scan())

	res, _ = cc.do("POST", "online", url.Values{"csrf": {token}, "online": {"1"}}, nil)
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	res, _ = cc.do("POST", "c/"+c.ID+"/take", url.Values{"csrf": {token}}, nil)
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	assert.Equal(t, "../../c/"+c.ID, res.Header.Get("Location"))
	got, err := f.desk.Conversation(ctx, c.ID)
	require.NoError(t, err)
	assert.Equal(t, "ann", got.Agent)

	deadline := time.After(2 * time.Second)
	found := make(chan bool, 1)
	go func() {
		for lines.Scan() {
			if lines.Text() == "data: assigned "+c.ID {
				found <- true
				return
			}
		}
	}()
	select {
	case <-found:
	case <-deadline:
		t.Fatal("no SSE event for the assignment")
	}

	_, page = cc.do("GET", "c/"+c.ID, nil, nil)
	assert.Contains(t, page, `id="reply-form"`)
	assert.Contains(t, page, `<base href="../">`)
	res, _ = cc.do("POST", "c/"+c.ID+"/reply", url.Values{"csrf": {token}, "text": {"We will refund you today."}}, nil)
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	assert.Equal(t, "../../c/"+c.ID, res.Header.Get("Location"))
	require.Len(t, f.send.Sent(), 1)

	res, _ = cc.do("POST", "c/"+c.ID+"/reply", url.Values{"csrf": {token}, "text": {"A lifetime free upgrade for you"}}, nil)
	loc := res.Header.Get("Location")
	assert.Contains(t, loc, "err=", "blocked reply reported")
	_, page = cc.do("GET", strings.TrimPrefix(loc, "../../"), nil, nil)
	assert.Contains(t, page, "lifetime free upgrade")
	_, page = cc.do("GET", "c/"+c.ID+"?err=Session+expired%2C+sign+in+at+evil.example", nil, nil)
	assert.NotContains(t, page, "evil.example", "unsigned flash messages are not shown")

	// Closed window: the template picker replaces the text box.
	f.clock.Advance(25 * time.Hour)
	_, page = cc.do("GET", "c/"+c.ID, nil, nil)
	assert.NotContains(t, page, `id="reply-form"`)
	assert.Contains(t, page, "closed")

	res, _ = cc.do("POST", "c/"+c.ID+"/resolve", url.Values{"csrf": {token}}, nil)
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	got, err = f.desk.Conversation(ctx, c.ID)
	require.NoError(t, err)
	assert.Equal(t, desk.StatusResolved, got.Status)

	res, css := cc.do("GET", "static/desk.css", nil, nil)
	assert.Equal(t, http.StatusOK, res.StatusCode)
	assert.Contains(t, css, "@media")
}

func TestConsoleTemplatePicker(t *testing.T) {
	f := newFixture(t, func(c *desk.Config) {
		c.Templates = map[channel.Kind][]desk.TemplateOption{channel.WhatsApp: {{Name: "follow_up", Language: "en_US", Params: 1, Preview: "Hi {{1}}"}}}
	})
	cc := newConsole(t, f)
	c := openAssigned(t, f, wa("85291230003"))
	f.clock.Advance(30 * time.Hour)
	_, page := cc.do("GET", "c/"+c.ID, nil, nil)
	assert.Contains(t, page, `id="template-form"`)
	assert.NotContains(t, page, `id="reply-form"`)
	token := csrfRE.FindStringSubmatch(page)[1]
	res, _ := cc.do("POST", "c/"+c.ID+"/reply", url.Values{"csrf": {token}, "template": {"follow_up"}, "p1": {"Ann"}}, nil)
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	assert.NotContains(t, res.Header.Get("Location"), "err=")
	sent := f.send.Sent()
	require.Len(t, sent, 1)
	assert.Equal(t, []string{"Ann"}, sent[0].Template.Params)
}

func TestMaskAddress(t *testing.T) {
	tests := []struct {
		a    channel.Address
		want string
	}{
		{wa("85291230003"), "whatsapp 852****0003"},
		{channel.Address{Channel: channel.LINE, ID: "U4af4980629abcdef"}, "line U4a****def"},
		{channel.Address{Channel: channel.WeChat, ID: "ab"}, "wechat ****"},
		{channel.Address{Channel: channel.WeChat, ID: "abcdef"}, "wechat a****f"},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, desk.MaskAddress(tc.a))
	}
}
