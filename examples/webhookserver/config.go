package main

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/line"
	"github.com/switchboard-go/switchboard/messenger"
	"github.com/switchboard-go/switchboard/wechat"
	"github.com/switchboard-go/switchboard/whatsapp"
)

// config is what the server reads from its environment. A platform is
// enabled when its credentials are present; at least one must be.
type config struct {
	Addr            string
	ShutdownTimeout time.Duration
	RulesFile       string
	RepliesFile     string

	WhatsApp  *whatsapp.Config
	Messenger *messenger.Config
	LINE      *line.Config
	WeChat    *wechat.Config

	// WhatsAppThroughput is the messages per second the business number
	// may send: whatsapp.Throughput (80) by default, 1,000 for a number Meta
	// has upgraded (Cloud API "Throughput").
	WhatsAppThroughput int
	// limits keeps per-recipient allowances (set by openState from
	// SWITCHBOARD_SQLITE / _POSTGRES_URL / _REDIS_URL); nil keeps them in
	// memory.
	limits channel.RecipientLimitStore
}

// The environment variables the server reads. Secrets are read here and
// never logged.
const (
	envAddr     = "SWITCHBOARD_ADDR"             // listen address, default :8080
	envShutdown = "SWITCHBOARD_SHUTDOWN_TIMEOUT" // seconds, default 10
	envRules    = "SWITCHBOARD_RULES"            // rule file, default examples/shopbot/data/rules.json
	envReplies  = "SWITCHBOARD_REPLIES"          // reply catalog, default examples/shopbot/data/replies.json

	envWAToken   = "WHATSAPP_ACCESS_TOKEN"
	envWAPhone   = "WHATSAPP_PHONE_NUMBER_ID"
	envWASecret  = "WHATSAPP_APP_SECRET"
	envWAVerify  = "WHATSAPP_VERIFY_TOKEN"
	envWABaseURL = "WHATSAPP_BASE_URL"
	envWAMPS     = "WHATSAPP_THROUGHPUT" // messages per second, default 80

	envFBToken   = "MESSENGER_PAGE_ACCESS_TOKEN"
	envFBSecret  = "MESSENGER_APP_SECRET"
	envFBVerify  = "MESSENGER_VERIFY_TOKEN"
	envFBBaseURL = "MESSENGER_BASE_URL"

	envLineToken   = "LINE_CHANNEL_ACCESS_TOKEN"
	envLineSecret  = "LINE_CHANNEL_SECRET"
	envLineBaseURL = "LINE_BASE_URL"

	envWCAppID   = "WECHAT_APP_ID"
	envWCSecret  = "WECHAT_APP_SECRET"
	envWCToken   = "WECHAT_TOKEN"
	envWCAESKey  = "WECHAT_ENCODING_AES_KEY"
	envWCBaseURL = "WECHAT_BASE_URL"
)

// errNoPlatform is returned when no platform has credentials.
var errNoPlatform = errors.New("no platform configured: set the credentials of at least one (see README)")

func loadConfig(getenv func(string) string) (config, error) {
	c := config{
		Addr:            or(getenv(envAddr), ":8080"),
		ShutdownTimeout: 10 * time.Second,
		RulesFile:       or(getenv(envRules), "examples/shopbot/data/rules.json"),
		RepliesFile:     or(getenv(envReplies), "examples/shopbot/data/replies.json"),

		WhatsAppThroughput: whatsapp.Throughput,
	}
	if v := getenv(envShutdown); v != "" {
		s, err := strconv.Atoi(v)
		if err != nil || s < 0 {
			return config{}, fmt.Errorf("%s: want whole seconds, got %q", envShutdown, v)
		}
		c.ShutdownTimeout = time.Duration(s) * time.Second
	}
	if v := getenv(envWAMPS); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			return config{}, fmt.Errorf("%s: want messages per second, got %q", envWAMPS, v)
		}
		c.WhatsAppThroughput = n
	}
	if getenv(envWAToken) != "" || getenv(envWASecret) != "" {
		c.WhatsApp = &whatsapp.Config{
			AccessToken: getenv(envWAToken), PhoneNumberID: getenv(envWAPhone),
			AppSecret: getenv(envWASecret), VerifyToken: getenv(envWAVerify), BaseURL: getenv(envWABaseURL),
		}
	}
	if getenv(envFBToken) != "" || getenv(envFBSecret) != "" {
		c.Messenger = &messenger.Config{
			PageAccessToken: getenv(envFBToken), AppSecret: getenv(envFBSecret),
			VerifyToken: getenv(envFBVerify), BaseURL: getenv(envFBBaseURL),
		}
	}
	if getenv(envLineToken) != "" || getenv(envLineSecret) != "" {
		c.LINE = &line.Config{
			ChannelAccessToken: getenv(envLineToken), ChannelSecret: getenv(envLineSecret),
			BaseURL: getenv(envLineBaseURL),
		}
	}
	if getenv(envWCAppID) != "" || getenv(envWCSecret) != "" {
		c.WeChat = &wechat.Config{
			AppID: getenv(envWCAppID), AppSecret: getenv(envWCSecret), Token: getenv(envWCToken),
			EncodingAESKey: getenv(envWCAESKey), BaseURL: getenv(envWCBaseURL),
		}
	}
	if c.WhatsApp == nil && c.Messenger == nil && c.LINE == nil && c.WeChat == nil {
		return config{}, errNoPlatform
	}
	return c, nil
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
