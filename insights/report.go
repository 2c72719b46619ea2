package insights

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"math"
	"strconv"
	"time"

	"golang.org/x/text/language"
)

//go:embed report.html.tmpl
var reportTemplate string

// ReportOptions shape the weekly report.
type ReportOptions struct {
	// Shop is the shop's name in the title; optional.
	Shop string
	// Language picks the report's language: English or Chinese (others
	// fall back to English); the zero Tag means English.
	Language language.Tag
	// FCRTarget draws a reference line on the FCR chart; 0 means 0.75.
	FCRTarget float64
}

// ErrNoMetrics is returned by WriteReport for nil metrics.
var ErrNoMetrics = fmt.Errorf("insights: no metrics to report")

// WriteReport writes m as one self-contained HTML page: inline CSS and
// SVG charts drawn here (response-time trend with median and p90, FCR by
// day, ratings, the 7 × 24 heat map, hot words, channel mix, rule hit
// rate), and tables of rules to revise, agents above the slow-agent mark,
// SLA breaches and file kinds over the weekly limit. It loads nothing: no
// script, font, image or style sheet from anywhere, so it works offline and
// as a mail attachment. Every label is escaped by html/template. It returns
// the writer's error or ErrNoMetrics.
func WriteReport(w io.Writer, m *Metrics, opts ReportOptions) error {
	if m == nil {
		return ErrNoMetrics
	}
	t, err := template.New("report").Parse(reportTemplate)
	if err != nil {
		return fmt.Errorf("insights: report template: %w", err)
	}
	return t.Execute(w, buildReport(m, opts))
}

type kpi struct {
	Label, Value, Sub string
	Alert             bool
}

type reportView struct {
	T                        reportText
	Shop, Period, Zone, Peak string
	KPIs                     []kpi
	Charts                   []*chart
	RatingAlert              bool
	Words                    []Word // after the charted ones
	Rules                    []ruleRow
	Agents                   []agentRow
	Breaches                 []breachRow
	BreachTotal              int
	Files                    []fileRow
}

type ruleRow struct {
	Rule, Triggers, Handoffs, Rate, Revised, Why string
}

type agentRow struct{ Agent, Team, Mean, Count string }

type breachRow struct{ Conversation, Channel, Agent, HandedOff, Waited, State string }

type fileRow struct{ Week, Kind, Count string }

