package main

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/internal/testenv"
)

// TestRun serves the demo briefly: an agent signs in, simulated customers'
// hand-offs reach the console, and the page shows them masked.
func TestRun(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := &testenv.LogBuffer{}
	done := make(chan error, 1)
	db := filepath.Join(t.TempDir(), "desk.db")
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-every", "20ms", "-duration", "20s", "-sqlite", db}, out)
	}()

	urlRE := regexp.MustCompile(`http://127\.0\.0\.1:\d+/`)
	var base string
	require.Eventually(t, func() bool { base = urlRE.FindString(out.String()); return base != "" }, 5*time.Second, 10*time.Millisecond)

	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 5 * time.Second}
	res, err := c.PostForm(base, url.Values{"agent": {"ann"}})
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.Equal(t, "/desk/", res.Request.URL.Path, "signed in and sent to the console")

	var page string
	require.Eventually(t, func() bool {
		res, err := c.Get(base + "desk/")
		if err != nil {
			return false
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		page = string(b)
		return strings.Count(page, `class="item `) >= 2
	}, 10*time.Second, 50*time.Millisecond, "hand-offs reach the queue")
	assert.Contains(t, page, "**", "names masked")
	for _, raw := range []string{"85291230003", "34611222333", "66812345678", "6543210987654321"} {
		assert.NotContains(t, page, raw, "no unmasked address in the page")
	}
	cancel()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(5 * time.Second):
		t.Fatal("run did not stop")
	}
	assert.Contains(t, out.String(), "customer wrote")
	assert.Contains(t, out.String(), "state in sqlite "+db, "SQLite by default")
}
