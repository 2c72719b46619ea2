// Command agentdesk serves Switchboard's agent console on 127.0.0.1 with fake
// platforms and simulated customers, so a person can open it and work:
//
//	go run ./examples/agentdesk            # then open http://127.0.0.1:8087/
//	go run ./examples/agentdesk -addr 127.0.0.1:9000 -every 5s
//
// Customers on a fake WhatsApp and a fake Messenger write in English,
// Spanish, Thai, Chinese and Indonesian. The bot answers what its rules know
// (shipping, sizes, refunds) in the customer's language and hands the rest
// to the desk: asking for a person, or two messages it cannot answer. Sign in
// as any name (ann speaks English and Spanish, somchai Thai, li Chinese) and
// take, answer, transfer and resolve conversations; replies go to the fake
// platforms, which record them (see the log). Nothing leaves the machine.
//
// The desk keeps its state in SQLite by default (SWITCHBOARD_SQLITE names the
// file), or in PostgreSQL or Redis:
//
//	SWITCHBOARD_POSTGRES_URL=postgres://... go run ./examples/agentdesk -store postgres
//	SWITCHBOARD_REDIS_URL=redis://127.0.0.1:6379/0 go run ./examples/agentdesk -store redis
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil && !errors.Is(err, context.Canceled) {
		fmt.Fprintln(os.Stderr, "agentdesk:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("agentdesk", flag.ContinueOnError)
	fs.SetOutput(out)
	addr := fs.String("addr", "127.0.0.1:8087", "address to serve on (keep it on loopback)")
	every := fs.Duration("every", 8*time.Second, "how often a simulated customer writes")
	duration := fs.Duration("duration", 0, "stop after this long (0: until interrupted)")
	seed := fs.Int64("seed", 1, "seed of the simulated customers")
	storeKind := fs.String("store", "sqlite", "sqlite (SWITCHBOARD_SQLITE names the file), postgres (SWITCHBOARD_POSTGRES_URL), redis (SWITCHBOARD_REDIS_URL) or memory")
	sqlitePath := fs.String("sqlite", "", "SQLite file (default $SWITCHBOARD_SQLITE, else one in the temporary directory)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, *duration)
		defer cancel()
	}
	log := slog.New(slog.NewTextHandler(out, &slog.HandlerOptions{Level: slog.LevelInfo}))

	st, where, closeStore, err := openStore(ctx, *storeKind, *sqlitePath)
	if err != nil {
		return err
	}
	defer closeStore()
	app, err := newApp(log, st)
	if err != nil {
		return err
	}
	defer app.close()

	h, err := app.handler()
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	fmt.Fprintf(out, "agent desk on http://%s/ (sign in as ann, somchai or li); state in %s\n", ln.Addr(), where)

	errc := make(chan error, 3)
	go func() { errc <- app.desk.Run(ctx) }()
	go func() { errc <- app.simulate(ctx, *every, *seed) }()
	go func() {
		if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			errc <- err
		}
	}()
	select {
	case <-ctx.Done():
	case err = <-errc:
	}
	sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_ = srv.Shutdown(sctx)
	if err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return nil
}
