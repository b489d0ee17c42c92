package conformance

// Altinn Authorization's XACML JSON request/response pairs, replayed
// against our PDP. Source: Altinn/altinn-authorization-tmp,
// src/apps/Altinn.Authorization/test/Altinn.Authorization.Tests (the
// current home of Altinn/altinn-authorization), test classes
// ResourceRegistry_DecisionTests (POST /authorization/api/v1/Decision) and
// ExternalDecisionTest (POST /authorization/api/v1/authorize); fixtures in
// testdata/xacml. Each pair's decision, status code and obligations are one
// upstream assertion each (upstream's AssertionUtil compares the same, and
// the echoed categories, which we leave to other tests).
//
// The data the upstream mocks answer with is loaded here the way a user of
// the emulator loads it: policies through the resource registry API (the
// same XACML files), organisations with the upstream party ids and persons
// with their roles through the party register. Person user ids are ours
// (the register numbers them), so a request's urn:altinn:userid is
// replaced by the id of the person standing in for the upstream user; and
// an organisation's party uuid is ours, so urn:altinn:party:uuid is
// replaced the same way, as is the urn:altinn:partyid of a person party
// (upstreamPersonParty). Nothing else in a request is changed.
//
// The XML pair AltinnResourceRegistry0001 (ResourceRegistry_DecisionTests'
// PDP_Decision_ResourceRegistry_ApiDelegationByPartyIdXml_ReturnsPermit)
// is posted as XACML XML to /decision (xacmlXMLPairs below).
//
// Not ported, and why (needs data the emulator cannot have):
//   - the other XML pairs (*_OedFormuesfullmakt_Xml_*, AltinnApps0001–0006,
//     0021–0026): need app instances from Storage or Digitalt dødsbo (OED)
//     role assignments, as their JSON twins below.
//   - AltinnApps0007–0012, 0027, 0028, *_OedFormuesfullmakt_*,
//     InstanceDelegationPolicy_*, AppPolicy_*_DAGL_NotApplicable: need app
//     instances from Storage (urn:altinn:instance-id, tasks) or Digitalt
//     dødsbo (OED) role assignments.
//   - AltinnAppsOrg1App1_*, DelegationPolicyMultiRequest_*: decided by
//     Access Management delegation policies (blob storage) to users, main
//     units and key-role units, which the emulator does not model.
//
// The system user of the upstream delegation mocks is loaded (see
// upstreamSystemUser), so its pairs are ported.
//   - AltinnResourceRegistry0005–0008, Multi0012: the subject is the
//     person 01039012345, which is not a valid national identity number;
//     the emulator's register holds valid ones only.
//   - SystemUser_WithAccessPackage_*, PersonWithAccessPackage,
//     AccessPackageUngrantedAction: need the packages the upstream Access
//     Management mock hands out by party uuid (e.g. to the person party
//     00000000-…-0000000000aa, which has no register entry to load).
//   - *_RequestConsent_*: need consent resources from the Resource
//     Registry mock.
//
// The ResourceRegistry_AccessListAuthorization_* pairs are ported, and
// those we answer differently on purpose are in deviations (init below).

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/altinn-sim/altinn-sim/internal/parties"
	"github.com/altinn-sim/altinn-sim/internal/seed"
)

const (
	srcXacmlInternal = "altinn-authorization/ResourceRegistry_DecisionTests"
	srcXacmlExternal = "altinn-authorization/ExternalDecisionTest"
)

