package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/line"
	"github.com/switchboard-go/switchboard/line/linetest"
	"github.com/switchboard-go/switchboard/messenger/messengertest"
	"github.com/switchboard-go/switchboard/wechat"
	"github.com/switchboard-go/switchboard/wechat/wechattest"
	"github.com/switchboard-go/switchboard/whatsapp"
	"github.com/switchboard-go/switchboard/whatsapp/whatsapptest"
)

// inParallel runs f(i) for i in [0, n) on n goroutines and waits.
func inParallel(n int, f func(i int)) {
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() { defer wg.Done(); f(i) }()
	}
	wg.Wait()
}

func TestEveryMessageDeliveredThreeTimesGetsOneReply(t *testing.T) {
	t.Parallel()
	h := start(t, options{})
	for _, kind := range platforms() {
		t.Run(string(kind), func(t *testing.T) {
			cs := customers(kind, 6, 10)
			for i, c := range cs {
				body, deliver := h.message(c, question(i))
				deliverTwice := func() {
					for range 2 {
						status, err := deliver(t.Context(), body)
						assert.NoError(t, err)
						assert.Equal(t, http.StatusOK, status, "a redelivery is acknowledged")
					}
				}
				if i%2 == 0 { // one after the other
					deliverTwice()
					deliverTwice()
				} else { // the same delivery three times at once
					// A copy that arrives while another is being handled is
					// not acknowledged (503: the platform retries later),
					// except on WeChat, where it waits for the outcome.
					inParallel(3, func(int) {
						status, err := deliver(t.Context(), body)
						assert.NoError(t, err)
						if kind == channel.WeChat {
							assert.Equal(t, http.StatusOK, status)
						} else {
							assert.Contains(t, []int{http.StatusOK, http.StatusServiceUnavailable}, status)
						}
					})
					status, err := deliver(t.Context(), body) // the platform's retry
					assert.NoError(t, err)
					assert.Equal(t, http.StatusOK, status, "the retry after the first outcome is acknowledged")
				}
			}
			for _, c := range cs {
				assert.Equal(t, 1, h.repliesTo(c), "customer %s", c.id)
			}
		})
	}
	assert.EqualValues(t, 4*6, h.srv.shop.Summary().Messages, "each message reaches the bot once")
}

