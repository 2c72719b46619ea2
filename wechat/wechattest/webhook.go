package wechattest

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// The fake signs and encrypts on its own, independently of package wechat,
// following WeChat's access and encryption guides, so a mistake shared by
// both sides cannot hide.

// Text returns the XML of a text message from openid to the account, with a
// fresh MsgId and the server clock's CreateTime.
func (s *Server) Text(openid, content string) []byte {
	return s.Message(openid, "text", "Content", content)
}

// Event returns the XML of an event (subscribe, unsubscribe, CLICK, VIEW,
// SCAN, ...) from openid, with EventKey key when not empty.
func (s *Server) Event(openid, event, key string) []byte {
	if key == "" {
		return s.Message(openid, "event", "Event", event)
	}
	return s.Message(openid, "event", "Event", event, "EventKey", key)
}

// Message returns the XML of a message of msgType from openid: ToUserName,
// FromUserName, CreateTime, MsgType, then fields as name/value pairs, then a
// fresh MsgId unless msgType is "event". A trailing odd name is ignored.
func (s *Server) Message(openid, msgType string, fields ...string) []byte {
	s.mu.Lock()
	s.msgID++
	id := s.msgID
	now := s.now()
	s.mu.Unlock()
	var b bytes.Buffer
	b.WriteString("<xml>")
	writeField(&b, "ToUserName", s.opts.Account)
	writeField(&b, "FromUserName", openid)
	fmt.Fprintf(&b, "<CreateTime>%d</CreateTime>", now.Unix())
	writeField(&b, "MsgType", msgType)
	for i := 0; i+1 < len(fields); i += 2 {
		writeField(&b, fields[i], fields[i+1])
	}
	if msgType != "event" {
		fmt.Fprintf(&b, "<MsgId>%d</MsgId>", id)
	}
	b.WriteString("</xml>")
	return b.Bytes()
}

func writeField(b *bytes.Buffer, name, value string) {
	fmt.Fprintf(b, "<%s><![CDATA[%s]]></%s>", name, strings.ReplaceAll(value, "]]>", "]]]]><![CDATA[>"), name)
}

// NewRequest returns the POST WeChat would make to the server URL for msg:
// signed with the account's Token and, in safe mode, encrypted with its
// EncodingAESKey and signed with msg_signature. Tests can tamper with it
// before serving it.
func (s *Server) NewRequest(msg []byte) *http.Request {
	ts := strconv.FormatInt(s.now().Unix(), 10)
	n := randomHex(8)
	q := url.Values{
		"signature": {sign(s.opts.Token, ts, n)},
		"timestamp": {ts},
		"nonce":     {n},
		"openid":    {openidOf(msg)},
	}
	body := msg
	if s.opts.SafeMode {
		enc, err := s.encrypt(msg)
		if err != nil {
			enc = "" // an invalid key: the webhook will refuse the request
		}
		q.Set("encrypt_type", "aes")
		q.Set("msg_signature", sign(s.opts.Token, ts, n, enc))
		var b bytes.Buffer
		b.WriteString("<xml>")
		writeField(&b, "ToUserName", s.opts.Account)
		writeField(&b, "Encrypt", enc)
		b.WriteString("</xml>")
		body = b.Bytes()
	}
	r := httptest.NewRequest(http.MethodPost, s.opts.WebhookPath+"?"+q.Encode(), bytes.NewReader(body))
	r.Header.Set("Content-Type", "text/xml")
	return r
}

// Delivery is what the webhook answered (a plain value).
type Delivery struct {
	// Status is the HTTP status the webhook answered.
	Status int
	// Body is the raw answer ("success", a reply envelope, an error text).
	Body []byte
	// Reply is the passive reply, verified and decrypted in safe mode; nil
	// when the webhook answered "success" or an empty body.
	Reply *Reply
}

// Reply is a passive reply (被动回复消息) as the fake read it (a plain value).
type Reply struct {
	// ToUserName is the customer's openid the reply goes to.
	ToUserName string `xml:"ToUserName"`
	// FromUserName is the official account's original id ("gh_...").
	FromUserName string `xml:"FromUserName"`
	// CreateTime is when the reply was made, in Unix seconds.
	CreateTime int64 `xml:"CreateTime"`
	// MsgType is the reply's type; the wechat adapter answers "text".
	MsgType string `xml:"MsgType"`
	// Content is a text reply's body.
	Content string `xml:"Content"`
	// XML is the reply's plaintext XML.
	XML []byte `xml:"-"`
}

// Deliver posts msg to h the way WeChat does (see NewRequest) and reads the
// answer. In safe mode it checks the reply's MsgSignature and decrypts it,
// returning an error when either fails or the reply is not the expected XML;
// a non-200 status is not an error (see Delivery.Status).
func (s *Server) Deliver(h http.Handler, msg []byte) (Delivery, error) {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, s.NewRequest(msg))
	return s.read(rec.Code, rec.Body.Bytes())
}

// DeliverURL is Deliver over the network, to a running server: target is
// the webhook's absolute URL (its path replaces WebhookPath). WeChat gives a
// server 5 seconds; so does DeliverURL, unless ctx ends sooner.
func (s *Server) DeliverURL(ctx context.Context, target string, msg []byte) (Delivery, error) {
	u, err := url.Parse(target)
	if err != nil || u.Host == "" {
		return Delivery{}, fmt.Errorf("wechattest: bad webhook URL %q", target)
	}
	r := s.NewRequest(msg)
	u.RawQuery = r.URL.RawQuery
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), r.Body)
	if err != nil {
		return Delivery{}, fmt.Errorf("wechattest: %w", err)
	}
	req.Header.Set("Content-Type", "text/xml")
	resp, err := (&http.Client{Timeout: 5 * time.Second}).Do(req)
	if err != nil {
		return Delivery{}, fmt.Errorf("wechattest: delivering: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return Delivery{}, fmt.Errorf("wechattest: reading answer: %w", err)
	}
	return s.read(resp.StatusCode, body)
}

