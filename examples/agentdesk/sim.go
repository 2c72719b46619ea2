package main

import (
	"context"
	"math/rand/v2"
	"time"

	"golang.org/x/text/language"

	"github.com/switchboard-go/switchboard/autoreply"
	"github.com/switchboard-go/switchboard/autoreply/catalog"
	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/desk"
	"github.com/switchboard-go/switchboard/messenger/messengertest"
	"github.com/switchboard-go/switchboard/whatsapp/whatsapptest"
)

// customer is a simulated customer: where they write from, their language,
// their (masked) card and what they say.
type customer struct {
	addr  channel.Address
	name  string
	lang  string
	card  desk.Card
	lines []string
}

var customers = []customer{
	{channel.Address{Channel: channel.WhatsApp, ID: "85291230003"}, "May Chan", "en",
		desk.Card{Name: "M** Chan", Contact: "852****0003", Tier: "gold", Orders: 7, Spend: 125000, Currency: "HKD", RecentInquiries: 1,
			PastIssues: []string{"late parcel"}, Preferences: []string{"WhatsApp", "evenings"}},
		[]string{"Where is my order?", "My parcel says delivered but I don't have it. I want to talk to a person", "It's order 10023, please check", "Also, <script>alert('hi')</script> shows up on your site"}},
	{channel.Address{Channel: channel.WhatsApp, ID: "34611222333"}, "Lucía Pérez", "es",
		desk.Card{Name: "L**** P.", Contact: "346****2333", Tier: "silver", Orders: 3, RecentInquiries: 4},
		[]string{"Hola, quiero un reembolso", "El producto llegó roto, necesito un operador", "¿Cuándo me devuelven el dinero?"}},
	{channel.Address{Channel: channel.WhatsApp, ID: "66812345678"}, "Somsak", "th",
		desk.Card{Name: "S***** K.", Tier: "vip", VIP: true, Orders: 31, Spend: 9800000, Currency: "THB"},
		[]string{"สินค้าชำรุด ขอคืนเงินได้ไหมครับ", "ขอคุยกับเจ้าหน้าที่ครับ", "รอนานแล้วครับ"}},
	{channel.Address{Channel: channel.Messenger, ID: "6543210987654321"}, "王芳", "zh",
		desk.Card{Name: "王*", Orders: 2},
		[]string{"我想开加盟店，请找人工客服", "你们有代理政策吗？", "我的订单什么时候到"}},
	{channel.Address{Channel: channel.Messenger, ID: "7654321098765432"}, "Budi", "id",
		desk.Card{Name: "B*** S.", Orders: 1},
		[]string{"Apakah ukuran L masih ada?", "Saya mau bicara dengan manusia", "Terima kasih"}},
}

// simulate makes a customer write every interval (the first at once) until
// ctx ends, delivering signed webhooks from the fake platforms.
func (a *app) simulate(ctx context.Context, every time.Duration, seed int64) error {
	rng := rand.New(rand.NewPCG(uint64(seed), 0))
	next := make([]int, len(customers))
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
		i := rng.IntN(len(customers))
		c := customers[i]
		line := c.lines[next[i]%len(c.lines)]
		next[i]++
		var status int
		var err error
		switch c.addr.Channel {
		case channel.WhatsApp:
			body, _ := a.wa.MessageWebhook(whatsapptest.Inbound{From: c.addr.ID, Name: c.name, Text: line})
			status, err = a.wa.Deliver(ctx, a.waHook, body)
		case channel.Messenger:
			body, _ := a.ms.MessageWebhook(messengertest.Inbound{PSID: c.addr.ID, Text: line})
			status, err = a.ms.Deliver(ctx, a.msHook, body)
		}
		if err != nil && ctx.Err() == nil {
			a.log.Warn("simulated delivery failed", "err", err)
		}
		a.log.Info("customer wrote", "channel", c.addr.Channel, "customer", desk.MaskAddress(c.addr), "lang", c.lang, "status", status)
		t.Reset(every)
	}
}

func kw(lang string, words ...string) []autoreply.Keyword {
	var out []autoreply.Keyword
	for _, w := range words {
		out = append(out, autoreply.Keyword{Text: w, Lang: lang})
	}
	return out
}

