package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReportFlag: -report writes the demo's weekly report, built from the
// events the run fed into an insights log.
func TestReportFlag(t *testing.T) {
	path := filepath.Join(t.TempDir(), "week.html")
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), []string{"-quiet", "-report", path}, &out))
	assert.Contains(t, out.String(), "weekly report: "+path+" (")
	assert.Contains(t, out.String(), "5 conversations)")
	page, err := os.ReadFile(path)
	require.NoError(t, err)
	html := string(page)
	assert.Contains(t, html, "Weekly customer service report")
	assert.Contains(t, html, "delivery_times", "the rule followed by the hand-off is listed to revise")
	assert.Contains(t, html, "envío", "hot words come from the customers' messages")
	assert.NotContains(t, html, "85291234567", "no phone number in the report")
	assert.NotContains(t, html, "<script")
}

func TestReportFlagBadPath(t *testing.T) {
	var out bytes.Buffer
	err := run(context.Background(), []string{"-quiet", "-report", filepath.Join(t.TempDir(), "no", "such", "dir.html")}, &out)
	assert.Error(t, err)
}
