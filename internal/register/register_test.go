package register_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/altinn-sim/altinn-sim/internal/app/apptest"
	"github.com/altinn-sim/altinn-sim/internal/db/dbtest"
	"github.com/altinn-sim/altinn-sim/internal/parties"
	"github.com/altinn-sim/altinn-sim/internal/problem"
	"github.com/altinn-sim/altinn-sim/internal/register"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

func str(s string) *string { return &s }

// The rules of Register's LookupV1PartyRequestValidator, one row each
// (PartiesControllerTests.PostPartyLookup_*_ReturnsValidationProblem).
func TestCheckLookup(t *testing.T) {
	s := register.New(nil, false)
	tests := []struct {
		name  string
		in    register.Lookup
		code  string
		paths []string
	}{
		{"neither", register.Lookup{}, "STD.VLD-00000", []string{"/ssn", "/orgNo"}},
		{"both", register.Lookup{SSN: str("12857841016"), OrgNo: str("313725138")}, "REG.VLD-00008", []string{"/ssn", "/orgNo"}},
		{"bad ssn", register.Lookup{SSN: str("12857841017")}, "REG.VLD-00007", []string{"/ssn"}},
		{"short ssn", register.Lookup{SSN: str("1285784101")}, "REG.VLD-00007", []string{"/ssn"}},
		{"bad org no", register.Lookup{OrgNo: str("313725139")}, "REG.VLD-00006", []string{"/orgNo"}},
		{"letters", register.Lookup{OrgNo: str("31372513x")}, "REG.VLD-00006", []string{"/orgNo"}},
		{"empty org no", register.Lookup{OrgNo: str("")}, "REG.VLD-00006", []string{"/orgNo"}},
		{"org no", register.Lookup{OrgNo: str("313725138")}, "", nil},
		{"ssn", register.Lookup{SSN: str("12857841016")}, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := s.CheckLookup(tt.in)
			if tt.code == "" {
				if p != nil {
					t.Fatalf("refused: %+v", p)
				}
				return
			}
			if p == nil || p.Status != 400 || len(p.ValidationErrors) != 1 || p.ValidationErrors[0].Code != tt.code ||
				strings.Join(p.ValidationErrors[0].Paths, ",") != strings.Join(tt.paths, ",") {
				t.Fatalf("got %+v", p)
			}
		})
	}
}

func TestSplitName(t *testing.T) {
	for _, tt := range []struct{ in, first, middle, last string }{
		{"Tiril Tiger", "Tiril", "", "Tiger"},
		{"Kari Uten Roller", "Kari", "Uten", "Roller"},
		{"  Ada   Lovelace  Byron King ", "Ada", "Lovelace Byron", "King"},
		{"Cher", "Cher", "", ""},
		{"", "", "", ""},
	} {
		first, middle, last := register.SplitName(tt.in)
		m := ""
		if middle != nil {
			m = *middle
		}
		if first != tt.first || m != tt.middle || last != tt.last || (middle != nil) != (tt.middle != "") {
			t.Errorf("%q: %q %v %q", tt.in, first, middle, last)
		}
	}
}

func TestOrgAndPersonParties(t *testing.T) {
	o := register.OrgParty(parties.Organization{OrgNo: "313725138", Name: "Rakrygget Spesifikk Tiger AS", OrgForm: "AS", PartyID: 50000003})
	if o.PartyTypeName != 2 || *o.OrgNumber != "313725138" || *o.UnitType != "AS" || o.SSN != nil || o.Person != nil ||
		o.Organization == nil || o.Organization.Name != o.Name || o.ExternalURN != "urn:altinn:organization:identifier-no:313725138" {
		t.Errorf("%+v", o)
	}
	p := register.PersonParty(parties.Person{PID: "12857841016", Name: "Tiril Tiger", PartyID: 50100003})
	if p.PartyTypeName != 1 || *p.SSN != "12857841016" || p.OrgNumber != nil || p.Organization != nil || p.Person == nil ||
		p.Person.LastName != "Tiger" || p.ExternalURN != "urn:altinn:person:identifier-no:12857841016" {
		t.Errorf("%+v", p)
	}
}

type errBody struct {
	problem.Problem
	Errors map[string][]string `json:"errors"`
	OrgID  string              `json:"organizationIdentifier"`
}

