package insights_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/language"

	"github.com/switchboard-go/switchboard/insights"
	"github.com/switchboard-go/switchboard/internal/testenv"
)

// chartCheck is what the page says about its charts and its width.
type chartCheck struct {
	Charts       int      `json:"charts"`
	Problems     []string `json:"problems"`
	ScrollWidth  int      `json:"scrollWidth"`
	ClientWidth  int      `json:"clientWidth"`
	WideElements []string `json:"wideElements"`
}

const checkJS = `(() => {
  const problems = [];
  const figs = [...document.querySelectorAll('figure.chart')];
  for (const f of figs) {
    const svg = f.querySelector('svg');
    const name = f.id;
    if (!svg) { problems.push(name + ': no svg'); continue; }
    const title = svg.querySelector('title');
    if (!title || !title.textContent.trim()) problems.push(name + ': no title');
    if (!f.querySelector('h2') || !f.querySelector('h2').textContent.trim()) problems.push(name + ': no heading');
    for (const c of ['x-label', 'y-label']) {
      const l = svg.querySelector('.' + c);
      if (!l || !l.textContent.trim()) { problems.push(name + ': no ' + c); continue; }
      const r = l.getBoundingClientRect(), s = svg.getBoundingClientRect();
      if (r.width === 0 || r.left < s.left - 1 || r.right > s.right + 1 || r.top < s.top - 1 || r.bottom > s.bottom + 1)
        problems.push(name + ': ' + c + ' outside its chart ' + JSON.stringify([r.left,r.right,r.top,r.bottom,s.left,s.right,s.top,s.bottom].map(Math.round)));
    }
    if (svg.querySelectorAll('.tick').length < 2) problems.push(name + ': fewer than two tick labels');
  }
  const de = document.documentElement;
  const wide = [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > de.clientWidth + 1 && !e.closest('svg title'))
    .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right));
  return {charts: figs.length, problems, scrollWidth: de.scrollWidth, clientWidth: de.clientWidth, wideElements: wide};
})()`

// TestReportInChromium renders the weekly report of a generated week in
// Debian's Chromium at desktop (1280 px) and phone (390 px) width, in
// English and Chinese: every chart has a title, a heading and labelled
// axes inside the chart, and nothing is wider than the phone's screen.
// Screenshots go to $INSIGHTS_SCREENSHOT_DIR when set (the README's comes
// from there), else to a temporary directory.
func TestReportInChromium(t *testing.T) {
	chromium := testenv.Chromium(t)
	dir := os.Getenv("INSIGHTS_SCREENSHOT_DIR")
	if dir == "" {
		dir = t.TempDir()
	}
	m := generatedWeek(t)

	opts := append(chromedp.DefaultExecAllocatorOptions[:0:0],
		chromedp.ExecPath(chromium),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	bctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancel := context.WithTimeout(bctx, 90*time.Second)
	defer cancel()
	require.NoError(t, chromedp.Do(ctx), "start Chromium")

	for _, lang := range []struct {
		name string
		tag  language.Tag
	}{{"en", language.English}, {"zh", language.Chinese}} {
		var buf bytes.Buffer
		require.NoError(t, insights.WriteReport(&buf, m, insights.ReportOptions{Shop: "Lumen Wear", Language: lang.tag}))
		page := filepath.Join(t.TempDir(), "week-"+lang.name+".html")
		require.NoError(t, os.WriteFile(page, buf.Bytes(), 0o644))
		for _, width := range []int64{1280, 390} {
			t.Run(lang.name+"-"+itoa(width), func(t *testing.T) {
				require.NoError(t, chromedp.Do(ctx,
					chromedp.EmulateViewport(width, 900),
					chromedp.Navigate("file://"+page),
					chromedp.WaitReady("footer"),
				))
				got, err := chromedp.Run(ctx, chromedp.Evaluate[chartCheck](checkJS))
				require.NoError(t, err)
				shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
				require.NoError(t, err)
				out := filepath.Join(dir, "report-"+lang.name+"-"+itoa(width)+".png")
				require.NoError(t, os.WriteFile(out, shot, 0o644))
				t.Logf("screenshot %s (%d bytes)", out, len(shot))
				assert.GreaterOrEqual(t, got.Charts, 6)
				assert.Empty(t, got.Problems)
				assert.LessOrEqual(t, got.ScrollWidth, got.ClientWidth, "page overflows: %v", got.WideElements)
				assert.Empty(t, got.WideElements)
			})
		}
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
