package meta

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Default sets *p to v when *p is empty: a fake's config defaults.
func Default(p *string, v string) {
	if *p == "" {
		*p = v
	}
}

// Recorded is a request a fake server received, access token redacted. It
// has the fields of the fakes' exported Request types, which convert from
// it.
type Recorded struct {
	// Method is the HTTP method.
	Method string
	// Path is the URL path.
	Path string
	// Query is the URL query, access_token redacted.
	Query url.Values
	// Header is a copy of the header, Authorization redacted.
	Header http.Header
	// Body is the raw request body.
	Body []byte
}

// Receive reads the body of a request to a fake server through a cap of
// limit bytes and returns the request's record, redacted (Redacted). Over
// the cap or on a read error it answers code 100 and reports false; the
// caller just returns.
func Receive(w http.ResponseWriter, r *http.Request, limit int64) (Recorded, bool) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		InvalidParameter(w, "request body too large or unreadable")
		return Recorded{}, false
	}
	h, q := Redacted(r)
	return Recorded{Method: r.Method, Path: r.URL.Path, Query: q, Header: h, Body: body}, true
}

// ServeAuthorized answers an API request to a fake: 401 with code 190 when
// r does not carry token (Authorized), else under the next queued fault
// matching r's path (Serve), else with route.
func (fs *Faults) ServeAuthorized(w http.ResponseWriter, r *http.Request, token string, route func(http.ResponseWriter)) {
	if Authorized(w, r, token) {
		fs.Serve(w, r, route)
	}
}

// Redacted returns copies of r's header and query with the access token
// (Authorization header, access_token parameter) replaced by "[redacted]",
// so a fake's request records can be printed safely.
func Redacted(r *http.Request) (http.Header, url.Values) {
	h := r.Header.Clone()
	if h.Get("Authorization") != "" {
		h.Set("Authorization", "Bearer [redacted]")
	}
	q := r.URL.Query()
	if q.Has("access_token") {
		q.Set("access_token", "[redacted]")
	}
	return h, q
}

// PathParts splits r's path into its components, without empty ends.
func PathParts(r *http.Request) []string {
	return strings.Split(strings.Trim(r.URL.Path, "/"), "/")
}

// PathVersion reports whether v, the first path component, is a Graph API
// version: "v", a number, a dot, a number. The fakes read it on their own,
// more leniently than the clients' check of Config.APIVersion.
func PathVersion(v string) bool {
	if len(v) < 4 || v[0] != 'v' {
		return false
	}
	major, minor, ok := strings.Cut(v[1:], ".")
	if !ok {
		return false
	}
	_, err1 := strconv.Atoi(major)
	_, err2 := strconv.Atoi(minor)
	return err1 == nil && err2 == nil
}

// UnknownPath answers Graph's code 2500 for a path it does not route.
func UnknownPath(w http.ResponseWriter, parts []string) {
	WriteError(w, http.StatusBadRequest, GraphError{
		Message: "Unknown path components: /" + strings.Join(parts, "/"), Code: 2500,
	})
}

// WriteJSON answers 200 with v as JSON.
func WriteJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}
