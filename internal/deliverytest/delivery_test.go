package deliverytest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/line"
	"github.com/switchboard-go/switchboard/line/linetest"
	"github.com/switchboard-go/switchboard/messenger"
	"github.com/switchboard-go/switchboard/messenger/messengertest"
	"github.com/switchboard-go/switchboard/wechat"
	"github.com/switchboard-go/switchboard/wechat/wechattest"
	"github.com/switchboard-go/switchboard/whatsapp"
	"github.com/switchboard-go/switchboard/whatsapp/whatsapptest"
)

// clientTimeout is the per-attempt timeout of every client here, long
// enough for a loaded CI machine; a slow fault answers after slowDelay, well
// past it (the fake stops waiting as soon as the client gives up).
const (
	clientTimeout = 2 * time.Second
	slowDelay     = 30 * time.Second
	runs          = 3 // sends per fault and adapter
)

// kind is what a fault does.
type kind int

const (
	refused   kind = iota // the connection is refused (nothing sent)
	dnsFail               // the host name does not resolve (nothing sent)
	tooMany               // HTTP 429 before acceptance
	throttle              // the platform's throttling code before acceptance
	status500             // HTTP 500
	reset                 // the connection is closed without an answer
	slow                  // the answer comes after the client gave up
)

// fault is one row of the matrix.
type fault struct {
	name  string
	kind  kind
	after bool // the platform accepted and recorded the message first
}

// wire returns what f does on the wire in the fields every fake's Fault
// shares: the status of a 429 or a 500, a reset, a delay. A throttle is
// left to the caller: each platform throttles in its own way.
func (f fault) wire() (status int, closed bool, delay time.Duration) {
	switch f.kind {
	case tooMany:
		status = http.StatusTooManyRequests
	case status500:
		status = http.StatusInternalServerError
	case reset:
		closed = true
	case slow:
		delay = slowDelay
	}
	return status, closed, delay
}

// certain reports whether the client can tell the platform did not take
// the message (so the adapter retries it at once).
func (f fault) certain() bool { return !f.after && f.kind <= throttle }

var faults = []fault{
	{"refused connection", refused, false},
	{"dns failure", dnsFail, false},
	{"429 before recording", tooMany, false},
	{"throttling code before recording", throttle, false},
	{"500 before recording", status500, false},
	{"reset before recording", reset, false},
	{"slow before recording", slow, false},
	{"500 after recording", status500, true},
	{"reset after recording", reset, true},
	{"slow after recording", slow, true},
}

// dialer makes the next dial fail for real: refused (a closed local port)
// or a DNS failure (a resolver whose server cannot be reached). It keeps no
// idle connections, so every request dials.
type dialer struct {
	closedAddr string
	next       atomic.Int32 // kind+1 of the next dial's failure, 0: none
}

func newDialer(t *testing.T) *dialer {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return &dialer{closedAddr: addr}
}

func (d *dialer) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	var nd net.Dialer
	switch kind(d.next.Swap(0) - 1) {
	case refused:
		return nd.DialContext(ctx, network, d.closedAddr)
	case dnsFail:
		r := &net.Resolver{PreferGo: true, Dial: func(context.Context, string, string) (net.Conn, error) {
			return nil, errors.New("dns server unreachable")
		}}
		if _, err := r.LookupHost(ctx, "api.platform.invalid"); err != nil {
			return nil, err
		}
		return nil, errors.New("api.platform.invalid resolved")
	}
	return nd.DialContext(ctx, network, addr)
}

func (d *dialer) client() *http.Client {
	return &http.Client{Timeout: clientTimeout, Transport: &http.Transport{DialContext: d.dial, DisableKeepAlives: true}}
}

// platform is one adapter and its fake, behind one face.
// sendText is a platform's send: one text message to to through c.
func sendText(c channel.Sender, to channel.Address) func(context.Context, string) error {
	return func(ctx context.Context, text string) error {
		_, err := c.Send(ctx, &channel.Message{To: to, Text: text})
		return err
	}
}

// count returns how many of items match.
func count[T any](items []T, match func(T) bool) (n int) {
	for _, it := range items {
		if match(it) {
			n++
		}
	}
	return n
}

type platform struct {
	send      func(ctx context.Context, text string) error
	delivered func(text string) int // how many times the fake recorded text
	inject    func(f fault)         // for the HTTP faults
	warm      func(ctx context.Context) error
}

func whatsappPlatform(t *testing.T, hc *http.Client) platform {
	srv := whatsapptest.NewServer(whatsapptest.Config{})
	t.Cleanup(srv.Close)
	cfg := srv.ClientConfig()
	cfg.HTTPClient, cfg.Retry.MaxAttempts = hc, 3
	c, err := whatsapp.New(cfg)
	require.NoError(t, err)
	to := channel.Address{Channel: channel.WhatsApp, ID: "85291110003"}
	return platform{
		send: sendText(c, to),
		delivered: func(text string) int {
			return count(srv.Sent(), func(s whatsapptest.Sent) bool { return s.Text == text })
		},
		inject: func(f fault) {
			srv.Inject(metaFault(f, whatsapp.CodeThroughput))
		},
	}
}

