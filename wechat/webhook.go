package wechat

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/internal/inbound"
)

// Webhook returns the http.Handler to mount at the account's server URL
// (服务器地址). It follows WeChat's access guide (接入指南) and message
// encryption guide:
//
//   - GET is the verification handshake: signature = hex SHA-1 of the sorted
//     token, timestamp and nonce. A match echoes echostr; anything else is 401.
//   - POST carries one message or event. The body is capped
//     (Config.MaxBodyBytes, 413 beyond), the query signature is checked in
//     constant time before the body is looked at, and a timestamp further
//     than Config.ReplayTolerance from now is refused (401): h is not called.
//     In safe mode (encrypt_type=aes) the msg_signature over token,
//     timestamp, nonce and the Encrypt element is checked too, the payload
//     decrypted and its AppID compared with Config.AppID (401 on any
//     failure). A Client with an EncodingAESKey refuses plaintext requests
//     (401): their body is not covered by any signature.
//   - The XML is parsed (400 if it is not a WeChat message; DTDs, entities
//     and deep nesting are refused), normalized with Incoming.ChannelEvent,
//     deduplicated on its ID with channel.Dedupe (WeChat redelivers a message
//     it got no answer for within 5 s, three times) and passed to h.
//   - A redelivery that arrives while the first delivery is still being
//     handled waits up to Config.DedupeWait (4 s) for its outcome: if the
//     first succeeded it answers "success" (the passive reply, if any, went
//     with the first answer), if it failed the redelivery is handled now.
//     Still in flight after the wait, or a Config.Dedupe store that does not
//     answer: 503 and h is not called, so WeChat retries; a message is never
//     acknowledged unhandled.
//   - h returning an error answers 500, so WeChat redelivers. Otherwise the
//     answer is "success", or the passive reply h set with Reply: XML, and
//     in safe mode encrypted and signed.
//   - Every answer but 200 is logged to Config.Logger.
//
// WeChat waits 5 s for the answer. A handler that needs longer should not
// block: hand the event to a worker (with context.WithoutCancel(ctx) or its
// own context), return nil, and answer later with Client.Send, which works for
// 48 h after the customer's message.
//
// The handler is safe for concurrent use if h is.
func (c *Client) Webhook(h channel.Handler) http.Handler {
	if h == nil {
		h = channel.HandlerFunc(func(context.Context, channel.Event) error { return nil })
	}
	wait := c.cfg.DedupeWait
	if wait == 0 {
		wait = DefaultDedupeWait
	}
	log := inbound.Log{Logger: c.cfg.Logger, Channel: channel.WeChat}
	return &webhook{
		c: c,
		h: channel.Dedupe(h, channel.DedupeConfig{Store: c.cfg.Dedupe, Clock: c.cfg.Clock, Wait: max(wait, 0),
			OnError: log.DedupeError}),
		log: log,
	}
}

type webhook struct {
	c   *Client
	h   channel.Handler
	log inbound.Log
}

func (wh *webhook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		wh.handshake(w, r)
	case http.MethodPost:
		wh.message(w, r)
	default:
		w.Header().Set("Allow", "GET, POST")
		wh.log.Refused(r.Context(), w, http.StatusMethodNotAllowed, "method not allowed", nil)
	}
}

func (wh *webhook) handshake(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if err := wh.c.verifyQuery(q.Get("signature"), q.Get("timestamp"), q.Get("nonce")); err != nil {
		wh.log.Refused(r.Context(), w, http.StatusUnauthorized, "unauthorized", err)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write([]byte(q.Get("echostr")))
}

func (wh *webhook) message(w http.ResponseWriter, r *http.Request) {
	body, status, err := inbound.ReadBody(w, r, wh.c.cfg.MaxBodyBytes)
	if err != nil {
		wh.log.Refused(r.Context(), w, status, "cannot read body", err)
		return
	}
	q := r.URL.Query()
	in, raw, status, err := wh.c.authenticate(q.Get("signature"), q.Get("msg_signature"), q.Get("timestamp"),
		q.Get("nonce"), q.Get("encrypt_type"), body)
	if err != nil {
		wh.log.Refused(r.Context(), w, status, http.StatusText(status), err)
		return
	}
	e, err := in.ChannelEvent(raw)
	if err != nil {
		wh.log.Refused(r.Context(), w, http.StatusBadRequest, "bad request", err)
		return
	}
	slot := &replySlot{open: true}
	ctx := context.WithValue(r.Context(), replyKey{}, slot)
	err = wh.h.HandleEvent(ctx, e)
	slot.mu.Lock()
	slot.open = false
	reply, hasReply := slot.text, slot.set
	slot.mu.Unlock()
	if err != nil {
		status := inbound.Status(err)
		wh.log.Failed(r.Context(), status, e, err)
		http.Error(w, http.StatusText(status), status)
		return
	}
	if !hasReply {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("success"))
		return
	}
	now := wh.c.now()
	out := textReplyXML(in.FromUserName, in.ToUserName, now, reply)
	if wh.c.box != nil {
		ts, n := strconv.FormatInt(now.Unix(), 10), nonce()
		enc := wh.c.box.seal(out)
		out = encryptedReplyXML(enc, signature(wh.c.cfg.Token, ts, n, enc), ts, n)
	}
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	_, _ = w.Write(out)
}

