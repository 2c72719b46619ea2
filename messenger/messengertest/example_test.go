package messengertest_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/messenger"
	"github.com/switchboard-go/switchboard/messenger/messengertest"
)

func ExampleServer_MakeUnavailable() {
	srv := messengertest.NewServer(messengertest.Config{})
	defer srv.Close()
	fb, _ := messenger.New(srv.ClientConfig())

	psid := channel.Address{Channel: channel.Messenger, ID: "6789012345678901"}
	srv.MakeUnavailable(psid.ID) // the person blocked the Page
	_, err := fb.Send(context.Background(), &channel.Message{To: psid, Text: "Your refund is on its way"})

	var apiErr *messenger.APIError
	fmt.Println(errors.Is(err, channel.ErrInvalidRecipient), errors.As(err, &apiErr) && apiErr.Code == messenger.CodePersonUnavailable)
	fmt.Println("retried:", len(srv.Requests()) > 1)
	// Output:
	// true true
	// retried: false
}
