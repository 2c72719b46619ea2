package autoreply

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/switchboard-go/switchboard/channel"
)

// The benchmarks in this file answer the questions in one run:
//
//	go test -run='^$' -bench=. -benchtime=2s ./autoreply/
//
// BenchmarkMatch is normalize + match per message through the public Match;
// BenchmarkNaive is the baseline (strings.ToLower + strings.Contains per
// keyword) on the same messages and keywords; BenchmarkMatch/rules=100 and
// rules=10000 give the scaling ratio; BenchmarkCompile compiles 5,000
// keywords. The haystack is the corpus of labelled customer messages,
// ../../shared/corpus/intents-dev.jsonl from this directory (the checkout's
// sibling shared/), or the file $SWITCHBOARD_CORPUS names; the benchmarks
// skip without it.

func corpusPath() string {
	if p := os.Getenv("SWITCHBOARD_CORPUS"); p != "" {
		return p
	}
	return "../../shared/corpus/intents-dev.jsonl"
}

// benchVocab holds words a shop would use, per language; generated keywords
// are one to three of them.
var benchVocab = map[string][]string{
	"en":      strings.Fields("order parcel package tracking shipping delivery refund return exchange payment card declined invoice receipt cancel address size colour weight material warranty discount coupon store stock price charge wallet courier customs late damaged missing wrong"),
	"es":      strings.Fields("pedido paquete envío entrega reembolso devolución cambio pago tarjeta rechazada factura recibo cancelar dirección talla color peso material garantía descuento cupón tienda precio cobro cartera mensajero aduana tarde dañado perdido equivocado seguimiento"),
	"pt":      strings.Fields("pedido encomenda pacote rastreio entrega frete reembolso devolução troca pagamento cartão recusado boleto nota fiscal cancelar endereço tamanho cor peso material garantia desconto cupom loja preço cobrança carteira correios alfândega atrasado danificado"),
	"fr":      strings.Fields("commande colis suivi livraison remboursement retour échange paiement carte refusée facture reçu annuler adresse taille couleur poids matière garantie réduction coupon boutique prix débit portefeuille transporteur douane retard endommagé manquant"),
	"de":      strings.Fields("bestellung paket sendung lieferung versand erstattung rücksendung umtausch zahlung karte abgelehnt rechnung quittung stornieren adresse größe farbe gewicht material garantie rabatt gutschein laden preis abbuchung zoll verspätet beschädigt fehlt"),
	"id":      strings.Fields("pesanan paket resi pengiriman kirim refund pengembalian tukar pembayaran kartu ditolak faktur kwitansi batal alamat ukuran warna berat bahan garansi diskon kupon toko harga tagihan dompet kurir bea terlambat rusak hilang"),
	"vi":      strings.Fields("đơn hàng gói kiện vận chuyển giao nhận hoàn tiền trả đổi thanh toán thẻ bị từ chối hóa đơn biên lai hủy địa chỉ kích thước màu cân nặng chất liệu bảo hành giảm giá mã cửa hàng phí ví hải quan trễ hỏng"),
	"th":      strings.Fields("สั่งซื้อ พัสดุ เลขพัสดุ ติดตาม จัดส่ง ส่งของ คืนเงิน คืนสินค้า เปลี่ยน ชำระเงิน บัตร ถูกปฏิเสธ ใบกำกับภาษี ใบเสร็จ ยกเลิก ที่อยู่ ขนาด สี น้ำหนัก วัสดุ รับประกัน ส่วนลด คูปอง ร้าน ราคา ตัดเงิน กระเป๋าเงิน ขนส่ง ศุลกากร ล่าช้า เสียหาย"),
	"zh-Hans": strings.Fields("订单 包裹 快递 物流 查询 发货 退款 退货 换货 付款 支付 银行卡 失败 发票 收据 取消 地址 尺码 颜色 重量 材质 保修 优惠 优惠券 店铺 价格 扣款 钱包 海关 延迟 损坏 丢失"),
	"zh-Hant": strings.Fields("訂單 包裹 快遞 物流 查詢 出貨 退款 退貨 換貨 付款 支付 信用卡 失敗 發票 收據 取消 地址 尺寸 顏色 重量 材質 保固 優惠 折價券 店家 價格 扣款 錢包 海關 延遲 損壞 遺失"),
	"ja":      strings.Fields("注文 荷物 配送 追跡 発送 届かない 返金 返品 交換 支払い カード 決済 失敗 請求書 領収書 キャンセル 住所 サイズ 色 重さ 素材 保証 割引 クーポン 店舗 価格 引き落とし 税関 遅延 破損 紛失"),
	"ar":      strings.Fields("طلب طلبي شحنة طرد تتبع الشحن التوصيل استرداد إرجاع استبدال الدفع بطاقة مرفوضة فاتورة إيصال إلغاء عنوان مقاس لون وزن خامة ضمان خصم كوبون متجر سعر خصم محفظة جمارك تأخير تالف مفقود"),
}

