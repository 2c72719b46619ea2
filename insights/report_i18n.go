package insights

import (
	"fmt"
	"time"

	"golang.org/x/text/language"
)

// reportLangs are the report's languages; the first is the fallback.
var reportLangs = []language.Tag{language.English, language.Chinese}

// reportText holds the report's words in one language.
type reportText struct {
	Lang, Title, Period, Zone                                 string
	Conversations, AutoHandled, FirstResponse, BotResponse    string
	FCR, SLAMet, Rating, Resolution, Messages, Notices        string
	Median, P90, Business, Wall, Minutes, Day, Share, Count   string
	TrendTitle, FCRTitle, RatingsTitle, Score, Percent        string
	HeatTitle, Hour, Weekday, WordsTitle, Mentions, Word      string
	MoreWords, ChannelsTitle, Channel, RulesTitle, Rule       string
	Triggers, HandoffsAfter, FailureRate, LastRevised, Why    string
	TooManyHandoffs, NotRevised, Unknown, AgentsTitle, Agent  string
	Team, MeanFirst, BreachesTitle, Waited, Waiting, Answered string
	FilesTitle, Week, Kind, Peak, AlertLow, None, Target      string
	HitRate, Footer, HandedOff, HitRateTitle, NoData          string
	Weekdays                                                  [7]string
	DateFormat                                                func(time.Time) string
	Dur                                                       func(time.Duration) string
	Pct                                                       func(float64) string
}

