// Command shopbot runs a complete shop bot on Switchboard's fake platforms,
// with no setup and no network: customers on WhatsApp, Messenger, LINE and
// WeChat write in English, Spanish, Thai and Chinese; the bot answers from
// its rules in their language, asks for an order number and looks the parcel
// up at a fake carrier, hands a customer who repeats a question to a person,
// notices a customer writing from a second number, and tells customers about
// parcels that stalled (as text inside the customer-service window, as the
// approved template outside it). It prints the transcript and a summary.
//
//	go run ./examples/shopbot                       # the scripted demo
//	go run ./examples/shopbot -scenario crowd -customers 500
//	go run ./examples/shopbot -eval ../shared/corpus/intents-dev.jsonl
//	echo '{"lang":"en","text":"where is my parcel"}' | go run ./examples/shopbot -classify
//	go run ./examples/shopbot -report week.html       # the demo, then its weekly report
package main

import (
	"context"
	_ "embed"
	"flag"
	"fmt"
	"io"
	"os"
)

//go:embed data/replies.json
var repliesJSON string

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "shopbot:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("shopbot", flag.ContinueOnError)
	fs.SetOutput(out)
	scenario := fs.String("scenario", "demo", "demo: the scripted conversation; crowd: simulated customers, summary only")
	customers := fs.Int("customers", 100, "number of simulated customers in the crowd scenario")
	quiet := fs.Bool("quiet", false, "print the summary only")
	classifyMode := fs.Bool("classify", false, `read JSON Lines {"lang","text"} on standard input, write {"intent","rule","handoff"} per line`)
	evalFile := fs.String("eval", "", "score the rule set on a labelled JSON Lines file (the corpus format)")
	report := fs.String("report", "", "write the run's weekly insights report (self-contained HTML) to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch {
	case *classifyMode:
		return classify(ctx, os.Stdin, out)
	case *evalFile != "":
		return evaluate(ctx, *evalFile, out)
	}

	w, err := newWorld(out, *quiet || *scenario == "crowd")
	if err != nil {
		return err
	}
	defer w.close()
	notices := w.shop.Summary().Notices
	switch *scenario {
	case "demo":
		err = demo(ctx, w)
	case "crowd":
		if *customers < 1 {
			return fmt.Errorf("-customers must be at least 1")
		}
		err = crowd(ctx, w, *customers)
	default:
		return fmt.Errorf("%w: %q", errUnknownScenario, *scenario)
	}
	if err != nil {
		return err
	}
	summary(out, w)
	if *report != "" {
		w.events.finish(w, notices)
		return w.events.writeReport(ctx, w, *report)
	}
	return nil
}
