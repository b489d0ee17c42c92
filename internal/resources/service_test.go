package resources

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"sort"
	"testing"

	"github.com/altinn-sim/altinn-sim/internal/db/dbtest"
	"github.com/altinn-sim/altinn-sim/internal/dberr"
	"github.com/altinn-sim/altinn-sim/internal/problem"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

func newService(t *testing.T) *Service {
	t.Helper()
	s, err := NewService(context.Background(), dbtest.New(t))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSeededResources(t *testing.T) {
	t.Parallel()
	s := newService(t)
	ctx := context.Background()
	for _, id := range []string{"kravogbetaling", "ske-krav-og-betalinger", "altinn_access_management",
		"altinn_system_user_overview", "altinn_client_administration", "ske-mva-melding", "brg-aarsregnskap", "nav-a-ordningen"} {
		r, err := s.Resource(ctx, id)
		if err != nil {
			t.Fatalf("Resource(%s): %v", id, err)
		}
		if r.Identifier != id || r.Title["nb"] == "" || r.Title["en"] == "" || r.Title["nn"] == "" || r.HasCompetentAuthority == nil {
			t.Errorf("resource %s incomplete: %+v", id, r)
		}
		p, err := s.Policy(ctx, id)
		if err != nil || len(p.Rules) == 0 {
			t.Fatalf("Policy(%s) rules = %v, %v", id, p.Rules, err)
		}
	}
	if _, err := s.Resource(ctx, "nope"); !errors.Is(err, dberr.ErrNotFound) {
		t.Errorf("unknown resource: err = %v, want ErrNotFound", err)
	}
	// MaskinportenSchema resources exist so the register can refuse them.
	r, err := s.Resource(ctx, "ske-maskinportenschema-test")
	if err != nil || r.ResourceType != TypeMaskinportenSchema {
		t.Errorf("maskinporten schema resource = %+v, %v", r, err)
	}
}

func TestSeededPolicyMakesSense(t *testing.T) {
	t.Parallel()
	s := newService(t)
	p, err := s.Policy(context.Background(), "ske-krav-og-betalinger")
	if err != nil {
		t.Fatal(err)
	}
	rules := p.Rules
	permits := func(subject, action string) bool {
		for _, r := range rules {
			if r.Effect == EffectPermit && slices.Contains(r.Subjects, subject) && slices.Contains(r.Actions, action) &&
				slices.ContainsFunc(r.Resources, func(all []AttributeMatch) bool {
					return len(all) == 1 && all[0] == AttributeMatch{AttrResource, "ske-krav-og-betalinger"}
				}) {
				return true
			}
		}
		return false
	}
	for _, c := range []struct {
		subject, action string
		want            bool
	}{
		{"urn:altinn:rolecode:dagl", "read", true},
		{"urn:altinn:rolecode:dagl", "write", true},
		{"urn:altinn:accesspackage:regnskapsforer-med-signeringsrettighet", "write", true},
		{"urn:altinn:accesspackage:regnskapsforer-uten-signeringsrettighet", "read", true},
		{"urn:altinn:accesspackage:regnskapsforer-uten-signeringsrettighet", "write", false},
		{"urn:altinn:accesspackage:jordbruk", "read", false},
	} {
		if got := permits(c.subject, c.action); got != c.want {
			t.Errorf("%s %s: permit = %v, want %v", c.subject, c.action, got, c.want)
		}
	}
}

func TestCatalogue(t *testing.T) {
	t.Parallel()
	s := newService(t)
	ctx := context.Background()
	all, err := s.Packages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 223 {
		t.Errorf("catalogue has %d packages, want the platform's 223", len(all))
	}
	p, err := s.Package(ctx, "urn:altinn:accesspackage:regnskapsforer-med-signeringsrettighet")
	if err != nil {
		t.Fatal(err)
	}
	if p.Code != "regnskapsforer-med-signeringsrettighet" || p.Name == "" || p.NameEN == "" || p.NameNN == "" ||
		!p.IsDelegable || p.IsAssignable || !p.IsClientDelegable || p.Area.Name == "" || p.Area.Group.Name == "" {
		t.Errorf("regnskapsforer package = %+v", p)
	}
	sk, err := s.Package(ctx, "skatt-naering") // bare code
	if err != nil || !sk.IsAssignable || !sk.IsDelegable || sk.IsClientDelegable || sk.Area.URN != "accesspackage:area:skatt_avgift_regnskap_og_toll" {
		t.Errorf("skatt-naering = %+v, %v", sk, err)
	}
	hk, err := s.Package(ctx, "urn:altinn:accesspackage:hovedadministrator")
	if err != nil || hk.IsDelegable {
		t.Errorf("hovedadministrator = %+v, %v (not delegable)", hk, err)
	}
	if _, err := s.Package(ctx, "urn:altinn:accesspackage:finnes-ikke"); !errors.Is(err, dberr.ErrNotFound) {
		t.Errorf("unknown package: %v", err)
	}
	byID, err := s.PackageByID(ctx, p.ID)
	if err != nil || byID.URN != p.URN {
		t.Errorf("PackageByID = %+v, %v", byID, err)
	}
	areas, _ := s.Areas(ctx)
	groups, _ := s.AreaGroups(ctx)
	if len(areas) < 40 || len(groups) != 5 {
		t.Errorf("%d areas, %d groups", len(areas), len(groups))
	}
}

func TestPackagesForRole(t *testing.T) {
	t.Parallel()
	s := newService(t)
	sorted := func(xs []string) []string { sort.Strings(xs); return xs }
	regn := []string{
		"urn:altinn:accesspackage:regnskapsforer-lonn",
		"urn:altinn:accesspackage:regnskapsforer-med-signeringsrettighet",
		"urn:altinn:accesspackage:regnskapsforer-uten-signeringsrettighet",
	}
	for _, code := range []string{"REGN", "regn", "urn:altinn:rolecode:REGN", "urn:altinn:external-role:ccr:regnskapsforer"} {
		if got := sorted(s.PackagesForRole(code)); !slices.Equal(got, regn) {
			t.Errorf("PackagesForRole(%s) = %v, want %v", code, got, regn)
		}
	}
	revi := []string{"urn:altinn:accesspackage:ansvarlig-revisor", "urn:altinn:accesspackage:revisormedarbeider"}
	if got := sorted(s.PackagesForRole("REVI")); !slices.Equal(got, revi) {
		t.Errorf("REVI = %v", got)
	}
	dagl := s.PackagesForRole("DAGL")
	if len(dagl) < 120 || !slices.Contains(dagl, "urn:altinn:accesspackage:skatt-naering") ||
		!slices.Contains(dagl, "urn:altinn:accesspackage:hovedadministrator") ||
		slices.Contains(dagl, "urn:altinn:accesspackage:regnskapsforer-lonn") {
		t.Errorf("DAGL has %d packages: %v", len(dagl), dagl)
	}
	for _, peer := range []string{"LEDE", "INNH", "DTSO", "DTPR", "KOMP", "BEST", "BOBE"} {
		if n := len(s.PackagesForRole(peer)); n < 100 {
			t.Errorf("%s has only %d packages", peer, n)
		}
	}
	if got := s.PackagesForRole("FFØR"); slices.Contains(got, "urn:altinn:accesspackage:forretningsforer-eiendom") {
		t.Errorf("FFØR without org form should not get the ESEK/BRL package: %v", got)
	}
	if got := s.PackagesForRoleAt("FFOR", "ESEK"); !slices.Contains(got, "urn:altinn:accesspackage:forretningsforer-eiendom") {
		t.Errorf("FFØR at ESEK = %v", got)
	}
	if got := s.PackagesForRole("HADM"); len(got) != 0 {
		t.Errorf("HADM may delegate but holds nothing: %v", got)
	}
	if got := s.PackagesForRole("XXXX"); len(got) != 0 {
		t.Errorf("unknown role: %v", got)
	}
}

func TestCreateUpdateResource(t *testing.T) {
	t.Parallel()
	s := newService(t)
	ctx := context.Background()
	skd := Writer{OrgNo: "974761076"}
	r := NewResource()
	r.Identifier = "skd-test-tjeneste"
	r.Title = map[string]string{"nb": "Test", "nn": "Test", "en": "Test"}
	r.ResourceType = "genericaccessresource"
	got, err := s.CreateResource(ctx, skd, r)
	if err != nil {
		t.Fatal(err)
	}
	if got.ResourceType != TypeGenericAccessResource || got.HasCompetentAuthority.Organization != "974761076" || !got.Delegable {
		t.Errorf("created %+v", got)
	}
	if _, err := s.CreateResource(ctx, skd, r); problem.From(err).Status != 409 {
		t.Errorf("duplicate create: %v", err)
	}
	r2 := r
	r2.Identifier = "other-owner"
	r2.HasCompetentAuthority = &CompetentAuthority{Organization: "991825827"}
	if _, err := s.CreateResource(ctx, skd, r2); problem.From(err).Status != 403 {
		t.Errorf("create for other owner: %v", err)
	}
	if _, err := s.CreateResource(ctx, Writer{Admin: true}, r2); err != nil {
		t.Errorf("admin create: %v", err)
	}
	bad := r
	bad.Identifier = "has space"
	if _, err := s.CreateResource(ctx, skd, bad); problem.From(err).Status != 400 {
		t.Errorf("bad id: %v", err)
	}
	upd := got
	upd.Title = map[string]string{"nb": "Ny", "nn": "Ny", "en": "New"}
	if _, err := s.UpdateResource(ctx, Writer{OrgNo: "991825827"}, upd.Identifier, upd); problem.From(err).Status != 403 {
		t.Errorf("foreign update: %v", err)
	}
	u, err := s.UpdateResource(ctx, skd, upd.Identifier, upd)
	if err != nil || u.VersionID != 2 {
		t.Fatalf("update: %+v, %v", u, err)
	}
	back, _ := s.Resource(ctx, upd.Identifier)
	if back.Title["en"] != "New" || back.VersionID != 2 {
		t.Errorf("after update: %+v", back)
	}
	found, err := s.Search(ctx, Search{Title: "ny"})
	if err != nil || len(found) != 1 || found[0].Identifier != "skd-test-tjeneste" {
		t.Errorf("search: %v, %v", found, err)
	}
	found, _ = s.Search(ctx, Search{Reference: "mvameldinginnsending"})
	if len(found) != 1 || found[0].Identifier != "ske-mva-melding" {
		t.Errorf("search by reference: %v", found)
	}
}

func TestReplacePolicy(t *testing.T) {
	t.Parallel()
	s := newService(t)
	ctx := context.Background()
	p := Policy{ResourceID: "ske-mva-melding", MinAuthLevel: 2, Rules: []Rule{{
		Subjects:  []string{"urn:altinn:rolecode:DAGL", "urn:altinn:accesspackage:merverdiavgift"},
		Resources: [][]AttributeMatch{{{AttrResource, "ske-mva-melding"}}},
		Actions:   []string{"read"},
	}}}
	if err := s.ReplacePolicy(ctx, Writer{OrgNo: "991825827"}, p); problem.From(err).Status != 403 {
		t.Errorf("foreign owner: %v", err)
	}
	if err := s.ReplacePolicy(ctx, Writer{OrgNo: "974761076"}, p); err != nil {
		t.Fatal(err)
	}
	got, err := s.Policy(ctx, "ske-mva-melding")
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Rules) != 1 || got.MinAuthLevel != 2 || got.Rules[0].Subjects[0] != "urn:altinn:rolecode:dagl" || got.Rules[0].Effect != EffectPermit {
		t.Errorf("stored policy = %+v", got)
	}
	p.ResourceID = "finnes-ikke"
	if err := s.ReplacePolicy(ctx, Writer{Admin: true}, p); problem.From(err).Status != 400 {
		t.Errorf("unknown resource: %v", err)
	}
	bad := Policy{ResourceID: "ske-mva-melding", Rules: []Rule{{Subjects: []string{"urn:foo:bar"}, Resources: p.Rules[0].Resources, Actions: []string{"read"}}}}
	if err := s.ReplacePolicy(ctx, Writer{Admin: true}, bad); problem.From(err).Status != 400 {
		t.Errorf("bad subject: %v", err)
	}
}

