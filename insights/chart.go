package insights

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// chart is the geometry of one inline SVG chart, computed in Go and drawn
// by the report template (which escapes every label).
type chart struct {
	ID, Title, XLabel, YLabel string
	W, H                      float64 // viewBox
	X0, Y0, X1, Y1            float64 // plot area
	XTicks, YTicks            []tick
	Bars                      []bar
	Lines                     []series
	Rules                     []guide // dashed reference lines
	Legend                    []legendItem
	Note                      string // a sentence under the chart
	Upright                   bool   // y label written top to bottom (Chinese), not rotated
	Empty                     string // shown across the plot when there is nothing to draw
}

type tick struct {
	X, Y  float64
	Label string
	Grid  bool
}

type bar struct {
	X, Y, W, H float64
	Fill       string
	Tip        string // <title> of the bar
	Value      string // printed beside or inside it
	VX, VY     float64
	Anchor     string
	Light      bool // value drawn in white
}

type series struct {
	Name, Color string
	Points      string
	Dots        []pt
}

type pt struct {
	X, Y float64
	Tip  string
}

type guide struct {
	X1, Y1, X2, Y2 float64
	Label          string
	LX, LY         float64
}

type legendItem struct {
	Name, Color string
	X, Y        float64
}

const (
	colBlue   = "#2563eb"
	colOrange = "#ea580c"
	colGreen  = "#16a34a"
	colGrey   = "#94a3b8"
	colRed    = "#dc2626"
)

// niceMax rounds v up to 1, 1.2, 2, 4, 6 or 8 times a power of ten, so a
// quarter of it is a round number.
func niceMax(v float64) float64 {
	if v <= 0 {
		return 4
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 1.2, 2, 4, 6, 8, 10} {
		if m*p >= v {
			return m * p
		}
	}
	return 10 * p
}

func fmtNum(v float64) string {
	return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64)
}

// yAxis adds five value ticks from 0 to max on c's left.
func (c *chart) yAxis(maxV float64, unit string) {
	for i := 0; i <= 4; i++ {
		v := maxV * float64(i) / 4
		c.YTicks = append(c.YTicks, tick{X: c.X0, Y: c.y(v, maxV), Label: fmtNum(v) + unit, Grid: i > 0})
	}
}

func (c *chart) y(v, maxV float64) float64 { return c.Y1 - (c.Y1-c.Y0)*v/maxV }

// columns is a vertical bar chart (or a line chart's frame) of n slots.
func newChart(id, title, xl, yl string, h float64) *chart {
	return &chart{ID: id, Title: title, XLabel: xl, YLabel: yl, W: 480, H: h, X0: 64, Y0: 34, X1: 470, Y1: h - 52}
}

func (c *chart) slotX(i, n int) (center, width float64) {
	w := (c.X1 - c.X0) / float64(n)
	return c.X0 + w*(float64(i)+0.5), w
}

// column adds a vertical bar centred on x in a slot w wide, from the x axis
// up to y, with its value printed above it.
func (c *chart) column(x, w, y float64, fill, tip, value string) {
	c.Bars = append(c.Bars, bar{X: x - w*0.3, Y: y, W: w * 0.6, H: c.Y1 - y, Fill: fill,
		Tip: tip, Value: value, VX: x, VY: y - 4, Anchor: "middle"})
}

// hbars is a horizontal bar chart: one row per label, values on x.
func hbars(id, title, xl, yl string, labels []string, values []float64, unit func(float64) string, color string) *chart {
	rowH := 28.0
	h := 16 + rowH*float64(len(labels)) + 56
	c := &chart{ID: id, Title: title, XLabel: xl, YLabel: yl, W: 480, H: h, X0: 128, Y0: 16, X1: 450, Y1: h - 56}
	maxV := 0.0
	for _, v := range values {
		maxV = math.Max(maxV, v)
	}
	maxV = niceMax(maxV)
	for i := 0; i <= 4; i++ {
		v := maxV * float64(i) / 4
		c.XTicks = append(c.XTicks, tick{X: c.X0 + (c.X1-c.X0)*v/maxV, Y: c.Y1, Label: unit(v), Grid: i > 0})
	}
	for i, l := range labels {
		y := c.Y0 + rowH*float64(i)
		w := (c.X1 - c.X0) * values[i] / maxV
		b := bar{X: c.X0, Y: y + 4, W: w, H: rowH - 8, Fill: color, Tip: l + ": " + unit(values[i]),
			Value: unit(values[i]), VX: c.X0 + w + 4, VY: y + rowH/2 + 4, Anchor: "start"}
		if w > 70 {
			b.VX, b.Anchor, b.Light = c.X0+w-4, "end", true
		}
		c.Bars = append(c.Bars, b)
		c.YTicks = append(c.YTicks, tick{X: c.X0, Y: y + rowH/2 + 4, Label: clip(l, 12)})
	}
	return c
}

// clip shortens s to n runes with an ellipsis.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// heat interpolates from a pale to a deep blue for v in [0, 1].
func heat(v float64) string {
	lo := [3]float64{0xef, 0xf6, 0xff}
	hi := [3]float64{0x1e, 0x3a, 0x8a}
	var b strings.Builder
	b.WriteByte('#')
	for i := range 3 {
		fmt.Fprintf(&b, "%02x", int(lo[i]+(hi[i]-lo[i])*v))
	}
	return b.String()
}

// XMid and YMid place the axis labels.
func (c *chart) XMid() float64 { return (c.X0 + c.X1) / 2 }

// YMid is the plot's vertical middle.
func (c *chart) YMid() float64 { return (c.Y0 + c.Y1) / 2 }