// TestThrottlingAndServerErrors makes every platform fail one send in each
// round of ten: first a refusal before the platform saw the message
// (throttling with Retry-After), then a lost answer AFTER the platform
// accepted and recorded the message (a 500 in place of its answer), then a
// 429. Every customer gets exactly one reply. A refusal is retried; a lost
// answer is not (a retry would be a second copy on WhatsApp, Messenger and
// WeChat, which have no idempotency key): the shop is told the delivery is
// unknown, and the customer has the one copy the platform recorded. On
// LINE the middle round's answers are pushes: the retry carries the same
// X-Line-Retry-Key and LINE answers 409 instead of sending it again.
//
// The lost answers come after recording, so "none twice" fails if the
// adapter retries them; PendingFaults proves each fault was met.
func TestThrottlingAndServerErrors(t *testing.T) {
	t.Parallel()
	h := start(t, options{tune: fastRetries})
	const rounds, perRound = 3, 10 // 30 messages per platform, 3 faults
	const reply, push = "/v2/bot/message/reply", "/v2/bot/message/push"
	const wcSend = "/cgi-bin/message/custom/send"
	faults := map[channel.Kind][rounds]func(){
		channel.WhatsApp: {
			func() { h.wa.Inject(whatsapptest.Throttle(whatsapp.CodeThroughput, time.Second)) },
			func() { h.wa.Inject(whatsapptest.LostAnswer()) },
			func() { h.wa.Inject(whatsapptest.TooManyRequests(time.Second)) },
		},
		channel.Messenger: {
			func() { h.fb.Inject(messengertest.Throttle(613, time.Second)) },
			func() { h.fb.Inject(messengertest.LostAnswer()) },
			func() { h.fb.Inject(messengertest.TooManyRequests(time.Second)) },
		},
		channel.LINE: {
			func() { h.ln.Inject(linetest.Fault{Path: reply, Status: 429, RetryAfter: time.Second}) },
			func() { h.ln.Inject(linetest.Fault{Path: push, Status: 500, AfterAccept: true}) },
			func() { h.ln.Inject(linetest.Fault{Path: reply, Status: 503}) },
		},
		channel.WeChat: {
			func() { h.wc.Inject(wechattest.Fault{Path: wcSend, ErrCode: wechat.CodeAPIFrequency}) },
			func() { h.wc.Inject(wechattest.Fault{Path: wcSend, Status: 500, AfterAccept: true}) },
			func() { h.wc.Inject(wechattest.Fault{Path: wcSend, Status: 429, RetryAfter: time.Second}) },
		},
	}
	pending := map[channel.Kind]func() int{
		channel.WhatsApp: h.wa.PendingFaults, channel.Messenger: h.fb.PendingFaults,
		channel.LINE: h.ln.PendingFaults, channel.WeChat: h.wc.PendingFaults,
	}
	for _, kind := range platforms() {
		t.Run(string(kind), func(t *testing.T) {
			cs := customers(kind, rounds*perRound, 20)
			for r := range rounds {
				faults[kind][r]()
				inParallel(perRound, func(i int) {
					c := cs[r*perRound+i]
					body, deliver := h.message(c, question(i))
					if kind == channel.LINE && r == 1 {
						body, deliver = h.lineMessage(c, question(i), false)
					}
					status, err := deliver(t.Context(), body)
					assert.NoError(t, err)
					assert.Equal(t, http.StatusOK, status)
				})
				assert.Zero(t, pending[kind](), "round %d: the fault was met", r)
			}
			for _, c := range cs {
				assert.Equal(t, 1, h.repliesTo(c), "customer %s gets exactly one reply", c.id)
			}
			// The lost answer is reported, not retried: one failure, unknown.
			var unknown []error
			for _, f := range h.srv.shop.Failures() {
				if f.To.Channel == kind {
					unknown = append(unknown, f.Err)
				}
			}
			if kind == channel.LINE {
				assert.Empty(t, unknown, "the 409 confirmed the lost push")
				return
			}
			require.Len(t, unknown, 1, "the lost answer is the only failure")
			assert.ErrorIs(t, unknown[0], channel.ErrDeliveryUnknown)
			assert.False(t, channel.IsRetryable(unknown[0]))
		})
	}

	// LINE: each push carries a retry key; the retry of the lost response
	// reused it and was answered 409. Each fault on a reply was retried.
	keys := map[string][]int{}
	statuses := map[string][]int{}
	for _, r := range h.ln.Requests() {
		statuses[r.Path] = append(statuses[r.Path], r.Status)
		if r.Path == push {
			require.NotEmpty(t, r.RetryKey, "every push carries a retry key")
			keys[r.RetryKey] = append(keys[r.RetryKey], r.Status)
		} else {
			assert.Empty(t, r.RetryKey, "LINE refuses a retry key on a reply")
		}
	}
	var retried []string
	for _, s := range keys {
		if len(s) > 1 {
			retried = append(retried, fmt.Sprint(s))
		}
	}
	assert.Equal(t, []string{"[500 409]"}, retried, "the lost push was confirmed by a 409, not sent again")
	assert.Len(t, keys, perRound, "one key per pushed answer")
	assert.ElementsMatch(t, []int{429, 503}, nonOK(statuses[reply]), "each reply fault was retried")
	assert.Len(t, statuses[reply], 2*perRound+2)
}

func nonOK(statuses []int) []int {
	var out []int
	for _, s := range statuses {
		if s != http.StatusOK {
			out = append(out, s)
		}
	}
	return out
}

