// Command webhookserver is the webhook server a shop starts in production:
// one route per platform (/webhooks/whatsapp, /webhooks/messenger,
// /webhooks/line, /webhooks/wechat) built from each adapter's Webhook around
// the shop bot, a health route (/healthz), structured logs (log/slog, JSON)
// that never carry a secret or a full phone number, and graceful shutdown on
// SIGINT or SIGTERM.
//
// Configuration comes from the environment (see config.go): a platform is
// served when its credentials are set; a platform with some but not all of
// them stops the server at start with an error naming the missing
// variables (never a value), e.g.
//
//	LINE_CHANNEL_ACCESS_TOKEN=... LINE_CHANNEL_SECRET=... go run ./examples/webhookserver
//
// State (webhook claims, customer-service windows, per-recipient limits,
// conversations, the WeChat token) lives in SQLite by default
// (SWITCHBOARD_SQLITE, default ./switchboard.db), or in PostgreSQL
// (SWITCHBOARD_POSTGRES_URL, SWITCHBOARD_POSTGRES_SCHEMA) or Redis
// (SWITCHBOARD_REDIS_URL, SWITCHBOARD_REDIS_PREFIX) for several instances;
// see state.go.
package main

import (
	"context"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"

	"github.com/switchboard-go/switchboard/examples/internal/shop"
)

func main() {
	log := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Getenv, log); err != nil {
		log.Error("webhookserver stopped", "err", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, getenv func(string) string, log *slog.Logger) error {
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	st, err := openState(ctx, getenv, log)
	if err != nil {
		return err
	}
	defer st.Close()
	var opts shop.Config
	st.configure(&cfg, &opts, log)
	srv, err := newServer(cfg, log, opts)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	return srv.serve(ctx, ln, cfg.ShutdownTimeout)
}
