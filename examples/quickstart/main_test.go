package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/language"

	"github.com/switchboard-go/switchboard/autoreply/catalog"
	"github.com/switchboard-go/switchboard/whatsapp/whatsapptest"
)

const dataDir = "../shopbot/data"

// TestQuickstart runs the program's handler behind a real HTTP server and
// delivers signed webhooks from the fake WhatsApp platform, which records
// the replies.
func TestQuickstart(t *testing.T) {
	t.Parallel()
	replies := loadReplies(t)
	tests := []struct {
		name string
		text string
		key  string // the reply the customer must get
		lang language.Tag
	}{
		{"a question in Spanish gets the Spanish answer", "Hola, quiero devolver unas zapatillas", "returns.policy", language.Spanish},
		{"a question in English", "can I exchange the jacket for another colour", "returns.policy", language.English},
		{"asking for a person hands off with a reply, not a 500", "I want to talk to a human please", "handoff.agent", language.English},
		{"an order status the shop cannot look up goes to a person", "where is my order #100234", "handoff.agent", language.English},
		{"anything else gets the fallback", "zxqv", "fallback.unknown", language.English},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			wa := whatsapptest.NewServer(whatsapptest.Config{})
			t.Cleanup(wa.Close)
			h, err := newServer(wa.ClientConfig(), dataDir)
			require.NoError(t, err)
			web := httptest.NewServer(h)
			t.Cleanup(web.Close)

			body, _ := wa.MessageWebhook(whatsapptest.Inbound{From: "85291230003", Name: "Ana", Text: tt.text})
			status, err := wa.DeliverURL(context.Background(), web.URL+"/webhooks/whatsapp", web.Client(), body)
			require.NoError(t, err)
			assert.Equal(t, http.StatusOK, status)

			want, _, err := replies.Render(tt.key, []language.Tag{tt.lang}, nil)
			require.NoError(t, err)
			sent := wa.Sent()
			require.Len(t, sent, 1)
			assert.Equal(t, "85291230003", sent[0].To)
			assert.Equal(t, want, sent[0].Text)
		})
	}
}

func TestQuickstartFailsEarly(t *testing.T) {
	t.Parallel()
	wa := whatsapptest.NewServer(whatsapptest.Config{})
	t.Cleanup(wa.Close)
	cfg := wa.ClientConfig()
	cfg.AccessToken = ""
	_, err := newServer(cfg, dataDir)
	require.Error(t, err, "missing credentials")
	_, err = newServer(wa.ClientConfig(), t.TempDir())
	require.ErrorIs(t, err, os.ErrNotExist)
}

// TestREADMEShowsTheProgram keeps the README's quick start identical to
// main.go.
func TestREADMEShowsTheProgram(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	prog, err := os.ReadFile("main.go")
	require.NoError(t, err)
	_, section, ok := strings.Cut(string(readme), "\n## Quick start\n")
	require.True(t, ok, "README has a Quick start section")
	_, block, ok := strings.Cut(section, "```go\n")
	require.True(t, ok, "the section opens a ```go block")
	block, _, ok = strings.Cut(block, "```\n")
	require.True(t, ok, "the block is closed")
	assert.Equal(t, string(prog), block, "README quick start differs from examples/quickstart/main.go")
}

func loadReplies(t *testing.T) *catalog.Catalog {
	t.Helper()
	f, err := os.Open(dataDir + "/replies.json")
	require.NoError(t, err)
	defer f.Close()
	c, err := catalog.Load(f)
	require.NoError(t, err)
	return c
}
