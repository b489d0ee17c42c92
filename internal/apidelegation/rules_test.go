package apidelegation

import (
	"slices"
	"testing"
)

func TestValidateScheme(t *testing.T) {
	good := NewScheme{Identifier: "skatt-api", OwnerOrgNo: "974761076", Scopes: []string{"skatteetaten:a", "skatteetaten:b"}, Title: "API"}
	if errs := ValidateScheme(good); len(errs) != 0 {
		t.Fatalf("good scheme: %v", errs)
	}
	cases := []struct {
		name string
		mut  func(*NewScheme)
		path string
	}{
		{"identifier upper case", func(s *NewScheme) { s.Identifier = "Skatt" }, "/identifier"},
		{"identifier one char", func(s *NewScheme) { s.Identifier = "s" }, "/identifier"},
		{"owner not nine digits", func(s *NewScheme) { s.OwnerOrgNo = "97476107" }, "/owner_orgno"},
		{"no scopes", func(s *NewScheme) { s.Scopes = nil }, "/scopes"},
		{"scope without prefix", func(s *NewScheme) { s.Scopes = []string{"read"} }, "/scopes"},
		{"scope twice", func(s *NewScheme) { s.Scopes = []string{"x:a", "x:a"} }, "/scopes"},
		{"blank title", func(s *NewScheme) { s.Title = "  " }, "/title"},
	}
	for _, c := range cases {
		s := good
		s.Scopes = slices.Clone(good.Scopes)
		c.mut(&s)
		errs := ValidateScheme(s)
		if len(errs) != 1 || errs[0].Paths[0] != c.path {
			t.Errorf("%s: %v, want one error at %s", c.name, errs, c.path)
		}
	}
}

func TestValidateDelegation(t *testing.T) {
	good := NewDelegation{Scheme: "s", ConsumerOrgNo: "313725138", SupplierOrgNo: "310385980"}
	if errs := ValidateDelegation(good); len(errs) != 0 {
		t.Fatalf("good: %v", errs)
	}
	cases := []struct {
		name string
		in   NewDelegation
		code string
		path string
	}{
		{"no scheme", NewDelegation{ConsumerOrgNo: "313725138", SupplierOrgNo: "310385980"}, "SIM.VLD-01507", "/scheme"},
		{"bad consumer", NewDelegation{Scheme: "s", ConsumerOrgNo: "31372513", SupplierOrgNo: "310385980"}, "SIM.VLD-01504", "/consumer_orgno"},
		{"bad supplier", NewDelegation{Scheme: "s", ConsumerOrgNo: "313725138", SupplierOrgNo: "abc"}, "SIM.VLD-01505", "/supplier_orgno"},
		{"to itself", NewDelegation{Scheme: "s", ConsumerOrgNo: "313725138", SupplierOrgNo: "313725138"}, "SIM.VLD-01506", "/supplier_orgno"},
	}
	for _, c := range cases {
		errs := ValidateDelegation(c.in)
		if len(errs) != 1 || errs[0].Code != c.code || errs[0].Paths[0] != c.path {
			t.Errorf("%s: %v, want %s at %s", c.name, errs, c.code, c.path)
		}
	}
}

// TestMayLookUp: MaskinportenSchemaAuthorizer's rule (upstream's
// MaskinportenSchemaAuthorizerTest): the admin scope looks up anything;
// otherwise a scope under one of the caller's prefixes, and only a whole
// prefix ("skd" is not "skdx").
func TestMayLookUp(t *testing.T) {
	for _, c := range []struct {
		admin    bool
		prefixes []string
		scope    string
		want     bool
	}{
		{true, nil, "", true},
		{true, nil, "altinn:x", true},
		{false, []string{"skd"}, "skd:a", true},
		{false, []string{"nav", "skd"}, "skd:a/b", true},
		{false, []string{"skd"}, "", false},
		{false, []string{"skd"}, "  ", false},
		{false, []string{"skd"}, "skdx:a", false},
		{false, []string{"skd"}, "altinn:a", false},
		{false, nil, "skd:a", false},
	} {
		if got := MayLookUp(c.admin, c.prefixes, c.scope); got != c.want {
			t.Errorf("MayLookUp(%v, %v, %q) = %v, want %v", c.admin, c.prefixes, c.scope, got, c.want)
		}
	}
}
