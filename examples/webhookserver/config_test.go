package main

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fullEnv is a complete configuration of all four platforms, every value
// distinct and at least 8 characters.
func fullEnv() map[string]string {
	return map[string]string{
		envWAToken: "wa-token-0001", envWAPhone: "106540352242922", envWASecret: "wa-secret-0002", envWAVerify: "wa-verify-0003",
		envFBToken: "fb-token-0004", envFBSecret: "fb-secret-0005", envFBVerify: "fb-verify-0006",
		envLineToken: "line-token-0007", envLineSecret: "line-secret-0008",
		envWCAppID: "wx0123456789abcdef", envWCSecret: "wc-secret-0009", envWCToken: "wc-token-0010",
	}
}

// secretVars are the variables whose values no error may repeat.
func secretVars() []string {
	return []string{envWAToken, envWASecret, envWAVerify, envFBToken, envFBSecret, envFBVerify,
		envLineToken, envLineSecret, envWCSecret, envWCToken, envWCAESKey}
}

func TestHalfConfiguredPlatformsAreRefused(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		unset   []string
		missing []string // variables the error must name
	}{
		{"whatsapp without app secret", []string{envWASecret}, []string{envWASecret}},
		{"whatsapp without verify token", []string{envWAVerify}, []string{envWAVerify}},
		{"whatsapp without phone id", []string{envWAPhone}, []string{envWAPhone}},
		{"messenger without verify token", []string{envFBVerify}, []string{envFBVerify}},
		{"messenger without token and secret", []string{envFBToken, envFBSecret}, []string{envFBToken, envFBSecret}},
		{"line without secret", []string{envLineSecret}, []string{envLineSecret}},
		{"line without token", []string{envLineToken}, []string{envLineToken}},
		{"wechat without token", []string{envWCToken}, []string{envWCToken}},
		{"two platforms at once", []string{envWASecret, envLineToken}, []string{envWASecret, envLineToken}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := fullEnv()
			for _, k := range tt.unset {
				delete(env, k)
			}
			_, err := loadConfig(func(k string) string { return env[k] })
			require.ErrorIs(t, err, errHalfConfigured)
			for _, v := range tt.missing {
				assert.Contains(t, err.Error(), v)
			}
			for _, k := range secretVars() {
				if v := env[k]; v != "" {
					assert.NotContains(t, err.Error(), v, "the error repeats %s's value", k)
				}
			}
		})
	}
	t.Run("complete", func(t *testing.T) {
		t.Parallel()
		env := fullEnv()
		cfg, err := loadConfig(func(k string) string { return env[k] })
		require.NoError(t, err)
		assert.NotNil(t, cfg.WhatsApp)
		assert.NotNil(t, cfg.Messenger)
		assert.NotNil(t, cfg.LINE)
		assert.NotNil(t, cfg.WeChat)
	})
	t.Run("a platform left out entirely", func(t *testing.T) {
		t.Parallel()
		env := fullEnv()
		delete(env, envFBToken)
		delete(env, envFBSecret)
		delete(env, envFBVerify)
		cfg, err := loadConfig(func(k string) string { return env[k] })
		require.NoError(t, err)
		assert.Nil(t, cfg.Messenger)
	})
}

// required maps each required variable to its platform.
func required() map[string]string {
	out := map[string]string{}
	for _, p := range platformVars() {
		for _, v := range p.required {
			out[v[0]] = p.name
		}
	}
	return out
}

// FuzzLoadConfig: the fuzzer picks which variables are set (a bit each)
// and their values. Whatever it picks, loadConfig never panics; when it
// succeeds, every enabled platform is complete and carries exactly the
// environment's values, and a platform with none of its variables is
// disabled; when it fails, the error names a variable and repeats no
// secret's value.
func FuzzLoadConfig(f *testing.F) {
	f.Add(uint32(0xFFFF), "10", "80", "secret-value-1")
	f.Add(uint32(0), "", "", "x")
	f.Add(uint32(1), "-3", "abc", "t0k3n")
	f.Add(uint32(0b1011), "99999999999999999999", "0", "s")
	vars := []string{envWAToken, envWAPhone, envWASecret, envWAVerify, envFBToken, envFBSecret, envFBVerify,
		envLineToken, envLineSecret, envWCAppID, envWCSecret, envWCToken, envWCAESKey}
	req := required()
	f.Fuzz(func(t *testing.T, set uint32, shutdown, throughput, value string) {
		env := map[string]string{envShutdown: shutdown, envWAMPS: throughput}
		for i, k := range vars {
			if set&(1<<i) != 0 && value != "" {
				env[k] = value + "/" + k // distinct per variable
			}
		}
		cfg, err := loadConfig(func(k string) string { return env[k] })
		if err != nil {
			named := false
			for _, k := range append(vars, envShutdown, envWAMPS) {
				named = named || strings.Contains(err.Error(), k)
			}
			if !named && !errors.Is(err, errNoPlatform) {
				t.Fatalf("error %q names no variable", err)
			}
			for _, k := range secretVars() {
				if v := env[k]; v != "" && strings.Contains(err.Error(), v) {
					t.Fatalf("error %q repeats the value of %s", err, k)
				}
			}
			return
		}
		enabled := map[string]bool{}
		if c := cfg.WhatsApp; c != nil {
			enabled["whatsapp"] = true
			if c.AccessToken != env[envWAToken] || c.PhoneNumberID != env[envWAPhone] || c.AppSecret != env[envWASecret] || c.VerifyToken != env[envWAVerify] {
				t.Fatalf("whatsapp config does not carry the environment: %+v", c)
			}
		}
		if c := cfg.Messenger; c != nil {
			enabled["messenger"] = true
			if c.PageAccessToken != env[envFBToken] || c.AppSecret != env[envFBSecret] || c.VerifyToken != env[envFBVerify] {
				t.Fatalf("messenger config does not carry the environment")
			}
		}
		if c := cfg.LINE; c != nil {
			enabled["line"] = true
			if c.ChannelAccessToken != env[envLineToken] || c.ChannelSecret != env[envLineSecret] {
				t.Fatalf("line config does not carry the environment")
			}
		}
		if c := cfg.WeChat; c != nil {
			enabled["wechat"] = true
			if c.AppID != env[envWCAppID] || c.AppSecret != env[envWCSecret] || c.Token != env[envWCToken] || c.EncodingAESKey != env[envWCAESKey] {
				t.Fatalf("wechat config does not carry the environment")
			}
		}
		for k, p := range req {
			if enabled[p] && env[k] == "" {
				t.Fatalf("%s enabled without %s", p, k)
			}
			if !enabled[p] && env[k] != "" {
				t.Fatalf("%s set but %s disabled without an error", k, p)
			}
		}
		if len(enabled) == 0 {
			t.Fatal("no platform enabled, yet no error")
		}
	})
}
