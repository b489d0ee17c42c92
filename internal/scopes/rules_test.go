package scopes

import "testing"

func TestDecide(t *testing.T) {
	const org, owner = "313725138", "991825827"
	open := Standing{PrefixOwner: owner, Registered: true, Active: true, AllowedIntegrationTypes: []string{"maskinporten"}}
	with := func(f func(*Standing)) Standing { s := open; f(&s); return s }
	cases := []struct {
		name string
		org  string
		st   Standing
		want Verdict
	}{
		{"nobody owns the prefix", org, Standing{}, Allowed},
		{"nobody owns the prefix, even if a stale row says inactive", org, Standing{Registered: true}, Allowed},
		{"owned prefix, no such scope", org, with(func(s *Standing) { s.Registered = false }), Unknown},
		{"owned prefix, no such scope, even for the owner", owner, with(func(s *Standing) { s.Registered = false }), Unknown},
		{"inactive scope", org, with(func(s *Standing) { s.Active = false; s.AccessibleForAll = true }), Unknown},
		{"inactive scope, for the owner", owner, with(func(s *Standing) { s.Active = false }), Unknown},
		{"not for maskinporten", org, with(func(s *Standing) { s.AllowedIntegrationTypes = []string{"idporten"}; s.AccessibleForAll = true }), NotForMaskinporten},
		{"not for maskinporten, for the owner", owner, with(func(s *Standing) { s.AllowedIntegrationTypes = []string{"idporten", "api_klient"} }), NotForMaskinporten},
		{"no integration types: any", org, with(func(s *Standing) { s.AllowedIntegrationTypes = nil; s.AccessibleForAll = true }), Allowed},
		{"the owner", owner, open, Allowed},
		{"accessible for all", org, with(func(s *Standing) { s.AccessibleForAll = true }), Allowed},
		{"granted", org, with(func(s *Standing) { s.Access = StateApproved }), Allowed},
		{"withdrawn", org, with(func(s *Standing) { s.Access = StateDenied }), NotGranted},
		{"never granted", org, open, NotGranted},
		{"withdrawn but accessible for all", org, with(func(s *Standing) { s.Access = StateDenied; s.AccessibleForAll = true }), Allowed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Decide(c.org, c.st); got != c.want {
				t.Fatalf("Decide = %v, want %v", got, c.want)
			}
		})
	}
}

func TestRefusalSaysWhy(t *testing.T) {
	cases := []struct {
		v    Verdict
		want string
	}{
		{Allowed, ""},
		{Unknown, "no active scope a:b exists"},
		{NotForMaskinporten, "the scope a:b is not allowed for Maskinporten clients"},
		{NotGranted, "organisation 313725138 has not been granted access to the scope a:b"},
	}
	for _, c := range cases {
		if got := Refusal("313725138", "a:b", c.v); got != c.want {
			t.Errorf("Refusal(%v) = %q, want %q", c.v, got, c.want)
		}
	}
}

func TestSplit(t *testing.T) {
	cases := []struct {
		in, prefix, sub string
		ok              bool
	}{
		{"altinn:authentication/systemregister.write", "altinn", "authentication/systemregister.write", true},
		{"idporten:dcr/onbehalfof:write", "idporten", "dcr/onbehalfof:write", true},
		{"altinn", "altinn", "", false},
		{":x", "", "x", false},
		{"x:", "x", "", false},
	}
	for _, c := range cases {
		p, s, ok := Split(c.in)
		if p != c.prefix || s != c.sub || ok != c.ok {
			t.Errorf("Split(%q) = %q %q %v, want %q %q %v", c.in, p, s, ok, c.prefix, c.sub, c.ok)
		}
	}
}

func TestNames(t *testing.T) {
	for _, c := range []struct {
		s      string
		prefix bool
		sub    bool
	}{
		{"altinn", true, true},
		{"skatte-etaten_2", true, true},
		{"Altinn", false, true},
		{"", false, false},
		{"-x", false, false},
		{"a b", false, false},
		{"authentication/systemregister.write", false, true},
		{"dcr/onbehalfof:write", false, true},
		{"/x", false, false},
		{"x\ty", false, false},
		{string(make([]byte, 65)), false, false},
	} {
		if got := ValidPrefix(c.s); got != c.prefix {
			t.Errorf("ValidPrefix(%q) = %v", c.s, got)
		}
		if got := ValidSubscope(c.s); got != c.sub {
			t.Errorf("ValidSubscope(%q) = %v", c.s, got)
		}
	}
	long := "a"
	for len(long) < 64 {
		long += "a"
	}
	if !ValidPrefix(long) || ValidPrefix(long+"a") {
		t.Error("a prefix may have 64 characters, not 65")
	}
}

func TestMayManagePrefix(t *testing.T) {
	if !MayManagePrefix("313725138", "") || !MayManagePrefix("313725138", "313725138") || MayManagePrefix("313725138", "991825827") {
		t.Fatal("an organisation manages its own and unowned prefixes only")
	}
}
