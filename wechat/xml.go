package wechat

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/switchboard-go/switchboard/channel"
)

// Incoming is one message or event WeChat pushed to the server URL, field by
// field as WeChat names them (接收普通消息 / 接收事件推送). Fields a MsgType does
// not use are empty. Numbers other than CreateTime stay strings, as sent.
//
// Webhook turns an Incoming into a channel.Event; handlers that need a field
// the Event does not carry (Scale, Ticket, ThumbMediaID, ...) call ParseWebhook on
// Event.Raw. It is a plain value, safe to copy and share.
type Incoming struct {
	ToUserName   string // the account's original id (gh_...)
	FromUserName string // the sender's openid
	CreateTime   int64  // Unix seconds
	MsgType      string // text, image, voice, video, shortvideo, location, link, event
	MsgID        string // MsgId; absent on events

	Content      string // text
	BizMsgMenuID string // bizmsgmenuid: the id of the msgmenu item the user tapped

	MediaID      string // image, voice, video, shortvideo
	PicURL       string // image
	Format       string // voice: amr, speex
	Recognition  string // voice: speech recognition result, when enabled
	ThumbMediaID string // video, shortvideo

	LocationX string // location: latitude
	LocationY string // location: longitude
	Scale     string // location: map zoom
	Label     string // location: place description

	Title       string // link
	Description string // link
	URL         string // link (Url)

	Event     string // subscribe, unsubscribe, SCAN, LOCATION, CLICK, VIEW, ...
	EventKey  string // CLICK: the menu key; VIEW: the URL; SCAN/subscribe: the QR scene
	Ticket    string // SCAN/subscribe via QR code
	Latitude  string // LOCATION event
	Longitude string // LOCATION event
	Precision string // LOCATION event

	// Encrypt is the ciphertext of a safe-mode envelope.
	Encrypt string
}

// XML limits. WeChat messages are flat (<xml> with leaf children; a few
// events nest two more levels), so anything deeper is rejected before it
// costs anything; a message is a few KB, a safe-mode envelope a little more.
const (
	maxXMLDepth = 5
	maxXMLBytes = 1 << 20
)

// ParseWebhook parses one WeChat XML message (the plaintext of a webhook
// POST, or the decrypted payload in safe mode). It accepts exactly one <xml>
// root and a strict subset of XML 1.0, decoded with encoding/xml in strict
// mode behind these guards: at most 1 MiB, UTF-8 only (no other encoding
// declared), no DTD (<!DOCTYPE ...>, hence no entity definitions: only the
// five predefined entities and character references), no namespaces,
// elements nested at most 5 levels deep. Anything else, and malformed XML,
// is an error wrapping ErrBadXML; nothing is expanded. It reads the text of
// the root's direct children; deeper elements are checked and skipped. It
// never panics and ends on any input.
//
// ParseWebhook does not check signatures: Webhook verifies the request
// first. Turn the result into a channel.Event with Incoming.ChannelEvent.
func ParseWebhook(b []byte) (Incoming, error) {
	if len(b) > maxXMLBytes {
		return Incoming{}, fmt.Errorf("%w: larger than %d bytes", ErrBadXML, maxXMLBytes)
	}
	if !utf8.Valid(b) {
		return Incoming{}, fmt.Errorf("%w: not valid UTF-8", ErrBadXML)
	}
	var (
		in       Incoming
		created  string
		depth    int
		tokens   int
		rootDone bool
		field    *string
		text     []byte
	)
	d := xml.NewDecoder(bytes.NewReader(b))
	d.Strict = true
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return Incoming{}, fmt.Errorf("%w: %s", ErrBadXML, xmlErrorKind(err))
		}
		tokens++
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			switch {
			case depth > maxXMLDepth:
				return Incoming{}, fmt.Errorf("%w: elements nested deeper than %d", ErrBadXML, maxXMLDepth)
			case t.Name.Space != "":
				return Incoming{}, fmt.Errorf("%w: namespaces are not accepted", ErrBadXML)
			case depth == 1 && (rootDone || t.Name.Local != "xml"):
				return Incoming{}, fmt.Errorf("%w: the root must be one <xml> element", ErrBadXML)
			case depth == 2:
				field, text = in.field(t.Name.Local, &created), text[:0]
			}
		case xml.EndElement:
			if depth == 2 && field != nil {
				*field, field = string(text), nil
			}
			if depth--; depth == 0 {
				rootDone = true
			}
		case xml.CharData:
			switch {
			case depth == 0 && len(bytes.TrimLeft(t, " \t\r\n")) > 0:
				return Incoming{}, fmt.Errorf("%w: text outside the root element", ErrBadXML)
			case depth == 2 && field != nil:
				text = append(text, t...)
			}
		case xml.Directive:
			return Incoming{}, fmt.Errorf("%w: DTDs and entity declarations are not accepted", ErrBadXML)
		case xml.ProcInst:
			if t.Target == "xml" && tokens > 1 {
				return Incoming{}, fmt.Errorf("%w: misplaced XML declaration", ErrBadXML)
			}
		}
	}
	if !rootDone {
		return Incoming{}, fmt.Errorf("%w: no <xml> root", ErrBadXML)
	}
	if created != "" {
		n, err := strconv.ParseInt(strings.TrimSpace(created), 10, 64)
		if err != nil || n < 0 {
			return Incoming{}, fmt.Errorf("%w: CreateTime is not Unix seconds", ErrBadXML)
		}
		in.CreateTime = n
	}
	return in, nil
}