func buildReport(m *Metrics, opts ReportOptions) reportView {
	T := textFor(opts.Language)
	loc := time.UTC
	if len(m.Trend) > 0 {
		loc = m.Trend[0].Start.Location()
	}
	if opts.FCRTarget <= 0 {
		opts.FCRTarget = 0.75
	}
	last := m.To.Add(-time.Nanosecond).In(loc)
	v := reportView{T: T, Shop: opts.Shop, Zone: m.Zone,
		Period: T.DateFormat(m.From.In(loc)) + " – " + T.DateFormat(last)}
	if m.Messages > 0 {
		v.Peak = fmt.Sprintf(T.Peak, m.Peak.StartHour, (m.Peak.StartHour+2)%24, T.Pct(m.Peak.Share))
	}
	durOr := func(s Stat) string {
		if s.Count == 0 {
			return "–"
		}
		return T.Dur(s.Median)
	}
	pctOr := func(r Rate) string {
		if r.Total == 0 {
			return "–"
		}
		return T.Pct(r.Rate)
	}
	rating := "–"
	if m.Ratings.Count > 0 {
		rating = strconv.FormatFloat(m.Ratings.Mean, 'f', 2, 64)
	}
	v.RatingAlert = m.Ratings.Alert
	v.KPIs = []kpi{
		{Label: T.Conversations, Value: strconv.Itoa(m.Conversations), Sub: fmt.Sprintf("%s %d · %s %d", T.Messages, m.Messages, T.HandedOff, m.HandedOff)},
		{Label: T.AutoHandled, Value: pctOr(m.AutoHandled), Sub: fmt.Sprintf("%d / %d", m.AutoHandled.Hits, m.AutoHandled.Total)},
		{Label: T.FirstResponse, Value: durOr(m.FirstResponse.Business), Sub: fmt.Sprintf("%s, %s; %s %s · %s %s",
			T.Median, T.Business, T.P90, durOr0(T, m.FirstResponse.Business.P90, m.FirstResponse.Business.Count), T.Wall, durOr(m.FirstResponse.Wall))},
		{Label: T.BotResponse, Value: durOr(m.BotResponse.Wall), Sub: T.Median + " · " + T.P90 + " " + durOr0(T, m.BotResponse.Wall.P90, m.BotResponse.Wall.Count)},
		{Label: T.FCR, Value: pctOr(m.FCR), Sub: fmt.Sprintf("%d / %d · %s %s", m.FCR.Hits, m.FCR.Total, T.Target, T.Pct(opts.FCRTarget)),
			Alert: m.FCR.Total > 0 && m.FCR.Rate < opts.FCRTarget},
		{Label: T.SLAMet, Value: pctOr(m.SLA), Sub: fmt.Sprintf("%d / %d", m.SLA.Hits, m.SLA.Total), Alert: m.SLA.Total > 0 && m.SLA.Rate < 0.9},
		{Label: T.Rating, Value: rating, Sub: fmt.Sprintf("n = %d", m.Ratings.Count), Alert: m.Ratings.Alert},
		{Label: T.Resolution, Value: durOr(m.Resolution.Business), Sub: T.Median + ", " + T.Business},
	}
	v.Charts = append(v.Charts, trendChart(m, T, loc), fcrChart(m, T, opts.FCRTarget, loc), ratingsChart(m, T), heatChart(m, T))
	if c := hitRateChart(m, T, loc); c != nil {
		v.Charts = append(v.Charts, c)
	}
	const charted = 15
	words := m.HotWords
	if len(words) > 0 {
		n := min(charted, len(words))
		labels, values := make([]string, n), make([]float64, n)
		for i, w := range words[:n] {
			labels[i], values[i] = w.Text, float64(w.Count)
		}
		v.Charts = append(v.Charts, hbars("words", T.WordsTitle, T.Mentions, T.Word, labels, values, fmtNum, colBlue))
		v.Words = words[n:min(len(words), 150)]
	}
	if len(m.Channels) > 0 {
		labels, values := make([]string, len(m.Channels)), make([]float64, len(m.Channels))
		for i, c := range m.Channels {
			labels[i], values[i] = channelName(string(c.Channel)), 100*c.Share
		}
		v.Charts = append(v.Charts, hbars("channels", T.ChannelsTitle, T.Share+" (%)", T.Channel, labels, values,
			func(f float64) string { return fmtNum(math.Round(f)) + "%" }, colGreen))
	}
	for _, r := range m.Rules {
		if !r.Revise && !r.Stale {
			continue
		}
		row := ruleRow{Rule: r.Rule, Triggers: strconv.Itoa(r.Triggers), Handoffs: strconv.Itoa(r.HandoffsAfter),
			Rate: T.Pct(r.FailureRate), Revised: T.Unknown}
		if !r.LastRevised.IsZero() {
			row.Revised = r.LastRevised.In(loc).Format("2006-01-02")
		}
		switch {
		case r.Revise && r.Stale:
			row.Why = T.TooManyHandoffs + "; " + T.NotRevised
		case r.Revise:
			row.Why = T.TooManyHandoffs
		default:
			row.Why = T.NotRevised
		}
		v.Rules = append(v.Rules, row)
	}
	for _, a := range m.Agents {
		if a.Slow {
			v.Agents = append(v.Agents, agentRow{Agent: a.Agent, Team: a.Team, Mean: T.Dur(a.FirstResponse.Mean),
				Count: strconv.Itoa(a.Conversations)})
		}
	}
	v.BreachTotal = m.SLA.Total - m.SLA.Hits
	for i, b := range m.Breaches {
		if i == 10 {
			break
		}
		state := T.Answered
		if !b.Answered {
			state = T.Waiting
		}
		v.Breaches = append(v.Breaches, breachRow{Conversation: clip(b.Conversation, 24), Channel: channelName(string(b.Channel)),
			Agent: b.Agent, HandedOff: b.HandedOff.In(loc).Format("01-02 15:04"), Waited: T.Dur(b.Waited), State: state})
	}
	for _, f := range m.Files {
		if f.Over {
			v.Files = append(v.Files, fileRow{Week: f.Week.Format("2006-01-02"), Kind: f.Kind, Count: strconv.Itoa(f.Count)})
		}
	}
	for _, c := range v.Charts {
		c.Upright = T.Lang != "en" // Chinese reads top to bottom, not rotated
		if len(c.Bars) == 0 && !hasPoints(c.Lines) {
			c.Empty = T.NoData
		}
	}
	return v
}