// xacmlPairs are the ported pairs: fixture name and the upstream test
// class (which also says the endpoint).
var xacmlPairs = []struct{ name, source string }{
	{"AltinnResourceRegistry0002", srcXacmlInternal},
	{"AltinnResourceRegistry0003", srcXacmlInternal},
	{"AltinnResourceRegistry0004", srcXacmlInternal},
	{"ResourceRegistry_SystemUserWithoutDelegation_NotApplicable", srcXacmlInternal},
	{"ResourceRegistry_SubjectWithoutAccessPackage_NotApplicable", srcXacmlInternal},
	{"ResourceRegistry_SystemResourceClientAdministration_Dagl_Permit", srcXacmlInternal},
	{"ResourceRegistry_SystemResourceClientAdministration_Admai_NotApplicable", srcXacmlInternal},
	{"ResourceRegistry_SystemResourceMainAdmin_Dagl_Permit", srcXacmlInternal},
	{"AltinnResourceRegistry0009", srcXacmlExternal},
	{"AltinnResourceRegistry0010", srcXacmlExternal},
	{"AltinnResourceRegistry0011", srcXacmlExternal},
	{"ResourceRegistry_SystemUserWithDelegation_TooManyRequestSubjects_Indeterminate", srcXacmlExternal},
	{"ResourceRegistry_NoSubject_Indeterminate", srcXacmlExternal},
	{"ResourceRegistry_NoResource_Indeterminate", srcXacmlExternal},
	{"ResourceRegistry_NoSubject_MultiRequest_Indeterminate", srcXacmlExternal},
	{"ResourceRegistry_SystemUserWithDelegation_Permit", srcXacmlInternal},
	{"ResourceRegistry_SystemUserWithDelegation_Permit", srcXacmlExternal},
	{"ResourceRegistry_SystemUserWithDelegations_MultiRequest_Permit", srcXacmlExternal},
	{"AltinnApps_SystemUserWithDelegation_Permit", srcXacmlExternal},
	{"ResourceRegistry_AccessListAuthorization_Json_Permit", srcXacmlInternal},
	{"ResourceRegistry_AccessListAuthorization_Json_Deny", srcXacmlInternal},
	{"ResourceRegistry_AccessListAuthorization_Json_PermitWithActionFilterMatch", srcXacmlInternal},
	{"ResourceRegistry_AccessListAuthorization_Json_DenyActionFilterNotMatching", srcXacmlInternal},
	{"ResourceRegistry_AccessListAuthorization_Json_DenyAccessListDontSupportPerson", srcXacmlInternal},
}

// upstreamSystemUser is the system user of the upstream delegation mocks:
// owned by 910459880 (party 50005545), delegated read on
// ttd-externalpdp-resource1, ttd-externalpdp-resource2 and app org1/app1
// (Data/blobs/input/<resource>/50005545/SystemUser<uuid>/delegationpolicy.xml).
// Ours is approved with those rights by the seed below; its id is put in
// place of this one.
const upstreamSystemUser = "47caea5b-a80b-4343-b1d3-31eb523a4e28"

const xacmlSeed = `
roles:
  - {org: "910459880", role: DAGL, person: "12857841016"}
systems:
  - id: 991825827_xacmlpairs
    vendor: "991825827"
    name: Altinn's XACML pairs
    description: The system of the upstream delegation mocks' system user
    rights:
      - {resource: ttd-externalpdp-resource1, action: read}
      - {resource: ttd-externalpdp-resource2, action: read}
      - {resource: app_org1_app1, action: read}
systemUsers:
  - {system: 991825827_xacmlpairs, org: "910459880", approvedBy: "12857841016"}
`

// The upstream mocks' register (Data/Register/all.json): organisations by
// party id. 50990001 is only in the roles mock; 310990000 stands in for it.
var xacmlOrgs = []parties.Organization{
	{OrgNo: "950474084", Name: "Oslos Vakreste Borettslag", OrgForm: "BRL", PartyID: 500700},
	{OrgNo: "910459880", Name: "ØRSTA OG HEGGEDAL REGNSKAP", PartyID: 50005545},
	{OrgNo: "810418672", Name: "KARLSTAD OG ULØYBUKT REGNSKAP", PartyID: 50004222},
	{OrgNo: "314242726", Name: "ULASTELIG RETTFERDIG TIGER AS", PartyID: 51235100},
	{OrgNo: "889640782", Name: "NAV", OrgForm: "ORGL", PartyID: 500900},
	{OrgNo: "310990000", Name: "Party 50990001 of the roles mock", PartyID: 50990001},
	{OrgNo: "310990108", Name: "Party 500000 of the roles mock", PartyID: 500000},
}

