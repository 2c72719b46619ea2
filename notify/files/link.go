package files

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"time"

	"github.com/switchboard-go/switchboard/channel"
)

// LinksConfig configures Links.
type LinksConfig struct {
	// Key signs links: at least 32 random bytes, kept secret, the same on
	// every instance. Required.
	Key []byte
	// BaseURL is where the Links handler is mounted, e.g.
	// "https://shop.example/files". Required.
	BaseURL string
	// Store holds the documents. Required.
	Store Store
	// TTL is how long a link works; 0 means 7 days.
	TTL time.Duration
	// Clock returns the current time; nil means time.Now.
	Clock channel.Clock
}

// Links makes and serves signed, expiring download links. It is an
// http.Handler to mount at BaseURL's path. It is safe for concurrent use.
type Links struct {
	cfg  LinksConfig
	base *url.URL
}

// Link errors.
var (
	// ErrLinkForged: the signature does not match (or is missing).
	ErrLinkForged = errors.New("files: link signature invalid")
	// ErrLinkExpired: the link's time is over.
	ErrLinkExpired = errors.New("files: link expired")
)

// NewLinks returns Links, or an error naming what the config lacks.
func NewLinks(cfg LinksConfig) (*Links, error) {
	if len(cfg.Key) < 32 {
		return nil, errors.New("files: LinksConfig.Key must hold at least 32 bytes")
	}
	if cfg.Store == nil {
		return nil, errors.New("files: LinksConfig.Store is required")
	}
	u, err := url.Parse(cfg.BaseURL)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("files: LinksConfig.BaseURL %q is not an absolute URL", cfg.BaseURL)
	}
	if cfg.TTL <= 0 {
		cfg.TTL = 7 * 24 * time.Hour
	}
	cfg.Key = append([]byte(nil), cfg.Key...)
	return &Links{cfg: cfg, base: u}, nil
}

func (l *Links) now() time.Time { return l.cfg.Clock.Now() }

// TTL is how long a link made now works.
func (l *Links) TTL() time.Duration { return l.cfg.TTL }

func (l *Links) sign(id string, exp int64) string {
	m := hmac.New(sha256.New, l.cfg.Key)
	m.Write([]byte(id))
	m.Write([]byte{0})
	m.Write([]byte(strconv.FormatInt(exp, 10)))
	return hex.EncodeToString(m.Sum(nil))
}

// URL returns a link to document id that works until now+TTL.
func (l *Links) URL(id string) string {
	exp := l.now().Add(l.cfg.TTL).Unix()
	u := *l.base
	u.Path = path.Join(u.Path, id)
	u.RawQuery = url.Values{"exp": {strconv.FormatInt(exp, 10)}, "sig": {l.sign(id, exp)}}.Encode()
	return u.String()
}

// Verify checks a link's id, exp and sig as they came in a request: the
// signature first, in constant time, then the time.
func (l *Links) Verify(id, exp, sig string) error {
	n, err := strconv.ParseInt(exp, 10, 64)
	// Only the canonical form of what URL wrote is accepted: one link, one
	// spelling (no leading zeros, no upper-case hex).
	if err != nil || strconv.FormatInt(n, 10) != exp || id == "" || len(sig) != 2*sha256.Size {
		return ErrLinkForged
	}
	want := l.sign(id, n)
	if !hmac.Equal([]byte(want), []byte(sig)) {
		return ErrLinkForged
	}
	if l.now().Unix() >= n {
		return ErrLinkExpired
	}
	return nil
}

// ServeHTTP serves GET and HEAD of a signed link: 403 when forged, 410 when
// expired (checked before the store is touched), 404 when the document is
// gone, 503 when the store fails; else the file as an attachment.
func (l *Links) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	id := path.Base(r.URL.Path)
	q := r.URL.Query()
	switch err := l.Verify(id, q.Get("exp"), q.Get("sig")); {
	case errors.Is(err, ErrLinkExpired):
		http.Error(w, "this link has expired: ask us for a new one", http.StatusGone)
		return
	case err != nil:
		http.Error(w, "forbidden", http.StatusForbidden)
		return
	}
	d, err := l.cfg.Store.Get(r.Context(), id)
	switch {
	case errors.Is(err, ErrNotFound):
		http.NotFound(w, r)
		return
	case err != nil:
		http.Error(w, "temporarily unavailable", http.StatusServiceUnavailable)
		return
	}
	h := w.Header()
	h.Set("Content-Type", cmpOr(d.MIME, "application/octet-stream"))
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": d.Name}))
	h.Set("Content-Length", strconv.Itoa(len(d.Data)))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, no-store")
	if r.Method == http.MethodHead {
		return
	}
	_, _ = w.Write(d.Data)
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

var _ http.Handler = (*Links)(nil)
