package identity

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestIsAcceptance(t *testing.T) {
	t.Parallel()
	yes := map[string][]string{
		"en":      {"agree", "I agree", "I AGREE!", " Yes, I agree 👍", "I accept."},
		"es":      {"Acepto", "Estoy de acuerdo", "sí, acepto"},
		"pt-BR":   {"Aceito", "Eu concordo", "concordo!"},
		"fr":      {"J'accepte", "j’accepte", "D'accord"},
		"de":      {"Ich stimme zu", "Einverstanden", "ich akzeptiere"},
		"id":      {"Setuju", "saya setuju"},
		"vi":      {"Đồng ý", "tôi đồng ý", "dong y"},
		"th":      {"ยอมรับ", "ยอมรับค่ะ", "ตกลงครับ", "ยินยอม"},
		"zh-Hans": {"同意", "我同意", "接受。"},
		"zh-Hant": {"同意", "我同意！", "同意條款"},
		"ja":      {"同意します", "はい、同意します", "承諾"},
		"ar":      {"أوافق", "موافق", "أنا موافق"},
		"width":   {"ＡＧＲＥＥ", "ａｇｒｅｅ"},
	}
	for lang, list := range yes {
		for _, s := range list {
			t.Run(lang+"/"+s, func(t *testing.T) {
				t.Parallel()
				assert.True(t, IsAcceptance(s))
			})
		}
	}
	no := []string{"", "ok", "yes", "I don't agree", "I do not agree", "不同意", "我不同意", "ไม่ยอมรับ",
		"agree?? what is this", "No acepto", "disagree", "where is my parcel", "同意しません", "لا أوافق"}
	for _, s := range no {
		t.Run("no/"+s, func(t *testing.T) {
			t.Parallel()
			assert.False(t, IsAcceptance(s))
		})
	}
}

func TestRecordConsent(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{})
	tests := []struct {
		name string
		c    Consent
		err  error
	}{
		{"no version", Consent{MessageID: "m1", Phrase: "agree", At: f.clock.Now()}, ErrInvalidConsent},
		{"no time", Consent{Version: "v1", MessageID: "m1", Phrase: "agree"}, ErrInvalidConsent},
		{"refusal", Consent{Version: "v1", MessageID: "m1", Phrase: "I don't agree", At: f.clock.Now()}, ErrInvalidConsent},
		{"button postback without phrase", Consent{Version: "v1", MessageID: "m1", At: f.clock.Now()}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.reg.RecordConsent(ctx, line("U-"+tt.name), tt.c, Hints{Name: "Mary"})
			if tt.err != nil {
				require.ErrorIs(t, err, tt.err)
				return
			}
			require.NoError(t, err)
		})
	}

	// A consent stores the reply and enables identification.
	c := Consent{Version: "2026-01", MessageID: "wamid.1", Phrase: "ยอมรับค่ะ", At: f.clock.Now()}
	p, err := f.reg.RecordConsent(ctx, wa("66812345678"), c, Hints{Name: "สมชาย ใจดี", Email: "s@example.com"})
	require.NoError(t, err)
	assert.False(t, p.Anonymous)
	raw := f.raw(t, p.ID)
	assert.Equal(t, c, raw.Consent)
	assert.Equal(t, []string{"s@example.com"}, raw.Emails)
	assert.Equal(t, "+66812345678", raw.Phones[0].E164)

	// An older consent does not replace a newer one; a newer one does.
	old := c
	old.At, old.Version = c.At.Add(-time.Hour), "2025-01"
	_, err = f.reg.RecordConsent(ctx, wa("66812345678"), old, Hints{})
	require.NoError(t, err)
	assert.Equal(t, "2026-01", f.raw(t, p.ID).Consent.Version)
	newer := c
	newer.At, newer.Version = c.At.Add(time.Hour), "2026-06"
	_, err = f.reg.RecordConsent(ctx, wa("66812345678"), newer, Hints{})
	require.NoError(t, err)
	assert.Equal(t, "2026-06", f.raw(t, p.ID).Consent.Version)
}

func FuzzIsAcceptance(f *testing.F) {
	for _, s := range []string{"agree", "同意", "ยอมรับค่ะ", "I don't agree", "ครับครับครับ", "", "\xff", "Đồng ý"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if IsAcceptance(s) && IsAcceptance("I don't "+s) {
			t.Fatalf("%q and its negation are both acceptances", s)
		}
	})
}