// xacmlUsers are the upstream users (Data/Roles/user_<id>/party_<p>) and
// the roles the mock gives them, held by a person of ours.
var xacmlUsers = []struct {
	userID string
	pid    string // our stand-in
	org    string
	roles  []string
}{
	{"1337", "12857841016", "950474084", []string{"MEDL", "REGNA", "UTINN", "UTOMR", "apiadm"}},
	{"1337", "12857841016", "310990108", []string{"DAGL", "LOPER", "ADMAI", "REGNA", "SISKD", "UILUF", "UTINN", "UTOMR", "KLADM",
		"ATTST", "HVASK", "PAVAD", "SIGNE", "KOMAB", "A0212", "ECKEYROLE", "PASIG", "A0236", "A0278", "HADM"}},
	{"20000490", "10857841048", "910459880", []string{"dagl", "apiadm"}},
	{"20990001", "15857841023", "310990000", []string{"DAGL"}},
	{"20990002", "18857841030", "310990000", []string{"ADMAI"}},
}

// xacmlPolicies are the upstream ResourceRegistry/<id>/policy.xml files.
// app_org1_app1 is AltinnApps/org1/app1/policy.xml, the app's policy
// with two obligations.
var xacmlPolicies = []string{"apidelegation", "ttd-altinn-events-automated-tests", "ttd-externalpdp-resource1",
	"ttd-externalpdp-resource2", "ttd-accesspackage-resource", "altinn_client_administration", "altinn_access_management_hovedadmin",
	"app_org1_app1", "ttd-accesslist-resource", "ttd-accesslist-resource-with-actionfilter"}

// xacmlResult is the part of a JSON-profile result upstream compares;
// field names match case-insensitively, as upstream's fixtures mix cases.
type xacmlResult struct {
	Decision string `json:"Decision"`
	Status   struct {
		StatusCode struct {
			Value string `json:"Value"`
		} `json:"StatusCode"`
	} `json:"Status"`
	Obligations []struct {
		AttributeAssignment []xacmlAssignment `json:"AttributeAssignment"`
	} `json:"Obligations"`
}

type xacmlAssignment struct {
	AttributeID string  `json:"AttributeId"`
	Value       string  `json:"Value"`
	Category    string  `json:"Category"`
	DataType    string  `json:"DataType"`
	Issuer      *string `json:"Issuer"`
}

func TestXACMLPairs(t *testing.T) {
	e := start(t)
	ctx := context.Background()
	users := loadXACMLWorld(t, e, ctx)
	authorize := e.orgToken(validOrg, "altinn:authorization/authorize")

	for _, p := range xacmlPairs {
		t.Run(p.name, func(t *testing.T) {
			body := adaptXACMLRequest(t, e, ctx, fixture(t, filepath.Join("xacml", p.name+"Request.json")), users)
			path, token := "/authorization/api/v1/decision", ""
			if p.source == srcXacmlExternal {
				path, token = "/authorization/api/v1/authorize", authorize
			}
			a := e.do("POST", path, token, body)
			var want, got struct {
				Response []xacmlResult `json:"Response"`
			}
			if err := json.Unmarshal(fixture(t, filepath.Join("xacml", p.name+"Response.json")), &want); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(a.body, &got); err != nil || a.status != 200 {
				t.Fatalf("%s: %d %s", path, a.status, a.body)
			}
			check(t, p.source, p.name+"/result count", len(got.Response) == len(want.Response), fmt.Sprintf("want %d results, got %s", len(want.Response), a.body))
			for i := range want.Response {
				name := p.name
				if len(want.Response) > 1 {
					name += "/" + strconv.Itoa(i)
				}
				var g xacmlResult
				if i < len(got.Response) {
					g = got.Response[i]
				}
				w := want.Response[i]
				checkEq(t, p.source, name+"/decision", w.Decision, g.Decision)
				checkEq(t, p.source, name+"/status", w.Status.StatusCode.Value, g.Status.StatusCode.Value)
				if w.Obligations != nil || g.Obligations != nil {
					checkEq(t, p.source, name+"/obligations", assignments(w), assignments(g))
				}
			}
		})
	}
	testXACMLXMLPairs(t, e, users)
}

