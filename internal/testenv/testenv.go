// Package testenv finds the real services that integration tests need:
// PostgreSQL, Redis, Chromium and system fonts. Each is named by an environment variable;
// when it is unset the test skips with one line saying how to enable it, so
// `go test ./...` passes on a bare machine. CI sets
// SWITCHBOARD_REQUIRE_SERVICES=1, which turns every such skip into a
// failure: a skipped store or browser test is not a pass there.
package testenv

import (
	"os"
	"os/exec"
	"testing"
)

// RequireEnv is the variable that turns a missing service into a failure.
const RequireEnv = "SWITCHBOARD_REQUIRE_SERVICES"

// PostgresURL returns SWITCHBOARD_POSTGRES_URL (e.g.
// postgres://postgres@127.0.0.1:5432/test?sslmode=disable), or skips t.
func PostgresURL(t testing.TB) string {
	t.Helper()
	return lookup(t, "SWITCHBOARD_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/test?sslmode=disable")
}

// RedisURL returns SWITCHBOARD_REDIS_URL (e.g. redis://127.0.0.1:6379/0),
// or skips t.
func RedisURL(t testing.TB) string {
	t.Helper()
	return lookup(t, "SWITCHBOARD_REDIS_URL", "redis://127.0.0.1:6379/0")
}

// Chromium returns the path of a Chromium binary: SWITCHBOARD_CHROMIUM, or
// chromium on PATH when SWITCHBOARD_CHROMIUM is unset; it skips t when
// neither is there.
func Chromium(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("SWITCHBOARD_CHROMIUM"); p != "" {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("SWITCHBOARD_CHROMIUM=%s: %v", p, err)
		}
		return p
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	missing(t, "browser test skipped: install Chromium (apt-get install -y chromium) or set SWITCHBOARD_CHROMIUM=/path/to/chromium")
	return ""
}

// File returns path when it exists, or skips t saying which Debian package
// installs it (fonts for PDF tests, say).
func File(t testing.TB, path, debianPackage string) string {
	t.Helper()
	if _, err := os.Stat(path); err == nil {
		return path
	}
	missing(t, "test skipped: "+path+" is missing; apt-get install -y "+debianPackage+" to run it")
	return ""
}

func lookup(t testing.TB, name, example string) string {
	t.Helper()
	if v := os.Getenv(name); v != "" {
		return v
	}
	missing(t, "integration test skipped: set "+name+"="+example+" to run it")
	return ""
}

func missing(t testing.TB, msg string) {
	t.Helper()
	if os.Getenv(RequireEnv) == "1" {
		t.Fatal(msg + " (" + RequireEnv + "=1 requires it)")
		return
	}
	t.Skip(msg)
}
