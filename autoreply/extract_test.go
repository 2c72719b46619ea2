package autoreply_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/switchboard-go/switchboard/autoreply"
)

func TestExtract(t *testing.T) {
	t.Parallel()
	e, _, _ := newTestEngine(t, nil)
	tests := []struct {
		name, extractor, text, want string
	}{
		{"order en", autoreply.ExtractOrderNumber, "order #48213957 still not here", "48213957"},
		{"order thai digits", autoreply.ExtractOrderNumber, "ออเดอร์๔๘๒๑๓๙๕๗ค่ะ", "48213957"},
		{"order arabic-indic digits", autoreply.ExtractOrderNumber, "رقم الطلب ٦٠٣٩٢٨١٧", "60392817"},
		{"order full-width", autoreply.ExtractOrderNumber, "注文番号４８２０１９３の荷物", "4820193"},
		{"order after han", autoreply.ExtractOrderNumber, "訂單編號30291847", "30291847"},
		{"order devanagari", autoreply.ExtractOrderNumber, "ऑर्डर ४८२१३९", "482139"},
		{"order skips short numbers", autoreply.ExtractOrderNumber, "3 days, order 58201937", "58201937"},
		{"order not in a tracking number", autoreply.ExtractOrderNumber, "1Z999AA10123456784", ""},
		{"no order", autoreply.ExtractOrderNumber, "where is it", ""},
		{"tracking ups", autoreply.ExtractTrackingNumber, "tracking 1z999aa10123456784 pls", "1Z999AA10123456784"},
		{"tracking upu", autoreply.ExtractTrackingNumber, "เลขพัสดุ TH123456789TH ค่ะ", "TH123456789TH"},
		{"tracking digits only", autoreply.ExtractTrackingNumber, "9400111899223456789012", "9400111899223456789012"},
		{"tracking not an order number", autoreply.ExtractTrackingNumber, "order 48213957", ""},
		{"email", autoreply.ExtractEmail, "mail me: Foo.Bar+shop@Example.COM.", "foo.bar+shop@example.com"},
		{"email full-width at", autoreply.ExtractEmail, "ａｂｃ＠ｅｘａｍｐｌｅ．ｃｏｍ", "abc@example.com"},
		{"no email", autoreply.ExtractEmail, "@ home. a@b", ""},
		{"unknown extractor", "phone", "123456", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, ok := e.Extract(tt.extractor, tt.text)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.want != "", ok)
		})
	}
}
