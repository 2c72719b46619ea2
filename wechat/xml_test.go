package wechat

import (
	"encoding/xml"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/internal/inbound/inboundtest"
)

func TestParseWebhookToEvent(t *testing.T) {
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
			raw := inboundtest.Testdata(t, tc.file)
			in, err := ParseWebhook(raw)
			require.NoError(t, err)
			e, err := in.ChannelEvent(raw)
			require.NoError(t, err)
			assert.Equal(t, channel.WeChat, e.Channel)
			assert.Equal(t, raw, e.Raw)
			tc.check(t, e)
		})
	}
}

func TestParseWebhookRejects(t *testing.T) {
	t.Parallel()
	bomb := `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>` +
		`<xml><Content>&lol2;</Content></xml>`
	cases := map[string]string{
		"billion laughs":   bomb,
		"external entity":  `<!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><xml><Content>&xxe;</Content></xml>`,
		"undefined ent":    `<xml><Content>&lol;</Content></xml>`,
		"deep nesting":     "<xml>" + strings.Repeat("<a>", 50) + strings.Repeat("</a>", 50) + "</xml>",
		"wrong root":       `<message><Content>x</Content></message>`,
		"two roots":        `<xml></xml><xml></xml>`,
		"unclosed":         `<xml><Content>x</Content>`,
		"mismatched":       `<xml><Content>x</MsgType></xml>`,
		"empty":            ``,
		"not xml":          `{"json":true}`,
		"latin1":           `<?xml version="1.0" encoding="ISO-8859-1"?><xml><Content>x</Content></xml>`,
		"bad CreateTime":   `<xml><CreateTime>yesterday</CreateTime></xml>`,
		"not UTF-8":        "<xml><Content>\xff</Content></xml>",
		"control char":     "<xml><Content>a\x01b</Content></xml>",
		"namespace":        `<xml xmlns:a="urn:x"><a:Content>x</a:Content></xml>`,
		"misplaced decl":   `<xml><?xml version="1.0"?><Content>x</Content></xml>`,
		"text after root":  `<xml></xml>trailing`,
		"text before root": `lead<xml></xml>`,
		"xml 1.1":          `<?xml version="1.1"?><xml></xml>`,
		"too large":        "<xml><Content>" + strings.Repeat("a", maxXMLBytes) + "</Content></xml>",
	}
	for name, body := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := ParseWebhook([]byte(body))
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

func FuzzParseWebhook(f *testing.F) {
	entries, err := os.ReadDir("testdata")
	require.NoError(f, err)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".xml") {
			f.Add(inboundtest.Testdata(f, e.Name()))
		}
	}
	f.Add([]byte(`<!DOCTYPE x [<!ENTITY a "b">]><xml>&a;</xml>`))
	f.Add([]byte("<xml><Encrypt><![CDATA[abc]]></Encrypt></xml>"))
	f.Fuzz(func(t *testing.T, b []byte) {
		in, err := ParseWebhook(b)
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
		if _, err := ParseWebhook(textReplyXML(in.FromUserName, in.ToUserName, time.Unix(0, 0), in.Content)); err != nil {
			t.Fatalf("reply does not parse: %v", err)
		}
	})
}

// TestParseWebhookRegression keeps the cases of the differential fuzz
// target that compared the hand-written scanner with encoding/xml (the
// scanner is gone; encoding/xml is the parser now): the same inputs must
// give the same fields, or be refused, as they were.
func TestParseWebhookRegression(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in      string
		want    Incoming
		refused bool
	}{
		{"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<xml><Content>a&amp;b&#x4E2D;\r\n<![CDATA[c]]>d</Content><!-- c --><X a='1'><Y/></X></xml>",
			Incoming{Content: "a&b中\ncd"}, false},
		{"<xml><Content>a<b>x</b>c</Content></xml>", Incoming{Content: "ac"}, false},
		{`<!DOCTYPE x [<!ENTITY a "b">]><xml>&a;</xml>`, Incoming{}, true},
		{"<xml><Encrypt><![CDATA[abc]]></Encrypt></xml>", Incoming{Encrypt: "abc"}, false},
		{"<xml><CreateTime> 1700000000 </CreateTime><MsgId>1</MsgId><MsgID>2</MsgID></xml>", Incoming{CreateTime: 1700000000, MsgID: "2"}, false},
		{"<xml><Content></Content><Event/></xml>", Incoming{}, false},
	} {
		got, err := ParseWebhook([]byte(tc.in))
		if tc.refused {
			assert.ErrorIs(t, err, ErrBadXML, tc.in)
			continue
		}
		require.NoError(t, err, tc.in)
		assert.Equal(t, tc.want, got, tc.in)
	}
	for _, name := range xmlTestdata(t) {
		_, err := ParseWebhook(inboundtest.Testdata(t, name))
		assert.NoError(t, err, name)
	}
}

func xmlTestdata(t testing.TB) []string {
	t.Helper()
	entries, err := os.ReadDir("testdata")
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".xml") {
			names = append(names, e.Name())
		}
	}
	return names
}