// xacmlXMLPairs are the ported XML pairs, all from
// ResourceRegistry_DecisionTests (POST /authorization/api/v1/Decision with
// Content-Type application/xml).
var xacmlXMLPairs = []string{"AltinnResourceRegistry0001"}

// xmlResult is the part of an XML result upstream's AssertionUtil
// compares.
type xmlResult struct {
	Decision string `xml:"urn:oasis:names:tc:xacml:3.0:core:schema:wd-17 Decision"`
	Status   struct {
		Value string `xml:"Value,attr"`
	} `xml:"urn:oasis:names:tc:xacml:3.0:core:schema:wd-17 Status>StatusCode"`
	Obligations []struct {
		ID          string `xml:"ObligationId,attr"`
		Assignments []struct {
			AttributeID string `xml:"AttributeId,attr"`
			DataType    string `xml:"DataType,attr"`
			Category    string `xml:"Category,attr"`
			Value       string `xml:",chardata"`
		} `xml:"urn:oasis:names:tc:xacml:3.0:core:schema:wd-17 AttributeAssignment"`
	} `xml:"urn:oasis:names:tc:xacml:3.0:core:schema:wd-17 Obligations>Obligation"`
	Attributes []struct {
		Category  string `xml:"Category,attr"`
		Attribute []struct {
			AttributeID string `xml:"AttributeId,attr"`
			Value       string `xml:"urn:oasis:names:tc:xacml:3.0:core:schema:wd-17 AttributeValue"`
		} `xml:"urn:oasis:names:tc:xacml:3.0:core:schema:wd-17 Attribute"`
	} `xml:"urn:oasis:names:tc:xacml:3.0:core:schema:wd-17 Attributes"`
}

// readXMLResults reads a XACML XML response as text: upstream's declares
// utf-16 over UTF-8 bytes, as .NET's XmlWriter into a string does.
func readXMLResults(t *testing.T, b []byte) []xmlResult {
	t.Helper()
	var r struct {
		Results []xmlResult `xml:"urn:oasis:names:tc:xacml:3.0:core:schema:wd-17 Result"`
	}
	d := xml.NewDecoder(bytes.NewReader(b))
	d.CharsetReader = func(_ string, in io.Reader) (io.Reader, error) { return in, nil }
	if err := d.Decode(&r); err != nil {
		t.Fatalf("not a XACML XML response: %v: %s", err, b)
	}
	for i := range r.Results {
		r.Results[i].Decision = strings.TrimSpace(r.Results[i].Decision)
		for j := range r.Results[i].Attributes {
			for k := range r.Results[i].Attributes[j].Attribute {
				r.Results[i].Attributes[j].Attribute[k].Value = strings.TrimSpace(r.Results[i].Attributes[j].Attribute[k].Value)
			}
		}
	}
	return r.Results
}

func testXACMLXMLPairs(t *testing.T, e *env, users map[string]string) {
	for _, name := range xacmlXMLPairs {
		t.Run(name+"/xml", func(t *testing.T) {
			body := string(fixture(t, filepath.Join("xacml", name+"Request.xml")))
			for up, ours := range users {
				body = strings.ReplaceAll(body, ">"+up+"</AttributeValue>", ">"+ours+"</AttributeValue>")
			}
			st, hdr, raw := e.srv.Do(t, "POST", "/authorization/api/v1/decision", "", body, "Content-Type", "application/xml")
			if st != 200 {
				t.Fatalf("%d %s", st, raw)
			}
			check(t, srcXacmlInternal, name+"/xml content type", hdr.Get("Content-Type") == "text/plain; charset=utf-8", hdr.Get("Content-Type"))
			want, got := readXMLResults(t, fixture(t, filepath.Join("xacml", name+"Response.xml"))), readXMLResults(t, raw)
			check(t, srcXacmlInternal, name+"/xml result count", len(got) == len(want), string(raw))
			for i := range want {
				var g xmlResult
				if i < len(got) {
					g = got[i]
				}
				checkEq(t, srcXacmlInternal, name+"/xml decision", want[i].Decision, g.Decision)
				checkEq(t, srcXacmlInternal, name+"/xml status", want[i].Status, g.Status)
				checkEq(t, srcXacmlInternal, name+"/xml obligations", want[i].Obligations, g.Obligations)
				checkEq(t, srcXacmlInternal, name+"/xml attributes", want[i].Attributes, g.Attributes)
			}
		})
	}
}