// authenticate checks and decodes one webhook POST from the query's
// signature, msg_signature, timestamp, nonce and encrypt_type and the raw
// body. It returns the parsed message, its XML (decrypted in safe mode) and,
// on failure, the HTTP status to answer (401 for authentication, 400 for a
// malformed body) with an error wrapping ErrBadSignature, ErrStale,
// ErrBadCiphertext, ErrBadAppID or ErrBadXML.
func (c *Client) authenticate(sig, msgSig, timestamp, nonce, encryptType string, body []byte) (Incoming, []byte, int, error) {
	if err := c.verifyQuery(sig, timestamp, nonce); err != nil {
		return Incoming{}, nil, http.StatusUnauthorized, err
	}
	switch {
	case encryptType == "aes" && c.box == nil:
		return Incoming{}, nil, http.StatusUnauthorized,
			fmt.Errorf("%w: encrypted message but no EncodingAESKey configured", ErrBadCiphertext)
	case encryptType != "aes" && c.box != nil:
		return Incoming{}, nil, http.StatusUnauthorized,
			fmt.Errorf("%w: plaintext message refused in safe mode", ErrBadSignature)
	case c.box == nil:
		in, err := ParseWebhook(body)
		if err != nil {
			return Incoming{}, nil, http.StatusBadRequest, err
		}
		return in, body, http.StatusOK, nil
	}
	env, err := ParseWebhook(body)
	if err != nil {
		return Incoming{}, nil, http.StatusBadRequest, err
	}
	if env.Encrypt == "" {
		return Incoming{}, nil, http.StatusBadRequest, fmt.Errorf("%w: safe-mode body without Encrypt", ErrBadXML)
	}
	if !verifySignature(msgSig, c.cfg.Token, timestamp, nonce, env.Encrypt) {
		return Incoming{}, nil, http.StatusUnauthorized, ErrBadSignature
	}
	raw, err := c.box.open(env.Encrypt)
	if err != nil {
		return Incoming{}, nil, http.StatusUnauthorized, err
	}
	in, err := ParseWebhook(raw)
	if err != nil {
		return Incoming{}, nil, http.StatusBadRequest, err
	}
	return in, raw, http.StatusOK, nil
}

// verifyQuery checks the query signature and the replay tolerance.
func (c *Client) verifyQuery(sig, timestamp, nonce string) error {
	if !verifySignature(sig, c.cfg.Token, timestamp, nonce) {
		return ErrBadSignature
	}
	if c.cfg.ReplayTolerance < 0 {
		return nil
	}
	ts, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return fmt.Errorf("%w: timestamp is not Unix seconds", ErrStale)
	}
	if d := c.now().Sub(time.Unix(ts, 0)); d > c.cfg.ReplayTolerance || d < -c.cfg.ReplayTolerance {
		return ErrStale
	}
	return nil
}

type replyKey struct{}

// replySlot holds the passive reply of the message being handled.
type replySlot struct {
	mu   sync.Mutex
	open bool
	set  bool
	text string
}

// Reply sets a passive text reply (被动回复) to the message or event the
// webhook is handling: it goes back in the HTTP answer, costs no API call and
// does not count against the customer-service allowance. Call it from the
// handler, before it returns, at most once; ctx is the handler's context.
//
// It returns ErrNoReply when ctx is not a WeChat webhook handler's, when the
// handler already returned (the answer is gone), or when a reply was already
// set; channel.ErrInvalidMessage for empty text. A handler that returns an
// error discards its reply. It is safe for concurrent use.
func Reply(ctx context.Context, text string) error {
	s, _ := ctx.Value(replyKey{}).(*replySlot)
	if s == nil {
		return ErrNoReply
	}
	if text == "" {
		return fmt.Errorf("%w: empty reply", channel.ErrInvalidMessage)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.open {
		return fmt.Errorf("%w: the handler already returned", ErrNoReply)
	}
	if s.set {
		return fmt.Errorf("%w: already replied", ErrNoReply)
	}
	s.set, s.text = true, text
	return nil
}