// xmlErrorKind describes an encoding/xml error by its line, without the
// text it quotes (a character or a name from the sender's input).
func xmlErrorKind(err error) string {
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		return "syntax error on line " + strconv.Itoa(se.Line)
	}
	return "cannot decode"
}

// field returns where the text of the root's child name goes, or nil.
func (in *Incoming) field(name string, created *string) *string {
	switch name {
	case "ToUserName":
		return &in.ToUserName
	case "FromUserName":
		return &in.FromUserName
	case "CreateTime":
		return created
	case "MsgType":
		return &in.MsgType
	case "MsgId", "MsgID":
		return &in.MsgID
	case "Content":
		return &in.Content
	case "bizmsgmenuid":
		return &in.BizMsgMenuID
	case "MediaId":
		return &in.MediaID
	case "PicUrl":
		return &in.PicURL
	case "Format":
		return &in.Format
	case "Recognition":
		return &in.Recognition
	case "ThumbMediaId":
		return &in.ThumbMediaID
	case "Location_X":
		return &in.LocationX
	case "Location_Y":
		return &in.LocationY
	case "Scale":
		return &in.Scale
	case "Label":
		return &in.Label
	case "Title":
		return &in.Title
	case "Description":
		return &in.Description
	case "Url":
		return &in.URL
	case "Event":
		return &in.Event
	case "EventKey":
		return &in.EventKey
	case "Ticket":
		return &in.Ticket
	case "Latitude":
		return &in.Latitude
	case "Longitude":
		return &in.Longitude
	case "Precision":
		return &in.Precision
	case "Encrypt":
		return &in.Encrypt
	}
	return nil
}

var errNotAMessage = errors.New("missing FromUserName or MsgType")

