package intent_test

import (
	"fmt"
	"strings"

	"github.com/switchboard-go/switchboard/autoreply/intent"
)

func Example() {
	m, err := intent.Train([]intent.Example{
		{Text: "where is my parcel", Label: "shipping_status"},
		{Text: "tracking has not moved", Label: "shipping_status"},
		{Text: "I want my money back", Label: "refund"},
		{Text: "refund please", Label: "refund"},
		{Text: "thanks a lot!", Label: "none"},
		{Text: "good morning", Label: "none"},
	}, intent.Config{Normalize: strings.ToLower, MinConfidence: 0.5})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, text := range []string{"has my parcel moved?", "money back please", "thanks!"} {
		fmt.Printf("%q → %q\n", text, m.Intent(text))
	}
	// Output:
	// "has my parcel moved?" → "shipping_status"
	// "money back please" → "refund"
	// "thanks!" → ""
}
