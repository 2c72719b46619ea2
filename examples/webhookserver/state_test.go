package main

import (
	"context"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/examples/internal/shop"
	"github.com/switchboard-go/switchboard/internal/testenv"
	"github.com/switchboard-go/switchboard/store/storetest"
	"github.com/switchboard-go/switchboard/wechat"
	"github.com/switchboard-go/switchboard/whatsapp"
)

// Every backend the environment can name keeps a window and a claim across
// a restart of the server (closing and reopening its state).
func TestStateSurvivesRestart(t *testing.T) {
	tests := []struct {
		name    string
		backend string
		env     func(t *testing.T) map[string]string
	}{
		{"sqlite", "sqlite", func(t *testing.T) map[string]string {
			return map[string]string{envSQLite: filepath.Join(t.TempDir(), "s.db")}
		}},
		{"postgres", "postgres", func(t *testing.T) map[string]string {
			url, schema := storetest.PostgresURL(t)
			return map[string]string{envPostgresURL: url, envPGSchema: schema}
		}},
		{"redis", "redis", func(t *testing.T) map[string]string {
			url := testenv.RedisURL(t)
			prefix := storetest.Name(t)
			t.Cleanup(func() { storetest.DeletePrefix(t, storetest.RedisClient(t), prefix+":") })
			return map[string]string{envRedisURL: url, envRedisPrefix: prefix}
		}},
	}
	ctx := t.Context() // ends the purge loops
	customer := channel.Address{Channel: channel.WhatsApp, ID: "85212340003"}
	now := time.Now()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := tt.env(t)
			getenv := func(k string) string { return env[k] }
			open := func() (*state, config, shop.Config) {
				st, err := openState(ctx, getenv, slog.New(slog.DiscardHandler))
				require.NoError(t, err)
				require.Equal(t, tt.backend, st.backend)
				cfg := config{WhatsApp: &whatsapp.Config{}, WeChat: &wechat.Config{AppID: "wx1"}}
				var opts shop.Config
				st.configure(&cfg, &opts, slog.New(slog.DiscardHandler))
				require.NotNil(t, cfg.WhatsApp.Dedupe)
				require.NotNil(t, cfg.WeChat.TokenStore)
				require.NotNil(t, cfg.limits)
				require.NotNil(t, opts.State)
				return st, cfg, opts
			}
			st, cfg, opts := open()
			require.NoError(t, opts.Windows.ObserveContext(ctx, channel.Event{Type: channel.EventMessage, From: customer, Time: now}))
			status, err := cfg.WhatsApp.Dedupe.Claim(ctx, "k", now, time.Minute)
			require.NoError(t, err)
			require.Equal(t, channel.ClaimNew, status)
			require.NoError(t, cfg.WhatsApp.Dedupe.Complete(ctx, "k", now, time.Hour))
			require.NoError(t, st.Close())

			st, cfg, opts = open()
			defer st.Close()
			isOpen, err := opts.Windows.OpenContext(ctx, customer)
			require.NoError(t, err)
			assert.True(t, isOpen, "the window survives a restart")
			status, err = cfg.WhatsApp.Dedupe.Claim(ctx, "k", now, time.Minute)
			require.NoError(t, err)
			assert.Equal(t, channel.ClaimDone, status, "a handled message stays handled")
		})
	}
}

func TestStateRefusesBadURLsWithoutSecrets(t *testing.T) {
	for _, env := range []map[string]string{
		{envRedisURL: "http://user:hunter2@x"},
		{envPostgresURL: "postgres://u:hunter2@127.0.0.1:notaport/x"},
	} {
		_, err := openState(context.Background(), func(k string) string { return env[k] }, slog.New(slog.DiscardHandler))
		require.Error(t, err)
		assert.NotContains(t, err.Error(), "hunter2")
	}
}
