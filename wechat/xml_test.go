package wechat

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/channel"
)

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return b
}

func TestParseXMLToEvent(t *testing.T) {
	t.Parallel()
	from := channel.Address{Channel: channel.WeChat, ID: "oCustomer123"}
	at := time.Unix(1700000000, 0)
	cases := []struct {
		file  string
		check func(t *testing.T, e channel.Event)
	}{
		{"text.xml", func(t *testing.T, e channel.Event) {
			assert.Equal(t, channel.EventMessage, e.Type)
			assert.Equal(t, "24000000000000001", e.ID)
			assert.Equal(t, "我的包裹在哪里？ <order #123>", e.Message.Text)
			assert.Equal(t, from, e.From)
			assert.Equal(t, "gh_fake", e.To.ID)
			assert.True(t, at.Equal(e.Time))
		}},
		{"menu_answer.xml", func(t *testing.T, e channel.Event) {
			assert.Equal(t, "满意", e.Message.Text)
			assert.Equal(t, "101", e.Message.Payload)
		}},
		{"image.xml", func(t *testing.T, e channel.Event) {
			require.NotNil(t, e.Message.Media)
			assert.Equal(t, channel.Media{Type: channel.MediaImage, ID: "MEDIA_IMG", URL: "http://mmbiz.qpic.cn/x.jpg"}, *e.Message.Media)
		}},
		{"voice.xml", func(t *testing.T, e channel.Event) {
			assert.Equal(t, channel.Media{Type: channel.MediaAudio, ID: "MEDIA_VOICE", MIMEType: "audio/amr"}, *e.Message.Media)
			assert.Equal(t, "查快递", e.Message.Text, "speech recognition becomes Text")
		}},
		{"video.xml", func(t *testing.T, e channel.Event) {
			assert.Equal(t, channel.MediaVideo, e.Message.Media.Type)
			assert.Equal(t, "MEDIA_VIDEO", e.Message.Media.ID)
		}},
		{"shortvideo.xml", func(t *testing.T, e channel.Event) {
			assert.Equal(t, channel.MediaVideo, e.Message.Media.Type)
		}},
		{"location.xml", func(t *testing.T, e channel.Event) {
			require.NotNil(t, e.Message.Location)
			assert.InDelta(t, 23.134521, e.Message.Location.Latitude, 1e-9)
			assert.InDelta(t, 113.358803, e.Message.Location.Longitude, 1e-9)
			assert.Equal(t, "广州市天河区", e.Message.Location.Address)
		}},
		{"link.xml", func(t *testing.T, e channel.Event) {
			assert.Equal(t, channel.Media{Type: channel.MediaDocument, URL: "https://shop.example/p/1",
				Filename: "商品", Caption: "蓝色T恤"}, *e.Message.Media)
		}},
		{"subscribe.xml", func(t *testing.T, e channel.Event) {
			assert.Equal(t, channel.EventFollow, e.Type)
			assert.Equal(t, "oCustomer123|1700000000|subscribe", e.ID)
			assert.Nil(t, e.Postback)
		}},
		{"subscribe_qr.xml", func(t *testing.T, e channel.Event) {
			assert.Equal(t, channel.EventFollow, e.Type)
			assert.Equal(t, &channel.Postback{Title: "subscribe", Payload: "qrscene_store42"}, e.Postback)
		}},
		{"unsubscribe.xml", func(t *testing.T, e channel.Event) {
			assert.Equal(t, channel.EventUnfollow, e.Type)
			assert.Equal(t, "oCustomer123|1700000000|unsubscribe", e.ID)
		}},
		{"click.xml", func(t *testing.T, e channel.Event) {
			assert.Equal(t, channel.EventPostback, e.Type)
			assert.Equal(t, &channel.Postback{Title: "CLICK", Payload: "TRACK_ORDER"}, e.Postback)
		}},
		{"view.xml", func(t *testing.T, e channel.Event) {
			assert.Equal(t, &channel.Postback{Title: "VIEW", Payload: "https://shop.example/orders"}, e.Postback)
		}},
		{"scan.xml", func(t *testing.T, e channel.Event) {
			assert.Equal(t, &channel.Postback{Title: "SCAN", Payload: "store42"}, e.Postback)
		}},
		{"location_event.xml", func(t *testing.T, e channel.Event) {
			assert.Equal(t, channel.EventUnknown, e.Type)
			assert.NotEmpty(t, e.Raw)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			t.Parallel()
			raw := readTestdata(t, tc.file)
			in, err := ParseXML(raw)
			require.NoError(t, err)
			e, err := in.ChannelEvent(raw)
			require.NoError(t, err)
			assert.Equal(t, channel.WeChat, e.Channel)
			assert.Equal(t, raw, e.Raw)
			tc.check(t, e)
		})
	}
}