// ChannelEvent normalizes in into a channel.Event; raw is kept as Event.Raw (and
// Message.Raw). Messages get Type EventMessage and ID = MsgId. Events get an
// ID of FromUserName|CreateTime|Event (WeChat's own dedupe key for events,
// which have no MsgId): subscribe → EventFollow (a QR scene in
// Postback.Payload), unsubscribe → EventUnfollow, CLICK, VIEW and SCAN →
// EventPostback with Postback.Title = the WeChat event name and
// Postback.Payload = EventKey (WeChat does not send the button's title);
// any other event → EventUnknown.
func (in *Incoming) ChannelEvent(raw []byte) (channel.Event, error) {
	if in.FromUserName == "" || in.MsgType == "" {
		return channel.Event{}, fmt.Errorf("%w: %v", ErrBadXML, errNotAMessage)
	}
	e := channel.Event{
		Channel: channel.WeChat,
		From:    channel.Address{Channel: channel.WeChat, ID: in.FromUserName},
		To:      channel.Address{Channel: channel.WeChat, ID: in.ToUserName},
		Time:    time.Unix(in.CreateTime, 0),
		Raw:     raw,
	}
	if in.MsgType == "event" {
		e.ID = in.FromUserName + "|" + strconv.FormatInt(in.CreateTime, 10) + "|" + in.Event
		switch in.Event {
		case "subscribe":
			e.Type = channel.EventFollow
			if in.EventKey != "" {
				e.Postback = &channel.Postback{Title: in.Event, Payload: in.EventKey}
			}
		case "unsubscribe":
			e.Type = channel.EventUnfollow
		case "CLICK", "VIEW", "SCAN":
			e.Type = channel.EventPostback
			e.Postback = &channel.Postback{Title: in.Event, Payload: in.EventKey}
		default:
			e.Type = channel.EventUnknown
		}
		return e, nil
	}
	m := &channel.Message{ID: in.MsgID, From: e.From, To: e.To, Time: e.Time, Raw: raw}
	switch in.MsgType {
	case "text":
		m.Text = in.Content
		m.Payload = in.BizMsgMenuID
	case "image":
		m.Media = &channel.Media{Type: channel.MediaImage, ID: in.MediaID, URL: in.PicURL}
	case "voice":
		m.Media = &channel.Media{Type: channel.MediaAudio, ID: in.MediaID, MIMEType: voiceMIME(in.Format)}
		m.Text = in.Recognition
	case "video", "shortvideo":
		m.Media = &channel.Media{Type: channel.MediaVideo, ID: in.MediaID}
	case "location":
		lat, err1 := strconv.ParseFloat(strings.TrimSpace(in.LocationX), 64)
		lng, err2 := strconv.ParseFloat(strings.TrimSpace(in.LocationY), 64)
		if err1 != nil || err2 != nil {
			return channel.Event{}, fmt.Errorf("%w: location without numeric Location_X/Location_Y", ErrBadXML)
		}
		m.Location = &channel.Location{Latitude: lat, Longitude: lng, Address: in.Label}
	case "link":
		// A shared link arrives as a document by URL, the shape Send turns
		// back into a link card.
		m.Media = &channel.Media{Type: channel.MediaDocument, URL: in.URL, Filename: in.Title, Caption: in.Description}
	default:
		e.Type = channel.EventUnknown
		e.ID = in.MsgID
		return e, nil
	}
	e.Type = channel.EventMessage
	e.ID = in.MsgID
	e.Message = m
	return e, nil
}

func voiceMIME(format string) string {
	switch strings.ToLower(format) {
	case "":
		return ""
	case "amr":
		return "audio/amr"
	case "mp3":
		return "audio/mpeg"
	default:
		return "audio/" + strings.ToLower(format)
	}
}

// appendCDATA appends s as CDATA sections: characters XML 1.0 forbids are
// dropped, invalid UTF-8 becomes U+FFFD and "]]>" is split across sections.
func appendCDATA(b []byte, s string) []byte {
	b = append(b, "<![CDATA["...)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = utf8.AppendRune(b, utf8.RuneError)
		case !xmlChar(r):
		case r == ']' && strings.HasPrefix(s[i:], "]]>"):
			b = append(b, "]]]]><![CDATA[>"...)
			size = 3
		default:
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, "]]>"...)
}

func xmlChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		(r >= 0x20 && r <= 0xD7FF) || (r >= 0xE000 && r <= 0xFFFD) || (r >= 0x10000 && r <= 0x10FFFF)
}

// textReplyXML is a passive text reply (被动回复文本消息): to and from are
// swapped relative to the message being answered.
func textReplyXML(to, from string, at time.Time, content string) []byte {
	b := make([]byte, 0, 160+len(to)+len(from)+len(content))
	b = append(b, "<xml><ToUserName>"...)
	b = appendCDATA(b, to)
	b = append(b, "</ToUserName><FromUserName>"...)
	b = appendCDATA(b, from)
	b = append(b, "</FromUserName><CreateTime>"...)
	b = strconv.AppendInt(b, at.Unix(), 10)
	b = append(b, "</CreateTime><MsgType><![CDATA[text]]></MsgType><Content>"...)
	b = appendCDATA(b, content)
	return append(b, "</Content></xml>"...)
}

// encryptedReplyXML is the safe-mode envelope of a passive reply.
func encryptedReplyXML(encrypt, msgSignature, timestamp, nonce string) []byte {
	b := make([]byte, 0, 160+len(encrypt))
	b = append(b, "<xml><Encrypt>"...)
	b = appendCDATA(b, encrypt)
	b = append(b, "</Encrypt><MsgSignature>"...)
	b = appendCDATA(b, msgSignature)
	b = append(b, "</MsgSignature><TimeStamp>"...)
	b = append(b, timestamp...)
	b = append(b, "</TimeStamp><Nonce>"...)
	b = appendCDATA(b, nonce)
	return append(b, "</Nonce></xml>"...)
}
