package identity

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// keys returns the index entries of p: its links, phones, emails and
// orders for exact lookups, and its evidence blocks for duplicate detection
// (phone prefix, each SKU's SKUWindow-long period, address) and its exact
// normalized names, which carry p's normalized names (joined by \x1f) as
// Data. A merged-away or anonymous profile has none.
//
// Name keys serve only the rare names (ClassNameOnly): a popular name's key
// holds thousands of profiles and is skipped, never compared pairwise.
func (r *Registry) keys(p *Profile) []Entry {
	if p.MergedInto != "" || p.Anonymous {
		return nil
	}
	names := strings.Join(p.NormalizedNames, "\x1f")
	ks := make([]Entry, 0, len(p.Links)+2*len(p.Phones)+len(p.Emails)+2*len(p.Orders)+1)
	for _, l := range p.Links {
		ks = append(ks, Entry{Key: l.key()})
	}
	for _, ph := range p.Phones {
		ks = append(ks, Entry{Key: Key{KeyPhone, ph.E164}}, Entry{phonePrefixKey(ph.E164), names})
	}
	for _, e := range p.Emails {
		ks = append(ks, Entry{Key: Key{KeyEmail, e}})
	}
	for _, o := range p.Orders {
		if o.ID != "" {
			ks = append(ks, Entry{Key: Key{KeyOrder, o.ID}})
		}
		if o.SKU != "" {
			ks = append(ks, Entry{r.skuKey(o.SKU, r.skuBucket(o.At)), names})
		}
	}
	if a := addressOf(p); a != "" {
		ks = append(ks, Entry{addressKey(a), names})
	}
	for _, n := range p.NormalizedNames {
		ks = append(ks, Entry{nameKey(n), names})
	}
	return ks
}

// nameKey groups the profiles of one normalized name, for ClassNameOnly
// pairs among the few that share a rare name; Candidates and Scan ignore
// groups of more than MaxNameOnly.
func nameKey(n string) Key { return Key{KeyBlock, "n" + n} }

func isNameKey(k Key) bool { return k.Kind == KeyBlock && strings.HasPrefix(k.Value, "n") }

// maxIndexedNames bounds the names of one profile that are compared.
const maxIndexedNames = 3

// phonePrefixKey blocks numbers that differ only in their last three digits:
// a typo there, or two lines of one household or business.
func phonePrefixKey(e164 string) Key {
	return Key{KeyBlock, "p" + phonePrefix(e164)}
}

func phonePrefix(e164 string) string {
	return e164[:max(min(2, len(e164)), len(e164)-3)]
}

// addressOf returns the normalized "address" field of p (case, width,
// spaces and punctuation folded), or "" when it has none worth comparing.
func addressOf(p *Profile) string {
	f, ok := p.Field("address")
	if !ok {
		return ""
	}
	_, given := normalizeName(f.Value)
	if utf8.RuneCountInString(given) < 6 {
		return ""
	}
	return given
}

func addressKey(a string) Key { return Key{KeyBlock, "a" + a} }

// skuBucket numbers the SKUWindow-long periods since the Unix epoch; two
// purchases within SKUWindow fall in the same or in adjacent buckets.
func (r *Registry) skuBucket(t time.Time) int64 {
	w := int64(r.skuWindow / time.Second)
	s := t.Unix()
	b := s / w
	if s < 0 && s%w != 0 {
		b--
	}
	return b
}

func (r *Registry) skuKey(sku string, bucket int64) Key {
	return Key{KeyBlock, "s" + strconv.FormatInt(bucket, 10) + "\x1f" + sku}
}
