package whatsapptest_test

import (
	"context"
	"fmt"
	"time"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/whatsapp"
	"github.com/switchboard-go/switchboard/whatsapp/whatsapptest"
)

func ExampleServer_FailNext() {
	srv := whatsapptest.NewServer(whatsapptest.Config{})
	defer srv.Close()
	wa, _ := whatsapp.New(srv.ClientConfig())

	// Meta throttles the first attempt (130429 in a 400 body); the client
	// waits and retries, and exactly one message goes out.
	srv.FailNext(whatsapptest.Throttle(whatsapp.CodeThroughput, 0))
	_, err := wa.Send(context.Background(), &channel.Message{
		To: channel.Address{Channel: channel.WhatsApp, ID: "16505551234"}, Text: "Hello",
	})
	fmt.Println(err, len(srv.Requests()), len(srv.Sent()))

	// A slow answer meets the caller's deadline.
	srv.FailNext(whatsapptest.Slow(time.Second))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err = wa.Send(ctx, &channel.Message{
		To: channel.Address{Channel: channel.WhatsApp, ID: "16505551234"}, Text: "Hello again",
	})
	fmt.Println(channel.IsRetryable(err), len(srv.Sent()))
	// Output:
	// <nil> 2 1
	// false 1
}