// TestUndeliverableRepliesSurfaceAsErrors: a reply that retries cannot
// deliver is acknowledged to the platform (a redelivery would answer twice)
// and queued in Failures with an error the shop can act on. Each case also
// checks how many requests the platform saw: a throttled send is tried
// MaxAttempts (4) times and every injected fault is met, so the test fails
// if the adapter gives up early (fewer attempts would leave faults queued
// and still surface the same error).
func TestUndeliverableRepliesSurfaceAsErrors(t *testing.T) {
	t.Parallel()
	h := start(t, options{tune: fastRetries})
	throttled, down, closed := customer{channel.WhatsApp, "85291110001"}, customer{channel.LINE, "U0000000000000000000000000000f01"},
		customer{channel.WhatsApp, "85291110002"}
	lost := customer{channel.LINE, "U0000000000000000000000000000f02"}
	const reply = "/v2/bot/message/reply"
	waSends := func() int { return countPath(h.wa.Requests(), "/messages") }
	lnReplies := func() int {
		n := 0
		for _, r := range h.ln.Requests() {
			if r.Path == reply {
				n++
			}
		}
		return n
	}
	cases := []struct {
		name      string
		c         customer
		fail      func()
		is        error
		retryable bool
		delivered int // what the customer received all the same
		requests  func() int
		attempts  int // requests the platform saw for the reply
		pending   func() int
	}{
		{"throttled on every attempt", throttled, func() {
			h.wa.Inject(whatsapptest.Fault{Status: http.StatusBadRequest, Code: whatsapp.CodeThroughput, Times: 4}) // MaxAttempts
		}, channel.ErrRateLimited, true, 0, waSends, 4, h.wa.PendingFaults},
		// 503 on every attempt: each may have been accepted before its
		// answer was lost; the reply token makes the retries safe, but the
		// outcome stays unknown.
		{"LINE down on every attempt", down, func() {
			h.ln.Inject(linetest.Fault{Path: reply, Status: 503, Times: 4})
		}, channel.ErrDeliveryUnknown, false, 0, lnReplies, 4, h.ln.PendingFaults},
		{"window closed", closed, func() { h.wa.Inject(whatsapptest.WindowClosed()) }, channel.ErrWindowClosed, false, 0,
			waSends, 1, h.wa.PendingFaults},
		// The reply was sent but its answer lost; the retry finds the
		// single-use token used. The adapter does not push (that could be a
		// second copy): the customer has one answer, the shop is told the
		// outcome is unknown.
		{"LINE reply answer lost", lost, func() {
			h.ln.Inject(linetest.Fault{Path: reply, Status: 500, AfterAccept: true})
		}, line.ErrDeliveryUnknown, false, 1, lnReplies, 2, h.ln.PendingFaults},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := tc.requests()
			tc.fail()
			body, deliver := h.message(tc.c, "what payment methods do you accept?")
			status, err := deliver(t.Context(), body)
			require.NoError(t, err)
			assert.Equal(t, http.StatusOK, status, "the webhook is acknowledged")
			assert.Equal(t, tc.attempts, tc.requests()-before, "requests the platform saw")
			assert.Zero(t, tc.pending(), "every injected fault was met")
			status, err = deliver(t.Context(), body) // the platform redelivers anyway
			require.NoError(t, err)
			assert.Equal(t, http.StatusOK, status)
			assert.Equal(t, tc.delivered, h.repliesTo(tc.c))

			var f *struct{ err error }
			for _, x := range h.srv.shop.Failures() {
				if x.To == (channel.Address{Channel: tc.c.kind, ID: tc.c.id}) {
					require.Nil(t, f, "one failure per undelivered reply")
					f = &struct{ err error }{x.Err}
					assert.Equal(t, "payment.methods", x.Key)
				}
			}
			require.NotNil(t, f, "the failure is queued")
			require.Error(t, f.err)
			assert.ErrorIs(t, f.err, tc.is)
			assert.Equal(t, tc.retryable, channel.IsRetryable(f.err), "%v", f.err)
			if tc.c == down {
				var apiErr *line.APIError
				require.ErrorAs(t, f.err, &apiErr)
				assert.Equal(t, http.StatusServiceUnavailable, apiErr.StatusCode)
			}
		})
	}
	assert.EqualValues(t, len(cases), h.srv.shop.Summary().SendFailures)
	assert.EqualValues(t, len(cases), h.srv.shop.Summary().Messages, "redeliveries were not handled again")
}

// countPath counts the requests whose path ends with suffix.
func countPath(reqs []whatsapptest.Request, suffix string) int {
	n := 0
	for _, r := range reqs {
		if strings.HasSuffix(r.Path, suffix) {
			n++
		}
	}
	return n
}