var benchLangs = []string{"en", "es", "pt", "fr", "de", "id", "vi", "th", "zh-Hans", "zh-Hant", "ja", "ar"}

// genRules returns a rule set of n rules with five keywords each (mostly in
// different languages), unique after normalization with or without
// diacritic folding. Scripts without spaces
// get concatenated words; the others get words joined by a space; about
// one in eight keywords is a Prefix or Contains one.
func genRules(tb testing.TB, n int) *RuleSet {
	tb.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	seen := make(map[string]bool)
	rs := &RuleSet{Version: 1, Handoff: []Keyword{{Text: "agent"}, {Text: "human"}, {Text: "人工"}, {Text: "เจ้าหน้าที่"}}}
	for _, k := range rs.Handoff {
		seen[string(appendNormalized(nil, k.Text, true))] = true
	}
	for i := 0; i < n; i++ {
		r := Rule{Name: fmt.Sprintf("rule_%05d", i), Priority: rng.IntN(4), Tags: []string{"t"}, Reply: "r"}
		for len(r.Keywords) < 5 {
			lang := benchLangs[rng.IntN(len(benchLangs))]
			v := benchVocab[lang]
			words := 1 + rng.IntN(3)
			if i < 40 && len(r.Keywords) == 0 {
				words = 1
			}
			parts := make([]string, words)
			for j := range parts {
				parts[j] = v[rng.IntN(len(v))]
			}
			sep := " "
			if lang == "th" || strings.HasPrefix(lang, "zh") || lang == "ja" {
				sep = ""
			}
			text := strings.Join(parts, sep)
			// Unique even with diacritics folded ("garantía", "garantia").
			norm := string(appendNormalized(nil, text, true))
			if seen[norm] {
				continue
			}
			seen[norm] = true
			k := Keyword{Text: text, Lang: lang}
			switch rng.IntN(8) {
			case 0:
				k.Mode = Contains
			case 1:
				if sep == " " {
					k.Mode = Prefix
				}
			}
			r.Keywords = append(r.Keywords, k)
		}
		rs.Rules = append(rs.Rules, r)
	}
	return rs
}

func loadCorpus(tb testing.TB) []string {
	tb.Helper()
	f, err := os.Open(corpusPath())
	if err != nil {
		tb.Skipf("corpus not available: %v", err)
	}
	defer f.Close()
	var msgs []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var row struct{ Text string }
		if err := json.Unmarshal(sc.Bytes(), &row); err != nil {
			tb.Fatalf("corpus: %v", err)
		}
		msgs = append(msgs, row.Text)
	}
	if len(msgs) == 0 {
		tb.Skip("empty corpus")
	}
	return msgs
}

func benchEngine(b *testing.B, rules int) *Engine {
	b.Helper()
	e, err := New(Config{Rules: genRules(b, rules)})
	if err != nil {
		b.Fatal(err)
	}
	return e
}

