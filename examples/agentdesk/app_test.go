package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/desk"
	"github.com/switchboard-go/switchboard/whatsapp/whatsapptest"
)

// TestAgentAnswers: the bot answers an FAQ in Spanish itself, hands the
// customer who asks for a person to the desk, and an agent's reply posted
// through the console reaches the fake WhatsApp.
func TestAgentAnswers(t *testing.T) {
	ctx := context.Background()
	a, err := newApp(slog.New(slog.DiscardHandler), desk.NewMemoryStore())
	require.NoError(t, err)
	defer a.close()
	h, err := a.handler()
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	defer srv.Close()
	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() { _ = a.desk.Run(rctx) }()

	say := func(text string) {
		body, _ := a.wa.MessageWebhook(whatsapptest.Inbound{From: "34611222333", Name: "Lucía", Text: text})
		status, err := a.wa.Deliver(ctx, a.waHook, body)
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, status)
	}
	say("Hola, quiero un reembolso")
	sent := a.wa.Sent()
	require.Len(t, sent, 1)
	assert.Contains(t, sent[0].Text, "reembolso", "the bot answers in Spanish")

	say("El producto llegó roto, necesito un operador")
	q, err := a.desk.Queue(ctx)
	require.NoError(t, err)
	require.Len(t, q, 1, "handed off")
	assert.Equal(t, "es", q[0].Language)

	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 5 * time.Second}
	res, err := c.PostForm(srv.URL+"/", url.Values{"agent": {"ann"}})
	require.NoError(t, err)
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	token := regexp.MustCompile(`name="csrf" value="([0-9a-f]+)"`).FindSubmatch(page)
	require.NotNil(t, token)
	res, err = c.PostForm(srv.URL+"/desk/online", url.Values{"csrf": {string(token[1])}, "online": {"1"}})
	require.NoError(t, err)
	res.Body.Close()
	require.Eventually(t, func() bool {
		mine, err := a.desk.Mine(ctx, "ann")
		return err == nil && len(mine) == 1
	}, 2*time.Second, 10*time.Millisecond, "ann (Spanish) gets it as she comes online")

	res, err = c.PostForm(srv.URL+"/desk/c/"+q[0].ID+"/reply", url.Values{"csrf": {string(token[1])}, "text": {"Lo siento, te enviamos otro hoy."}})
	require.NoError(t, err)
	res.Body.Close()
	assert.NotContains(t, res.Request.URL.RawQuery, "err=")
	sent = a.wa.Sent()
	assert.Equal(t, "Lo siento, te enviamos otro hoy.", sent[len(sent)-1].Text)
}
