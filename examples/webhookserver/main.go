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
//
// The cluster subcommand runs the cluster acceptance run of the tests
// (TestClusterExactlyOnce) as a program: three instances in one process
// share the Redis or Postgres named as above (under a fresh key prefix or
// schema it removes at the end), behind a balancer, in front of fake
// WhatsApp, Messenger, LINE and WeChat APIs. Each of -messages messages
// (default 400) is delivered three times, two at once; one instance is
// closed abruptly halfway. It prints one line of figures and exits 1 if a
// message was answered twice or lost:
//
//	SWITCHBOARD_REDIS_URL=redis://127.0.0.1:6379/0 go run ./examples/webhookserver cluster -messages 2000
package main

import (
	"context"
	"fmt"
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
	if len(os.Args) > 1 && os.Args[1] == "cluster" {
		if err := clusterCommand(ctx, os.Args[2:], os.Getenv, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "cluster:", err)
			stop()
			os.Exit(1)
		}
		return
	}
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