// ruleSet is the bot's small rule set; its answers are also the desk's FAQ
// suggestions.
func ruleSet() *autoreply.RuleSet {
	join := func(ks ...[]autoreply.Keyword) []autoreply.Keyword {
		var out []autoreply.Keyword
		for _, k := range ks {
			out = append(out, k...)
		}
		return out
	}
	return &autoreply.RuleSet{Version: 1,
		Handoff: join(kw("en", "person", "agent", "human"), kw("es", "operador"), kw("th", "เจ้าหน้าที่"),
			kw("zh", "人工"), kw("id", "manusia")),
		Rules: []autoreply.Rule{
			{Name: "where_is_my_order", Priority: 10, Tags: []string{"shipping_status"}, Reply: "shipping",
				Keywords: join(kw("en", "where is my order", "parcel"), kw("es", "pedido"), kw("th", "พัสดุ"), kw("zh", "订单"), kw("id", "pesanan"))},
			{Name: "refund", Priority: 5, Tags: []string{"refund"}, Reply: "refund",
				Keywords: join(kw("en", "refund"), kw("es", "reembolso", "devuelven"), kw("th", "คืนเงิน"), kw("zh", "退款"), kw("id", "uang kembali"))},
			{Name: "size", Priority: 1, Tags: []string{"product_specs"}, Reply: "size",
				Keywords: join(kw("en", "size"), kw("es", "talla"), kw("th", "ขนาด"), kw("zh", "尺码"), kw("id", "ukuran"))},
			{Name: "franchise", Priority: 1, Tags: []string{"franchise"}, Reply: "franchise",
				Keywords: join(kw("en", "franchise"), kw("zh", "加盟", "代理"))},
		}}
}

// replies is the catalog of the bot's answers in the customers' languages.
func replies() (*catalog.Catalog, error) {
	c := catalog.New(language.English)
	add := func(key string, texts map[string]string) error {
		for l, t := range texts {
			if err := c.Add(key, language.MustParse(l), t); err != nil {
				return err
			}
		}
		return nil
	}
	for key, texts := range map[string]map[string]string{
		"shipping": {"en": "Parcels ship within 24 h and arrive in 3–7 days. Send your order number and I will look it up.",
			"es": "Los envíos salen en 24 h y llegan en 3–7 días. Envíame tu número de pedido.",
			"th": "จัดส่งภายใน 24 ชม. ถึงใน 3–7 วัน ส่งหมายเลขคำสั่งซื้อมาได้เลยครับ",
			"zh": "订单在24小时内发货，3–7天送达。请发送订单号。", "id": "Pesanan dikirim dalam 24 jam, tiba 3–7 hari. Kirim nomor pesanan Anda."},
		"refund": {"en": "Refunds reach your card within 5 working days of our receiving the item.",
			"es": "El reembolso llega a tu tarjeta en 5 días hábiles desde que recibimos el artículo.",
			"th": "เงินคืนเข้าบัตรภายใน 5 วันทำการหลังเราได้รับสินค้า", "zh": "收到退货后5个工作日内退款到您的卡。",
			"id": "Dana kembali ke kartu Anda dalam 5 hari kerja setelah barang kami terima."},
		"size": {"en": "Size L fits chest 100–104 cm; M fits 96–100 cm.", "es": "La talla L es para pecho de 100–104 cm; la M, 96–100 cm.",
			"th": "ไซซ์ L รอบอก 100–104 ซม. ไซซ์ M 96–100 ซม.", "zh": "L码胸围100–104厘米，M码96–100厘米。",
			"id": "Ukuran L untuk lingkar dada 100–104 cm; M 96–100 cm."},
		"franchise": {"en": "Thank you for your interest! Our partnerships team will contact you.", "zh": "感谢您的关注！我们的合作团队会联系您。"},
		"handoff": {"en": "I am passing you to a person; they will answer here.", "es": "Te paso con una persona; te responderá aquí.",
			"th": "กำลังส่งต่อให้เจ้าหน้าที่ครับ จะตอบกลับที่นี่", "zh": "正在为您转接人工客服，请稍候。", "id": "Saya teruskan ke petugas; mereka akan membalas di sini."},
		"didnt_understand": {"en": "Sorry, I did not understand. Write \"agent\" to talk to a person.",
			"es": "Perdona, no entendí. Escribe \"operador\" para hablar con una persona.",
			"th": "ขออภัย ไม่เข้าใจครับ พิมพ์ \"เจ้าหน้าที่\" เพื่อคุยกับคน", "zh": "抱歉，我没听懂。输入“人工”联系客服。",
			"id": "Maaf, saya tidak mengerti. Tulis \"manusia\" untuk bicara dengan petugas."},
	} {
		if err := add(key, texts); err != nil {
			return nil, err
		}
	}
	return c, nil
}