func messengerPlatform(t *testing.T, hc *http.Client) platform {
	srv := messengertest.NewServer(messengertest.Config{})
	t.Cleanup(srv.Close)
	cfg := srv.ClientConfig()
	cfg.HTTPClient, cfg.Retry.MaxAttempts = hc, 3
	cfg.Retry.MinBackoff, cfg.Retry.MaxBackoff = time.Millisecond, 10*time.Millisecond
	c, err := messenger.New(cfg)
	require.NoError(t, err)
	to := channel.Address{Channel: channel.Messenger, ID: "6789012345678901"}
	return platform{
		send: sendText(c, to),
		delivered: func(text string) int {
			return count(srv.Sent(), func(s messengertest.Sent) bool { return s.Text == text })
		},
		inject: func(f fault) {
			srv.Inject(metaFault(f, messenger.CodeRateLimit))
		},
	}
}

// metaFault maps a row onto a Graph fault (both Meta fakes share the type).
func metaFault(f fault, throttleCode int) whatsapptest.Fault {
	mf := whatsapptest.Fault{Path: "/messages", AfterAccept: f.after}
	mf.Status, mf.Reset, mf.Delay = f.wire()
	switch f.kind {
	case tooMany:
		mf.Code = 4
	case throttle:
		mf.Status, mf.Code = http.StatusBadRequest, throttleCode
	case status500:
		mf.Code = 1
	}
	return mf
}

func linePlatform(t *testing.T, hc *http.Client, reply bool) platform {
	srv := linetest.NewServer(linetest.Config{})
	t.Cleanup(srv.Close)
	c, err := line.New(line.Config{
		ChannelAccessToken: srv.AccessToken(), ChannelSecret: srv.ChannelSecret(),
		BaseURL: srv.URL, DataBaseURL: srv.URL, HTTPClient: hc,
		Retry: channel.Retry{MaxAttempts: 3, MinBackoff: time.Millisecond, MaxBackoff: 10 * time.Millisecond},
	})
	require.NoError(t, err)
	const user = "U00000000000000000000000000000d01"
	path := "/v2/bot/message/push"
	if reply {
		path = "/v2/bot/message/reply"
	}
	return platform{
		send: func(ctx context.Context, text string) error {
			m := &channel.Message{To: channel.Address{Channel: channel.LINE, ID: user}, Text: text}
			if reply {
				m.ReplyToken, m.NoPush = srv.TextEvent(user, "hi").ReplyToken, true
			}
			_, err := c.Send(ctx, m)
			return err
		},
		delivered: func(text string) (n int) {
			for _, s := range srv.Sent() {
				for _, m := range s.Messages {
					if m.Text == text {
						n++
					}
				}
			}
			return n
		},
		inject: func(f fault) {
			lf := linetest.Fault{Path: path, AfterAccept: f.after}
			lf.Status, lf.Reset, lf.Delay = f.wire()
			if f.kind == throttle { // LINE throttles with 429 only
				lf.Status = http.StatusTooManyRequests
			}
			srv.Inject(lf)
		},
	}
}

