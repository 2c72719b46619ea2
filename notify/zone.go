package notify

import (
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // quiet hours need every customer's zone, on any host

	"github.com/nyaruka/phonenumbers"
)

// zoneCache resolves a notice's time zones: the profile's zone, else the
// zones of the phone number's area (several for some US area codes: a time
// is quiet when it is quiet in any of them; a number whose zones spread
// over more than maxZoneSpan is not geographic), else the shop's. Results
// are cached by zone name and by number prefix.
type zoneCache struct {
	shop []*time.Location

	mu    sync.Mutex
	named map[string][]*time.Location
}

const maxCachedZones = 10_000

// maxZoneSpan is the widest spread of UTC offsets a number's zones may have
// to be used. A non-geographic number (US toll-free: Guam to Newfoundland)
// is quiet somewhere at every hour; the shop's zone is the better guess.
const maxZoneSpan = 6 * time.Hour

// offsetSpan is the spread of the zones' standard UTC offsets.
func offsetSpan(locs []*time.Location) time.Duration {
	ref := time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)
	lo, hi := 24*time.Hour, -24*time.Hour
	for _, loc := range locs {
		_, off := ref.In(loc).Zone()
		d := time.Duration(off) * time.Second
		lo, hi = min(lo, d), max(hi, d)
	}
	return hi - lo
}

func newZoneCache(shop *time.Location) *zoneCache {
	return &zoneCache{shop: []*time.Location{shop}, named: map[string][]*time.Location{}}
}

func (c *zoneCache) of(n Notice) []*time.Location {
	key := ""
	switch {
	case n.TimeZone != "":
		key = "tz:" + n.TimeZone
	case n.Phone != "":
		key = "tel:" + n.Phone
	default:
		return c.shop
	}
	c.mu.Lock()
	locs, ok := c.named[key]
	c.mu.Unlock()
	if ok {
		return locs
	}
	locs = c.resolve(n)
	c.mu.Lock()
	if len(c.named) >= maxCachedZones {
		clear(c.named)
	}
	c.named[key] = locs
	c.mu.Unlock()
	return locs
}

func (c *zoneCache) resolve(n Notice) []*time.Location {
	if n.TimeZone != "" {
		if loc, err := time.LoadLocation(n.TimeZone); err == nil {
			return []*time.Location{loc}
		}
	}
	if n.Phone != "" {
		num, err := phonenumbers.Parse("+"+strings.TrimPrefix(n.Phone, "+"), "")
		if err == nil {
			names, err := phonenumbers.GetTimezonesForNumber(num)
			if err == nil {
				var locs []*time.Location
				for _, name := range names {
					if loc, err := time.LoadLocation(name); err == nil {
						locs = append(locs, loc)
					}
				}
				if len(locs) > 0 && offsetSpan(locs) <= maxZoneSpan {
					return locs
				}
			}
		}
	}
	return c.shop
}