// read interprets a webhook's answer.
func (s *Server) read(status int, answer []byte) (Delivery, error) {
	d := Delivery{Status: status, Body: answer}
	if d.Status != http.StatusOK {
		return d, nil
	}
	body := bytes.TrimSpace(d.Body)
	if len(body) == 0 || string(body) == "success" {
		return d, nil
	}
	plain := body
	if s.opts.SafeMode {
		var env struct {
			Encrypt      string `xml:"Encrypt"`
			MsgSignature string `xml:"MsgSignature"`
			TimeStamp    string `xml:"TimeStamp"`
			Nonce        string `xml:"Nonce"`
		}
		if err := xml.Unmarshal(body, &env); err != nil {
			return d, fmt.Errorf("wechattest: reply envelope: %w", err)
		}
		if env.MsgSignature != sign(s.opts.Token, env.TimeStamp, env.Nonce, env.Encrypt) {
			return d, errors.New("wechattest: reply MsgSignature does not match")
		}
		var err error
		if plain, err = s.decrypt(env.Encrypt); err != nil {
			return d, err
		}
	}
	var r Reply
	if err := xml.Unmarshal(plain, &r); err != nil {
		return d, fmt.Errorf("wechattest: reply: %w", err)
	}
	r.XML = plain
	d.Reply = &r
	return d, nil
}

// Handshake sends WeChat's server-URL verification GET with echostr to h.
func (s *Server) Handshake(h http.Handler, echostr string) Delivery {
	ts := strconv.FormatInt(s.now().Unix(), 10)
	n := randomHex(8)
	q := url.Values{"signature": {sign(s.opts.Token, ts, n)}, "timestamp": {ts}, "nonce": {n}, "echostr": {echostr}}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, s.opts.WebhookPath+"?"+q.Encode(), nil))
	return Delivery{Status: rec.Code, Body: rec.Body.Bytes()}
}

// Encrypt returns the safe-mode Encrypt value of msg for this account: what
// WeChat puts in the envelope. It is exported for tests and benchmarks that
// build requests by hand.
func (s *Server) Encrypt(msg []byte) (string, error) { return s.encrypt(msg) }

// Sign returns WeChat's signature of parts: hex SHA-1 of the parts sorted
// and concatenated.
func Sign(parts ...string) string { return sign(parts...) }

func sign(parts ...string) string {
	p := append([]string(nil), parts...)
	sort.Strings(p)
	sum := sha1.Sum([]byte(strings.Join(p, "")))
	return hex.EncodeToString(sum[:])
}

func (s *Server) key() ([]byte, error) {
	key, err := base64.StdEncoding.DecodeString(s.opts.EncodingAESKey + "=")
	if err != nil || len(key) != 32 {
		return nil, errors.New("wechattest: EncodingAESKey is not 43 base64 characters")
	}
	return key, nil
}

func (s *Server) encrypt(msg []byte) (string, error) {
	key, err := s.key()
	if err != nil {
		return "", err
	}
	var plain bytes.Buffer
	random := make([]byte, 16)
	_, _ = rand.Read(random)
	plain.Write(random)
	_ = binary.Write(&plain, binary.BigEndian, uint32(len(msg)))
	plain.Write(msg)
	plain.WriteString(s.opts.AppID)
	pad := 32 - plain.Len()%32
	plain.Write(bytes.Repeat([]byte{byte(pad)}, pad))
	block, _ := aes.NewCipher(key)
	out := make([]byte, plain.Len())
	cipher.NewCBCEncrypter(block, key[:16]).CryptBlocks(out, plain.Bytes())
	return base64.StdEncoding.EncodeToString(out), nil
}

func (s *Server) decrypt(enc string) ([]byte, error) {
	key, err := s.key()
	if err != nil {
		return nil, err
	}
	ct, err := base64.StdEncoding.DecodeString(enc)
	if err != nil || len(ct) == 0 || len(ct)%aes.BlockSize != 0 {
		return nil, errors.New("wechattest: reply Encrypt is not AES-CBC ciphertext")
	}
	block, _ := aes.NewCipher(key)
	cipher.NewCBCDecrypter(block, key[:16]).CryptBlocks(ct, ct)
	pad := int(ct[len(ct)-1])
	if pad < 1 || pad > 32 || pad > len(ct) {
		return nil, errors.New("wechattest: reply padding is not PKCS#7 to 32 bytes")
	}
	ct = ct[:len(ct)-pad]
	if len(ct) < 20 {
		return nil, errors.New("wechattest: reply plaintext too short")
	}
	n := binary.BigEndian.Uint32(ct[16:20])
	if int64(n) > int64(len(ct)-20) {
		return nil, errors.New("wechattest: reply length prefix too large")
	}
	msg, appID := ct[20:20+n], ct[20+n:]
	if string(appID) != s.opts.AppID {
		return nil, errors.New("wechattest: reply encrypted for another AppID")
	}
	return msg, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = io.ReadFull(rand.Reader, b)
	return hex.EncodeToString(b)
}

// openidOf extracts FromUserName for the openid query parameter WeChat adds.
func openidOf(msg []byte) string {
	var m struct {
		From string `xml:"FromUserName"`
	}
	_ = xml.Unmarshal(msg, &m)
	return m.From
}
