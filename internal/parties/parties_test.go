package parties

import (
	"context"
	"errors"
	"testing"

	"github.com/altinn-sim/altinn-sim/internal/db/dbtest"
	"github.com/altinn-sim/altinn-sim/internal/dberr"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

func TestValidOrgNo(t *testing.T) {
	for _, n := range []string{"991825827", "313725138", "310385980", "314168267", "314330897", "210493352", "910493353", "974761076"} {
		if !ValidOrgNo(n, false) {
			t.Errorf("%s should pass MOD11", n)
		}
	}
	for _, n := range []string{"991825828", "12345678", "1234567890", "99182582a", "", "123456789"} {
		if ValidOrgNo(n, false) {
			t.Errorf("%s should fail", n)
		}
	}
	if !ValidOrgNo("991825828", true) || ValidOrgNo("99182582a", true) {
		t.Error("lenient mode takes any nine digits and only those")
	}
}

func TestValidPID(t *testing.T) {
	if !ValidPID("10857841048") || ValidPID("10857841049") || ValidPID("1085784104") {
		t.Fatal("pid check")
	}
}

func TestSeed(t *testing.T) {
	ctx := context.Background()
	s := NewService(dbtest.New(t))
	orgs, err := s.Orgs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, o := range orgs {
		seen[o.OrgNo] = true
		if !ValidOrgNo(o.OrgNo, false) {
			t.Errorf("seeded org %s fails MOD11", o.OrgNo)
		}
	}
	for _, n := range []string{"991825827", "313725138", "310385980", "314168267", "314330897", "210493352", "910493353", "974761076"} {
		if !seen[n] {
			t.Errorf("org %s from the platform examples is not seeded", n)
		}
	}
	// Every organisation has a person who is its daglig leder.
	persons, err := s.Persons(ctx)
	if err != nil {
		t.Fatal(err)
	}
	dagl := map[string]bool{}
	for _, p := range persons {
		if !ValidPID(p.PID) {
			t.Errorf("seeded person %s has an invalid pid", p.PID)
		}
		for _, r := range p.Roles {
			if r.RoleCode == RoleDAGL {
				dagl[r.Org.OrgNo] = true
			}
		}
	}
	for n := range seen {
		if !dagl[n] {
			t.Errorf("org %s has no DAGL", n)
		}
	}
	// The accounting firm keeps the books of two clients.
	held, err := s.RolesHeldByOrg(ctx, "312605031")
	if err != nil {
		t.Fatal(err)
	}
	regn := 0
	for _, r := range held {
		if r.RoleCode == RoleREGN {
			regn++
		}
	}
	if regn != 2 {
		t.Fatalf("accounting firm holds %d REGN roles, want 2", regn)
	}
}

func TestLookupsAndCanManage(t *testing.T) {
	ctx := context.Background()
	s := NewService(dbtest.New(t))
	o, err := s.Org(ctx, "313725138")
	if err != nil {
		t.Fatal(err)
	}
	for _, ref := range []string{"313725138", o.PartyUUID.String(), "50000003"} {
		got, err := s.OrgByParty(ctx, ref)
		if err != nil || got.OrgNo != "313725138" {
			t.Errorf("OrgByParty(%s) = %v, %v", ref, got.OrgNo, err)
		}
	}
	if _, err := s.Org(ctx, "999999999"); !errorsIsNotFound(err) {
		t.Errorf("unknown org: %v", err)
	}
	// A person as a party, as the PDP looks the resource party up.
	tiril, err := s.Person(ctx, "12857841016")
	if err != nil || tiril.PartyID == 0 {
		t.Fatalf("person: %+v %v", tiril, err)
	}
	if got, err := s.PersonByPartyID(ctx, tiril.PartyID); err != nil || got.PID != tiril.PID {
		t.Errorf("PersonByPartyID(%d) = %+v, %v", tiril.PartyID, got, err)
	}
	if _, err := s.PersonByPartyID(ctx, o.PartyID); !errorsIsNotFound(err) {
		t.Errorf("an organisation's party id is no person: %v", err)
	}
	cases := []struct {
		pid, org string
		want     bool
	}{
		{"12857841016", "313725138", true},  // DAGL
		{"20857841019", "313725138", true},  // access manager
		{"21857841058", "313725138", false}, // no roles
		{"12857841016", "310385980", false}, // DAGL elsewhere
		{"18857841030", "310385980", false}, // person at the accounting firm: REGN is the firm's
	}
	for _, c := range cases {
		got, err := s.CanManage(ctx, c.pid, c.org)
		if err != nil || got != c.want {
			t.Errorf("CanManage(%s, %s) = %v, %v; want %v", c.pid, c.org, got, err, c.want)
		}
	}
}

func TestUpsertValidates(t *testing.T) {
	ctx := context.Background()
	pool := dbtest.New(t)
	s := NewService(pool)
	if err := s.UpsertOrg(ctx, pool, Organization{OrgNo: "123456789", Name: "Bad"}); err == nil {
		t.Fatal("non-MOD11 org accepted in strict mode")
	}
	s.Lenient = true
	if err := s.UpsertOrg(ctx, pool, Organization{OrgNo: "123456789", Name: "Lenient AS"}); err != nil {
		t.Fatal(err)
	}
	if o, err := s.Org(ctx, "123456789"); err != nil || o.PartyID == 0 {
		t.Fatalf("got %+v, %v", o, err)
	}
}

func errorsIsNotFound(err error) bool { return errors.Is(err, dberr.ErrNotFound) }