// Register over HTTP with the seeded parties: the scope guard, a service
// owner's token, a vendor's plain token and a person's token, as the
// platform's PartiesControllerTests tell them apart.
func TestRegisterOverHTTP(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	vendor := srv.TestToken(t, map[string]any{"type": "enterprise", "orgNo": "313725138", "scopes": []string{register.ScopeLookup}})
	owner := srv.TestToken(t, map[string]any{"type": "enterprise", "orgNo": "974761076", "scopes": []string{register.ScopeLookup, "altinn:serviceowner"}, "exchange": true})
	tiril := srv.TestToken(t, map[string]any{"type": "person", "pid": "12857841016", "scopes": []string{register.ScopeLookup}})
	noScope := srv.TestToken(t, map[string]any{"type": "enterprise", "orgNo": "313725138", "scopes": []string{"altinn:other"}})
	do := func(method, path, tok string, body any) (int, []byte) {
		st, _, b := srv.Do(t, method, path, tok, body)
		return st, b
	}

	t.Run("organizations", func(t *testing.T) {
		st, b := do("GET", "/register/api/v1/organizations/313725138", vendor, nil)
		var o register.Organization
		if st != 200 || json.Unmarshal(b, &o) != nil || o.Name != "Rakrygget Spesifikk Tiger AS" || o.UnitType != "AS" {
			t.Errorf("%d %s", st, b)
		}
		if !strings.Contains(string(b), `"eMailAddress":null`) {
			t.Errorf("V1 member names: %s", b)
		}
		st, b = do("GET", "/register/api/v1/organizations/313725139", vendor, nil)
		if st != 400 || !strings.Contains(string(b), `"code":"REG.VLD-00006"`) || !strings.Contains(string(b), `"paths":["/$PATH/orgNr"]`) {
			t.Errorf("bad number: %d %s", st, b)
		}
		st, b = do("GET", "/register/api/v1/organizations/111111111", vendor, nil)
		var e errBody
		if st != 404 || json.Unmarshal(b, &e) != nil || e.Code != "REG-00006" || e.OrgID != "111111111" {
			t.Errorf("unknown: %d %s", st, b)
		}
		if st, b := do("GET", "/register/api/v1/organizations/313725138", "", nil); st != 401 {
			t.Errorf("no token: %d %s", st, b)
		}
		if st, b := do("GET", "/register/api/v1/organizations/313725138", noScope, nil); st != 403 {
			t.Errorf("no scope: %d %s", st, b)
		}
	})

	t.Run("lookup", func(t *testing.T) {
		st, b := do("POST", "/register/api/v1/parties/lookup", vendor, map[string]any{"orgNo": "313725138"})
		var p register.Party
		if st != 200 || json.Unmarshal(b, &p) != nil || p.PartyID != 50000003 || p.PartyTypeName != 2 || p.Organization == nil {
			t.Errorf("org: %d %s", st, b)
		}
		st, b = do("POST", "/register/api/v1/parties/lookup", vendor, map[string]any{"ssn": "12857841016"})
		if st != 200 || json.Unmarshal(b, &p) != nil || p.PartyID != 50100003 || p.PartyTypeName != 1 || p.Person == nil || p.Person.FirstName != "Tiril" {
			t.Errorf("person: %d %s", st, b)
		}
		st, b = do("POST", "/register/api/v1/parties/lookup", vendor, map[string]any{"orgNo": "111111111"})
		if st != 404 || !strings.Contains(string(b), `"code":"REG-00007"`) {
			t.Errorf("unknown: %d %s", st, b)
		}
		for _, body := range []any{map[string]any{}, map[string]any{"orgNo": "313725138", "ssn": "12857841016"}, map[string]any{"ssn": "1"}} {
			if st, b := do("POST", "/register/api/v1/parties/lookup", vendor, body); st != 400 {
				t.Errorf("%v: %d %s", body, st, b)
			}
		}
	})

	t.Run("party by id and uuid", func(t *testing.T) {
		// A service owner sees every party, and a 404 for none.
		st, b := do("GET", "/register/api/v1/parties/50000004", owner, nil)
		var p register.Party
		if st != 200 || json.Unmarshal(b, &p) != nil || *p.OrgNumber != "310385980" {
			t.Fatalf("owner: %d %s", st, b)
		}
		if st, b := do("GET", "/register/api/v1/parties/byuuid/"+p.PartyUUID.String(), owner, nil); st != 200 || !strings.Contains(string(b), `"orgNumber":"310385980"`) {
			t.Errorf("owner by uuid: %d %s", st, b)
		}
		if st, b := do("GET", "/register/api/v1/parties/50100003", owner, nil); st != 200 || !strings.Contains(string(b), `"ssn":"12857841016"`) {
			t.Errorf("owner, person: %d %s", st, b)
		}
		if st, b := do("GET", "/register/api/v1/parties/49999999", owner, nil); st != 404 || !strings.Contains(string(b), `"code":"REG-00007"`) {
			t.Errorf("owner, unknown: %d %s", st, b)
		}
		for _, id := range []string{"0", "-5"} {
			if st, b := do("GET", "/register/api/v1/parties/"+id, owner, nil); st != 400 || !strings.Contains(string(b), `"code":"REG.VLD-00009"`) {
				t.Errorf("id %s: %d %s", id, st, b)
			}
		}
		// No route for what the constraint refuses.
		for _, path := range []string{"/register/api/v1/parties/abc", "/register/api/v1/parties/99999999999", "/register/api/v1/parties/byuuid/not-a-uuid"} {
			if st, b := do("GET", path, owner, nil); st != 404 {
				t.Errorf("%s: %d %s", path, st, b)
			}
		}
		// A person: parties they may represent; 401 for the rest, and
		// for one that does not exist.
		if st, b := do("GET", "/register/api/v1/parties/50000003", tiril, nil); st != 200 {
			t.Errorf("Tiril at her company: %d %s", st, b)
		}
		if st, b := do("GET", "/register/api/v1/parties/50100003", tiril, nil); st != 200 {
			t.Errorf("Tiril herself: %d %s", st, b)
		}
		for _, id := range []string{"50000004", "50100004", "49999999"} {
			if st, b := do("GET", "/register/api/v1/parties/"+id, tiril, nil); st != 401 {
				t.Errorf("Tiril, party %s: %d %s", id, st, b)
			}
		}
		// A vendor's token without the service-owner claim has no user.
		if st, b := do("GET", "/register/api/v1/parties/50000003", vendor, nil); st != 401 {
			t.Errorf("vendor: %d %s", st, b)
		}
	})
}

