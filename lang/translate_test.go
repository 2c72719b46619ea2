package lang_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/language"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/lang"
	"github.com/switchboard-go/switchboard/lang/langtest"
)

func newService(t testing.TB, fake *langtest.Fake, cfg lang.ServiceConfig) *lang.Service {
	t.Helper()
	cfg.Provider = fake
	s, err := lang.NewService(cfg)
	require.NoError(t, err)
	return s
}

func TestNewServiceNeedsProvider(t *testing.T) {
	t.Parallel()
	_, err := lang.NewService(lang.ServiceConfig{})
	require.Error(t, err)
}

func TestTranslateProtects(t *testing.T) {
	t.Parallel()
	fake := &langtest.Fake{Dict: map[string]string{"order": "pedido", "costs": "cuesta", "see": "ver"}}
	s := newService(t, fake, lang.ServiceConfig{})
	got, err := s.Translate(context.Background(), lang.Request{
		Texts:  []string{"order 48213957 costs $20", "see https://shop.example/t/1Z999AA10123456784", "{{name}}"},
		Source: lang.English, Target: lang.Spanish})
	require.NoError(t, err)
	assert.Equal(t, []string{"[es] pedido 48213957 cuesta $20", "[es] ver https://shop.example/t/1Z999AA10123456784", "{{name}}"}, got)
	reqs := fake.Requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, []string{"order ⟦0⟧ costs ⟦1⟧", "see ⟦0⟧"}, reqs[0].Texts,
		"the provider sees placeholders, never the protected spans; a text of nothing but spans is not sent")

	same, err := s.Translate(context.Background(), lang.Request{Texts: []string{"hola"}, Source: lang.Spanish, Target: lang.Spanish})
	require.NoError(t, err)
	assert.Equal(t, []string{"hola"}, same)
	assert.Len(t, fake.Requests(), 1, "same language: nothing sent")
}

func TestTranslateCaches(t *testing.T) {
	t.Parallel()
	fake := &langtest.Fake{}
	s := newService(t, fake, lang.ServiceConfig{CacheSize: 2})
	ctx := context.Background()
	tr := func(target language.Tag, texts ...string) []string {
		t.Helper()
		got, err := s.Translate(ctx, lang.Request{Texts: texts, Source: lang.English, Target: target})
		require.NoError(t, err)
		return got
	}
	assert.Equal(t, []string{"[de] where is 11111111", "[de] where is 22222222"}, tr(lang.German, "where is 11111111", "where is 22222222"))
	assert.Equal(t, 1, fake.Texts(), "one masked text for both order numbers")
	assert.Equal(t, []string{"[de] where is 33333333"}, tr(lang.German, "where is 33333333"))
	assert.Equal(t, 1, fake.Texts(), "served from the cache")
	tr(lang.French, "where is 33333333")
	assert.Equal(t, 2, fake.Texts(), "the target language is part of the key")
	tr(lang.Thai, "hello")
	assert.Equal(t, 3, fake.Texts())
	// Size 2: the German entry was the least recently used and is gone.
	tr(lang.German, "where is 44444444")
	assert.Equal(t, 4, fake.Texts())

	t.Run("glossary is part of the key", func(t *testing.T) {
		fake := &langtest.Fake{}
		s := newService(t, fake, lang.ServiceConfig{Glossary: map[string]string{"COD": "contra reembolso"}})
		for _, g := range []map[string]string{nil, nil, {"COD": "pago al recibir"}} {
			_, err := s.Translate(ctx, lang.Request{Texts: []string{"COD ok"}, Target: lang.Spanish, Glossary: g})
			require.NoError(t, err)
		}
		reqs := fake.Requests()
		require.Len(t, reqs, 2)
		assert.Equal(t, map[string]string{"COD": "contra reembolso"}, reqs[0].Glossary)
		assert.Equal(t, map[string]string{"COD": "pago al recibir"}, reqs[1].Glossary, "the request's terms win")
	})
	t.Run("cache off", func(t *testing.T) {
		fake := &langtest.Fake{}
		s := newService(t, fake, lang.ServiceConfig{CacheSize: -1})
		for range 3 {
			_, err := s.Translate(ctx, lang.Request{Texts: []string{"hi"}, Target: lang.German})
			require.NoError(t, err)
		}
		assert.Equal(t, 3, fake.Texts())
	})
}

func TestTranslateErrors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	req := lang.Request{Texts: []string{"order 48213957 is late"}, Source: lang.English, Target: lang.German}
	boom := errors.New("provider down")
	tests := []struct {
		name string
		fake *langtest.Fake
		want error
	}{
		{"provider error", &langtest.Fake{Err: boom}, boom},
		{"placeholder lost", &langtest.Fake{Mangle: func(s string) string { return strings.ReplaceAll(s, "⟦0⟧", "") }}, lang.ErrPlaceholders},
		{"placeholder repeated", &langtest.Fake{Mangle: func(s string) string { return s + " ⟦0⟧" }}, lang.ErrPlaceholders},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newService(t, tt.fake, lang.ServiceConfig{})
			got, err := s.Translate(ctx, req)
			require.ErrorIs(t, err, tt.want)
			assert.Nil(t, got)
			// A bad translation is not cached: the next call asks again.
			_, _ = s.Translate(ctx, req)
			assert.Equal(t, 2, tt.fake.Texts())
		})
	}
	t.Run("wrong count", func(t *testing.T) {
		t.Parallel()
		s, err := lang.NewService(lang.ServiceConfig{Provider: translatorFunc(func(context.Context, lang.Request) ([]string, error) {
			return nil, nil
		})})
		require.NoError(t, err)
		_, err = s.Translate(ctx, req)
		require.ErrorIs(t, err, lang.ErrCount)
	})
}

