package insights

import (
	"reflect"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"golang.org/x/text/language"
)

// TestReportTextComplete: every word of the report is set in every report
// language, so no heading or label is left blank.
func TestReportTextComplete(t *testing.T) {
	for _, tag := range reportLangs {
		v := reflect.ValueOf(textFor(tag))
		for i := range v.NumField() {
			if f := v.Field(i); f.Kind() == reflect.String {
				assert.NotEmpty(t, f.String(), "%v %s", tag, v.Type().Field(i).Name)
			}
		}
	}
	assert.Equal(t, "zh-Hans", textFor(language.SimplifiedChinese).Lang)
	assert.Equal(t, "en", textFor(language.Thai).Lang, "the first language is the fallback")
}

func TestReportDurations(t *testing.T) {
	en, zh := textFor(language.English).Dur, textFor(language.Chinese).Dur
	for _, tt := range []struct {
		d      time.Duration
		en, zh string
	}{
		{42 * time.Second, "42s", "42秒"},
		{5*time.Minute + 3*time.Second, "5m 03s", "5分03秒"},
		{47*time.Hour + 5*time.Minute, "47h 05m", "47小时05分"},
		{50 * time.Hour, "2d 2h", "2天2小时"},
	} {
		assert.Equal(t, tt.en, en(tt.d))
		assert.Equal(t, tt.zh, zh(tt.d))
	}
}
