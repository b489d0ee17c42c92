package register_test

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/altinn-sim/altinn-sim/internal/app/apptest"
	"github.com/altinn-sim/altinn-sim/internal/register"
	"github.com/altinn-sim/altinn-sim/internal/seed"
)

// Register's FlagsEnumModelBinder over PartyFieldIncludes.
func TestParseFields(t *testing.T) {
	for _, tt := range []struct {
		in    []string
		given bool
		want  uint64
		bad   []string
	}{
		{nil, false, register.DefaultFields, nil},
		{[]string{""}, true, 0, nil},
		{[]string{"none"}, true, 0, nil},
		{[]string{"uuid, id ,"}, true, register.FieldUUID | register.FieldID, nil},
		{[]string{"person.name", "user"}, true, register.FieldPersonFirstName | register.FieldPersonMiddleName | register.FieldPersonLastName |
			register.FieldPersonShortName | register.FieldUserID | register.FieldUsername, nil},
		{[]string{"sysuser"}, true, register.FieldSysUserType, nil},
		{[]string{"UUID,nope"}, true, 0, []string{"Invalid value: 'UUID'", "Invalid value: 'nope'"}},
	} {
		got, bad := register.ParseFields(tt.in, tt.given)
		if got != tt.want || !slices.Equal(bad, tt.bad) {
			t.Errorf("%q: %b %q", tt.in, got, bad)
		}
	}
}

func TestParsePartyURN(t *testing.T) {
	s := register.New(nil, false)
	ok := map[string]register.PartyURN{
		"urn:altinn:party:id:50000003":                                      {ID: 50000003},
		"urn:altinn:partyid:50000003":                                       {ID: 50000003},
		"urn:altinn:party:uuid:00000000-0000-0000-0000-000000000001":        {UUID: [16]byte{15: 1}},
		"urn:altinn:organization:uuid:00000000-0000-0000-0000-000000000001": {UUID: [16]byte{15: 1}},
		"urn:altinn:organization:identifier-no:313725138":                   {OrgNo: "313725138"},
		"urn:altinn:person:identifier-no:12857841016":                       {PID: "12857841016"},
		"urn:altinn:user:id:20000003":                                       {UserID: 20000003},
		"urn:altinn:userid:20000003":                                        {UserID: 20000003},
		"urn:altinn:party:username:kari":                                    {Username: "kari"},
		"urn:altinn:person:idporten-email:kari%40example.com":               {Email: "kari%40example.com"},
	}
	for in, want := range ok {
		if got, good := s.ParsePartyURN(in); !good || got != want {
			t.Errorf("%s: %+v %v", in, got, good)
		}
	}
	for _, in := range []string{"", "urn:altinn:party:id:", "urn:altinn:party:id:-1", "urn:altinn:party:id:4294967296", "urn:altinn:party:id:+1",
		"urn:altinn:party:uuid:nope", "urn:altinn:party:uuid:{00000000-0000-0000-0000-000000000001}",
		"urn:altinn:organization:identifier-no:313725139", "urn:altinn:person:identifier-no:12857841017", "urn:altinn:resource:x", "URN:ALTINN:PARTY:ID:1"} {
		if got, good := s.ParsePartyURN(in); good {
			t.Errorf("%q accepted: %+v", in, got)
		}
	}
}

