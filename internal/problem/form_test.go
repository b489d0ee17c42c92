package problem_test

import (
	"net/url"
	"testing"

	"github.com/altinn-sim/altinn-sim/internal/problem"
)

func TestFormStorable(t *testing.T) {
	for _, tc := range []struct {
		form url.Values
		want bool
	}{
		{url.Values{"name": {"Kari Nordmann æøå"}, "scope": {"a:b", ""}}, true},
		{url.Values{}, true},
		{url.Values{"name": {"a\x00b"}}, false},
		{url.Values{"name": {"ok", "\xff"}}, false},
		{url.Values{"na\x00me": {"ok"}}, false},
		{url.Values{"\xfe": {"ok"}}, false},
	} {
		if got := problem.FormStorable(tc.form); got != tc.want {
			t.Errorf("FormStorable(%q) = %v, want %v", tc.form, got, tc.want)
		}
	}
}
