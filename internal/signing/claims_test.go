package signing

import "testing"

// TestNineDigits: nine ASCII digits, 0 and 9 included, and nothing else —
// not the characters on either side of the digits, not other scripts'
// digits, not eight or ten.
func TestNineDigits(t *testing.T) {
	for _, c := range []struct {
		s    string
		want bool
	}{
		{"310385980", true},
		{"000000000", true},
		{"999999999", true},
		{"/00000000", false}, // '0' - 1
		{"00000000:", false}, // '9' + 1
		{"31038598", false},
		{"3103859801", false},
		{"31038598٣", false}, // an Arabic-Indic digit
		{"", false},
	} {
		if got := NineDigits(c.s); got != c.want {
			t.Errorf("NineDigits(%q) = %v, want %v", c.s, got, c.want)
		}
	}
}
