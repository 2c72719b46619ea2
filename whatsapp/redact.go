package whatsapp

import (
	"fmt"
	"log/slog"

	"github.com/switchboard-go/switchboard/internal/redact"
)

// String prints c with every credential (AccessToken, AppSecret, VerifyToken) replaced by
// "[redacted]" (an empty one stays empty, so a missing credential still
// shows), for %v, %+v and %s, including when c is a field of a printed
// struct.
func (c Config) String() string { return "whatsapp.Config" + fmt.Sprintf("%+v", c.redacted()) }

// GoString is String, for %#v.
func (c Config) GoString() string { return c.String() }

// LogValue implements slog.LogValuer: the redacted text of String.
func (c Config) LogValue() slog.Value { return slog.StringValue(c.String()) }

// plainConfig is Config without its methods, to print the redacted copy.
type plainConfig Config

func (c Config) redacted() plainConfig {
	c.AccessToken = redact.Secret(c.AccessToken)
	c.AppSecret = redact.Secret(c.AppSecret)
	c.VerifyToken = redact.Secret(c.VerifyToken)
	return plainConfig(c)
}

// String describes the client without its credentials, for %v and %+v
// (the default format would print the unexported fields, tokens included).
func (c *Client) String() string { return "whatsapp.Client{" + c.base + "}" }

// GoString is String, for %#v.
func (c *Client) GoString() string { return c.String() }

// LogValue implements slog.LogValuer: the text of String.
func (c *Client) LogValue() slog.Value { return slog.StringValue(c.String()) }
