package seed_test

import (
	"strings"
	"testing"

	"github.com/altinn-sim/altinn-sim/internal/app/apptest"
	"github.com/altinn-sim/altinn-sim/internal/seed"
)

// apiFile seeds delegated API access: the provider's delegable scope
// granted to the accounting firm, a scheme, the firm's delegation to its
// supplier, and the supplier's client carrying the scope (which it may
// only because the file makes the scope delegable).
const apiFile = `
scopes:
  - name: skatteetaten:seedtest.read
    owner: "974761076"
    description: Seeded delegable API
    delegationSource: https://tt02.altinn.no/
    consumers: ["312605031"]
apiDelegationSchemes:
  - identifier: seed-scheme
    owner: "974761076"
    scopes: [skatteetaten:seedtest.read]
    title: Seeded scheme
apiDelegations:
  - {scheme: seed-scheme, consumer: "312605031", supplier: "910493353"}
clients:
  - clientId: seed-supplier
    orgNo: "910493353"
    scopes: [skatteetaten:seedtest.read]
    jwksFile: treningsleverandoren-key.json
`

// TestSeedAPIDelegation: the file's scope, scheme and delegation are
// written so that the supplier's consumer_org grant would pass; seeding
// again changes nothing; a reset keeps the seeded state; bad files are
// refused whole.
func TestSeedAPIDelegation(t *testing.T) {
	s := apptest.Start(t)
	ctx := t.Context()
	dir := trainingDir(t)
	before := Snapshot(t, s.Pool)
	for _, tc := range []struct{ name, old, new, want string }{
		{"another's prefix", `name: skatteetaten:seedtest.read`, `name: altinn:seedtest.read`, `scopes[0].name: the prefix "altinn" belongs to organisation 991825827`},
		{"unknown scheme", `{scheme: seed-scheme,`, `{scheme: nope,`, "apiDelegations[0].scheme: no delegation scheme nope"},
		{"to itself", `supplier: "910493353"}`, `supplier: "312605031"}`, "apiDelegations[0].supplier: An organisation cannot delegate to itself"},
		{"unknown supplier", `supplier: "910493353"}`, `supplier: "315555019"}`, "apiDelegations[0].supplier: no organisation 315555019"},
		{"scheme with another's scope", `scopes: [skatteetaten:seedtest.read]
    title`, `scopes: [altinn:serviceowner]
    title`, "apiDelegationSchemes[0].scopes[0]: altinn:serviceowner belongs to 991825827, not 974761076"},
		{"not delegable", `    delegationSource: https://tt02.altinn.no/
`, ``, "clients[0].scopes[0]: organisation 910493353 has not been granted access"},
		{"bad delegation source", `https://tt02.altinn.no/`, `tt02`, "scopes[0].delegationSource"},
	} {
		t.Run(tc.name, func(t *testing.T) { wantRefused(t, s, before, apiFile, dir, tc.old, tc.new, tc.want) })
	}

	f, err := seed.Parse([]byte(apiFile), dir)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := seed.Apply(ctx, deps(s), f)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"scopes", "scopeAccess", "apiDelegationSchemes", "apiDelegations", "clients"} {
		if rep.Created[k] != 1 {
			t.Errorf("%s: %d created, want 1 (%s)", k, rep.Created[k], rep)
		}
	}
	v, err := s.APIDelegation.Check(ctx, "312605031", "910493353", "skatteetaten:seedtest.read")
	if err != nil || !v.Delegated || v.DelegationSource != "https://tt02.altinn.no/" || v.Scheme != "seed-scheme" {
		t.Fatalf("seeded delegation: %+v %v", v, err)
	}
	rep, err = seed.Apply(ctx, deps(s), f)
	if err != nil || rep.Changed() {
		t.Fatalf("seeding again: %s %v", rep, err)
	}
	// A changed title updates the scheme; the delegation stays.
	f2, err := seed.Parse([]byte(strings.Replace(apiFile, "title: Seeded scheme", "title: Renamed scheme", 1)), dir)
	if err != nil {
		t.Fatal(err)
	}
	if rep, err = seed.Apply(ctx, deps(s), f2); err != nil || rep.Updated["apiDelegationSchemes"] != 1 || rep.Unchanged["apiDelegations"] != 1 {
		t.Fatalf("changed title: %s %v", rep, err)
	}
	if sc, err := s.APIDelegation.Scheme(ctx, "seed-scheme"); err != nil || sc.Title != "Renamed scheme" {
		t.Fatalf("scheme after update: %+v %v", sc, err)
	}
}

// TestSeedWithoutAPIDelegationServices: a file without scopes, schemes or
// delegations seeds through Deps that lack those services (callers built
// before them), and one with them is refused, not a crash.
func TestSeedWithoutAPIDelegationServices(t *testing.T) {
	s := apptest.Start(t)
	old := deps(s)
	old.Scopes, old.APIDelegation = nil, nil
	f, err := seed.Parse([]byte("organizations:\n  - {orgNo: \"315555019\", name: Uten Delegering AS}\n"), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := seed.Apply(t.Context(), old, f); err != nil {
		t.Fatalf("a file without delegated API access: %v", err)
	}
	f, err = seed.Parse([]byte(apiFile), trainingDir(t))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := seed.Apply(t.Context(), old, f); err == nil || !strings.Contains(err.Error(), "this seeding cannot write") {
		t.Fatalf("a file with delegated API access and no services: %v", err)
	}
}

// TestSeedKeepsAccessGivenBefore: a client may carry a file scope its
// organisation was granted before (not listed under consumers), and not
// one it never was.
func TestSeedKeepsAccessGivenBefore(t *testing.T) {
	s := apptest.Start(t)
	dir := trainingDir(t)
	noSource := strings.Replace(apiFile, "    delegationSource: https://tt02.altinn.no/\n", "", 1)
	noSource = noSource[:strings.Index(noSource, "apiDelegationSchemes:")] // the scope alone
	f, err := seed.Parse([]byte(noSource), dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := seed.Apply(t.Context(), deps(s), f); err != nil {
		t.Fatal(err)
	}
	client := "clients:\n  - clientId: seed-before\n    orgNo: \"910493353\"\n    scopes: [skatteetaten:seedtest.read]\n    jwksFile: treningsleverandoren-key.json\n"
	f, err = seed.Parse([]byte(noSource+client), dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := seed.Apply(t.Context(), deps(s), f); err == nil || !strings.Contains(err.Error(), "clients[0].scopes[0]: organisation 910493353 has not been granted access") {
		t.Fatalf("never granted: %v", err)
	}
	if _, err := s.Scopes.GrantAccess(t.Context(), "974761076", "skatteetaten:seedtest.read", "910493353"); err != nil {
		t.Fatal(err)
	}
	if _, err := seed.Apply(t.Context(), deps(s), f); err != nil {
		t.Fatalf("granted before, not in the file: %v", err)
	}
}