// textFor returns the report's words in the report language that best
// matches tag. Each text stands with its translation, so no language can
// miss one.
func textFor(tag language.Tag) reportText {
	_, i, _ := language.NewMatcher(reportLangs).Match(tag)
	w := func(en, zh string) string { return en }
	lang, weekdays, pct := "en", [7]string{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}, "%.0f %%"
	date := func(t time.Time) string { return t.Format("Mon 2 Jan 2006") }
	dur := durUnits{"%ds", "%dm %02ds", "%dh %02dm", "%dd %dh"}
	if i == 1 {
		w = func(en, zh string) string { return zh }
		lang, weekdays, pct = "zh-Hans", [7]string{"周一", "周二", "周三", "周四", "周五", "周六", "周日"}, "%.0f%%"
		date = func(t time.Time) string {
			return fmt.Sprintf("%d年%d月%d日 %s", t.Year(), t.Month(), t.Day(), [7]string{"周日", "周一", "周二", "周三", "周四", "周五", "周六"}[t.Weekday()])
		}
		dur = durUnits{"%d秒", "%d分%02d秒", "%d小时%02d分", "%d天%d小时"}
	}
	return reportText{
		Lang:            lang,
		Title:           w("Weekly customer service report", "客服周报"),
		Period:          w("Period", "统计周期"),
		Zone:            w("Times in", "时区"),
		Conversations:   w("Conversations", "会话数"),
		AutoHandled:     w("Handled by the bot alone", "机器人独立处理"),
		FirstResponse:   w("First response (after hand-off)", "首次人工响应（转人工后）"),
		BotResponse:     w("Bot's first answer", "机器人首次回复"),
		FCR:             w("First-contact resolution", "首次联系解决率"),
		SLAMet:          w("First responses within SLA", "SLA 内首次响应"),
		Rating:          w("Satisfaction (1–5)", "满意度（1–5）"),
		Resolution:      w("Resolution time", "解决时长"),
		Messages:        w("Customer messages", "客户消息"),
		Notices:         w("Notices sent", "主动通知"),
		Median:          w("median", "中位数"),
		P90:             w("p90", "p90"),
		Business:        w("business hours", "工作时间"),
		Wall:            w("wall clock", "自然时间"),
		Minutes:         w("Minutes", "分钟"),
		Day:             w("Day", "日期"),
		Share:           w("Share of conversations", "会话占比"),
		Count:           w("Count", "数量"),
		TrendTitle:      w("First response time by day (wall clock)", "每日首次响应时间（自然时间）"),
		FCRTitle:        w("First-contact resolution by day", "每日首次联系解决率"),
		RatingsTitle:    w("Ratings", "评分分布"),
		Score:           w("Score", "评分"),
		Percent:         w("Percent", "百分比"),
		HeatTitle:       w("When customers write (messages per hour)", "客户来信时段（每小时消息数）"),
		Hour:            w("Hour of day", "小时"),
		Weekday:         w("Day of week", "星期"),
		WordsTitle:      w("Hot words", "热词"),
		Mentions:        w("Messages", "消息数"),
		Word:            w("Word", "词"),
		MoreWords:       w("More hot words", "更多热词"),
		ChannelsTitle:   w("Channel mix", "渠道分布"),
		Channel:         w("Channel", "渠道"),
		RulesTitle:      w("Rules to revise", "需要修订的规则"),
		Rule:            w("Rule", "规则"),
		Triggers:        w("Triggers", "触发次数"),
		HandoffsAfter:   w("Hand-offs after", "之后转人工"),
		FailureRate:     w("Failure rate", "失败率"),
		LastRevised:     w("Last revised", "上次修订"),
		Why:             w("Why", "原因"),
		TooManyHandoffs: w("over 20 % handed off", "转人工超过 20%"),
		NotRevised:      w("not revised for 90 days", "90 天未修订"),
		Unknown:         w("unknown", "未知"),
		AgentsTitle:     w("Agents above 6 minutes", "平均首次响应超过 6 分钟的客服"),
		Agent:           w("Agent", "客服"),
		Team:            w("Team", "团队"),
		MeanFirst:       w("Mean first response", "平均首次响应"),
		BreachesTitle:   w("SLA breaches", "SLA 超时"),
		Waited:          w("Waited (business)", "等待（工作时间）"),
		Waiting:         w("still waiting", "仍在等待"),
		Answered:        w("answered", "已回复"),
		FilesTitle:      w("File requests above 50 a week", "每周超过 50 次的文件请求"),
		Week:            w("Week of", "周"),
		Kind:            w("Kind", "类型"),
		Peak:            w("Busiest two hours: %02d:00–%02d:00, %s of messages", "最忙的两小时：%02d:00–%02d:00，占消息的 %s"),
		AlertLow:        w("below 3.5 — look at the low ratings", "低于 3.5，请查看低分评价"),
		None:            w("None this period.", "本期无。"),
		Target:          w("target", "目标"),
		HitRate:         w("Rule hit rate", "规则命中率"),
		HandedOff:       w("Handed off", "转人工"),
		HitRateTitle:    w("Rule hit rate by day", "每日规则命中率"),
		NoData:          w("No data this period", "本期无数据"),
		Footer:          w("Generated by Switchboard insights. Medians and p90s are nearest-rank; first response counts from the hand-off, so the bot's time is not in it.", "由 Switchboard insights 生成。中位数与 p90 按最近秩计算；首次响应从转人工开始计时，不含机器人时间。"),
		Weekdays:        weekdays,
		DateFormat:      date,
		Dur:             func(d time.Duration) string { return dur.format(d) },
		Pct:             func(f float64) string { return fmt.Sprintf(pct, 100*f) },
	}
}

// durUnits are the formats of a duration at its four scales: seconds;
// minutes and seconds; hours and minutes (under 48 h); days and hours.
type durUnits [4]string

func (u durUnits) format(d time.Duration) string {
	d = d.Round(time.Second)
	switch {
	case d < time.Minute:
		return fmt.Sprintf(u[0], int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf(u[1], int(d.Minutes()), int(d.Seconds())%60)
	case d < 48*time.Hour:
		return fmt.Sprintf(u[2], int(d.Hours()), int(d.Minutes())%60)
	}
	return fmt.Sprintf(u[3], int(d.Hours())/24, int(d.Hours())%24)
}