func assignments(r xacmlResult) [][]xacmlAssignment {
	var out [][]xacmlAssignment
	for _, o := range r.Obligations {
		out = append(out, o.AttributeAssignment)
	}
	return out
}

// loadXACMLWorld loads what the upstream mocks answer with and returns the
// upstream user id → our user id.
func loadXACMLWorld(t *testing.T, e *env, ctx context.Context) map[string]string {
	t.Helper()
	ps := e.srv.Parties
	for _, o := range xacmlOrgs {
		if err := ps.UpsertOrg(ctx, e.srv.Pool, o); err != nil {
			t.Fatal(err)
		}
		if got, err := ps.Org(ctx, o.OrgNo); err != nil || got.PartyID != o.PartyID {
			t.Fatalf("organisation %s: party id %d (%v), want the upstream %d", o.OrgNo, got.PartyID, err, o.PartyID)
		}
	}
	users := map[string]string{}
	for _, u := range xacmlUsers {
		if err := ps.UpsertPerson(ctx, e.srv.Pool, parties.Person{PID: u.pid, Name: "Upstream user " + u.userID}); err != nil {
			t.Fatal(err)
		}
		for _, r := range u.roles {
			if err := ps.AddRole(ctx, e.srv.Pool, parties.Role{OrgNo: u.org, RoleCode: r, Source: "altinn", HolderPID: u.pid}); err != nil {
				t.Fatal(err)
			}
		}
		p, err := ps.Person(ctx, u.pid)
		if err != nil {
			t.Fatal(err)
		}
		users[u.userID] = strconv.FormatInt(p.UserID, 10)
	}

	admin := e.orgToken(validOrg, "altinn:resourceregistry/resource.admin")
	for _, id := range xacmlPolicies {
		if a := e.do("GET", "/resourceregistry/api/v1/resource/"+id, "", nil); a.status != 200 {
			typ := "GenericAccessResource"
			if strings.HasPrefix(id, "app_") {
				typ = "AltinnApp"
			}
			lists := "Disabled"
			if strings.HasPrefix(id, "ttd-accesslist-") {
				lists = "Enabled"
			}
			body := map[string]any{
				"identifier": id, "resourceType": typ, "delegable": true, "visible": true, "accessListMode": lists,
				"title":                 map[string]string{"nb": id, "nn": id, "en": id},
				"description":           map[string]string{"nb": id, "nn": id, "en": id},
				"hasCompetentAuthority": map[string]string{"orgcode": "ttd", "organization": "991825827"},
			}
			if a := e.do("POST", "/resourceregistry/api/v1/resource/", admin, body); a.status/100 != 2 {
				t.Fatalf("create resource %s: %d %s", id, a.status, a.body)
			}
		}
		xml, err := os.ReadFile(filepath.Join("testdata", "xacml", "policies", id+".xml"))
		if err != nil {
			t.Fatal(err)
		}
		if a := e.do("PUT", "/resourceregistry/api/v1/resource/"+id+"/policy", admin, xml); a.status/100 != 2 {
			t.Fatalf("upload policy of %s: %d %s", id, a.status, a.body)
		}
	}

	// The Resource Registry mock's memberships (ResourceRegistryMock.
	// GetMembershipsForResourceForParty): 910459880 on a list of
	// ttd-accesslist-resource without action filter, and of
	// ttd-accesslist-resource-with-actionfilter for read only; made
	// through the access-list API as a service owner would.
	lists := "/resourceregistry/api/v1/access-lists/ttd/"
	for _, a := range []struct {
		method, path string
		body         any
	}{
		{"PUT", lists + "upstream-mock", map[string]any{"name": "The upstream mock's list"}},
		{"PUT", lists + "upstream-mock-read", map[string]any{"name": "The upstream mock's list for read"}},
		{"PUT", lists + "upstream-mock/resource-connections/ttd-accesslist-resource", map[string]any{}},
		{"PUT", lists + "upstream-mock-read/resource-connections/ttd-accesslist-resource-with-actionfilter", map[string]any{"actionFilters": []string{"read"}}},
		{"POST", lists + "upstream-mock/members", map[string]any{"data": []string{"urn:altinn:organization:identifier-no:910459880"}}},
		{"POST", lists + "upstream-mock-read/members", map[string]any{"data": []string{"urn:altinn:organization:identifier-no:910459880"}}},
	} {
		if r := e.do(a.method, a.path, admin, a.body); r.status != 200 {
			t.Fatalf("%s %s: %d %s", a.method, a.path, r.status, r.body)
		}
	}

	f, err := seed.Parse([]byte(xacmlSeed), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	d := seed.Deps{Pool: e.srv.Pool, Parties: e.srv.Parties, Clients: e.srv.Clients, Resources: e.srv.Resources,
		Registry: e.srv.Registry, SystemUsers: e.srv.SystemUsers, Requests: e.srv.Requests,
		Scopes: e.srv.Scopes, APIDelegation: e.srv.APIDelegation, AccessLists: e.srv.AccessLists}
	if _, err := seed.Apply(ctx, d, f); err != nil {
		t.Fatalf("seed the system user: %v", err)
	}
	sus, err := e.srv.SystemUsers.ListForParty(ctx, "910459880")
	if err != nil || len(sus) != 1 {
		t.Fatalf("system users of 910459880: %d, %v", len(sus), err)
	}
	users[upstreamSystemUser] = sus[0].ID.String()
	return users
}

// adaptXACMLRequest replaces upstream user ids and organisation party
// uuids by ours; see the file comment.
func adaptXACMLRequest(t *testing.T, e *env, ctx context.Context, body []byte, users map[string]string) []byte {
	t.Helper()
	var root map[string]any
	if err := json.Unmarshal(body, &root); err != nil {
		t.Fatal(err)
	}
	personParties := map[string]string{}
	for up, pid := range upstreamPersonParty {
		p, err := e.srv.Parties.Person(ctx, pid)
		if err != nil {
			t.Fatal(err)
		}
		personParties[up] = strconv.FormatInt(p.PartyID, 10)
	}
	uuids := map[string]string{}
	for _, o := range xacmlOrgs {
		got, err := e.srv.Parties.Org(ctx, o.OrgNo)
		if err != nil {
			t.Fatal(err)
		}
		if u := upstreamPartyUUID[o.PartyID]; u != "" {
			uuids[u] = got.PartyUUID.String()
		}
	}
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			id, _ := v["AttributeId"].(string)
			val, _ := v["Value"].(string)
			switch {
			case id == "urn:altinn:userid" && users[val] != "":
				v["Value"] = users[val]
			case id == "urn:altinn:systemuser:uuid" && users[val] != "":
				v["Value"] = users[val]
			case id == "urn:altinn:partyid" && personParties[val] != "":
				v["Value"] = personParties[val]
			case id == "urn:altinn:party:uuid" && uuids[strings.ToLower(val)] != "":
				v["Value"] = uuids[strings.ToLower(val)]
			}
			for _, c := range v {
				walk(c)
			}
		case []any:
			for _, c := range v {
				walk(c)
			}
		}
	}
	walk(root)
	out, err := json.Marshal(root)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// upstreamPersonParty are person parties of the upstream mocks and the
// person of ours standing in for their owner: 501337 is user 1337's own
// party (Data/Roles/user_1337/party_501337), so it is the party of our
// stand-in for user 1337.
var upstreamPersonParty = map[string]string{"501337": "12857841016"}

// upstreamPartyUUID are the party uuids of the upstream register mock.
var upstreamPartyUUID = map[int64]string{
	50005545: "00000000-0000-0000-0005-000000005545",
	50004222: "00000000-0000-0000-0005-000000004222",
	51235100: "066148fe-7077-4484-b7ea-44b5ede0014e",
	500700:   "00000000-0000-0000-0000-000000500700",
	500900:   "00000000-0000-0000-0000-000000500900",
}
