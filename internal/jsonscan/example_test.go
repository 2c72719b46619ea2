package jsonscan_test

import (
	"fmt"

	"github.com/switchboard-go/switchboard/internal/jsonscan"
)

func Example() {
	s := jsonscan.New([]byte(`{"id":"JD014600","events":[{"code":"transit"},{"code":"delivered"}],"extra":[1,2]}`))
	var id string
	var codes []string
	s.Object(func(key []byte) {
		switch string(key) {
		case "id":
			id = s.String()
		case "events":
			s.Array(func() {
				s.Object(func(key []byte) {
					if string(key) == "code" {
						codes = append(codes, s.String())
					}
				})
			})
		} // other values are skipped
	})
	if err := s.Finish(); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(id, codes)
	// Output: JD014600 [transit delivered]
}

func ExampleNewExact() {
	s := jsonscan.NewExact([]byte(`{"object":"a","object":"b"}`))
	s.Skip()
	fmt.Println(s.Finish())
	// Output: jsonscan: declined: repeated key or too many keys at offset 23
}