// Register's InternalOrPlatformAccess: a platform access token in the
// PlatformAccessToken header stands in for the scope; the party reads
// still want a user (PartiesControllerTests.GetParty_MissingAccessToken_ReturnsForbidden
// and the [Authorize] on the party reads).
func TestPlatformAccessToken(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	pat := srv.TestToken(t, map[string]any{"type": "accesstoken", "issuer": "ttd", "app": "ttd.myapp"})
	noScope := srv.TestToken(t, map[string]any{"type": "enterprise", "orgNo": "313725138", "scopes": []string{"altinn:other"}})
	tiril := srv.TestToken(t, map[string]any{"type": "person", "pid": "12857841016"})
	lookup := map[string]any{"orgNo": "313725138"}

	if st, _, b := srv.Do(t, "POST", "/register/api/v1/parties/lookup", "", lookup, "PlatformAccessToken", pat); st != 200 || !strings.Contains(string(b), `"partyId":50000003`) {
		t.Errorf("platform token alone: %d %s", st, b)
	}
	if st, _, b := srv.Do(t, "POST", "/register/api/v1/parties/lookup", noScope, lookup, "PlatformAccessToken", pat); st != 200 {
		t.Errorf("platform token and a token without the scope: %d %s", st, b)
	}
	if st, _, b := srv.Do(t, "POST", "/register/api/v1/parties/lookup", noScope, lookup); st != 403 {
		t.Errorf("a token without the scope: %d %s", st, b)
	}
	if st, _, b := srv.Do(t, "POST", "/register/api/v1/parties/lookup", "", lookup, "PlatformAccessToken", "not-a-token"); st != 401 {
		t.Errorf("a bad platform token: %d %s", st, b)
	}
	// A Maskinporten token is no platform access token.
	if st, _, b := srv.Do(t, "POST", "/register/api/v1/parties/lookup", "", lookup, "PlatformAccessToken", noScope); st != 401 {
		t.Errorf("a Maskinporten token as platform token: %d %s", st, b)
	}
	// An invalid bearer token beside a valid platform token: ASP.NET's
	// authentication leaves the user anonymous and the access-token
	// handler alone satisfies InternalOrPlatformAccess (as the system-user
	// stream's guard does); a party read then has no user.
	if st, _, b := srv.Do(t, "POST", "/register/api/v1/parties/lookup", "garbage", lookup, "PlatformAccessToken", pat); st != 200 {
		t.Errorf("a bad bearer with a good platform token: %d %s", st, b)
	}
	if st, _, b := srv.Do(t, "GET", "/register/api/v1/parties/50000003", "garbage", nil, "PlatformAccessToken", pat); st != 401 {
		t.Errorf("party read, bad bearer with a good platform token: %d %s", st, b)
	}
	if st, _, b := srv.Do(t, "POST", "/register/api/v1/parties/lookup", "garbage", lookup); st != 401 {
		t.Errorf("a bad bearer alone: %d %s", st, b)
	}
	// The party reads: no user without a bearer token; a person with the
	// platform token reads what they may represent.
	if st, _, b := srv.Do(t, "GET", "/register/api/v1/parties/50000003", "", nil, "PlatformAccessToken", pat); st != 401 {
		t.Errorf("party read without a user: %d %s", st, b)
	}
	if st, _, b := srv.Do(t, "GET", "/register/api/v1/parties/50000003", tiril, nil, "PlatformAccessToken", pat); st != 200 {
		t.Errorf("person with platform token: %d %s", st, b)
	}
	if st, _, b := srv.Do(t, "GET", "/register/api/v1/parties/50000003", tiril, nil); st != 403 {
		t.Errorf("person without platform token or scope: %d %s", st, b)
	}
}