// TestPartyQueryOverHTTP: Register's QueryTests, over the seeded parties,
// and the policy's two ways in.
func TestPartyQueryOverHTTP(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	const path = "/register/api/v2/internal/parties/query"
	pat := srv.TestToken(t, map[string]any{"type": "accesstoken", "issuer": "platform"})
	admin := srv.TestToken(t, map[string]any{"type": "enterprise", "orgNo": "991825827", "scopes": []string{register.ScopeLookup}})
	query := func(q string, urns ...any) (int, []map[string]any, string) {
		t.Helper()
		st, _, b := srv.Do(t, "POST", path+q, "", map[string]any{"data": urns}, "PlatformAccessToken", pat)
		var out struct {
			Data []map[string]any `json:"data"`
		}
		_ = json.Unmarshal(b, &out)
		return st, out.Data, string(b)
	}

	t.Run("empty request", func(t *testing.T) {
		if st, _, b := query(""); st != 200 || b != `{"data":[]}` {
			t.Errorf("%d %s", st, b)
		}
		// PartyController.Query answers an empty query before it looks at
		// the fields' errors: org.subunits is no 400 here.
		if st, _, b := query("?fields=org.subunits"); st != 200 || b != `{"data":[]}` {
			t.Errorf("empty, with org.subunits: %d %s", st, b)
		}
	})
	t.Run("empty response", func(t *testing.T) {
		if st, data, b := query("", "urn:altinn:party:id:1"); st != 206 || len(data) != 0 || !strings.Contains(b, `"data":[]`) {
			t.Errorf("%d %s", st, b)
		}
	})
	t.Run("multiple identifiers, same party", func(t *testing.T) {
		// Tiril Tiger: party 50100003, her user id from the token claims.
		tiril := apptest.JWTClaims(t, srv.TestToken(t, map[string]any{"type": "person", "pid": "12857841016"}))
		uid, puuid := fmt.Sprint(int64(tiril["urn:altinn:userid"].(float64))), tiril["urn:altinn:party:uuid"].(string)
		urns := []any{"urn:altinn:party:uuid:" + puuid, "urn:altinn:party:id:50100003", "urn:altinn:person:identifier-no:12857841016", "urn:altinn:user:id:" + uid}
		st, data, b := query("", append(urns, urns...)...)
		if st != 200 || len(data) != 1 || data[0]["partyUuid"] != puuid || data[0]["partyType"] != "person" {
			t.Fatalf("%d %s", st, b)
		}
		// The default fields (identifiers, display-name), the required ones,
		// and those the URNs name (id, user.id).
		p := data[0]
		if p["personIdentifier"] != "12857841016" || p["partyId"] != float64(50100003) || p["displayName"] != "Tiril Tiger" ||
			p["externalUrn"] != "urn:altinn:person:identifier-no:12857841016" || p["urn"] != "urn:altinn:party:uuid:"+puuid || p["versionId"] != float64(1) {
			t.Errorf("%s", b)
		}
		if u, _ := p["user"].(map[string]any); u == nil || fmt.Sprint(int64(u["userId"].(float64))) != uid {
			t.Errorf("user: %s", b)
		}
		if _, ok := p["firstName"]; ok {
			t.Errorf("a field not asked for: %s", b)
		}
	})
	t.Run("missing parties", func(t *testing.T) {
		st, data, b := query("", "urn:altinn:party:id:50000003", "urn:altinn:party:id:50000099", "urn:altinn:organization:identifier-no:310385980")
		if st != 206 || len(data) != 2 || data[0]["organizationIdentifier"] != "313725138" || data[1]["organizationIdentifier"] != "310385980" {
			t.Errorf("%d %s", st, b)
		}
	})
	t.Run("too many", func(t *testing.T) {
		urns := make([]any, register.MaxPartyQuery+1)
		for i := range urns {
			urns[i] = fmt.Sprintf("urn:altinn:party:id:%d", i)
		}
		if st, _, b := query("", urns...); st != 400 || !strings.Contains(b, `"code":"REG.VLD-00001"`) || !strings.Contains(b, `"/data"`) {
			t.Errorf("%d %s", st, b)
		}
	})
	t.Run("bad input", func(t *testing.T) {
		if st, _, b := query("", "urn:altinn:party:id:50000003", "urn:altinn:nope:1", 7); st != 400 ||
			!strings.Contains(b, `"paths":["/data/1"]`) || !strings.Contains(b, `"paths":["/data/2"]`) || !strings.Contains(b, "REG.VLD-00002") {
			t.Errorf("invalid URNs: %d %s", st, b)
		}
		if st, _, b := query("?fields=identifiers,nope", "urn:altinn:party:id:50000003"); st != 400 || !strings.Contains(b, `"fields":["Invalid value: 'nope'"]`) {
			t.Errorf("unknown field: %d %s", st, b)
		}
		if st, _, b := query("?fields=org.subunits", "urn:altinn:party:id:50000003"); st != 400 || !strings.Contains(b, `"/$QUERY/fields"`) {
			t.Errorf("subunits: %d %s", st, b)
		}
	})
	t.Run("fields", func(t *testing.T) {
		st, data, b := query("?Fields=person.name,org.type,deleted", "urn:altinn:organization:identifier-no:313725138", "urn:altinn:person:identifier-no:21857841058")
		if st != 200 || len(data) != 2 {
			t.Fatalf("%d %s", st, b)
		}
		org, kari := data[0], data[1]
		if org["unitType"] != "AS" || org["isDeleted"] != false || kari["firstName"] != "Kari" || kari["middleName"] != "Uten" || kari["lastName"] != "Roller" {
			t.Errorf("%s", b)
		}
		if _, ok := org["partyId"]; ok {
			t.Errorf("partyId not asked for: %s", b)
		}
	})
	t.Run("policy", func(t *testing.T) {
		body := map[string]any{"data": []string{"urn:altinn:party:id:50000003"}}
		if st, _, b := srv.Do(t, "POST", path, admin, body); st != 200 {
			t.Errorf("lookup scope: %d %s", st, b)
		}
		if st, _, b := srv.Do(t, "POST", path, "", body); st != 401 {
			t.Errorf("nothing: %d %s", st, b)
		}
		vendor := srv.TestToken(t, map[string]any{"type": "enterprise", "orgNo": "313725138", "scopes": []string{"altinn:other"}})
		if st, _, b := srv.Do(t, "POST", path, vendor, body); st != 403 {
			t.Errorf("no scope: %d %s", st, b)
		}
	})
	t.Run("by uuid", func(t *testing.T) {
		_, data, _ := query("", "urn:altinn:organization:identifier-no:313725138")
		id := data[0]["partyUuid"].(string)
		st, _, b := srv.Do(t, "GET", "/register/api/v2/internal/parties/"+id+"?fields=party,org", "", nil, "PlatformAccessToken", pat)
		var p map[string]any
		if st != 200 || json.Unmarshal(b, &p) != nil || p["partyId"] != float64(50000003) || p["displayName"] != "Rakrygget Spesifikk Tiger AS" ||
			p["source"] != "ccr" || p["unitType"] != "AS" {
			t.Errorf("%d %s", st, b)
		}
		st, _, b = srv.Do(t, "GET", "/register/api/v2/internal/parties/00000000-0000-0000-0000-000000000001", "", nil, "PlatformAccessToken", pat)
		if st != 400 || !strings.Contains(string(b), `"code":"REG-00003"`) || !strings.Contains(string(b), `"partyUuid":"00000000-0000-0000-0000-000000000001"`) {
			t.Errorf("unknown: %d %s", st, b)
		}
		if st, _, b := srv.Do(t, "GET", "/register/api/v2/internal/parties/nope", "", nil, "PlatformAccessToken", pat); st != 404 {
			t.Errorf("not a guid: %d %s", st, b)
		}
	})
}

