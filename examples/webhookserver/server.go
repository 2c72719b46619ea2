package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/time/rate"

	"github.com/switchboard-go/switchboard/autoreply"
	"github.com/switchboard-go/switchboard/autoreply/catalog"
	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/examples/internal/shop"
	"github.com/switchboard-go/switchboard/line"
	"github.com/switchboard-go/switchboard/messenger"
	"github.com/switchboard-go/switchboard/wechat"
	"github.com/switchboard-go/switchboard/whatsapp"
)

// server is the webhook server: one route per configured platform, each
// built from its adapter's Webhook around the shop bot, and a health route.
type server struct {
	http *http.Server
	shop *shop.Shop
	log  *slog.Logger
}

// route is one platform's webhook: its channel and its adapter's Webhook.
type route struct {
	kind    channel.Kind
	webhook func(channel.Handler) http.Handler
}

// newServer builds the adapters, the shop bot and the routes from cfg.
// Extra shop options (trackers, orders) come through opts.
func newServer(cfg config, log *slog.Logger, opts shop.Config) (*server, error) {
	rules, replies, err := loadCatalog(cfg)
	if err != nil {
		return nil, err
	}
	tel, metrics, err := newTelemetry()
	if err != nil {
		return nil, err
	}
	router := channel.Router{}
	routes := map[string]route{}
	if c := cfg.WhatsApp; c != nil {
		ac := *c
		ac.Logger = log
		cl, err := whatsapp.New(ac)
		if err != nil {
			return nil, fmt.Errorf("whatsapp: %w", err)
		}
		router[channel.WhatsApp] = channel.Chain(cl, whatsappLimits(cfg.WhatsAppThroughput, cfg.limits))
		routes["/webhooks/whatsapp"] = route{channel.WhatsApp, cl.Webhook}
	}
	if c := cfg.Messenger; c != nil {
		ac := *c
		ac.Logger = log
		cl, err := messenger.New(ac)
		if err != nil {
			return nil, fmt.Errorf("messenger: %w", err)
		}
		router[channel.Messenger] = channel.Chain(cl, messenger.DefaultLimits(nil))
		routes["/webhooks/messenger"] = route{channel.Messenger, cl.Webhook}
	}
	if c := cfg.LINE; c != nil {
		ac := *c
		ac.Logger = log
		cl, err := line.New(ac)
		if err != nil {
			return nil, fmt.Errorf("line: %w", err)
		}
		router[channel.LINE] = cl
		routes["/webhooks/line"] = route{channel.LINE, cl.Webhook}
	}
	if c := cfg.WeChat; c != nil {
		ac := *c
		ac.Logger = log
		cl, err := wechat.New(ac)
		if err != nil {
			return nil, fmt.Errorf("wechat: %w", err)
		}
		router[channel.WeChat] = cl
		routes["/webhooks/wechat"] = route{channel.WeChat, cl.Webhook}
	}
	opts.Rules, opts.Replies, opts.Send, opts.Log = rules, replies, channel.Chain(router, tel.Sender()), log
	if opts.Language == language.Und {
		opts.Language = language.English
	}
	bot, err := shop.New(opts)
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	handler := tel.Handler(bot)
	for path, r := range routes {
		mux.Handle(path, tel.Webhook(r.kind, r.webhook(handler)))
	}
	mux.Handle("GET /metrics", metrics)
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if cfg.ready != nil {
			ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
			defer cancel()
			if err := cfg.ready(ctx); err != nil {
				log.Warn("not ready: state store does not answer", "err", err)
				w.WriteHeader(http.StatusServiceUnavailable)
				_ = json.NewEncoder(w).Encode(map[string]any{"status": "unavailable", "state": "down"})
				return
			}
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"status": "ready", "state": "up"})
	})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		platforms := make([]string, 0, len(router))
		for k := range router {
			platforms = append(platforms, string(k))
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"status": "ok", "platforms": platforms})
	})
	return &server{
		http: &http.Server{
			Addr:              cfg.Addr,
			Handler:           logRequests(log, mux),
			ReadHeaderTimeout: cfg.ReadHeaderTimeout,
			ReadTimeout:       cfg.ReadTimeout,
			WriteTimeout:      cfg.WriteTimeout,
			IdleTimeout:       cfg.IdleTimeout,
		},
		shop: bot,
		log:  log,
	}, nil
}

// whatsappLimits is whatsapp.DefaultLimits with the number's own throughput:
// mps messages per second channel-wide, and the pair limit per customer,
// kept in limits when several instances share it (nil: in memory).
func whatsappLimits(mps int, limits channel.RecipientLimitStore) channel.Middleware {
	if (mps <= 0 || mps == whatsapp.Throughput) && limits == nil {
		return whatsapp.DefaultLimits(nil)
	}
	if mps <= 0 {
		mps = whatsapp.Throughput
	}
	throughput := channel.RateLimit(rate.Limit(mps), max(1, mps/10), nil)
	pair := channel.PerRecipient(channel.RecipientLimitConfig{Every: whatsapp.PairInterval, Burst: whatsapp.PairBurst, Store: limits})
	return func(next channel.Sender) channel.Sender {
		return pair(throughput(next)) // the per-customer check fails fast, before waiting
	}
}

func loadCatalog(cfg config) (*autoreply.RuleSet, *catalog.Catalog, error) {
	rf, err := os.Open(cfg.RulesFile)
	if err != nil {
		return nil, nil, fmt.Errorf("rules: %w", err)
	}
	defer rf.Close()
	rules, err := autoreply.LoadRules(rf)
	if err != nil {
		return nil, nil, fmt.Errorf("rules %s: %w", cfg.RulesFile, err)
	}
	cf, err := os.Open(cfg.RepliesFile)
	if err != nil {
		return nil, nil, fmt.Errorf("replies: %w", err)
	}
	defer cf.Close()
	replies, err := catalog.Load(cf)
	if err != nil {
		return nil, nil, fmt.Errorf("replies %s: %w", cfg.RepliesFile, err)
	}
	return rules, replies, nil
}

// serve listens on ln until ctx is done, then shuts down gracefully: no new
// connections, in-flight webhooks finish (up to timeout).
func (s *server) serve(ctx context.Context, ln net.Listener, timeout time.Duration) error {
	errc := make(chan error, 1)
	go func() { errc <- s.http.Serve(ln) }()
	s.log.Info("listening", "addr", ln.Addr().String())
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.log.Info("shutting down", "timeout", timeout)
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout)
	defer cancel()
	if err := s.http.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// statusRecorder remembers the status a handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

// logRequests logs one line per request: method, path (never the query:
// Meta's handshake carries the verify token there, WeChat its signature),
// status and duration.
func logRequests(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		level := slog.LevelInfo
		if rec.status >= 500 {
			level = slog.LevelError
		} else if rec.status >= 400 {
			level = slog.LevelWarn
		}
		log.Log(r.Context(), level, "request", "method", r.Method, "path", r.URL.Path,
			"status", rec.status, "duration", time.Since(start))
	})
}