// billionLaughs is the classic entity-expansion bomb.
const billionLaughs = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol9 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
]>
<xml><ToUserName><![CDATA[gh_fake]]></ToUserName><FromUserName><![CDATA[oBomb]]></FromUserName>
<CreateTime>1700000000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content>&lol9;</Content><MsgId>1</MsgId></xml>`

// TestRejectsBadInput sends each kind of bad request to the routes: each is
// refused with its status, the bot sees nothing, and the server still
// answers a good message afterwards.
func TestRejectsBadInput(t *testing.T) {
	t.Parallel()
	h := start(t, options{})
	waSecret, fbSecret, lnSecret := h.wa.Config().AppSecret, h.fb.Config().AppSecret, h.ln.ChannelSecret()
	big := bytes.Repeat([]byte("x"), 10<<20)
	waGood, _ := h.wa.MessageWebhook(whatsapptest.Inbound{From: "85291119999", Text: "refund please"})
	fbGood, _ := h.fb.MessageWebhook(messengertest.Inbound{PSID: "7100000000009999", Text: "refund please"})
	lnGood, _ := h.ln.WebhookBody(h.ln.TextEvent("U0000000000000000000000000000e99", "refund please"))
	badUTF8 := func(b []byte) []byte {
		return bytes.Replace(b, []byte("refund please"), []byte("refund \xff\xfe please"), 1)
	}
	meta := func(path, secret string, body []byte) func(context.Context) (int, error) {
		return func(ctx context.Context) (int, error) {
			return h.post(ctx, path, body, http.Header{"X-Hub-Signature-256": {metaSign(secret, body)}})
		}
	}
	ln := func(secret string, body []byte) func(context.Context) (int, error) {
		return func(ctx context.Context) (int, error) {
			return h.post(ctx, "/webhooks/line", body, http.Header{"X-Line-Signature": {linetest.Sign(secret, body)}})
		}
	}
	wc := func(msg []byte, tamper func(*http.Request)) func(context.Context) (int, error) {
		return func(ctx context.Context) (int, error) {
			r := h.wc.NewRequest(msg)
			if tamper != nil {
				tamper(r)
			}
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.url+r.URL.RequestURI(), r.Body)
			if err != nil {
				return 0, err
			}
			req.Header.Set("Content-Type", "text/xml")
			return h.do(req)
		}
	}
	wcGood := h.wc.Text("oUpF8uMuAJO_M2pxb1Q9zBadInput", "refund please")
	cases := []struct {
		name string
		send func(context.Context) (int, error)
		want int
	}{
		{"whatsapp forged signature", meta("/webhooks/whatsapp", "forged", waGood), http.StatusUnauthorized},
		{"whatsapp no signature", func(ctx context.Context) (int, error) {
			return h.post(ctx, "/webhooks/whatsapp", waGood, nil)
		}, http.StatusUnauthorized},
		{"whatsapp truncated body", meta("/webhooks/whatsapp", waSecret, waGood[:len(waGood)/2]), http.StatusBadRequest},
		{"whatsapp 10 MB body", meta("/webhooks/whatsapp", waSecret, big), http.StatusRequestEntityTooLarge},
		{"whatsapp invalid UTF-8", meta("/webhooks/whatsapp", waSecret, badUTF8(waGood)), http.StatusBadRequest},
		{"messenger forged signature", meta("/webhooks/messenger", "forged", fbGood), http.StatusUnauthorized},
		{"messenger truncated body", meta("/webhooks/messenger", fbSecret, fbGood[:len(fbGood)/2]), http.StatusBadRequest},
		{"messenger 10 MB body", meta("/webhooks/messenger", fbSecret, big), http.StatusRequestEntityTooLarge},
		{"messenger invalid UTF-8", meta("/webhooks/messenger", fbSecret, badUTF8(fbGood)), http.StatusBadRequest},
		{"line forged signature", ln("forged", lnGood), http.StatusUnauthorized},
		{"line truncated body", ln(lnSecret, lnGood[:len(lnGood)/2]), http.StatusBadRequest},
		{"line 10 MB body", ln(lnSecret, big), http.StatusRequestEntityTooLarge},
		{"line invalid UTF-8", ln(lnSecret, badUTF8(lnGood)), http.StatusBadRequest},
		{"wechat forged signature", wc(wcGood, func(r *http.Request) {
			q := r.URL.Query()
			q.Set("msg_signature", strings.Repeat("0", 40))
			r.URL.RawQuery = q.Encode()
		}), http.StatusUnauthorized},
		{"wechat truncated body", wc(wcGood[:len(wcGood)/2], nil), http.StatusBadRequest},
		{"wechat 10 MB body", wc(wcGood, func(r *http.Request) {
			r.Body = io.NopCloser(bytes.NewReader(big)) // signed query, huge envelope
		}), http.StatusRequestEntityTooLarge},
		{"wechat invalid UTF-8", wc(badUTF8(wcGood), nil), http.StatusBadRequest},
		{"wechat billion laughs", wc([]byte(billionLaughs), nil), http.StatusBadRequest},
		{"line body shorter than its Content-Length", func(ctx context.Context) (int, error) {
			return h.shortBody(ctx, "/webhooks/line", lnGood, linetest.Sign(lnSecret, lnGood))
		}, http.StatusBadRequest},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := h.messages()
			status, err := tc.send(t.Context())
			require.NoError(t, err)
			assert.Equal(t, tc.want, status)
			assert.Equal(t, before, h.messages(), "nothing reached the bot")
		})
	}
	// The server is still up: a good message on every route is answered.
	for _, kind := range platforms() {
		c := customers(kind, 1, 30)[0]
		status, err := h.says(t.Context(), c, "refund please")
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, status, "%s after the bad input", kind)
		assert.Equal(t, 1, h.repliesTo(c))
	}
}

// shortBody writes a request whose body stops halfway through its
// Content-Length and closes the writing side, as a client that died mid-way.
func (h *harness) shortBody(ctx context.Context, path string, body []byte, sig string) (int, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", strings.TrimPrefix(h.url, "http://"))
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
	fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-Line-Signature: %s\r\nContent-Length: %d\r\n\r\n",
		path, sig, len(body))
	if _, err := conn.Write(body[:len(body)/2]); err != nil {
		return 0, err
	}
	if err := conn.(*net.TCPConn).CloseWrite(); err != nil {
		return 0, err
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, nil
}