func BenchmarkMatch(b *testing.B) {
	msgs := loadCorpus(b)
	for _, n := range []int{100, 1000, 10000} {
		e := benchEngine(b, n)
		b.Run(fmt.Sprintf("rules=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			hits := 0
			for i := 0; b.Loop(); i++ {
				hits += len(e.Match(msgs[i%len(msgs)]))
			}
			b.ReportMetric(float64(hits)/float64(b.N), "hits/op")
		})
	}
	// The same with Latin diacritic folding, which sends Latin letters
	// through the general path.
	e, err := New(Config{Rules: genRules(b, 1000), FoldDiacritics: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("rules=1000/fold", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			_ = e.Match(msgs[i%len(msgs)])
		}
	})
}

// BenchmarkNaive is the baseline: lower-case the message, then
// strings.Contains per keyword (keywords lower-cased in advance).
func BenchmarkNaive(b *testing.B) {
	msgs := loadCorpus(b)
	rs := genRules(b, 1000)
	var kws []string
	for _, r := range rs.Rules {
		for _, k := range r.Keywords {
			kws = append(kws, strings.ToLower(k.Text))
		}
	}
	b.Run("rules=1000", func(b *testing.B) {
		b.ReportAllocs()
		hits := 0
		for i := 0; b.Loop(); i++ {
			m := strings.ToLower(msgs[i%len(msgs)])
			for _, k := range kws {
				if strings.Contains(m, k) {
					hits++
				}
			}
		}
		b.ReportMetric(float64(hits)/float64(b.N), "hits/op")
	})
}

// BenchmarkNormalize compares our single-pass normalization with the plain
// x/text pipeline it reproduces.
func BenchmarkNormalize(b *testing.B) {
	msgs := loadCorpus(b)
	b.Run("ours", func(b *testing.B) {
		b.ReportAllocs()
		buf := make([]byte, 0, 1024)
		for i := 0; b.Loop(); i++ {
			buf = appendNormalized(buf[:0], msgs[i%len(msgs)], false)
		}
	})
	b.Run("xtext", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			_ = pipeline(msgs[i%len(msgs)])
		}
	})
}

func BenchmarkCompile(b *testing.B) {
	rs := genRules(b, 1000)
	b.Run("keywords=5000", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := New(Config{Rules: rs}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// corpusMessages returns the corpus messages, if the corpus is there.
func corpusMessages() ([]string, bool) {
	f, err := os.Open(corpusPath())
	if err != nil {
		return nil, false
	}
	defer f.Close()
	var msgs []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var row struct{ Text string }
		if json.Unmarshal(sc.Bytes(), &row) == nil {
			msgs = append(msgs, row.Text)
		}
	}
	return msgs, len(msgs) > 0
}

// BenchmarkScan is the automaton alone on normalized messages: the part of
// BenchmarkMatch that grows with the rule count.
func BenchmarkScan(b *testing.B) {
	msgs := loadCorpus(b)
	normalized := make([][]byte, len(msgs))
	for i, m := range msgs {
		normalized[i] = appendNormalized(nil, m, false)
	}
	for _, n := range []int{100, 1000, 10000} {
		e := benchEngine(b, n)
		b.Run(fmt.Sprintf("rules=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			hits := make([]rawHit, 0, 64)
			for i := 0; b.Loop(); i++ {
				hits = e.collect(normalized[i%len(normalized)], hits[:0])
			}
		})
	}
}

// BenchmarkDecide is the whole engine — state load and save in the memory
// store, counters — from parallel goroutines, each with its own customers.
func BenchmarkDecide(b *testing.B) {
	msgs := loadCorpus(b)
	e := benchEngine(b, 1000)
	var next atomic.Int64
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		g := next.Add(1)
		ctx := context.Background()
		m := &channel.Message{}
		for i := 0; pb.Next(); i++ {
			m.From = channel.Address{Channel: channel.WhatsApp, ID: fmt.Sprintf("%d-%d", g, i%64)}
			m.Text = msgs[i%len(msgs)]
			if _, err := e.Decide(ctx, m); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkMatchHuge is one 1 MB message.
func BenchmarkMatchHuge(b *testing.B) {
	e := benchEngine(b, 1000)
	huge := strings.Repeat("where is my parcel? พัสดุ 我的订单 ", 1<<20/64)
	b.SetBytes(int64(len(huge)))
	b.ReportAllocs()
	for b.Loop() {
		_ = e.Match(huge)
	}
}
