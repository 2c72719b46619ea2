package insights_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/language"

	"github.com/switchboard-go/switchboard/insights"
	"github.com/switchboard-go/switchboard/insights/insightstest"
)

// generatedWeek is a realistic week (150,000 events; 30,000 under -race)
// for the report.
func generatedWeek(t testing.TB) *insights.Metrics {
	t.Helper()
	from, to := insightstest.Week()
	n := 150_000
	if raceEnabled {
		n = 30_000
	}
	l := insights.NewMemoryLog()
	require.NoError(t, l.Append(context.Background(), insightstest.Generate(n, 7, from)...))
	opts := insightstest.FixtureOptions()
	opts.Revised = map[string]time.Time{"size-guide": from.AddDate(0, -5, 0), "refund-status": from.AddDate(0, -1, 0)}
	m, err := insights.Compute(context.Background(), l, from, to, opts)
	require.NoError(t, err)
	return m
}

func fixtureWeek(t testing.TB) *insights.Metrics {
	t.Helper()
	from, to := insightstest.Week()
	m, err := insights.Compute(context.Background(), fixtureLog(t), from, to, insightstest.FixtureOptions())
	require.NoError(t, err)
	return m
}

func TestReportIsSelfContained(t *testing.T) {
	for _, tc := range []struct {
		name string
		lang language.Tag
		want []string
	}{
		{"english", language.English, []string{`<html lang="en">`, "Weekly customer service report", "Rules to revise", "Hot words"}},
		{"chinese", language.SimplifiedChinese, []string{`<html lang="zh-Hans">`, "客服周报", "需要修订的规则", "热词", "周一"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			require.NoError(t, insights.WriteReport(&buf, fixtureWeek(t), insights.ReportOptions{Shop: "Lumen <Wear>", Language: tc.lang}))
			page := buf.String()
			for _, w := range tc.want {
				assert.Contains(t, page, w)
			}
			assert.Contains(t, page, "Lumen &lt;Wear&gt;")
			// Nothing to fetch: no scripts, links, imports or remote URLs.
			for _, bad := range []string{"<script", "<link", "@import", "src=", "url(", "http://", "https://"} {
				if bad == "http://" {
					page = strings.ReplaceAll(page, `xmlns="http://www.w3.org/2000/svg"`, "")
				}
				assert.NotContains(t, page, bad)
			}
			// Every chart: a title and both axis labels.
			charts := regexp.MustCompile(`(?s)<svg.*?</svg>`).FindAllString(page, -1)
			assert.GreaterOrEqual(t, len(charts), 6)
			for _, c := range charts {
				assert.Regexp(t, `<title id="t-[a-z]+">[^<]+</title>`, c)
				assert.Regexp(t, `class="axis-label x-label"[^>]*>[^<]+<`, c)
				assert.Regexp(t, `class="axis-label y-label"[^>]*>[^<]+<`, c)
			}
		})
	}
	assert.ErrorIs(t, insights.WriteReport(&bytes.Buffer{}, nil, insights.ReportOptions{}), insights.ErrNoMetrics)
}

// TestWriteReportFile writes the generated week's report in both languages
// to $INSIGHTS_REPORT_DIR when set (to look at it), else to a temp dir.
func TestWriteReportFile(t *testing.T) {
	dir := os.Getenv("INSIGHTS_REPORT_DIR")
	if dir == "" {
		dir = t.TempDir()
	}
	m := generatedWeek(t)
	for name, tag := range map[string]language.Tag{"week-en.html": language.English, "week-zh.html": language.Chinese} {
		var buf bytes.Buffer
		require.NoError(t, insights.WriteReport(&buf, m, insights.ReportOptions{Shop: "Lumen Wear", Language: tag}))
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), buf.Bytes(), 0o644))
	}
}
