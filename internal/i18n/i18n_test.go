package i18n

import "testing"

func TestCatalogT(t *testing.T) {
	c := Catalog{"hello": {"Hei %s", "Hei %s", "Hello %s"}, "bye": {"Ha det", "Ha det", "Bye"}}
	for _, tc := range []struct{ lang, key, want string }{
		{NB, "bye", "Ha det"}, {NN, "bye", "Ha det"}, {EN, "bye", "Bye"}, {"de", "bye", "Ha det"},
		{EN, "hello", "Hello Kari"}, {NN, "hello", "Hei Kari"}, {EN, "missing", "missing"},
	} {
		var got string
		if tc.key == "hello" {
			got = c.T(tc.lang, tc.key, "Kari")
		} else {
			got = c.T(tc.lang, tc.key)
		}
		if got != tc.want {
			t.Errorf("T(%q, %q) = %q, want %q", tc.lang, tc.key, got, tc.want)
		}
	}
	if got := (Text{"a", "b", "c"}).In(NN); got != "b" {
		t.Errorf("In(nn) = %q", got)
	}
}

func TestNorm(t *testing.T) {
	for in, want := range map[string]string{
		"nb": NB, "nb-NO": NB, "no": NB, " NB ": NB, "nn": NN, "nn-NO": NN, "en": EN, "en-GB": EN, "se": "", "": "", "sv-SE": "",
	} {
		if got := Norm(in); got != want {
			t.Errorf("Norm(%q) = %q, want %q", in, got, want)
		}
	}
}
