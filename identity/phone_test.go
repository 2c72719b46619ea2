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

		// A leading 00 where the region's own exit code is another
		// (issue 17: these three failed with ErrInvalidPhone).
		{"HK 00 international", "00852 9123 4567", "HK", "+85291234567", nil},
		{"TH 00 international", "0066 89 123 4567", "TH", "+66891234567", nil},
		{"US 00 international", "00852 9123 4567", "US", "+85291234567", nil},
		{"HK 00 to Thailand", "0066 89 123 4567", "HK", "+66891234567", nil},
		{"TW 00 to the UK", "0044 7400 123456", "TW", "+447400123456", nil},
		{"US full-width 00", "００８５２ ９１２３ ４５６７", "US", "+85291234567", nil},

		// Messy notations in eleven regions: spaces, dashes, brackets,
		// full-width digits, 00/011/+, trunk 0.
		{"TH trunk 0", "081 234 5678", "TH", "+66812345678", nil},
		{"TH + with (0)", "+66 (0)81-234-5678", "TH", "+66812345678", nil},
		{"TH full-width", "０８１－２３４－５６７８", "TH", "+66812345678", nil},
		{"TH own exit code 001", "001 66 81 234 5678", "TH", "+66812345678", nil},
		{"TW dashes", "0912-345-678", "TW", "+886912345678", nil},
		{"TW landline brackets", "(02) 2345-6789", "TW", "+886223456789", nil},
		{"TW + with (0)", "+886 (0)912 345 678", "TW", "+886912345678", nil},
		{"TW own exit code 002", "002 886 912 345 678", "TW", "+886912345678", nil},
		{"TW 00", "00886 912345678", "TW", "+886912345678", nil},
		{"CN dashes", "138-0013-8000", "CN", "+8613800138000", nil},
		{"CN landline brackets", "(010) 6552 9988", "CN", "+861065529988", nil},
		{"CN 00 spaced", "00 86 138 0013 8000", "CN", "+8613800138000", nil},
		{"CN full-width", "１３８ ００１３ ８０００", "CN", "+8613800138000", nil},
		{"HK dash", "9123-4567", "HK", "+85291234567", nil},
		{"HK own exit code 001", "001 852 9123 4567", "HK", "+85291234567", nil},
		{"HK brackets", "(852) 2123-4567", "HK", "+85221234567", nil},
		{"JP dashes", "090-1234-5678", "JP", "+819012345678", nil},
		{"JP landline brackets", "(03) 1234-5678", "JP", "+81312345678", nil},
		{"JP + with (0)", "+81 (0)90 1234 5678", "JP", "+819012345678", nil},
		{"JP own exit code 010", "010 81 90 1234 5678", "JP", "+819012345678", nil},
		{"JP 00", "0081 90 1234 5678", "JP", "+819012345678", nil},
		{"JP full-width", "０９０－１２３４－５６７８", "JP", "+819012345678", nil},
		{"ID dashes", "0812-3456-789", "ID", "+628123456789", nil},
		{"ID landline brackets", "(021) 1234 5678", "ID", "+622112345678", nil},
		{"ID +", "+62 812 3456 789", "ID", "+628123456789", nil},
		{"ID 00", "0062 812 3456 7890", "ID", "+6281234567890", nil},
		{"VN trunk 0", "091 234 56 78", "VN", "+84912345678", nil},
		{"VN landline brackets", "(028) 3823 4567", "VN", "+842838234567", nil},
		{"VN + with (0)", "+84 (0)91 234 5678", "VN", "+84912345678", nil},
		{"VN 00", "00 84 912345678", "VN", "+84912345678", nil},
		{"BR trunk 0", "011 96123 4567", "BR", "+5511961234567", nil},
		{"BR + brackets", "+55 (11) 96123-4567", "BR", "+5511961234567", nil},
		{"BR 00", "0055 11 96123 4567", "BR", "+5511961234567", nil},
		{"DE mobile", "0151 23456789", "DE", "+4915123456789", nil},
		{"DE landline brackets", "(030) 1234567", "DE", "+49301234567", nil},
		{"DE + with (0)", "+49 (0)151 2345 6789", "DE", "+4915123456789", nil},
		{"DE 00 dashes", "0049-30-1234567", "DE", "+49301234567", nil},
		{"AE trunk 0", "050 123 4567", "AE", "+971501234567", nil},
		{"AE +", "+971 50 123 4567", "AE", "+971501234567", nil},
		{"AE 00", "00971 50 123 4567", "AE", "+971501234567", nil},
		{"AE Arabic-Indic digits", "٠٥٠ ١٢٣ ٤٥٦٧", "AE", "+971501234567", nil},
		{"US brackets", "(415) 555-2671", "US", "+14155552671", nil},
		{"US own exit code 011", "011 852 9123 4567", "US", "+85291234567", nil},
		{"US + dashes", "+1-415-555-2671", "US", "+14155552671", nil},

		{"empty", "", "HK", "", ErrEmptyPhone},
		{"letters only", "call me", "HK", "", ErrEmptyPhone},
		{"national without region", "9123 4567", "", "", ErrUnknownRegion},
		{"unknown region", "9123 4567", "XX", "", ErrUnknownRegion},
		{"zeros", "+0000 0000", "HK", "", ErrInvalidPhone},
		{"00 then nothing valid", "0000 1234 5678", "US", "", ErrInvalidPhone},
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
	f.Add("0066 89 123 4567", "TH")
	f.Add("011 852 9123 4567", "US")
	f.Fuzz(func(t *testing.T, raw, region string) {
		got, err := NormalizePhone(raw, region)
		c := NewPhoneCache(1)
		for range 2 { // a miss, then a hit: both agree with the parser
			cached, cerr := c.Normalize(raw, region)
			if cached != got || (cerr == nil) != (err == nil) {
				t.Fatalf("cache: %q, %v; parser: %q, %v", cached, cerr, got, err)
			}
		}
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

// TestPhoneCache: a hit returns what NormalizePhone returns, errors
// included; the cache never holds more than its size, oldest out first.
func TestPhoneCache(t *testing.T) {
	t.Parallel()
	c := NewPhoneCache(2)
	for range 2 {
		e, err := c.Normalize("9123 4567", "HK")
		require.NoError(t, err)
		assert.Equal(t, "+85291234567", e)
		_, err = c.Normalize("1234", "HK")
		require.ErrorIs(t, err, ErrInvalidPhone)
	}
	assert.Equal(t, 2, c.Len())
	_, err := c.Normalize("0912 345 678", "TW")
	require.NoError(t, err)
	assert.Equal(t, 2, c.Len(), "bounded")
	// The same raw input in another region is another entry.
	e, err := c.Normalize("0912 345 678", "TW")
	require.NoError(t, err)
	assert.Equal(t, "+886912345678", e)
	_, err = c.Normalize("0912 345 678", "HK")
	require.Error(t, err)
}

func TestIsDigits(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]bool{"0": true, "85291234567": true, "": false, "+852": false, "12a": false, "１２": false, " 1": false} {
		assert.Equal(t, want, isDigits(s), "%q", s)
	}
}
