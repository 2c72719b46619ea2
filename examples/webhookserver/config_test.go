package main

import (
	"strings"
	"testing"
)

// FuzzLoadConfig: whatever the environment holds, loadConfig returns a
// config or an error, never panics, and its error never repeats a secret.
func FuzzLoadConfig(f *testing.F) {
	f.Add("10", "80", "line-secret-value", "token-value")
	f.Add("-3", "abc", "", "")
	f.Add("99999999999999999999", "0", "s", "t")
	f.Fuzz(func(t *testing.T, shutdown, throughput, secret, token string) {
		env := map[string]string{
			envShutdown: shutdown, envWAMPS: throughput,
			envLineSecret: secret, envLineToken: token,
			envWASecret: secret, envWAToken: token,
		}
		_, err := loadConfig(func(k string) string { return env[k] })
		if err == nil {
			return
		}
		for _, s := range []string{secret, token} {
			// The numeric settings are echoed on purpose; a "secret" that is
			// part of them proves nothing.
			if len(s) >= 4 && strings.Contains(err.Error(), s) &&
				!strings.Contains(shutdown, s) && !strings.Contains(throughput, s) {
				t.Fatalf("error %q repeats a credential", err)
			}
		}
	})
}
