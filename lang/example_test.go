package lang_test

import (
	"context"
	"fmt"

	"golang.org/x/text/language"

	"github.com/switchboard-go/switchboard/lang"
	"github.com/switchboard-go/switchboard/lang/langtest"
)

func ExampleDetector_Detect() {
	d, err := lang.New(lang.Config{}) // the shop's 12 languages
	if err != nil {
		panic(err)
	}
	for _, text := range []string{"where is my parcel??", "don hang cua minh dau roi", "這個多少錢", "这个多少钱", "返品したいです"} {
		r := d.Detect(text)
		fmt.Println(r.Lang, r.Method)
	}
	// Output:
	// en statistical
	// vi statistical
	// zh-Hant script
	// zh-Hans script
	// ja script
}

func ExampleDetector_DetectIn() {
	d, err := lang.New(lang.Config{})
	if err != nil {
		panic(err)
	}
	conv := lang.Context{Recent: []language.Tag{lang.Thai}, Profile: lang.Thai}
	fmt.Println(d.DetectIn("👍👍", conv).Lang) // nothing to go on: the conversation's
	fmt.Println(d.DetectIn("好的", lang.Context{Profile: lang.TraditionalChinese}).Lang)
	// Output:
	// th
	// zh-Hant
}

func ExampleService_Outbound() {
	provider := &langtest.Fake{Dict: map[string]string{"Your order ⟦0⟧ ships tomorrow": "Tu pedido ⟦0⟧ sale mañana"}}
	s, err := lang.NewService(lang.ServiceConfig{Provider: provider})
	if err != nil {
		panic(err)
	}
	rec, err := s.Outbound(context.Background(), "Your order 48213957 ships tomorrow", lang.English, lang.Spanish)
	if err != nil {
		panic(err)
	}
	fmt.Println(rec.Original)
	fmt.Println(rec.Text())
	// Output:
	// Your order 48213957 ships tomorrow
	// [es] Tu pedido 48213957 sale mañana
}