func wechatPlatform(t *testing.T, hc *http.Client) platform {
	srv := wechattest.NewServer(wechattest.Config{})
	t.Cleanup(srv.Close)
	cfg := srv.Config()
	cfg.HTTPClient, cfg.Retry.MaxAttempts = hc, 3
	cfg.Retry.MinBackoff, cfg.Retry.MaxBackoff = time.Millisecond, 10*time.Millisecond
	c, err := wechat.New(cfg)
	require.NoError(t, err)
	to := channel.Address{Channel: channel.WeChat, ID: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"}
	return platform{
		send: sendText(c, to),
		delivered: func(text string) int {
			return count(srv.Sent(), func(s wechattest.Sent) bool { return s.Text == text })
		},
		inject: func(f fault) {
			wf := wechattest.Fault{Path: "/cgi-bin/message/custom/send", AfterAccept: f.after}
			wf.Status, wf.Reset, wf.Delay = f.wire()
			if f.kind == throttle {
				wf.ErrCode = wechat.CodeAPIFrequency
			}
			srv.Inject(wf)
		},
		// The token is fetched first, so the send's own dial meets the fault.
		warm: func(ctx context.Context) error {
			_, err := c.AccessToken(ctx)
			return err
		},
	}
}

// adapter is one row group. settles reports whether the adapter ends the
// fault with a delivered message and no error on its own: always for a
// certain refusal; for any fault on a LINE push (its X-Line-Retry-Key makes
// a retry safe and a 409 confirms an earlier acceptance); for a fault
// before recording on a LINE reply (the retry reuses the single-use token;
// after recording the retry meets "Invalid reply token": unknown).
type adapter struct {
	name    string
	new     func(t *testing.T, hc *http.Client) platform
	settles func(f fault) bool
}

var adapters = []adapter{
	{"whatsapp", whatsappPlatform, fault.certain},
	{"messenger", messengerPlatform, fault.certain},
	{"line push", func(t *testing.T, hc *http.Client) platform { return linePlatform(t, hc, false) },
		func(fault) bool { return true }},
	{"line reply", func(t *testing.T, hc *http.Client) platform { return linePlatform(t, hc, true) },
		func(f fault) bool { return !f.after }},
	{"wechat", wechatPlatform, fault.certain},
}

// TestNoSendDeliveredTwice runs every fault against every adapter, runs
// times each, and checks:
//
//   - duplicates: the fake never records a message twice;
//   - a fault the client can tell happened before the platform saw the
//     request (refused, DNS, 429, throttling) is retried by the adapter and
//     the message is delivered exactly once with no error;
//   - every other fault either ends delivered once with no error (LINE,
//     whose retry key and single-use reply token make a retry safe, see
//     adapter.settles) or returns channel.ErrDeliveryUnknown without a
//     blind resend; the fake then
//     holds the message once (after recording) or not at all (before), and
//     a caller who reconciles (resends only what the platform does not
//     have) ends with exactly one delivery.
//
// It logs one line per cell: "duplicates 0/N, delivered-once N/N".
func TestNoSendDeliveredTwice(t *testing.T) {
	t.Parallel()
	for _, a := range adapters {
		t.Run(a.name, func(t *testing.T) {
			t.Parallel()
			d := newDialer(t)
			p := a.new(t, d.client())
			if p.warm != nil {
				require.NoError(t, p.warm(t.Context()))
			}
			for _, f := range faults {
				t.Run(f.name, func(t *testing.T) {
					dups, once, unknown, retriedOK := 0, 0, 0, 0
					for i := range runs {
						text := fmt.Sprintf("%s %s #%d", a.name, f.name, i)
						switch f.kind {
						case refused, dnsFail:
							d.next.Store(int32(f.kind) + 1)
						default:
							p.inject(f)
						}
						err := p.send(t.Context(), text)
						got := p.delivered(text)
						switch {
						case err == nil:
							retriedOK++
							assert.Equal(t, 1, got, "no error: delivered exactly once")
						case errors.Is(err, channel.ErrDeliveryUnknown):
							unknown++
							assert.False(t, channel.IsRetryable(err), "an unknown outcome is not blindly retryable")
							var de *channel.DeliveryError
							require.ErrorAs(t, err, &de)
							assert.Equal(t, text, de.Message.Text, "the error names the message")
							assert.False(t, de.Attempted.IsZero())
							if got == 0 { // reconcile: the platform does not have it
								require.NoError(t, p.send(t.Context(), text))
								got = p.delivered(text)
							}
						default:
							t.Errorf("run %d: unexpected error: %v", i, err)
						}
						if got > 1 {
							dups++
						}
						if got == 1 {
							once++
						}
						if a.settles(f) {
							assert.NoError(t, err, "run %d: the adapter retries this itself", i)
						} else {
							assert.ErrorIs(t, err, channel.ErrDeliveryUnknown, "run %d: ambiguous, not retried", i)
						}
					}
					assert.Zero(t, dups, "duplicates")
					assert.Equal(t, runs, once, "delivered once")
					t.Logf("%-10s %-34s duplicates %d/%d, delivered-once %d/%d (adapter retried to success %d, unknown then reconciled %d)",
						a.name, f.name, dups, runs, once, runs, retriedOK, unknown)
				})
			}
		})
	}
}

// TestDialFailureIsUnsent: a refused connection never reaches a fake, so
// the fake records no request for it.
func TestDialFailureIsUnsent(t *testing.T) {
	t.Parallel()
	d := newDialer(t)
	srv := whatsapptest.NewServer(whatsapptest.Config{})
	defer srv.Close()
	cfg := srv.ClientConfig()
	cfg.HTTPClient, cfg.Retry.MaxAttempts = d.client(), 1
	c, err := whatsapp.New(cfg)
	require.NoError(t, err)
	d.next.Store(int32(refused) + 1)
	_, err = c.Send(t.Context(), &channel.Message{To: channel.Address{Channel: channel.WhatsApp, ID: "85291110003"}, Text: "x"})
	require.Error(t, err)
	assert.NotErrorIs(t, err, channel.ErrDeliveryUnknown, "a refused connection is certainly not delivered")
	assert.True(t, strings.Contains(err.Error(), "refused"), "%v", err)
	assert.Empty(t, srv.Requests())
}
