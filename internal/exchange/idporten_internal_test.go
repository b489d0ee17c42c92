package exchange

import (
	"testing"

	"github.com/altinn-sim/altinn-sim/internal/idporten"
)

// TestAuthMethod: the exchanged token's authenticatemethod is the amr, or
// the first of a list of them, and NotDefined when there is none to take.
func TestAuthMethod(t *testing.T) {
	for _, c := range []struct {
		name string
		amr  any
		want string
	}{
		{"a string", "BankID", "BankID"},
		{"an empty string", "", "NotDefined"},
		{"a list", []any{"Minid-PIN", "BankID"}, "Minid-PIN"},
		{"an empty list", []any{}, "NotDefined"},
		{"a list starting with an empty string", []any{"", "BankID"}, "NotDefined"},
		{"a list of numbers", []any{1.0}, "NotDefined"},
		{"none", nil, "NotDefined"},
	} {
		if got := authMethod(c.amr); got != c.want {
			t.Errorf("%s: authMethod(%v) = %q, want %q", c.name, c.amr, got, c.want)
		}
	}
}

// TestAuthLevel: ID-porten's acr values map to Altinn's levels (low 0,
// substantial 3, high 4); another acr gives its last character when that
// is a digit (the old Level3/Level4), else 0.
func TestAuthLevel(t *testing.T) {
	for acr, want := range map[string]int{
		"idporten-loa-low":      0,
		idporten.LoASubstantial: 3,
		idporten.LoAHigh:        4,
		"Level3":                3,
		"Level4":                4,
		"2":                     2,
		"LevelX":                0,
	} {
		if got := authLevel(acr); got != want {
			t.Errorf("authLevel(%q) = %d, want %d", acr, got, want)
		}
	}
}
