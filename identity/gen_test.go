package identity

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"
)

// peopleGen makes synthetic customers for tests and benchmarks with a
// realistic name distribution: first and family names in Latin, CJK and
// Thai scripts, heavy-tailed (a few names very common — the top full name
// about 0.1 % of customers, as "Chan Tai Man" or "John Smith" are — and a
// long tail of rare ones built from syllables), numbers of Hong Kong,
// Thailand and mainland China, emails, some addresses, and orders of a
// catalogue whose best sellers are bought far more than the rest.
type peopleGen struct {
	rng *rand.Rand
	now time.Time
}

// Common names, most common first. They are name lists, not customer data.
var (
	latinFirst = strings.Fields(`John Maria David Ana Michael Jose Sarah Juan Daniel Laura James Carlos
		Anna Luis Emma Pedro Sofia Peter Lucia Paul Mark Elena Thomas Rosa Kevin Carmen Jason Paula Ryan
		Marta Eric Julia Adam Clara Brian Andrea Jonathan Sandra Steven Monica Nguyen Linh Minh Thanh
		Budi Siti Agus Dewi Putri Rizky Fernanda Gabriel Rafael Beatriz Mateus Larissa Joao Camila Bruno`)
	latinFamily = strings.Fields(`Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez
		Hernandez Lopez Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White
		Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill
		Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Silva Santos Oliveira
		Souza Pereira Costa Ferreira Almeida Tran Le Pham Hoang Phan Vu Dang Bui Do Ho Ngo Duong Ly Wijaya
		Santoso Susanto Halim Gunawan Tanaka Suzuki Sato Watanabe Chan Wong Cheung Lau Leung Chow Ng Ho Yeung
		Tsang Kwok Fung Lam Tang Mak Chu Yip Lai Kwan Lo Tse Choi Fong Poon Wu Lui Ku Siu Sze Man Yau`)
	cjkFamily = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛")
	cjkGiven  = []rune("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲芬燕彬婷雪琳晶慧欣宇浩然子轩梓涵一诺思雨佳怡")
	thaiFirst = strings.Fields(`สมชาย สมศักดิ์ สมศรี สุดา วิชัย ประเสริฐ สมพงษ์ มาลี บุญมี อรุณ นภา กัญญา ธนพร
		ศิริพร วันเพ็ญ จันทร์เพ็ญ สุนีย์ ประภา สมบัติ ชัยวัฒน์ อนุชา ปิยะ ณัฐพล กิตติ ธีรพงษ์ พิมพ์ใจ รัตนา ศักดิ์ชัย`)
	thaiFamily = strings.Fields(`ศรีสุข แสงทอง สุขใจ ใจดี มีสุข ทองดี บุญมา แก้วมณี ศรีวงศ์ จันทร์แก้ว พรหมมา
		สมบูรณ์ รุ่งเรือง วงศ์สวัสดิ์ ทองคำ ศรีสวัสดิ์ บุญเรือง สุวรรณ ประเสริฐศรี เพชรรัตน์ อินทร์แก้ว ธนากร`)
	latinSylls = strings.Fields(`ka ri mo ta ne lu si an el or ba de fi go hu ja ko le mi no pa qu ra
		sa te ul va wo xi yo za chi sho ven dor lin mar tus bel cor dan fen gar hol`)
	thaiSylls = strings.Fields(`กา นา มา รา สา ทอง ศรี แก้ว บุญ ชัย วงศ์ สุข ใจ ดี พร รัตน์ ธนา กิจ`)
)

func newPeopleGen(rng *rand.Rand, now time.Time) *peopleGen {
	return &peopleGen{rng: rng, now: now}
}

// pick draws an index of a list of n names with weight 1/(rank+10): the
// head is common but not overwhelming, as in census name tables.
func (g *peopleGen) pick(n int) int {
	total := 0.0
	for i := range n {
		total += 1 / float64(i+10)
	}
	x := g.rng.Float64() * total
	for i := range n {
		x -= 1 / float64(i+10)
		if x <= 0 {
			return i
		}
	}
	return n - 1
}

func (g *peopleGen) tail(sylls []string, lo, hi int) string {
	var b strings.Builder
	for range lo + g.rng.IntN(hi-lo+1) {
		b.WriteString(sylls[g.rng.IntN(len(sylls))])
	}
	return b.String()
}

// name returns a full name: 50 % Latin (given name first), 35 % Chinese
// (family name first, written together), 15 % Thai. Each part comes from
// the common list with probability 0.6, else from the long tail.
func (g *peopleGen) name() string {
	common := func() bool { return g.rng.Float64() < 0.6 }
	switch x := g.rng.Float64(); {
	case x < 0.5:
		first, family := latinFirst[g.pick(len(latinFirst))], latinFamily[g.pick(len(latinFamily))]
		if !common() {
			s := g.tail(latinSylls, 2, 3)
			first = strings.ToUpper(s[:1]) + s[1:]
		}
		if !common() {
			s := g.tail(latinSylls, 2, 4)
			family = strings.ToUpper(s[:1]) + s[1:]
		}
		return first + " " + family
	case x < 0.85:
		family := cjkFamily[g.pick(len(cjkFamily))]
		given := []rune{cjkGiven[g.pick(len(cjkGiven))]}
		if g.rng.IntN(3) > 0 {
			c := cjkGiven[g.pick(len(cjkGiven))]
			if !common() {
				c = rune(0x4E00 + g.rng.IntN(6000))
			}
			given = append(given, c)
		}
		return string(family) + string(given)
	default:
		first, family := thaiFirst[g.pick(len(thaiFirst))], thaiFamily[g.pick(len(thaiFamily))]
		if !common() {
			first = g.tail(thaiSylls, 2, 3)
		}
		if !common() {
			family = g.tail(thaiSylls, 2, 4)
		}
		return first + " " + family
	}
}

