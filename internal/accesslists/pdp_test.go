package accesslists_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/altinn-sim/altinn-sim/internal/app/apptest"
	"github.com/altinn-sim/altinn-sim/internal/db"
	"github.com/altinn-sim/altinn-sim/internal/parties"
	"github.com/altinn-sim/altinn-sim/internal/resources"
)

// The PDP's access-list gate against real lists: Tiger's general manager
// (DAGL 12857841016) holds the policy's right on skd's resource; with
// accessListMode Enabled she gets Permit only while Tiger is on a list
// connected to the resource that allows the action.

const (
	tigerNo   = "313725138"
	tigerDAGL = "12857841016"
	alRes     = "skd-al-resource"
)

// enabledResource registers alRes (accessListMode Enabled) with a policy
// that lets DAGL read and write.
func enabledResource(t *testing.T, srv *apptest.Server) {
	t.Helper()
	ctx := context.Background()
	r := resources.NewResource()
	r.Identifier, r.AccessListMode = alRes, "Enabled"
	r.Title = map[string]string{"nb": "AL", "nn": "AL", "en": "AL"}
	r.HasCompetentAuthority = &resources.CompetentAuthority{Organization: orgNo, Orgcode: orgCode}
	admin := resources.Writer{Admin: true}
	if _, err := srv.Resources.CreateResource(ctx, admin, r); err != nil {
		t.Fatal(err)
	}
	pol := resources.Policy{ResourceID: alRes, MinAuthLevel: 2, Rules: []resources.Rule{{
		Subjects: []string{"urn:altinn:rolecode:dagl"}, Actions: []string{"read", "write"},
		Resources: [][]resources.AttributeMatch{{{ID: "urn:altinn:resource", Value: alRes}}}}}}
	if err := srv.Resources.ReplacePolicy(ctx, admin, pol); err != nil {
		t.Fatal(err)
	}
}

type decision struct {
	Decision string `json:"decision"`
	Status   struct {
		StatusMessage *string `json:"statusMessage"`
	} `json:"status"`
	Trace struct {
		AccessList string   `json:"accessList"`
		Steps      []string `json:"steps"`
	} `json:"trace"`
}

func decide(t *testing.T, srv *apptest.Server, token, action string) decision {
	t.Helper()
	body := fmt.Sprintf(`{"Request":{"AccessSubject":[{"Attribute":[{"AttributeId":"urn:altinn:person:identifier-no","Value":%q}]}],
		"Action":[{"Attribute":[{"AttributeId":"urn:oasis:names:tc:xacml:1.0:action:action-id","Value":%q}]}],
		"Resource":[{"Attribute":[{"AttributeId":"urn:altinn:resource","Value":%q},{"AttributeId":"urn:altinn:organization:identifier-no","Value":%q}]}]}}`,
		tigerDAGL, action, alRes, tigerNo)
	st, _, raw := srv.Do(t, "POST", "/authorization/api/v1/authorize?explain=true", token, body)
	var out struct {
		Response []decision `json:"response"`
	}
	if err := json.Unmarshal(raw, &out); st != 200 || err != nil || len(out.Response) != 1 {
		t.Fatalf("authorize: %d %s", st, raw)
	}
	return out.Response[0]
}

