package identity

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNormalizePhone(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, raw, region, want string
		err                     error
	}{
		{"HK international", "+852 9123 4567", "", "+85291234567", nil},
		{"HK national", "9123 4567", "HK", "+85291234567", nil},
		{"HK country code in parentheses", "(852) 91234567", "HK", "+85291234567", nil},
		{"HK full-width", "＋８５２ ９１２３ ４５６７", "", "+85291234567", nil},
		{"HK full-width national", "９１２３－４５６７", "HK", "+85291234567", nil},
		{"HK IDD 00 with unknown region", "00852 9123 4567", "", "+85291234567", nil},
		{"TW national mobile", "0912 345 678", "TW", "+886912345678", nil},
		{"TW international", "+886 912-345-678", "HK", "+886912345678", nil},
		{"SG", "8123 4567", "SG", "+6581234567", nil},
		{"TH", "081 234 5678", "TH", "+66812345678", nil},
		{"TH lower-case region", "081-234-5678", "th", "+66812345678", nil},
		{"CN", "138 0013 8000", "CN", "+8613800138000", nil},
		{"US", "(415) 555-2671", "US", "+14155552671", nil},
		{"US with 1", "1-415-555-2671", "US", "+14155552671", nil},
		{"GB", "07400 123456", "GB", "+447400123456", nil},
		{"GB from abroad", "+44 (0)7400 123456", "HK", "+447400123456", nil},
		{"ES", "612 34 56 78", "ES", "+34612345678", nil},
		{"BR mobile", "(11) 96123-4567", "BR", "+5511961234567", nil},
		{"BR international", "+55 11 96123 4567", "", "+5511961234567", nil},

		{"empty", "", "HK", "", ErrEmptyPhone},
		{"letters only", "call me", "HK", "", ErrEmptyPhone},
		{"national without region", "9123 4567", "", "", ErrUnknownRegion},
		{"unknown region", "9123 4567", "XX", "", ErrUnknownRegion},
		{"zeros", "+0000 0000", "HK", "", ErrInvalidPhone},
		{"too short", "1234", "HK", "", ErrInvalidPhone},
		{"too long for HK", "9123 4567 890", "HK", "", ErrInvalidPhone},
		{"unassigned HK range", "1123 4567", "HK", "", ErrInvalidPhone},
		{"absurd length", strings.Repeat("9", 200), "HK", "", ErrInvalidPhone},
		{"invalid UTF-8", "+852 \xff9123 4567", "HK", "", ErrInvalidPhone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := NormalizePhone(tt.raw, tt.region)
			if tt.err != nil {
				require.ErrorIs(t, err, tt.err)
				assert.Empty(t, got)
				assert.NotContains(t, err.Error(), "4567", "errors must not echo the number")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestNormalizeWAID(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
		err            error
	}{
		{"HK", "85291234567", "+85291234567", nil},
		{"BR", "5511961234567", "+5511961234567", nil},
		{"full-width", "８５２９１２３４５６７", "+85291234567", nil},
		{"plus is not a wa_id", "+85291234567", "", ErrInvalidPhone},
		{"spaces are not a wa_id", "852 9123 4567", "", ErrInvalidPhone},
		{"national number", "91234567", "", ErrInvalidPhone},
		{"empty", "", "", ErrEmptyPhone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := NormalizeWAID(tt.in)
			if tt.err != nil {
				require.ErrorIs(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestMaskPhone(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"+85291234567":   "+852****4567",
		"+14155552671":   "+1****2671",
		"+447400123456":  "+44****3456",
		"+5511961234567": "+55****4567",
		"+886912345678":  "+886****5678",
		"91234567":       "****",
		"":               "****",
	}
	for in, want := range tests {
		t.Run(in, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, want, MaskPhone(in))
		})
	}
	assert.Equal(t, "c***@example.com", MaskEmail("chan@example.com"))
	assert.Equal(t, "****", MaskEmail("nobody"))
}

func FuzzNormalizePhone(f *testing.F) {
	for _, s := range []string{"+852 9123 4567", "0912 345 678", "(852) 91234567", "＋８５２ ９１２３ ４５６７",
		"85291234567", "+0000", "", "00", "+", "(((", "+1 (415) 555-2671 ext. 12", "٠١٢٣٤٥٦٧٨٩", "tel:+852-9123-4567"} {
		f.Add(s, "HK")
	}
	f.Add("07400 123456", "GB")
	f.Add("9123", "")
	f.Fuzz(func(t *testing.T, raw, region string) {
		got, err := NormalizePhone(raw, region)
		if err != nil {
			if got != "" {
				t.Fatalf("error %v with result %q", err, got)
			}
			if !errors.Is(err, ErrInvalidPhone) && !errors.Is(err, ErrEmptyPhone) && !errors.Is(err, ErrUnknownRegion) {
				t.Fatalf("error %v is none of the sentinels", err)
			}
			return
		}
		if got[0] != '+' || len(got) < 8 || len(got) > 16 || !isDigits(got[1:]) {
			t.Fatalf("NormalizePhone(%q, %q) = %q: not E.164", raw, region, got)
		}
		again, err := NormalizePhone(got, "")
		if err != nil || again != got {
			t.Fatalf("E.164 %q does not normalize to itself: %q, %v", got, again, err)
		}
		if w, err := NormalizeWAID(got[1:]); err != nil || w != got {
			t.Fatalf("wa_id of %q: %q, %v", got, w, err)
		}
	})
}