// phone returns a mobile number in E.164 of HK, TH or CN.
func (g *peopleGen) phone() string {
	switch g.rng.IntN(3) {
	case 0:
		return fmt.Sprintf("+852%d%07d", []int{5, 6, 9}[g.rng.IntN(3)], g.rng.IntN(10000000))
	case 1:
		return fmt.Sprintf("+66%d%08d", []int{6, 8, 9}[g.rng.IntN(3)], g.rng.IntN(100000000))
	}
	return fmt.Sprintf("+861%d%d%08d", 3+g.rng.IntN(6), g.rng.IntN(10), g.rng.IntN(100000000))
}

// sku draws from 20,000 SKUs with weight 1/(rank+50): best sellers exist.
func (g *peopleGen) sku() string {
	// Inverse of the weights' cumulative sum, ln((k+50)/50) / ln(20050/50).
	u := g.rng.Float64()
	k := int(50*math.Exp(u*math.Log(20050.0/50)) - 50)
	return fmt.Sprintf("SKU-%05d", min(k, 19999))
}

func (g *peopleGen) order(i int) Order {
	return Order{ID: fmt.Sprintf("SO-%d-%d", i, g.rng.Int()), SKU: g.sku(),
		At: g.now.Add(-time.Duration(g.rng.IntN(365*24)) * time.Hour), Amount: int64(g.rng.IntN(100000)), Currency: "HKD"}
}

// person returns a new customer; its phones are E.164 already.
func (g *peopleGen) person(i int) *Profile {
	p := &Profile{
		ID:      fmt.Sprintf("p%07d", i),
		Names:   []string{g.name()},
		Phones:  []Phone{{E164: g.phone(), Source: "import"}},
		Links:   []Link{{Channel: "line", Scope: "prov", ID: fmt.Sprintf("U%032d", i)}},
		Consent: Consent{Version: "v1", At: g.now.Add(-time.Hour)},
	}
	if g.rng.Float64() < 0.7 {
		p.Emails = []string{fmt.Sprintf("c%d.%d@example.com", i, g.rng.IntN(1000))}
	}
	for range 1 + g.rng.IntN(3) {
		p.Orders = append(p.Orders, g.order(i))
	}
	if g.rng.Float64() < 0.3 {
		p.Fields = []Field{{Name: "address", Value: fmt.Sprintf("Flat %d%c, %d %s Road", 1+g.rng.IntN(40),
			'A'+rune(g.rng.IntN(8)), 1+g.rng.IntN(500), latinFamily[g.rng.IntN(len(latinFamily))])}}
	}
	return p
}

// duplicateOf returns the same customer as seen again: the name with a
// typo, reordered or re-cased (Chinese names: one character changed half
// the time), and some evidence — the same email, a number differing in its
// last digits, the same address, a repeat purchase of a SKU within weeks —
// or none at all (a new number and a new email: the rule cannot see it).
func (g *peopleGen) duplicateOf(p *Profile, i int) *Profile {
	d := g.person(i)
	d.Names = []string{g.variant(p.Names[0])}
	d.Fields = nil
	switch x := g.rng.Float64(); {
	case x < 0.25:
		d.Emails = append([]string(nil), p.Emails...)
	case x < 0.5:
		ph := []byte(p.Phones[0].E164)
		ph[len(ph)-1] = '0' + byte((int(ph[len(ph)-1]-'0')+1+g.rng.IntN(9))%10)
		d.Phones[0].E164 = string(ph)
	case x < 0.6:
		d.Phones[0] = p.Phones[0]
	case x < 0.9:
		o := g.order(i)
		o.SKU = p.Orders[0].SKU
		o.At = p.Orders[0].At.Add(time.Duration(g.rng.IntN(60*24)) * time.Hour)
		d.Orders[0] = o
	}
	if len(p.Fields) > 0 && g.rng.IntN(2) == 0 {
		d.Fields = []Field{{Name: "address", Value: strings.ToUpper(p.Fields[0].Value)}}
	}
	return d
}

// variant is a name as a customer types it again.
func (g *peopleGen) variant(name string) string {
	r := []rune(name)
	if len(r) <= 4 && !strings.Contains(name, " ") { // Chinese
		if g.rng.IntN(2) == 0 {
			r[1+g.rng.IntN(len(r)-1)] = cjkGiven[g.rng.IntN(len(cjkGiven))]
		}
		return string(r)
	}
	switch g.rng.IntN(5) {
	case 0: // substitution
		j := g.rng.IntN(len(r))
		if r[j] != ' ' {
			r[j] = []rune(strings.ToLower(name))[g.rng.IntN(len(r))]
		}
	case 1: // deletion
		j := g.rng.IntN(len(r))
		r = append(r[:j], r[j+1:]...)
	case 2: // family name first, upper case
		parts := strings.Fields(name)
		return strings.ToUpper(parts[len(parts)-1] + ", " + strings.Join(parts[:len(parts)-1], " "))
	case 3: // transposition
		if len(r) > 2 {
			j := g.rng.IntN(len(r) - 1)
			r[j], r[j+1] = r[j+1], r[j]
		}
	}
	return string(r)
}
