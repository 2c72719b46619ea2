package tracking

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestNormalize(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "1Z999AA10123456784", Normalize(" 1z 999-aa1 0123456784 "))
	assert.Equal(t, "", Normalize(" - "))
}

func TestDetect(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, number string
		want         []Carrier
	}{
		{"UPS 1Z", "1Z999AA10123456784", []Carrier{UPS}},
		{"UPS lower case with spaces", "1z 999 aa1 0123 456 784", []Carrier{UPS}},
		{"DHL Express 10 digits", "7777777770", []Carrier{DHL}},
		{"DHL eCommerce JD", "JD014600006281230701", []Carrier{DHL}},
		{"DHL Paket JJD", "JJD0099999999", []Carrier{DHL}},
		{"DHL Paket 20 digits 003", "00340434161094015902", []Carrier{DHL}},
		{"FedEx 12 digits", "123456789012", []Carrier{FedEx, DHL}},
		{"FedEx Ground 15", "123456789012345", []Carrier{FedEx}},
		{"FedEx 22 digits", "9612345678901234567890", []Carrier{FedEx, SeventeenTrack}},
		{"UPU S10 valid", "RR123456785CN", []Carrier{SeventeenTrack}},
		{"SF Express", "SF1234567890123", []Carrier{SeventeenTrack}},
		{"other alnum", "YT2212345678901234", []Carrier{SeventeenTrack}},
		{"too short", "12345", nil},
		{"punctuation", "12345678!!", nil},
		{"too long", "123456789012345678901234567890123456789012", nil},
		{"empty", "", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tc.want, Detect(tc.number))
		})
	}
}

func TestS10CheckDigit(t *testing.T) {
	t.Parallel()
	assert.True(t, isS10("RR123456785CN"))  // UPU's own example: check digit 5
	assert.False(t, isS10("RR123456784CN")) // wrong check digit
	assert.False(t, isS10("R1123456785CN"))
}

func FuzzDetect(f *testing.F) {
	for _, s := range []string{"1Z999AA10123456784", "RR123456785CN", "7777777770", "", "JD01"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Detect(s)
		if len(got) > 0 && Normalize(s) == "" {
			t.Fatalf("carrier for empty number")
		}
	})
}