func hasPoints(ls []series) bool {
	for _, l := range ls {
		if len(l.Dots) > 0 {
			return true
		}
	}
	return false
}

func durOr0(T reportText, d time.Duration, n int) string {
	if n == 0 {
		return "–"
	}
	return T.Dur(d)
}

func channelName(k string) string {
	switch k {
	case "whatsapp":
		return "WhatsApp"
	case "messenger":
		return "Messenger"
	case "line":
		return "LINE"
	case "wechat":
		return "WeChat"
	case "":
		return "–"
	}
	return k
}

// dayLabel names a trend bucket on the x axis.
func dayLabel(T reportText, t time.Time, weekly bool) string {
	if weekly {
		return t.Format("01-02")
	}
	return T.Weekdays[(int(t.Weekday())+6)%7] + " " + strconv.Itoa(t.Day())
}

func weeklyTrend(m *Metrics) bool {
	return len(m.Trend) > 1 && m.Trend[1].Start.Sub(m.Trend[0].Start) > 48*time.Hour
}

// dayTicks labels c's x axis with m's trend buckets (days, or weeks for a
// long period) and returns each bucket's slot centre and the slot width.
func (c *chart) dayTicks(m *Metrics, T reportText, loc *time.Location) (xs []float64, w float64) {
	n := max(len(m.Trend), 1)
	weekly := weeklyTrend(m)
	for i, b := range m.Trend {
		var x float64
		x, w = c.slotX(i, n)
		xs = append(xs, x)
		c.XTicks = append(c.XTicks, tick{X: x, Y: c.Y1, Label: dayLabel(T, b.Start.In(loc), weekly)})
	}
	return xs, w
}

func trendChart(m *Metrics, T reportText, loc *time.Location) *chart {
	c := newChart("trend", T.TrendTitle, T.Day, T.Minutes, 280)
	maxV := 0.0
	for _, b := range m.Trend {
		maxV = math.Max(maxV, b.FirstResponse.P90.Minutes())
	}
	maxV = niceMax(maxV)
	c.yAxis(maxV, "")
	var med, p90 series
	med = series{Name: T.Median, Color: colBlue}
	p90 = series{Name: T.P90, Color: colOrange}
	xs, _ := c.dayTicks(m, T, loc)
	for i, b := range m.Trend {
		x := xs[i]
		if b.FirstResponse.Count == 0 {
			continue
		}
		for _, s := range []struct {
			s *series
			d time.Duration
		}{{&med, b.FirstResponse.Median}, {&p90, b.FirstResponse.P90}} {
			y := c.y(s.d.Minutes(), maxV)
			s.s.Points += fmt.Sprintf("%.1f,%.1f ", x, y)
			s.s.Dots = append(s.s.Dots, pt{X: x, Y: y, Tip: s.s.Name + ": " + T.Dur(s.d)})
		}
	}
	c.Lines = []series{p90, med}
	c.Legend = []legendItem{{Name: T.Median, Color: colBlue, X: c.X0 + 10, Y: 20}, {Name: T.P90, Color: colOrange, X: c.X0 + 120, Y: 20}}
	return c
}

