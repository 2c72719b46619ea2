package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/line"
	"github.com/switchboard-go/switchboard/messenger"
	"github.com/switchboard-go/switchboard/wechat"
	"github.com/switchboard-go/switchboard/whatsapp"
)

// config is what the server reads from its environment. A platform is
// enabled when any of its credentials is present; then all of them must be
// (a half-configured platform can never work), and at least one platform
// must be enabled.
type config struct {
	Addr            string
	ShutdownTimeout time.Duration
	RulesFile       string
	RepliesFile     string

	// The http.Server's timeouts: reading a request's header, reading the
	// whole request (header and body), writing the answer, and keeping an
	// idle keep-alive connection. They bound what a slow or idle client
	// can hold; tests shorten them.
	ReadHeaderTimeout time.Duration
	ReadTimeout       time.Duration
	WriteTimeout      time.Duration
	IdleTimeout       time.Duration

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
	// ready reports whether the state store answers (set by openState;
	// nil: always ready), for /readyz.
	ready func(context.Context) error
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

// platform names a platform's variables that must all be set once any of
// them is, each with what goes wrong without it.
type platform struct {
	name     string
	required [][2]string // variable, what fails without it
}

// platformVars lists the platforms' required variables.
func platformVars() []platform {
	return []platform{
		{"whatsapp", [][2]string{
			{envWAToken, "every reply would be refused"},
			{envWAPhone, "replies have no sending number"},
			{envWASecret, "every webhook would get 401"},
			{envWAVerify, "Meta's verification handshake would fail"},
		}},
		{"messenger", [][2]string{
			{envFBToken, "every reply would be refused"},
			{envFBSecret, "every webhook would get 401"},
			{envFBVerify, "Meta's verification handshake would fail"},
		}},
		{"line", [][2]string{
			{envLineToken, "every reply would be refused"},
			{envLineSecret, "every webhook would get 401"},
		}},
		{"wechat", [][2]string{
			{envWCAppID, "no access token can be fetched"},
			{envWCSecret, "no access token can be fetched"},
			{envWCToken, "every webhook would get 401"},
		}},
	}
}

// checkPlatforms returns an error naming every missing variable of each
// half-configured platform (never a value), and whether each platform is
// enabled.
func checkPlatforms(getenv func(string) string) (map[string]bool, error) {
	enabled := map[string]bool{}
	var problems []string
	for _, p := range platformVars() {
		var missing, why []string
		for _, v := range p.required {
			if getenv(v[0]) == "" {
				missing = append(missing, v[0])
				why = append(why, v[1])
			}
		}
		switch {
		case len(missing) == len(p.required):
		case len(missing) > 0:
			problems = append(problems, fmt.Sprintf("%s is half-configured: %s not set (%s)",
				p.name, strings.Join(missing, ", "), strings.Join(why, "; ")))
		default:
			enabled[p.name] = true
		}
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("%w: %s", errHalfConfigured, strings.Join(problems, "; "))
	}
	return enabled, nil
}

// errHalfConfigured is returned when a platform has some credentials but
// not all.
var errHalfConfigured = errors.New("a platform is half-configured")

func loadConfig(getenv func(string) string) (config, error) {
	c := config{
		Addr:            or(getenv(envAddr), ":8080"),
		ShutdownTimeout: 10 * time.Second,
		RulesFile:       or(getenv(envRules), "examples/shopbot/data/rules.json"),
		RepliesFile:     or(getenv(envReplies), "examples/shopbot/data/replies.json"),

		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      15 * time.Second,
		IdleTimeout:       60 * time.Second,

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
	enabled, err := checkPlatforms(getenv)
	if err != nil {
		return config{}, err
	}
	if enabled["whatsapp"] {
		c.WhatsApp = &whatsapp.Config{
			AccessToken: getenv(envWAToken), PhoneNumberID: getenv(envWAPhone),
			AppSecret: getenv(envWASecret), VerifyToken: getenv(envWAVerify), BaseURL: getenv(envWABaseURL),
		}
	}
	if enabled["messenger"] {
		c.Messenger = &messenger.Config{
			PageAccessToken: getenv(envFBToken), AppSecret: getenv(envFBSecret),
			VerifyToken: getenv(envFBVerify), BaseURL: getenv(envFBBaseURL),
		}
	}
	if enabled["line"] {
		c.LINE = &line.Config{
			ChannelAccessToken: getenv(envLineToken), ChannelSecret: getenv(envLineSecret),
			BaseURL: getenv(envLineBaseURL),
		}
	}
	if enabled["wechat"] {
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