// TestV2ShapesMatchContract: with every field asked for, each member the
// emulator writes is one the v2 contract has (Register's snapshot of a
// party with every field), with the same JSON type unless one is null.
func TestV2ShapesMatchContract(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	pat := srv.TestToken(t, map[string]any{"type": "accesstoken", "issuer": "platform"})
	all := "party,person,org,user"
	_, _, b := srv.Do(t, "POST", "/register/api/v2/internal/parties/query?fields="+all, "",
		map[string]any{"data": []string{"urn:altinn:organization:identifier-no:313725138", "urn:altinn:person:identifier-no:12857841016"}},
		"PlatformAccessToken", pat)
	var out struct {
		Data []map[string]any `json:"data"`
	}
	if err := json.Unmarshal(b, &out); err != nil || len(out.Data) != 2 {
		t.Fatalf("%s", b)
	}
	for i, file := range []string{"testdata/OrganizationTests.MaximalOrganization.verified.json", "testdata/PersonTests.MaximalPerson.verified.json"} {
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var want map[string]any
		if err := json.Unmarshal(raw, &want); err != nil {
			t.Fatal(err)
		}
		compareShape(t, file, want, out.Data[i])
		for k := range want {
			if _, ok := out.Data[i][k]; !ok {
				t.Errorf("%s: %s missing with every field asked for", file, k)
			}
		}
	}
}