func fcrChart(m *Metrics, T reportText, target float64, loc *time.Location) *chart {
	c := newChart("fcr", T.FCRTitle, T.Day, T.Percent, 260)
	c.yAxis(100, "%")
	xs, w := c.dayTicks(m, T, loc)
	for i, b := range m.Trend {
		x := xs[i]
		if b.FCR.Total == 0 {
			continue
		}
		y := c.y(100*b.FCR.Rate, 100)
		fill := colGreen
		if b.FCR.Rate < target {
			fill = colOrange
		}
		c.column(x, w, y, fill, fmt.Sprintf("%s: %s (%d / %d)", dayLabel(T, b.Start.In(loc), false), T.Pct(b.FCR.Rate), b.FCR.Hits, b.FCR.Total),
			T.Pct(b.FCR.Rate))
	}
	ty := c.y(100*target, 100)
	c.Rules = []guide{{X1: c.X0, Y1: ty, X2: c.X1, Y2: ty, Label: "- - " + T.Target + " " + T.Pct(target), LX: c.X1, LY: 20}}
	return c
}

func ratingsChart(m *Metrics, T reportText) *chart {
	title := T.RatingsTitle
	if m.Ratings.Count > 0 {
		title += fmt.Sprintf(" — %.2f (n = %d)", m.Ratings.Mean, m.Ratings.Count)
	}
	c := newChart("ratings", title, T.Score, T.Count, 240)
	maxV := 0.0
	for _, n := range m.Ratings.Distribution {
		maxV = math.Max(maxV, float64(n))
	}
	maxV = niceMax(maxV)
	c.yAxis(maxV, "")
	for i, n := range m.Ratings.Distribution {
		x, w := c.slotX(i, 5)
		c.XTicks = append(c.XTicks, tick{X: x, Y: c.Y1, Label: strconv.Itoa(i+1) + " ★"})
		if m.Ratings.Count == 0 {
			continue
		}
		y := c.y(float64(n), maxV)
		fill := colBlue
		if i < 2 {
			fill = colRed
		}
		c.column(x, w, y, fill, fmt.Sprintf("%d ★: %d", i+1, n), strconv.Itoa(n))
	}
	if m.Ratings.Alert {
		c.Note = T.AlertLow
	}
	return c
}

func heatChart(m *Metrics, T reportText) *chart {
	c := &chart{ID: "heat", Title: T.HeatTitle, XLabel: T.Hour, YLabel: T.Weekday, W: 480, H: 16 + 7*26 + 56, X0: 64, Y0: 16, X1: 472, Y1: 16 + 7*26}
	maxV := 0
	for _, row := range m.HeatMap {
		for _, n := range row {
			maxV = max(maxV, n)
		}
	}
	cw := (c.X1 - c.X0) / 24
	for d, row := range m.HeatMap {
		y := c.Y0 + 26*float64(d)
		c.YTicks = append(c.YTicks, tick{X: c.X0, Y: y + 17, Label: T.Weekdays[d]})
		for h, n := range row {
			f := 0.0
			if maxV > 0 {
				f = float64(n) / float64(maxV)
			}
			c.Bars = append(c.Bars, bar{X: c.X0 + cw*float64(h) + 1, Y: y + 1, W: cw - 2, H: 24, Fill: heat(f),
				Tip: fmt.Sprintf("%s %02d:00: %d", T.Weekdays[d], h, n)})
		}
	}
	for h := 0; h < 24; h += 4 {
		c.XTicks = append(c.XTicks, tick{X: c.X0 + cw*(float64(h)+0.5), Y: c.Y1, Label: fmt.Sprintf("%02d", h)})
	}
	return c
}

func hitRateChart(m *Metrics, T reportText, loc *time.Location) *chart {
	if m.HitRate.Total == 0 {
		return nil
	}
	c := newChart("hitrate", T.HitRateTitle, T.Day, T.Percent, 240)
	c.yAxis(100, "%")
	xs, _ := c.dayTicks(m, T, loc)
	s := series{Name: T.HitRate, Color: colGreen}
	for i, b := range m.Trend {
		x := xs[i]
		if b.HitRate.Total == 0 {
			continue
		}
		y := c.y(100*b.HitRate.Rate, 100)
		s.Points += fmt.Sprintf("%.1f,%.1f ", x, y)
		s.Dots = append(s.Dots, pt{X: x, Y: y, Tip: T.Pct(b.HitRate.Rate)})
	}
	c.Lines = []series{s}
	return c
}