func TestParseXMLRejects(t *testing.T) {
	t.Parallel()
	bomb := `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>` +
		`<xml><Content>&lol2;</Content></xml>`
	cases := map[string]string{
		"billion laughs":  bomb,
		"external entity": `<!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><xml><Content>&xxe;</Content></xml>`,
		"undefined ent":   `<xml><Content>&lol;</Content></xml>`,
		"deep nesting":    "<xml>" + strings.Repeat("<a>", 50) + strings.Repeat("</a>", 50) + "</xml>",
		"wrong root":      `<message><Content>x</Content></message>`,
		"two roots":       `<xml></xml><xml></xml>`,
		"unclosed":        `<xml><Content>x</Content>`,
		"mismatched":      `<xml><Content>x</MsgType></xml>`,
		"empty":           ``,
		"not xml":         `{"json":true}`,
		"latin1":          `<?xml version="1.0" encoding="ISO-8859-1"?><xml><Content>x</Content></xml>`,
		"bad CreateTime":  `<xml><CreateTime>yesterday</CreateTime></xml>`,
	}
	for name, body := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := ParseXML([]byte(body))
			assert.True(t, errors.Is(err, ErrBadXML), "got %v", err)
		})
	}
}

func TestChannelEventRejects(t *testing.T) {
	t.Parallel()
	for name, in := range map[string]Incoming{
		"no sender":    {MsgType: "text"},
		"no type":      {FromUserName: "o1"},
		"bad location": {FromUserName: "o1", MsgType: "location", LocationX: "north"},
	} {
		_, err := in.ChannelEvent(nil)
		assert.True(t, errors.Is(err, ErrBadXML), name)
	}
}

func TestTextReplyXML(t *testing.T) {
	t.Parallel()
	content := "a]]>b <c> & \x00d\xffe 包裹"
	out := textReplyXML("oCustomer", "gh_fake", time.Unix(1700000000, 0), content)
	var r struct {
		ToUserName, FromUserName, MsgType, Content string
		CreateTime                                 int64
	}
	require.NoError(t, xml.Unmarshal(out, &r), string(out))
	assert.Equal(t, "oCustomer", r.ToUserName)
	assert.Equal(t, "gh_fake", r.FromUserName)
	assert.Equal(t, "text", r.MsgType)
	assert.Equal(t, int64(1700000000), r.CreateTime)
	assert.Equal(t, "a]]>b <c> & d\uFFFDe 包裹", r.Content, "CDATA split, NUL dropped, bad UTF-8 replaced")
}

func FuzzParseXML(f *testing.F) {
	entries, err := os.ReadDir("testdata")
	require.NoError(f, err)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".xml") {
			f.Add(readTestdata(f, e.Name()))
		}
	}
	f.Add([]byte(`<!DOCTYPE x [<!ENTITY a "b">]><xml>&a;</xml>`))
	f.Add([]byte("<xml><Encrypt><![CDATA[abc]]></Encrypt></xml>"))
	f.Fuzz(func(t *testing.T, b []byte) {
		in, err := ParseXML(b)
		if err != nil {
			if !errors.Is(err, ErrBadXML) {
				t.Fatalf("error %v does not wrap ErrBadXML", err)
			}
			return
		}
		e, err := in.ChannelEvent(b)
		if err != nil {
			return
		}
		if e.Channel != channel.WeChat || e.From.ID != in.FromUserName {
			t.Fatalf("event does not match message: %+v", e)
		}
		// A reply to anything parsed must itself parse.
		if _, err := ParseXML(textReplyXML(in.FromUserName, in.ToUserName, time.Unix(0, 0), in.Content)); err != nil {
			t.Fatalf("reply does not parse: %v", err)
		}
	})
}

// referenceParseXML is ParseXML written with encoding/xml's decoder, the
// oracle of FuzzParseXMLDifferential: whatever the scanner accepts, the
// decoder must accept with the same fields.
func referenceParseXML(b []byte) (Incoming, error) {
	var in Incoming
	d := xml.NewDecoder(bytes.NewReader(b))
	d.Strict = true
	var (
		depth    int
		rootDone bool
		field    *string
		text     []byte
		created  string
	)
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return Incoming{}, fmt.Errorf("%w: %v", ErrBadXML, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if depth > maxXMLDepth {
				return Incoming{}, fmt.Errorf("%w: nested deeper than %d", ErrBadXML, maxXMLDepth)
			}
			switch depth {
			case 1:
				if rootDone || t.Name.Local != "xml" {
					return Incoming{}, fmt.Errorf("%w: root must be one <xml>", ErrBadXML)
				}
			case 2:
				field = in.field(t.Name.Local, &created)
				text = text[:0]
			}
		case xml.EndElement:
			if depth == 2 && field != nil {
				*field = string(text)
				field = nil
			}
			depth--
			if depth == 0 {
				rootDone = true
			}
		case xml.CharData:
			if depth == 2 && field != nil {
				text = append(text, t...)
			}
		case xml.Directive:
			return Incoming{}, fmt.Errorf("%w: DTDs and entity declarations are not accepted", ErrBadXML)
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

func FuzzParseXMLDifferential(f *testing.F) {
	entries, err := os.ReadDir("testdata")
	require.NoError(f, err)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".xml") {
			f.Add(readTestdata(f, e.Name()))
		}
	}
	f.Add([]byte("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<xml><Content>a&amp;b&#x4E2D;\r\n<![CDATA[c]]>d</Content><!-- c --><X a='1'><Y/></X></xml>"))
	f.Add([]byte("<xml><Content>a<b>x</b>c</Content></xml>"))
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := ParseXML(b)
		if err != nil {
			return
		}
		want, refErr := referenceParseXML(b)
		if refErr != nil {
			t.Fatalf("scanner accepted what encoding/xml refuses (%v): %q", refErr, b)
		}
		if got != want {
			t.Fatalf("scanner and encoding/xml disagree on %q:\n got %+v\nwant %+v", b, got, want)
		}
	})
}