func TestPDPAccessListGate(t *testing.T) {
	x := start(t)
	enabledResource(t, x.srv)
	pdpTok := x.tok("991825827", "altinn:authorization/authorize")
	deny := func(action, why string) {
		t.Helper()
		d := decide(t, x.srv, pdpTok, action)
		if d.Decision != "Deny" || d.Status.StatusMessage == nil || !strings.HasPrefix(*d.Status.StatusMessage, "Access list authorization of resource party required.") {
			t.Fatalf("%s (%s): %+v, want the access-list Deny", action, why, d)
		}
	}
	// No list at all: Deny.
	deny("read", "no list")
	// A list connected to the resource, Tiger not on it: Deny.
	x.createList(orgCode, "godkjente", "Godkjente", "")
	x.want(x.do("PUT", base+orgCode+"/godkjente/resource-connections/"+alRes, x.token, map[string]any{"actionFilters": []string{"read"}}), 200)
	deny("read", "not a member")
	// Tiger on it: Permit for read (the trace names the list), Deny for write.
	x.want(x.do("POST", base+orgCode+"/godkjente/members", x.token, members("urn:altinn:organization:identifier-no:"+tigerNo)), 200)
	d := decide(t, x.srv, pdpTok, "read")
	if d.Decision != "Permit" || d.Trace.AccessList != "urn:altinn:access-list:skd:godkjente" {
		t.Fatalf("member: %+v", d)
	}
	deny("write", "the list allows read only")
	// The "Why?" page names the list.
	st, _, whyPage := x.srv.Do(t, "GET", "/sim/decisions/why?lang=en&subject="+tigerDAGL+"&resource="+alRes+"&action=read&party="+tigerNo, "", nil)
	if st != 200 || !strings.Contains(string(whyPage), "<dt>Access list</dt><dd><code>urn:altinn:access-list:skd:godkjente</code></dd>") {
		t.Errorf("why page: %d %s", st, whyPage)
	}
	// Every action once the filter goes.
	x.want(x.do("PUT", base+orgCode+"/godkjente/resource-connections/"+alRes, x.token, map[string]any{}), 200)
	if d := decide(t, x.srv, pdpTok, "write"); d.Decision != "Permit" {
		t.Fatalf("no filter: %+v", d)
	}
	// Removed from the list: Deny at once.
	x.want(x.do("DELETE", base+orgCode+"/godkjente/members", x.token, members("urn:altinn:organization:identifier-no:"+tigerNo)), 200)
	deny("read", "removed")
	// Back on it, then the connection removed, then the list deleted.
	x.want(x.do("PUT", base+orgCode+"/godkjente/members", x.token, members("urn:altinn:organization:identifier-no:"+tigerNo)), 200)
	if d := decide(t, x.srv, pdpTok, "read"); d.Decision != "Permit" {
		t.Fatalf("back on: %+v", d)
	}
	x.want(x.do("DELETE", base+orgCode+"/godkjente/resource-connections/"+alRes, x.token, nil), 200)
	deny("read", "disconnected")
	x.want(x.do("PUT", base+orgCode+"/godkjente/resource-connections/"+alRes, x.token, map[string]any{}), 200)
	x.want(x.do("DELETE", base+orgCode+"/godkjente", x.token, nil), 200)
	deny("read", "list deleted")
	// Someone without the right: NotApplicable, list or not (the gate
	// looks at Permits only).
	x.createList(orgCode, "alle", "Alle", "")
	x.want(x.do("PUT", base+orgCode+"/alle/resource-connections/"+alRes, x.token, map[string]any{}), 200)
	x.want(x.do("POST", base+orgCode+"/alle/members", x.token, members("urn:altinn:organization:identifier-no:"+tigerNo)), 200)
	body := fmt.Sprintf(`{"Request":{"AccessSubject":[{"Attribute":[{"AttributeId":"urn:altinn:person:identifier-no","Value":"21857841058"}]}],
		"Action":[{"Attribute":[{"AttributeId":"urn:oasis:names:tc:xacml:1.0:action:action-id","Value":"read"}]}],
		"Resource":[{"Attribute":[{"AttributeId":"urn:altinn:resource","Value":%q},{"AttributeId":"urn:altinn:organization:identifier-no","Value":%q}]}]}}`, alRes, tigerNo)
	_, _, raw := x.srv.Do(t, "POST", "/authorization/api/v1/authorize", pdpTok, body)
	if !strings.Contains(string(raw), `"decision":"NotApplicable"`) {
		t.Errorf("no right: %s", raw)
	}
	// A reset forgets the lists: Deny again.
	st, _, _ = x.srv.Do(t, "POST", "/sim/api/v1/reset", "", nil)
	if st != 200 && st != 204 {
		t.Fatalf("reset: %d", st)
	}
	if _, err := x.srv.Resources.Resource(context.Background(), alRes); err == nil {
		t.Fatal("reset kept the test resource")
	}
	var p page[listDTO]
	x.do("GET", base+orgCode, x.token, nil).json(t, &p)
	if len(p.Data) != 0 {
		t.Errorf("reset kept lists: %+v", p.Data)
	}
}

// TestPDPFreshAcrossInstances: a member written on one instance is
// decided on by the other at once, every time (the NOTIFY/settle path).
func TestPDPFreshAcrossInstances(t *testing.T) {
	a, b := apptest.TwoInstances(t, "http://altinn-sim.test")
	enabledResource(t, a)
	xa := &h{t: t, srv: a}
	xa.token = xa.tok(orgNo, "altinn:resourceregistry/accesslist.write")
	xa.createList(orgCode, "godkjente", "Godkjente", "")
	xa.want(xa.do("PUT", base+orgCode+"/godkjente/resource-connections/"+alRes, xa.token, map[string]any{}), 200)
	pdpTok := xa.tok("991825827", "altinn:authorization/authorize")
	tiger := members("urn:altinn:organization:identifier-no:" + tigerNo)
	for i := 0; i < 15; i++ {
		xa.want(xa.do("POST", base+orgCode+"/godkjente/members", xa.token, tiger), 200)
		if d := decide(t, b, pdpTok, "read"); d.Decision != "Permit" {
			t.Fatalf("round %d: added on A, B says %s", i, d.Decision)
		}
		xa.want(xa.do("DELETE", base+orgCode+"/godkjente/members", xa.token, tiger), 200)
		if d := decide(t, b, pdpTok, "read"); d.Decision != "Deny" {
			t.Fatalf("round %d: removed on A, B says %s", i, d.Decision)
		}
	}
}