type translatorFunc func(context.Context, lang.Request) ([]string, error)

func (f translatorFunc) Translate(ctx context.Context, r lang.Request) ([]string, error) {
	return f(ctx, r)
}

// TestRoundTrip is a conversation through the agent console: the
// customer's message is shown to the agent in both languages, the agent's
// reply goes out in the customer's language, and a reply the agent wrote in
// the customer's language goes out as written.
func TestRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	det, err := lang.New(lang.Config{})
	require.NoError(t, err)
	fake := &langtest.Fake{Dict: map[string]string{
		"¿dónde está mi pedido ⟦0⟧?":               "where is my order ⟦0⟧?",
		"It left our warehouse, tracking ⟦0⟧: ⟦1⟧": "Salió de nuestro almacén, seguimiento ⟦0⟧: ⟦1⟧",
	}}
	s := newService(t, fake, lang.ServiceConfig{Detector: det})

	in := "¿dónde está mi pedido 48213957?"
	customer := det.Detect(in).Lang
	require.Equal(t, lang.Spanish, customer)
	shown, err := s.Inbound(ctx, in, customer, lang.English)
	require.NoError(t, err)
	assert.Equal(t, lang.Bilingual{Original: in, OriginalLang: lang.Spanish,
		Translation: "[en] where is my order 48213957?", TranslationLang: lang.English}, shown)

	reply := "It left our warehouse, tracking 1Z999AA10123456784: https://track.example/1Z999AA10123456784"
	out, rec, err := s.OutboundMessage(ctx, &channel.Message{To: channel.Address{Channel: channel.WhatsApp, ID: "1"}, Text: reply}, lang.English, customer)
	require.NoError(t, err)
	assert.Equal(t, "[es] Salió de nuestro almacén, seguimiento 1Z999AA10123456784: https://track.example/1Z999AA10123456784", out.Text)
	assert.Equal(t, reply, rec.Original)
	assert.Equal(t, out.Text, rec.Translation)

	// The record is stored and read back as JSON.
	b, err := json.Marshal(rec)
	require.NoError(t, err)
	var back lang.Bilingual
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, rec, back)

	calls := fake.Texts()
	rec, err = s.Outbound(ctx, "Claro, le enviamos un pedido nuevo mañana por la mañana", lang.English, customer)
	require.NoError(t, err)
	assert.Empty(t, rec.Translation, "the agent wrote in the customer's language")
	assert.Equal(t, "Claro, le enviamos un pedido nuevo mañana por la mañana", rec.Text())
	rec, err = s.Outbound(ctx, "ok", lang.Spanish, lang.Spanish)
	require.NoError(t, err)
	assert.Equal(t, lang.Bilingual{Original: "ok", OriginalLang: lang.Spanish, TranslationLang: lang.Spanish}, rec)
	assert.Equal(t, calls, fake.Texts(), "nothing sent to the provider")
}

func TestOutboundMessageTemplate(t *testing.T) {
	t.Parallel()
	fake := &langtest.Fake{}
	s := newService(t, fake, lang.ServiceConfig{})
	m := &channel.Message{To: channel.Address{Channel: channel.WhatsApp, ID: "1"},
		Template: &channel.Template{Name: "parcel_update", Language: "en", Params: []string{"1Z999AA10123456784"}}}
	_, _, err := s.OutboundMessage(context.Background(), m, lang.English, lang.Thai)
	require.ErrorIs(t, err, lang.ErrTemplate)
	assert.Zero(t, fake.Texts())

	_, _, err = s.OutboundMessage(context.Background(), nil, lang.English, lang.Thai)
	require.Error(t, err)
}

func TestTranslateConcurrent(t *testing.T) {
	t.Parallel()
	fake := &langtest.Fake{}
	s := newService(t, fake, lang.ServiceConfig{CacheSize: 8})
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 50 {
				text := fmt.Sprintf("message %d", (g+i)%16)
				got, err := s.Translate(context.Background(), lang.Request{Texts: []string{text}, Target: lang.German})
				assert.NoError(t, err)
				assert.Equal(t, []string{"[de] " + text}, got)
			}
		})
	}
	wg.Wait()
}

// BenchmarkTranslateCached is a translation served from the cache;
// BenchmarkTranslateBaselineProvider calls a trivial provider directly: the
// ratio is what protection, the cache look-up and restoring cost.
func BenchmarkTranslateCached(b *testing.B) {
	s := newService(b, &langtest.Fake{}, lang.ServiceConfig{})
	req := lang.Request{Texts: []string{"your order 48213957 ships tomorrow, track it at https://t.example/1Z999AA10123456784"}, Source: lang.English, Target: lang.Spanish}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Translate(ctx, req); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkTranslateBaselineProvider(b *testing.B) {
	fake := translatorFunc(func(_ context.Context, r lang.Request) ([]string, error) {
		return []string{"[" + r.Target.String() + "] " + r.Texts[0]}, nil
	})
	req := lang.Request{Texts: []string{"your order 48213957 ships tomorrow, track it at https://t.example/1Z999AA10123456784"}, Source: lang.English, Target: lang.Spanish}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := fake.Translate(ctx, req); err != nil {
			b.Fatal(err)
		}
	}
}
