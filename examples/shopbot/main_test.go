package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDemo runs the README's main command and checks the story it tells.
func TestDemo(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), nil, &out))
	got := out.String()
	for _, want := range []string{
		// Where is my parcel: a question, then the carrier's status with the
		// time it was last updated, in the shop's time zone.
		"Could you send me your order number?",
		"Order 48213957 is with DHL (tracking number 1234567890).",
		"Last updated: Nov 23, 2026, 7:00 AM",
		// Spanish, Thai and Chinese customers are answered in their language.
		"Plazos de entrega estimados",
		"ภายใน 30 วัน",
		"订单 50731846 由 DHL 承运",
		// A repeated question goes to a person.
		"Te paso con una persona de nuestro equipo.",
		// The second number is found as a possible duplicate: the same
		// name and nothing else, so a person decides.
		"identity: profile",
		"(name_only, evidence name): queued for review, not merged",
		// The person taking over sees the customer card, masked.
		"customer card (masked): L**** G**** · tier Gold · language es",
		"tags: tier:gold, repeat-buyer, priority",
		"thread: 6 messages (messenger)",
		// Stalled parcels: a template outside the window, text inside it.
		"[approved template parcel_no_update]",
		"told the customer (whatsapp, as template)",
		"told the customer (wechat, as text)",
		"== Summary",
	} {
		assert.Contains(t, got, want)
	}
	assert.Contains(t, got, "hand-offs to a person        1")
	assert.NotContains(t, got, "identity: merged profile", "no automatic merge on a name alone")
	assert.Contains(t, got, "undelivered replies          0")
	assert.NotContains(t, got, "{{", "no template placeholder reaches a customer")
	assert.NotContains(t, got, "<no value>")
}

func TestCrowd(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), []string{"-scenario", "crowd", "-customers", "24"}, &out))
	got := out.String()
	assert.Contains(t, got, "messages                     48")
	assert.NotContains(t, got, " > ", "the crowd prints only the summary")
	assert.Contains(t, got, "undelivered replies          0")
}

func TestBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-scenario", "nope"},
		{"-scenario", "crowd", "-customers", "0"},
		{"-no-such-flag"},
	} {
		var out bytes.Buffer
		assert.Error(t, run(context.Background(), args, &out), strings.Join(args, " "))
	}
}

// TestLINERepliesAreFree: answers to LINE messages use the webhook's reply
// token (free), never a push (counted against the monthly quota).
func TestLINERepliesAreFree(t *testing.T) {
	w, err := newWorld(io.Discard, true)
	require.NoError(t, err)
	defer w.close()
	require.NoError(t, demo(context.Background(), w))
	sent := w.ln.Sent()
	require.NotEmpty(t, sent)
	for _, s := range sent {
		assert.Equal(t, "reply", s.Kind)
	}
	assert.Zero(t, w.ln.Usage(), "no quota spent")
}