// TestAccessManagementAuthorization replays Authorization's
// AccessListAuthorizationControllerTest (fixtures in testdata, MIT licence,
// from Altinn/altinn-authorization test/IntegrationTests/Data/Json/AccessListAuthorization):
// 910459880 is on a list of ttd-accesslist-resource without action filter.
func TestAccessManagementAuthorization(t *testing.T) {
	x := start(t)
	const path = "/authorization/api/v1/accesslist/accessmanagement/authorization"
	req, err := os.ReadFile(filepath.Join("testdata", "Permit_WithoutActionFilter_Request.json"))
	if err != nil {
		t.Fatal(err)
	}
	wantRaw, err := os.ReadFile(filepath.Join("testdata", "Permit_WithoutActionFilter_Response.json"))
	if err != nil {
		t.Fatal(err)
	}
	// AccessList_Authorization_Unauthorized_MissingPlatformAccessToken
	x.want(x.do("POST", path, "", string(req)), 401)
	x.want(x.do("POST", path, "", string(req), "PlatformAccessToken", x.accessToken("ttd")), 401)
	x.want(x.do("POST", path, x.tok("991825827", "altinn:authorization/authorize.admin"), string(req)), 403)
	// PrincipalUtil.GetAccessToken("access-management", "platform")
	tok := x.accessToken("platform")
	// Not on any list yet: NotAuthorized (an unknown party too).
	result := func(body string) string {
		t.Helper()
		r := x.do("POST", path, "", body, "PlatformAccessToken", tok)
		x.want(r, 200)
		var out struct {
			Result string `json:"result"`
		}
		r.json(t, &out)
		return out.Result
	}
	if got := result(string(req)); got != "NotAuthorized" {
		t.Fatalf("unknown party: %s", got)
	}
	err = db.InTx(context.Background(), x.srv.Pool, func(q db.Querier) error {
		return x.srv.Parties.UpsertOrg(context.Background(), q, parties.Organization{OrgNo: "910459880", Name: "Fixture AS"})
	})
	if err != nil {
		t.Fatal(err)
	}
	x.addResource("ttd-accesslist-resource", "ttd", "991825827", true)
	if got := result(string(req)); got != "NotAuthorized" {
		t.Fatalf("not a member: %s", got)
	}
	adm := x.admin()
	x.createList("ttd", "fixture", "Fixture", "")
	x.want(x.do("PUT", base+"ttd/fixture/resource-connections/ttd-accesslist-resource", adm, map[string]any{}), 200)
	x.want(x.do("POST", base+"ttd/fixture/members", adm, members("urn:altinn:organization:identifier-no:910459880")), 200)
	// AccessList_Authorization_Permit_WithoutActionFilter: the whole body.
	r := x.do("POST", path, "", string(req), "PlatformAccessToken", tok)
	x.want(r, 200)
	var got, want any
	r.json(t, &got)
	if err := json.Unmarshal(wantRaw, &want); err != nil {
		t.Fatal(err)
	}
	if g, _ := json.Marshal(got); string(g) != string(mustJSON(t, want)) {
		t.Errorf("answer %s, want %s", g, mustJSON(t, want))
	}
	// With an action filter: the action decides.
	x.want(x.do("PUT", base+"ttd/fixture/resource-connections/ttd-accesslist-resource", adm, map[string]any{"actionFilters": []string{"read"}}), 200)
	if got := result(string(req)); got != "NotAuthorized" {
		t.Errorf("filter read, action whatever: %s", got)
	}
	if got := result(strings.Replace(string(req), `"whatever"`, `"read"`, 1)); got != "Authorized" {
		t.Errorf("filter read, action read: %s", got)
	}
	// By party uuid.
	o, err := x.srv.Parties.Org(context.Background(), "910459880")
	if err != nil {
		t.Fatal(err)
	}
	byUUID := fmt.Sprintf(`{"subject":{"type":"urn:altinn:party:uuid","value":%q},"resource":{"type":"urn:altinn:resource","value":"ttd-accesslist-resource"},"action":{"type":"urn:oasis:names:tc:xacml:1.0:action:action-id","value":"read"}}`, o.PartyUUID)
	if got := result(byUUID); got != "Authorized" {
		t.Errorf("by party uuid: %s", got)
	}
	// Bad input: 400.
	for _, b := range []string{`{}`, `{"subject":{"type":"urn:altinn:party:uuid","value":"x"},"resource":{"type":"urn:altinn:resource","value":"ttd-accesslist-resource"}}`,
		`{"subject":{"type":"urn:altinn:organization:identifier-no","value":"910459880"},"resource":{"type":"urn:altinn:app","value":"x"}}`,
		`{"subject":{"type":"urn:altinn:organization:identifier-no","value":"910459880"},"resource":{"type":"urn:altinn:resource","value":"ttd-accesslist-resource"}}`,
		`null`, `[]`} {
		x.want(x.do("POST", path, "", b, "PlatformAccessToken", tok), 400)
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
