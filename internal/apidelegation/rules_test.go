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
