package whatsapp_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/whatsapp"
	"github.com/switchboard-go/switchboard/whatsapp/whatsapptest"
)

func ExampleClient_Send() {
	srv := whatsapptest.NewServer(whatsapptest.Config{})
	defer srv.Close()
	wa, err := whatsapp.New(srv.ClientConfig())
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	customer := channel.Address{Channel: channel.WhatsApp, ID: "16505551234"}

	_, err = wa.Send(ctx, &channel.Message{
		To:   customer,
		Text: "Your order #1042 has shipped. Anything else?",
		Buttons: []channel.Button{
			{Title: "Track parcel", Payload: "track"},
			{Title: "Talk to a person", Payload: "agent"},
		},
	})
	fmt.Println("buttons:", err)

	// After 24 h of silence only a template may go.
	srv.CloseWindow(customer.ID)
	_, err = wa.Send(ctx, &channel.Message{To: customer, Text: "Still there?"})
	fmt.Println("window closed:", errors.Is(err, channel.ErrWindowClosed))
	_, err = wa.Send(ctx, &channel.Message{To: customer, Template: &channel.Template{
		Name: "order_update", Language: "en_US", Params: []string{"#1042", "out for delivery"},
	}})
	fmt.Println("template:", err)

	for _, s := range srv.Sent() {
		fmt.Printf("%s %q: %q %q\n", s.Type, s.Template, s.Text, s.Buttons)
	}
	// Output:
	// buttons: <nil>
	// window closed: true
	// template: <nil>
	// interactive "": "Your order #1042 has shipped. Anything else?" ["Track parcel" "Talk to a person"]
	// template "order_update": "" []
}

func ExampleClient_Webhook() {
	srv := whatsapptest.NewServer(whatsapptest.Config{})
	defer srv.Close()
	wa, _ := whatsapp.New(srv.ClientConfig())

	hook := wa.Webhook(channel.HandlerFunc(func(ctx context.Context, e channel.Event) error {
		if e.Type == channel.EventMessage {
			fmt.Printf("%s (%s) says %q\n", e.Message.Contact.Name, e.From.ID, e.Message.Text)
		}
		return nil
	}))

	body, _ := srv.MessageWebhook(whatsapptest.Inbound{From: "5511987654321", Name: "Ana", Text: "Cadê meu pedido?"})
	status, _ := srv.Deliver(context.Background(), hook, body)
	fmt.Println("answered", status)
	status, _ = srv.Deliver(context.Background(), hook, body) // Meta redelivers
	fmt.Println("redelivery answered", status)
	// Output:
	// Ana (5511987654321) says "Cadê meu pedido?"
	// answered 200
	// redelivery answered 200
}

// A send whose answer is lost after Meta accepted it is not retried (the
// customer would get it twice): the error says the delivery is unknown and
// names the message, for the caller to reconcile before sending again.
func ExampleClient_Send_deliveryUnknown() {
	srv := whatsapptest.NewServer(whatsapptest.Config{})
	defer srv.Close()
	wa, err := whatsapp.New(srv.ClientConfig())
	if err != nil {
		fmt.Println(err)
		return
	}
	srv.Inject(whatsapptest.LostAnswer()) // Meta records the message, then answers 500

	m := &channel.Message{To: channel.Address{Channel: channel.WhatsApp, ID: "85291110003"}, Text: "Your parcel has shipped"}
	_, err = wa.Send(context.Background(), m)
	var unknown *channel.DeliveryError
	if errors.As(err, &unknown) {
		fmt.Println("delivery unknown:", errors.Is(err, channel.ErrDeliveryUnknown))
		fmt.Println("attempts:", unknown.Attempts, "message:", unknown.Message.Text)
		fmt.Println("retry blindly:", channel.IsRetryable(err))
	}
	fmt.Println("copies Meta holds:", len(srv.Sent()))
	// Output:
	// delivery unknown: true
	// attempts: 1 message: Your parcel has shipped
	// retry blindly: false
	// copies Meta holds: 1
}
