package insights_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/insights"
	"github.com/switchboard-go/switchboard/insights/insightstest"
)

func fixtureLog(t testing.TB) *insights.MemoryLog {
	l := insights.NewMemoryLog()
	require.NoError(t, l.Append(context.Background(), insightstest.FixtureEvents()...))
	return l
}

func TestWriteCSVOneRowPerConversation(t *testing.T) {
	from, to := insightstest.Week()
	rows, err := insights.Conversations(context.Background(), fixtureLog(t), from, to, insightstest.FixtureOptions())
	require.NoError(t, err)
	require.Len(t, rows, 10)
	rows[0].Agent = "=HYPERLINK(\"x\")" // a formula must not survive
	var buf bytes.Buffer
	require.NoError(t, insights.WriteCSV(&buf, rows))
	recs, err := csv.NewReader(&buf).ReadAll()
	require.NoError(t, err)
	require.Len(t, recs, 11)
	head := map[string]int{}
	for i, h := range recs[0] {
		head[h] = i
	}
	byID := map[string][]string{}
	for _, r := range recs[1:] {
		byID[r[head["conversation"]]] = r
	}
	assert.Equal(t, "'=HYPERLINK(\"x\")", recs[1][head["agent"]])
	// c4: 15h14m wall (54840 s), 14 min business (840 s), reopened, no FCR.
	c4 := byID["c4"]
	assert.Equal(t, "54840", c4[head["first_response_s"]])
	assert.Equal(t, "840", c4[head["first_response_business_s"]])
	assert.Equal(t, "true", c4[head["reopened"]])
	assert.Equal(t, "false", c4[head["fcr"]])
	assert.Equal(t, "met", c4[head["sla"]])
	// c10: waiting, missed; c1: bot only.
	assert.Equal(t, "missed", byID["c10"][head["sla"]])
	assert.Equal(t, "", byID["c10"][head["first_response_s"]])
	assert.Equal(t, "", byID["c1"][head["handed_off"]])
	assert.Equal(t, "30", byID["c1"][head["bot_response_s"]])
	assert.Equal(t, "where", byID["c1"][head["rules"]])
	assert.Equal(t, "2026-11-23T10:00:00+08:00", byID["c1"][head["started"]])
}

func TestHandler(t *testing.T) {
	from, to := insightstest.Week()
	h := insights.Handler(fixtureLog(t), insightstest.FixtureOptions(), func() time.Time { return to })
	get := func(query string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/insights?"+query, nil))
		return rec
	}
	t.Run("json, default period is the last seven days", func(t *testing.T) {
		rec := get("")
		require.Equal(t, http.StatusOK, rec.Code)
		var m struct {
			Conversations int `json:"conversations"`
			FCR           struct{ Hits, Total int }
			FirstResponse struct {
				Wall struct {
					Median float64 `json:"median_s"`
				} `json:"wall"`
			} `json:"first_response"`
			Groups map[string][]struct{ Key string } `json:"groups"`
		}
		require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &m))
		assert.Equal(t, 10, m.Conversations)
		assert.Equal(t, 4, m.FCR.Hits)
		assert.Equal(t, 240.0, m.FirstResponse.Wall.Median)
		assert.Len(t, m.Groups["channel"], 4)
	})
	t.Run("csv", func(t *testing.T) {
		q := url.Values{"from": {from.Format(time.RFC3339)}, "to": {to.Format(time.RFC3339)}, "format": {"csv"}}
		rec := get(q.Encode())
		require.Equal(t, http.StatusOK, rec.Code)
		assert.Equal(t, "text/csv; charset=utf-8", rec.Header().Get("Content-Type"))
		recs, err := csv.NewReader(rec.Body).ReadAll()
		require.NoError(t, err)
		assert.Len(t, recs, 11)
	})
	for name, q := range map[string]string{
		"bad from":   "from=yesterday",
		"bad to":     "to=1",
		"empty":      "from=2026-11-23T00:00:00Z&to=2026-11-23T00:00:00Z",
		"too long":   "from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z",
		"bad format": "format=xml",
		"to before":  "from=2026-11-24T00:00:00Z&to=2026-11-23T00:00:00Z",
	} {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, http.StatusBadRequest, get(q).Code)
		})
	}
	t.Run("post", func(t *testing.T) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/insights", nil))
		assert.Equal(t, http.StatusMethodNotAllowed, rec.Code)
	})
}

func FuzzParseQuery(f *testing.F) {
	f.Add("from=2026-11-23T00:00:00Z&to=2026-11-30T00:00:00Z")
	f.Add("to=2026-11-30T00:00:00%2B08:00")
	f.Add("from=%zz")
	now := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		from, to, err := insights.ParseQuery(q, now)
		if err != nil {
			assert.ErrorIs(t, err, insights.ErrQuery)
			return
		}
		assert.True(t, to.After(from))
		assert.LessOrEqual(t, to.Sub(from), insights.MaxPeriod)
	})
}

func FuzzHotWords(f *testing.F) {
	for _, s := range []string{"Where is my parcel?", "我的包裹到哪里了", "พัสดุของฉันถึงไหนแล้ว", "don't'", "a\u0301b", "\xff\xfe"} {
		f.Add("en", s)
	}
	f.Fuzz(func(t *testing.T, lang, text string) {
		for _, w := range insights.HotWords(lang, 50, text) {
			assert.Equal(t, 1, w.Count)
			assert.NotEmpty(t, w.Text)
		}
	})
}

func TestAnalyzeToleratesInvalidEvents(t *testing.T) {
	from, to := insightstest.Week()
	events := []insights.Event{
		{Time: from.Add(time.Hour), Kind: insights.Rating, Conversation: "x", Score: 9},
		{Time: from.Add(2 * time.Hour), Kind: "gossip", Conversation: "x"},
		{Time: from.Add(3 * time.Hour), Kind: insights.MessageIn, Conversation: "x", Text: "hello parcel"},
	}
	m, err := insights.Analyze(events, from, to, insights.Options{})
	require.NoError(t, err)
	assert.Equal(t, 0, m.Ratings.Count)
	assert.Equal(t, 1, m.Messages)
	assert.Empty(t, insights.HotWords("en", -1, "parcel"))
}