func compareShape(t *testing.T, at string, want, got map[string]any) {
	t.Helper()
	for k, v := range got {
		w, ok := want[k]
		if !ok {
			t.Errorf("%s: %s is not in the contract", at, k)
			continue
		}
		if v == nil || w == nil {
			continue
		}
		if fmt.Sprintf("%T", v) != fmt.Sprintf("%T", w) {
			t.Errorf("%s: %s is %T, the contract's %T", at, k, v, w)
			continue
		}
		if sub, ok := v.(map[string]any); ok {
			compareShape(t, at+"."+k, w.(map[string]any), sub)
		}
	}
}

// TestV2SystemUsers: a live system user is a party of its own, found by
// its id as a party uuid (any uuid key), owned by the organisation it
// acts for, in the contract's SystemUser shape.
func TestV2SystemUsers(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	sf, err := seed.Parse([]byte(`
systems:
  - id: 991825827_regv2
    vendor: "991825827"
    name: Register v2
    description: Register v2
    rights: [ske-krav-og-betalinger]
systemUsers:
  - {system: 991825827_regv2, org: "313725138", externalRef: a, approvedBy: "12857841016"}
`), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := seed.Apply(t.Context(), seed.Deps{Pool: srv.Pool, Parties: srv.Parties, Clients: srv.Clients, Resources: srv.Resources,
		Registry: srv.Registry, SystemUsers: srv.SystemUsers, Requests: srv.Requests, Scopes: srv.Scopes, APIDelegation: srv.APIDelegation,
		AccessLists: srv.AccessLists}, sf); err != nil {
		t.Fatal(err)
	}
	pat := srv.TestToken(t, map[string]any{"type": "accesstoken", "issuer": "platform"})
	st, _, b := srv.Do(t, "GET", "/authentication/api/v1/systemuser/internal/systemusers/stream", "", nil, "PlatformAccessToken", pat)
	var stream struct {
		Data []struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	if st != 200 || json.Unmarshal(b, &stream) != nil || len(stream.Data) != 1 {
		t.Fatalf("stream: %d %s", st, b)
	}
	id := stream.Data[0].ID
	_, _, ob := srv.Do(t, "POST", "/register/api/v2/internal/parties/query", "", map[string]any{"data": []string{"urn:altinn:organization:identifier-no:313725138"}},
		"PlatformAccessToken", pat)
	var owner struct {
		Data []map[string]any `json:"data"`
	}
	if json.Unmarshal(ob, &owner) != nil || len(owner.Data) != 1 {
		t.Fatalf("owner: %s", ob)
	}

	st, _, b = srv.Do(t, "POST", "/register/api/v2/internal/parties/query?fields=party,sysuser", "",
		map[string]any{"data": []string{"urn:altinn:systemuser:uuid:" + id, "urn:altinn:party:uuid:" + id}}, "PlatformAccessToken", pat)
	var out struct {
		Data []map[string]any `json:"data"`
	}
	if st != 200 || json.Unmarshal(b, &out) != nil || len(out.Data) != 1 {
		t.Fatalf("%d %s", st, b)
	}
	su := out.Data[0]
	o, _ := su["owner"].(map[string]any)
	if su["partyType"] != "system-user" || su["partyUuid"] != id || su["systemUserType"] != "first-party-system-user" ||
		su["externalUrn"] != "urn:altinn:systemuser:uuid:"+id || su["displayName"] == nil || su["partyId"] != nil ||
		o == nil || o["partyUuid"] != owner.Data[0]["partyUuid"] || !strings.HasSuffix(su["createdAt"].(string), "+00:00") {
		t.Errorf("%s", b)
	}
	raw, err := os.ReadFile("testdata/SystemUserTests.MaximalSystemUser.verified.json")
	if err != nil {
		t.Fatal(err)
	}
	var want map[string]any
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	compareShape(t, "system user", want, su)
}