// A policy's obligations survive storage: the PDP reads them back to
// return each one on Permit.
func TestReplacePolicyKeepsObligations(t *testing.T) {
	t.Parallel()
	s := newService(t)
	ctx := context.Background()
	obl := []Obligation{
		{ID: "urn:altinn:obligation:1", FulfillOn: EffectPermit, Assignments: []Assignment{{AttributeID: "urn:altinn:obligation-assignment:1", Category: "urn:altinn:minimum-authenticationlevel", DataType: "http://www.w3.org/2001/XMLSchema#integer", Value: "4"}}},
		{ID: "urn:altinn:obligation:2", FulfillOn: EffectPermit, Assignments: []Assignment{{AttributeID: "urn:altinn:obligation-assignment:2", Category: "urn:altinn:minimum-authenticationlevel-org", DataType: "http://www.w3.org/2001/XMLSchema#integer", Value: "3"}}},
	}
	p := Policy{ResourceID: "ske-mva-melding", MinAuthLevel: 4, Obligations: obl, Rules: []Rule{{
		Subjects:  []string{"urn:altinn:organization:identifier-no:991825827"},
		Resources: [][]AttributeMatch{{{AttrResource, "ske-mva-melding"}}},
		Actions:   []string{"read"},
	}}}
	if err := s.ReplacePolicy(ctx, Writer{Admin: true}, p); err != nil {
		t.Fatal(err)
	}
	got, err := s.Policy(ctx, "ske-mva-melding")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Obligations, obl) {
		t.Errorf("stored obligations\n%+v\nwant\n%+v", got.Obligations, obl)
	}
	// A policy without them is stored without them (nil, not an empty list).
	p.Obligations = nil
	if err := s.ReplacePolicy(ctx, Writer{Admin: true}, p); err != nil {
		t.Fatal(err)
	}
	if got, err = s.Policy(ctx, "ske-mva-melding"); err != nil || got.Obligations != nil {
		t.Errorf("obligations after replacing with none: %+v, %v", got.Obligations, err)
	}
}
