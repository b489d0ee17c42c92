package accesslists_test

// These tests follow Altinn/altinn-resource-registry's
// test/Altinn.ResourceRegistry.Tests/AccessListControllerTests.cs and
// AccessListMembershipsControllerTests.cs (MIT licence): the same cases,
// names in the comments, against a whole server on a real database.
// Members are organisations of our party register (upstream's mock register
// takes any uuid), made on the fly where a case needs many.

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/altinn-sim/altinn-sim/internal/app/apptest"
	"github.com/altinn-sim/altinn-sim/internal/db"
	"github.com/altinn-sim/altinn-sim/internal/db/dbtest"
	"github.com/altinn-sim/altinn-sim/internal/parties"
	"github.com/altinn-sim/altinn-sim/internal/resources"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// As upstream's WebApplicationTests: skd is the service owner.
const (
	orgCode = "skd"
	orgNo   = "974761076"
	base    = "/resourceregistry/api/v1/access-lists/"
)

type h struct {
	t     *testing.T
	srv   *apptest.Server
	token string // skd with accesslist.write
}

func start(t *testing.T) *h {
	t.Helper()
	srv := apptest.Start(t)
	x := &h{t: t, srv: srv}
	x.token = x.tok(orgNo, "altinn:resourceregistry/accesslist.write")
	return x
}

func (x *h) tok(org string, scopes ...string) string {
	return x.srv.TestToken(x.t, map[string]any{"type": "enterprise", "orgNo": org, "scopes": scopes})
}

type resp struct {
	status int
	hdr    http.Header
	body   []byte
}

func (r resp) json(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("%d, not JSON: %s", r.status, r.body)
	}
}

func (x *h) do(method, path, token string, body any, hdr ...string) resp {
	x.t.Helper()
	st, hd, b := x.srv.Do(x.t, method, path, token, body, hdr...)
	return resp{st, hd, b}
}

func (x *h) want(r resp, status int) {
	x.t.Helper()
	if r.status != status {
		x.t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
	}
}

// code is the ProblemDetails code (and the first validation error's).
func code(t *testing.T, r resp) (string, string) {
	t.Helper()
	var p struct {
		Code             string `json:"code"`
		ValidationErrors []struct {
			Code string `json:"code"`
		} `json:"validationErrors"`
	}
	r.json(t, &p)
	first := ""
	if len(p.ValidationErrors) > 0 {
		first = p.ValidationErrors[0].Code
	}
	return p.Code, first
}

type listDTO struct {
	URN                 string `json:"urn"`
	Identifier          string `json:"identifier"`
	Name                string `json:"name"`
	Description         string `json:"description"`
	CreatedAt           string `json:"createdAt"`
	UpdatedAt           string `json:"updatedAt"`
	ResourceConnections []struct {
		ResourceIdentifier string   `json:"resourceIdentifier"`
		ActionFilters      []string `json:"actionFilters"`
	} `json:"resourceConnections"`
}

type page[T any] struct {
	Links struct {
		Next *string `json:"next"`
	} `json:"links"`
	Data []T `json:"data"`
}

type memberDTO struct {
	ID          string         `json:"id"`
	Since       string         `json:"since"`
	Identifiers map[string]any `json:"identifiers"`
}

type connDTO struct {
	ResourceIdentifier string   `json:"resourceIdentifier"`
	ActionFilters      []string `json:"actionFilters"`
}

func (x *h) createList(owner, id, name, desc string) resp {
	x.t.Helper()
	r := x.do("PUT", base+owner+"/"+id, x.admin(), map[string]any{"name": name, "description": desc})
	x.want(r, 200)
	return r
}

func (x *h) admin() string {
	return x.tok(orgNo, "altinn:resourceregistry/resource.admin")
}

// addResource registers a resource owned by code/org (upstream's AddResource).
func (x *h) addResource(id, owner, org string, enabled bool) {
	x.t.Helper()
	r := resources.NewResource()
	r.Identifier = id
	r.Title = map[string]string{"nb": id, "nn": id, "en": id}
	r.HasCompetentAuthority = &resources.CompetentAuthority{Organization: org, Orgcode: owner}
	if enabled {
		r.AccessListMode = "Enabled"
	}
	if _, err := x.srv.Resources.Resource(context.Background(), id); err == nil {
		return // made by an earlier step of the same case
	}
	if _, err := x.srv.Resources.CreateResource(context.Background(), resources.Writer{Admin: true}, r); err != nil {
		x.t.Fatal(err)
	}
}

// orgs adds n organisations to the party register and returns their
// party uuids (upstream's GenerateUserId, for a register that checks).
func (x *h) orgs(n int) []parties.Organization {
	x.t.Helper()
	var out []parties.Organization
	err := db.InTx(context.Background(), x.srv.Pool, func(q db.Querier) error {
		for i := 0; len(out) < n; i++ {
			no := orgNumber(800000000 + i*10)
			if no == "" {
				continue
			}
			o := parties.Organization{OrgNo: no, Name: "Test " + no, OrgForm: "AS", PartyID: int64(70000000 + i)}
			if err := x.srv.Parties.UpsertOrg(context.Background(), q, o); err != nil {
				return err
			}
			out = append(out, o)
		}
		return nil
	})
	if err != nil {
		x.t.Fatal(err)
	}
	// The register gives each its party uuid.
	for i, o := range out {
		if out[i], err = x.srv.Parties.Org(context.Background(), o.OrgNo); err != nil {
			x.t.Fatal(err)
		}
	}
	return out
}

// orgNumber makes a MOD11-valid organisation number from the first eight
// digits of n ("" when none exists).
func orgNumber(n int) string {
	s := fmt.Sprintf("%09d", n)[:8]
	w := []int{3, 2, 7, 6, 5, 4, 3, 2}
	sum := 0
	for i, c := range s {
		sum += int(c-'0') * w[i]
	}
	k := 11 - sum%11
	if k == 11 {
		k = 0
	}
	if k == 10 {
		return ""
	}
	return s + fmt.Sprint(k)
}

func partyURNs(os []parties.Organization) []string {
	var out []string
	for _, o := range os {
		out = append(out, "urn:altinn:party:uuid:"+o.PartyUUID.String())
	}
	return out
}

func members(urns ...string) map[string]any { return map[string]any{"data": urns} }

// ---- #region Authorization ----

func TestAuthorization(t *testing.T) {
	x := start(t)
	// Unauthenticated_Returns_Unauthorized
	x.want(x.do("GET", base+orgCode, "", nil), 401)
	// MissingScope_Returns_Forbidden
	x.want(x.do("GET", base+orgCode, x.tok(orgNo, "some:scope"), nil), 403)
	// WrongOwner_Returns_Forbidden
	read := x.tok(orgNo, "altinn:resourceregistry/accesslist.read")
	x.want(x.do("GET", base+"1234", read, nil), 403)
	x.want(x.do("GET", base+"ttd", read, nil), 403)
	// CorrectScopeAndOwner_Returns_Ok (and the owner in any case, as the
	// registry spells it)
	x.want(x.do("GET", base+orgCode, read, nil), 200)
	x.want(x.do("GET", base+"SKD", read, nil), 200)
	// The owner by organisation number is the caller's own, but no org code.
	r := x.do("GET", base+orgNo, read, nil)
	x.want(r, 400)
	if c, v := code(t, r); c != "STD-00000" || v != "RR.VLD-00010" {
		t.Errorf("owner by number: %s %s, want RR.VLD-00010", c, v)
	}
	// CorrectScopeAndAdmin_Returns_Ok
	x.want(x.do("GET", base+"ttd", x.admin(), nil), 200)
	// An owner no register knows.
	r = x.do("GET", base+"nosuchowner", x.admin(), nil)
	x.want(r, 400)
	if _, v := code(t, r); v != "RR.VLD-00010" {
		t.Errorf("unknown owner: %s", r.body)
	}
	// Writes need accesslist.write, not .read.
	x.want(x.do("PUT", base+orgCode+"/x", read, map[string]any{"name": "x"}), 403)
	// Digdir's number owns both digdir and ttd.
	dd := x.tok("991825827", "altinn:resourceregistry/accesslist.read")
	x.want(x.do("GET", base+"ttd", dd, nil), 200)
	x.want(x.do("GET", base+"digdir", dd, nil), 200)
	// An Altinn token's urn:altinn:org decides alone.
	so := x.srv.TestToken(t, map[string]any{"type": "enterprise", "orgNo": orgNo, "scopes": []string{"altinn:serviceowner", "altinn:resourceregistry/accesslist.read"}, "exchange": true})
	x.want(x.do("GET", base+"skd", so, nil), 200)
	x.want(x.do("GET", base+"ttd", so, nil), 403)
}

// ---- #region GetAccessListsByOwner ----

func TestListsByOwner(t *testing.T) {
	x := start(t)
	// Returns_EmptyList
	var p page[listDTO]
	r := x.do("GET", base+orgCode, x.token, nil)
	x.want(r, 200)
	r.json(t, &p)
	if len(p.Data) != 0 || p.Links.Next != nil || !strings.Contains(string(r.body), `"links":{"next":null}`) {
		t.Fatalf("empty: %s", r.body)
	}
	// Returns_ItemsInDatabase_OrderedByIdentifier
	x.createList(orgCode, "test2", "Test 2", "test 2 description")
	x.createList(orgCode, "test1", "Test 1", "test 1 description")
	x.createList("ttd", "other", "Other owner", "")
	r = x.do("GET", base+orgCode, x.token, nil)
	r.json(t, &p)
	if len(p.Data) != 2 || p.Data[0].Identifier != "test1" || p.Data[1].Name != "Test 2" || p.Data[0].URN != "urn:altinn:access-list:skd:test1" {
		t.Fatalf("two lists: %s", r.body)
	}
	if strings.Contains(string(r.body), "resourceConnections") {
		t.Errorf("connections without include: %s", r.body)
	}
}

func TestListsByOwnerInclude(t *testing.T) {
	x := start(t)
	// Can_Include_Additional_Data
	x.addResource("test1", orgCode, orgNo, false)
	x.addResource("test2", orgCode, orgNo, false)
	x.createList(orgCode, "test1", "Test 1", "test 1 description")
	x.want(x.do("PUT", base+orgCode+"/test1/resource-connections/test1", x.token, map[string]any{"actionFilters": []string{}}), 200)
	x.want(x.do("PUT", base+orgCode+"/test1/resource-connections/test2", x.token, map[string]any{"actionFilters": []string{"read"}}), 200)

	get := func(q string) (resp, page[listDTO]) {
		var p page[listDTO]
		r := x.do("GET", base+orgCode+q, x.token, nil)
		if r.status == 200 {
			r.json(t, &p)
		}
		return r, p
	}
	_, p := get("")
	if len(p.Data) != 1 || p.Data[0].ResourceConnections != nil {
		t.Errorf("no include: %+v", p)
	}
	r, _ := get("?include=members")
	x.want(r, 501)
	if c, _ := code(t, r); c != "RR-00000" {
		t.Errorf("include=members: %s", r.body)
	}
	_, p = get("?include=resources&resource=test1")
	if len(p.Data) != 1 || len(p.Data[0].ResourceConnections) != 1 || p.Data[0].ResourceConnections[0].ResourceIdentifier != "test1" || p.Data[0].ResourceConnections[0].ActionFilters != nil {
		t.Errorf("resources test1: %+v", p)
	}
	_, p = get("?include=resources&resource=test2")
	if rc := p.Data[0].ResourceConnections; len(rc) != 1 || rc[0].ResourceIdentifier != "test2" || rc[0].ActionFilters != nil {
		t.Errorf("resources test2 (no actions without resource-actions): %+v", p)
	}
	_, p = get("?include=resource-actions&resource=test2")
	if rc := p.Data[0].ResourceConnections; len(rc) != 1 || !slices.Equal(rc[0].ActionFilters, []string{"read"}) {
		t.Errorf("resource-actions test2: %+v", p)
	}
	r, p = get("?include=resources&resource=nothere")
	if !strings.Contains(string(r.body), `"resourceConnections":[]`) {
		t.Errorf("include with no connection must be an empty array: %s", r.body)
	}
	for _, q := range []string{"?include=resources", "?include=resource-actions", "?include=bogus"} {
		r, _ = get(q)
		x.want(r, 400)
	}
	r, _ = get("?include=resources")
	if _, v := code(t, r); v != "RR.VLD-00002" {
		t.Errorf("include without resource: %s", r.body)
	}
}

func TestListsByOwnerPaginated(t *testing.T) {
	x := start(t)
	// Returns_Paginated: 41 lists, 20 a page.
	adm := x.admin()
	for i := 41; i > 0; i-- {
		x.want(x.do("PUT", fmt.Sprintf("%s%s/test%02d", base, orgCode, i), adm, map[string]any{"name": fmt.Sprintf("Test %02d", i)}), 200)
	}
	path := base + orgCode
	for _, want := range [][2]string{{"test01", "test20"}, {"test21", "test40"}, {"test41", "test41"}} {
		var p page[listDTO]
		r := x.do("GET", path, x.token, nil)
		x.want(r, 200)
		r.json(t, &p)
		if p.Data[0].Identifier != want[0] || p.Data[len(p.Data)-1].Identifier != want[1] {
			t.Fatalf("page %v: %s .. %s", want, p.Data[0].Identifier, p.Data[len(p.Data)-1].Identifier)
		}
		if want[0] == "test41" {
			if p.Links.Next != nil || len(p.Data) != 1 {
				t.Fatalf("last page: %s", r.body)
			}
			break
		}
		if len(p.Data) != 20 || p.Links.Next == nil {
			t.Fatalf("page %v: %d items, next %v", want, len(p.Data), p.Links.Next)
		}
		u, err := url.Parse(*p.Links.Next)
		if err != nil || !strings.HasPrefix(*p.Links.Next, x.srv.URL+base+orgCode+"?token=") {
			t.Fatalf("next link %q", *p.Links.Next)
		}
		path = u.RequestURI()
	}
	x.want(x.do("GET", base+orgCode+"?token=%21%21", x.token, nil), 400)
}

// ---- #region GetAccessList, DeleteAccessList, UpsertAccessList ----

func TestGetAndDelete(t *testing.T) {
	x := start(t)
	// Returns_404_ForMissingList
	x.want(x.do("GET", base+orgCode+"/test", x.token, nil), 404)
	// Returns_NoContent_ForMissingList
	r := x.do("DELETE", base+orgCode+"/test", x.token, nil)
	x.want(r, 204)
	// Returns_Existing_List
	x.createList(orgCode, "test1", "Test 1", "test 1 description")
	r = x.do("GET", base+orgCode+"/test1", x.token, nil)
	x.want(r, 200)
	var l listDTO
	r.json(t, &l)
	if l.Identifier != "test1" || l.Name != "Test 1" || l.Description != "test 1 description" || r.hdr.Get("ETag") == "" || r.hdr.Get("Last-Modified") == "" {
		t.Fatalf("get: %s %v", r.body, r.hdr)
	}
	if !strings.HasSuffix(l.CreatedAt, "+00:00") {
		t.Errorf("createdAt %q: .NET writes a DateTimeOffset with +00:00", l.CreatedAt)
	}
	// Deletes_Existing_List
	r = x.do("DELETE", base+orgCode+"/test1", x.token, nil)
	x.want(r, 200)
	r.json(t, &l)
	if l.Identifier != "test1" {
		t.Errorf("delete answers the list: %s", r.body)
	}
	x.want(x.do("GET", base+orgCode+"/test1", x.token, nil), 404)
}

func TestUpsert(t *testing.T) {
	x := start(t)
	put := func(id string, body any, hdr ...string) (resp, listDTO) {
		var l listDTO
		r := x.do("PUT", base+orgCode+"/"+id, x.token, body, hdr...)
		if r.status == 200 {
			r.json(t, &l)
		}
		return r, l
	}
	// Can_Create_List
	r, l := put("test1", map[string]any{"name": "Test 1", "description": "Test 1 description"})
	x.want(r, 200)
	if l.Name != "Test 1" || l.Description != "Test 1 description" || r.hdr.Get("ETag") == "" || r.hdr.Get("Last-Modified") == "" {
		t.Fatalf("create: %s", r.body)
	}
	// Can_Create_List_Without_Description
	r, l = put("test2", map[string]any{"name": "Test 2"})
	x.want(r, 200)
	if l.Description != "" || !strings.Contains(string(r.body), `"description":""`) {
		t.Errorf("no description: %s", r.body)
	}
	// CanNot_Create_List_Without_Name (nothing made)
	for _, b := range []any{map[string]any{"description": "d"}, map[string]any{"name": nil}, map[string]any{"name": ""}, `{"name": 5}`, `[]`, `null`, ``, `{"name":"x"} {}`} {
		r, _ = put("test3", b)
		x.want(r, 400)
	}
	x.want(x.do("GET", base+orgCode+"/test3", x.token, nil), 404)
	// An identifier PostgreSQL could not index: 400, not the registry's 500.
	r, _ = put(strings.Repeat("x", 3000), map[string]any{"name": "x"})
	x.want(r, 400)
	r = x.do("PUT", base+orgCode+"/test3", x.token, "name=x", "Content-Type", "text/plain")
	x.want(r, 415)
	// [Consumes("application/json")] holds for reads too: another
	// Content-Type is 415, none (or JSON with a charset) passes.
	x.want(x.do("GET", base+orgCode+"/test1", x.token, nil, "Content-Type", "text/plain"), 415)
	x.want(x.do("GET", base+orgCode+"/test1", x.token, nil, "Content-Type", "application/json; charset=utf-8"), 200)
	x.want(x.do("GET", base+"memberships?party=urn:altinn:organization:identifier-no:313725138", x.admin(), nil, "Content-Type", "text/xml"), 415)
	// Can_Update_List / Can_Unset_Description / Cannot_Unset_Name
	r, l = put("test1", map[string]any{"name": "Test 1 updated"})
	if l.Name != "Test 1 updated" || l.Description != "" {
		t.Errorf("update: %s", r.body)
	}
	r, _ = put("test1", map[string]any{"description": "x"})
	x.want(r, 400)
	// Handles_Update_To_Same: no new version.
	r1, _ := put("test1", map[string]any{"name": "Test 1 updated"})
	r2, _ := put("test1", map[string]any{"name": "Test 1 updated"})
	if r1.hdr.Get("ETag") != r2.hdr.Get("ETag") || r1.hdr.Get("ETag") == "" {
		t.Errorf("same values, new version: %q %q", r1.hdr.Get("ETag"), r2.hdr.Get("ETag"))
	}
	// Can_Require_Existing_List
	r, _ = put("test1", map[string]any{"name": "Test 1 external"}, "If-Match", "*")
	x.want(r, 200)
	// Can_Require_New_List
	r, _ = put("test1", map[string]any{"name": "Test 1 new"}, "If-None-Match", "*")
	x.want(r, 412)
	// If-Match * does not create.
	r, _ = put("test9", map[string]any{"name": "x"}, "If-Match", "*")
	x.want(r, 412)
	x.want(x.do("GET", base+orgCode+"/test9", x.token, nil), 404)
	r, _ = put("test9", map[string]any{"name": "x"}, "If-None-Match", "*")
	x.want(r, 200)
	// A strong or foreign ETag is 400.
	r, _ = put("test1", map[string]any{"name": "y"}, "If-Match", `"abc"`)
	x.want(r, 400)
	r, _ = put("test1", map[string]any{"name": "y"}, "If-Match", `W/"not-ours"`)
	x.want(r, 400)
	// PATCH: not implemented, as upstream.
	x.want(x.do("PATCH", base+orgCode+"/test1", x.token, `[]`, "Content-Type", "application/json-patch+json"), 501)
	x.want(x.do("PATCH", base+orgCode+"/test1", x.token, `[]`), 415)
}

// ---- EtagHeadersTests, for every conditional operation ----

type etagCase struct {
	name    string
	setup   func(x *h)
	request func(x *h) (method, path string, body any)
}

func TestETagHeaders(t *testing.T) {
	cases := []etagCase{
		{"GetAccessList", nil, func(x *h) (string, string, any) { return "GET", base + orgCode + "/test1", nil }},
		{"DeleteAccessList", nil, func(x *h) (string, string, any) { return "DELETE", base + orgCode + "/test1", nil }},
		{"UpsertAccessList", nil, func(x *h) (string, string, any) {
			return "PUT", base + orgCode + "/test1", map[string]any{"name": "new Test 1", "description": "new"}
		}},
		{"GetResourceConnections", func(x *h) {
			x.addResource("read", orgCode, orgNo, false)
			x.want(x.do("PUT", base+orgCode+"/test1/resource-connections/read", x.token, map[string]any{"actionFilters": []string{"read"}}), 200)
		}, func(x *h) (string, string, any) { return "GET", base + orgCode + "/test1/resource-connections", nil }},
		{"UpsertResourceConnection", func(x *h) { x.addResource("test1", orgCode, orgNo, false) }, func(x *h) (string, string, any) {
			return "PUT", base + orgCode + "/test1/resource-connections/test1", map[string]any{"actionFilters": []string{"write"}}
		}},
		{"DeleteResourceConnection", func(x *h) {
			x.addResource("test1", orgCode, orgNo, false)
			x.want(x.do("PUT", base+orgCode+"/test1/resource-connections/test1", x.token, map[string]any{"actionFilters": []string{"read", "write"}}), 200)
		}, func(x *h) (string, string, any) {
			return "DELETE", base + orgCode + "/test1/resource-connections/test1", nil
		}},
		{"GetMembers", func(x *h) {
			x.want(x.do("POST", base+orgCode+"/test1/members", x.token, members("urn:altinn:organization:identifier-no:313725138")), 200)
		}, func(x *h) (string, string, any) { return "GET", base + orgCode + "/test1/members", nil }},
		{"ReplaceMembers", nil, func(x *h) (string, string, any) {
			return "PUT", base + orgCode + "/test1/members", members("urn:altinn:organization:identifier-no:310385980")
		}},
		{"AddMembers", nil, func(x *h) (string, string, any) {
			return "POST", base + orgCode + "/test1/members", members("urn:altinn:organization:identifier-no:310385980")
		}},
		{"RemoveMembers", func(x *h) {
			x.want(x.do("POST", base+orgCode+"/test1/members", x.token, members("urn:altinn:organization:identifier-no:310385980")), 200)
		}, func(x *h) (string, string, any) {
			return "DELETE", base + orgCode + "/test1/members", members("urn:altinn:organization:identifier-no:310385980")
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			x := start(t)
			prep := func() (etag, lastMod string) {
				x.createList(orgCode, "test1", "Test 1", "test 1 description")
				if c.setup != nil {
					c.setup(x)
				}
				r := x.do("GET", base+orgCode+"/test1", x.token, nil)
				return r.hdr.Get("ETag"), r.hdr.Get("Last-Modified")
			}
			version := func() string { return x.do("GET", base+orgCode+"/test1", x.token, nil).hdr.Get("ETag") }
			send := func(hdr ...string) resp {
				m, p, b := c.request(x)
				return x.do(m, p, x.token, b, hdr...)
			}
			reset := func() {
				x.do("DELETE", base+orgCode+"/test1", x.admin(), nil)
				x.want(x.do("GET", base+orgCode+"/test1", x.token, nil), 404)
			}
			method, _, _ := c.request(x)
			read := method == "GET"
			ok := func(r resp) {
				t.Helper()
				x.want(r, 200)
				if r.hdr.Get("ETag") == "" || r.hdr.Get("Last-Modified") == "" {
					t.Errorf("no cache headers: %v", r.hdr)
				}
			}
			// Works_Without_Cache_Headers
			prep()
			ok(send())
			reset()
			// Works_With_Matching_ETag
			etag, lm := prep()
			ok(send("If-Match", etag))
			reset()
			// Works_With_UnmodifiedSince
			_, lm = prep()
			ok(send("If-Unmodified-Since", lm))
			reset()
			// Works_With_ETag_And_UnmodifiedSince
			etag, lm = prep()
			ok(send("If-Match", etag, "If-Unmodified-Since", lm))
			reset()
			// Returns_Mismatch_When_ETag_Is_Up_To_Date
			etag, _ = prep()
			r := send("If-None-Match", etag)
			if read {
				x.want(r, 304)
				if r.hdr.Get("ETag") != etag || len(r.body) != 0 {
					t.Errorf("304: %v %s", r.hdr, r.body)
				}
			} else {
				x.want(r, 412)
				if version() != etag {
					t.Errorf("412 but the write went through")
				}
			}
			reset()
			// Returns_Mismatch_When_ModifiedSince_Is_Up_To_Date
			etag, lm = prep()
			r = send("If-Modified-Since", lm)
			if read {
				x.want(r, 304)
			} else {
				x.want(r, 412)
				if version() != etag {
					t.Errorf("412 but the write went through")
				}
			}
			reset()
			// Returns_PreconditionFailed_When_Etag_Is_Old
			etag, lm = prep()
			x.srv.Clock.Set(x.srv.Clock.Get() + 10*time.Second)
			x.want(x.do("PUT", base+orgCode+"/test1", x.token, map[string]any{"name": "Test 1 updated"}), 200)
			now := version()
			x.want(send("If-Match", etag), 412)
			if version() != now {
				t.Errorf("412 but the write went through")
			}
			// Returns_PreconditionFailed_When_ModifiedSince_Is_Old
			x.want(send("If-Unmodified-Since", lm), 412)
			if version() != now {
				t.Errorf("412 but the write went through")
			}
		})
	}
}

// ---- #region resource connections ----

func TestResourceConnectionsPaginated(t *testing.T) {
	x := start(t)
	// Returns_NextPage_Link_When_Enough_Items: 222 connections, 100 a page.
	x.createList(orgCode, "test1", "Test 1", "")
	acts := [][]string{{}, {"read"}, {"write"}, {"read", "write"}}
	for i := 0; i < 222; i++ {
		id := fmt.Sprintf("resource-%04d", i)
		x.addResource(id, orgCode, orgNo, false)
		x.want(x.do("PUT", base+orgCode+"/test1/resource-connections/"+id, x.token, map[string]any{"actionFilters": acts[i%4]}), 200)
	}
	path := base + orgCode + "/test1/resource-connections"
	var first page[connDTO]
	for i, want := range []int{100, 100, 22} {
		var p page[connDTO]
		r := x.do("GET", path, x.token, nil)
		x.want(r, 200)
		r.json(t, &p)
		if len(p.Data) != want || (want == 22) != (p.Links.Next == nil) {
			t.Fatalf("page %d: %d items, next %v", i, len(p.Data), p.Links.Next)
		}
		for j, c := range p.Data {
			n := i*100 + j
			if c.ResourceIdentifier != fmt.Sprintf("resource-%04d", n) || !slices.Equal(c.ActionFilters, nilIfEmpty(acts[n%4])) {
				t.Fatalf("item %d: %+v", n, c)
			}
		}
		if i == 0 {
			first = p
		}
		if p.Links.Next != nil {
			u, _ := url.Parse(*p.Links.Next)
			path = u.RequestURI()
		}
	}
	// Returns_PreconditionFailed_If_AccessList_Is_Modified_While_Iterating
	x.want(x.do("PUT", base+orgCode+"/test1", x.token, map[string]any{"name": "Test 1 updated"}), 200)
	u, _ := url.Parse(*first.Links.Next)
	x.want(x.do("GET", u.RequestURI(), x.token, nil), 412)
}

func nilIfEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}

func TestUpsertResourceConnection(t *testing.T) {
	x := start(t)
	x.addResource("test1", orgCode, orgNo, false)
	x.addResource("other1", "brg", "974760673", false)
	x.createList(orgCode, "test1", "Test 1", "")
	put := func(res, token string, actions any) (resp, connDTO) {
		var c connDTO
		r := x.do("PUT", base+orgCode+"/test1/resource-connections/"+res, token, map[string]any{"actionFilters": actions})
		if r.status == 200 {
			r.json(t, &c)
		}
		return r, c
	}
	// Can_Create_Connection
	r, c := put("test1", x.token, []string{"write", "read"})
	x.want(r, 200)
	if c.ResourceIdentifier != "test1" || !slices.Equal(c.ActionFilters, []string{"read", "write"}) || r.hdr.Get("ETag") == "" {
		t.Fatalf("create: %s", r.body)
	}
	// Does_Not_Create_New_Version_If_Identical
	r2, _ := put("test1", x.token, []string{"read", "write", "read"})
	if r2.hdr.Get("ETag") != r.hdr.Get("ETag") {
		t.Errorf("identical actions made a new version")
	}
	// Can_Update_Connection
	r, c = put("test1", x.token, []string{"write"})
	if !slices.Equal(c.ActionFilters, []string{"write"}) || r.hdr.Get("ETag") == r2.hdr.Get("ETag") {
		t.Errorf("update: %s", r.body)
	}
	// No actions: every action, actionFilters left out.
	r, _ = put("test1", x.token, nil)
	if strings.Contains(string(r.body), "actionFilters") {
		t.Errorf("no filters: %s", r.body)
	}
	// Disallows_Referencing_Other_ServiceOwners_Resource_If_WriteScope
	before := x.do("GET", base+orgCode+"/test1", x.token, nil).hdr.Get("ETag")
	r, _ = put("other1", x.token, []string{"write"})
	x.want(r, 403)
	if c, _ := code(t, r); c != "RR-00004" {
		t.Errorf("other owner's resource: %s", r.body)
	}
	if x.do("GET", base+orgCode+"/test1", x.token, nil).hdr.Get("ETag") != before {
		t.Errorf("refused, but the list changed")
	}
	// Allows_Referencing_Other_ServiceOwners_Resource_If_AdminScope
	r, _ = put("other1", x.admin(), []string{"write"})
	x.want(r, 200)
	// A resource the registry does not have: RR-00002.
	r, _ = put("nosuchresource", x.token, nil)
	x.want(r, 400)
	if c, _ := code(t, r); c != "RR-00002" {
		t.Errorf("missing resource: %s", r.body)
	}
	// A list that is not there: 404.
	x.want(x.do("PUT", base+orgCode+"/nolist/resource-connections/test1", x.token, map[string]any{}), 404)
	// Bad bodies.
	for _, b := range []any{`{"actionFilters": "read"}`, `{"actionFilters": [1]}`, `null`, ``} {
		x.want(x.do("PUT", base+orgCode+"/test1/resource-connections/test1", x.token, b), 400)
	}
}

func TestDeleteResourceConnection(t *testing.T) {
	x := start(t)
	// Returns_NotFound_ForMissingAccessList
	x.want(x.do("DELETE", base+orgCode+"/test1/resource-connections/test1", x.token, nil), 404)
	// Returns_NoContent_ForMissingConnection
	x.createList(orgCode, "test1", "Test 1", "")
	x.want(x.do("DELETE", base+orgCode+"/test1/resource-connections/test1", x.token, nil), 204)
	// Deletes_Existing_Connection
	x.addResource("test1", orgCode, orgNo, false)
	x.want(x.do("PUT", base+orgCode+"/test1/resource-connections/test1", x.token, map[string]any{"actionFilters": []string{"read", "write"}}), 200)
	r := x.do("DELETE", base+orgCode+"/test1/resource-connections/test1", x.token, nil)
	x.want(r, 200)
	var c connDTO
	r.json(t, &c)
	if c.ResourceIdentifier != "test1" || !slices.Equal(c.ActionFilters, []string{"read", "write"}) {
		t.Errorf("delete answers the connection: %s", r.body)
	}
	var p page[connDTO]
	x.do("GET", base+orgCode+"/test1/resource-connections", x.token, nil).json(t, &p)
	if len(p.Data) != 0 {
		t.Errorf("still connected: %+v", p)
	}
}

// ---- #region members ----

func TestMembers(t *testing.T) {
	x := start(t)
	path := base + orgCode + "/test1/members"
	os := x.orgs(4)
	urns := partyURNs(os)
	// Returns_NotFound_ForMissingAccessList, for every member operation.
	x.want(x.do("GET", path, x.token, nil), 404)
	for _, m := range []string{"PUT", "POST", "DELETE"} {
		x.want(x.do(m, path, x.token, members(urns[0])), 404)
	}
	x.createList(orgCode, "test1", "Test 1", "")
	get := func(m string, body any) (resp, []string) {
		t.Helper()
		r := x.do(m, path, x.token, body)
		x.want(r, 200)
		var p page[memberDTO]
		r.json(t, &p)
		var ids []string
		for _, d := range p.Data {
			ids = append(ids, d.ID)
		}
		slices.Sort(ids)
		return r, ids
	}
	sorted := func(xs ...string) []string { s := slices.Clone(xs); slices.Sort(s); return s }
	// Adds_MembersInList, by party uuid and by organisation number alike.
	_, ids := get("POST", members(urns[0], "urn:altinn:organization:identifier-no:"+os[1].OrgNo))
	if !slices.Equal(ids, sorted(urns[0], urns[1])) {
		t.Fatalf("add: %v", ids)
	}
	// The register's identifiers of a member.
	r := x.do("GET", path, x.token, nil)
	var p page[memberDTO]
	r.json(t, &p)
	for _, m := range p.Data {
		if m.ID == urns[1] && (m.Identifiers["urn:altinn:organization:identifier-no"] != os[1].OrgNo || m.Identifiers["urn:altinn:party:id"] != float64(os[1].PartyID) ||
			m.Identifiers["urn:altinn:party:uuid"] != os[1].PartyUUID.String()) {
			t.Errorf("identifiers: %+v", m)
		}
	}
	// IsIdempotent (same ETag)
	a1, _ := get("POST", members(urns[2], urns[3]))
	a2, ids := get("POST", members(urns[2], urns[3]))
	if a1.hdr.Get("ETag") != a2.hdr.Get("ETag") || len(ids) != 4 {
		t.Errorf("add again: %v %q %q", ids, a1.hdr.Get("ETag"), a2.hdr.Get("ETag"))
	}
	// Removes_MembersInList, IsIdempotent
	d1, ids := get("DELETE", members(urns[2], urns[3]))
	d2, _ := get("DELETE", members(urns[2], urns[3]))
	if !slices.Equal(ids, sorted(urns[0], urns[1])) || d1.hdr.Get("ETag") != d2.hdr.Get("ETag") {
		t.Errorf("remove: %v", ids)
	}
	// Replaces_MembersInList, IsIdempotent
	r1, ids := get("PUT", members(urns[2], urns[3]))
	r2, _ := get("PUT", members(urns[3], urns[2]))
	if !slices.Equal(ids, sorted(urns[2], urns[3])) || r1.hdr.Get("ETag") != r2.hdr.Get("ETag") {
		t.Errorf("replace: %v", ids)
	}
	// DisallowsUpdatingTooManyMembers: 120 members.
	many := make([]string, 120)
	for i := range many {
		many[i] = "urn:altinn:party:uuid:" + uuid.NewString()
	}
	for m, want := range map[string]string{"PUT": "RR.VLD-00000", "POST": "RR.VLD-00001", "DELETE": "RR.VLD-00001"} {
		r := x.do(m, path, x.token, members(many...))
		x.want(r, 400)
		if c, v := code(t, r); c != "STD-00000" || v != want {
			t.Errorf("%s 120 members: %s %s, want %s", m, c, v, want)
		}
	}
	// A party the register does not know: RR-00001, nothing written.
	before := x.do("GET", path, x.token, nil).hdr.Get("ETag")
	for _, m := range []string{"PUT", "POST", "DELETE"} {
		for _, u := range []string{"urn:altinn:party:uuid:" + uuid.NewString(), "urn:altinn:organization:identifier-no:999999999", "urn:altinn:party:id:1"} {
			r := x.do(m, path, x.token, members(urns[0], u))
			x.want(r, 400)
			if c, _ := code(t, r); c != "RR-00001" {
				t.Errorf("%s unknown party %s: %s", m, u, r.body)
			}
		}
	}
	// Bad bodies: not a party URN, not the {"data": [...]} shape.
	for _, b := range []any{members("urn:altinn:person:identifier-no:12345678901"), members("313725138"), `{"Data": []}`, `{"data": [], "x": 1}`, `{"data": "x"}`, `[]`, `null`} {
		x.want(x.do("POST", path, x.token, b), 400)
	}
	if x.do("GET", path, x.token, nil).hdr.Get("ETag") != before {
		t.Errorf("refused writes changed the list")
	}
}

func TestMembersPaginated(t *testing.T) {
	x := start(t)
	// Paginates: 250 members, 100 a page.
	x.createList(orgCode, "test1", "Test 1", "")
	urns := partyURNs(x.orgs(250))
	for i := 0; i < 250; i += 100 {
		x.want(x.do("POST", base+orgCode+"/test1/members", x.token, members(urns[i:min(i+100, 250)]...)), 200)
	}
	path := base + orgCode + "/test1/members"
	var got []string
	for _, want := range []int{100, 100, 50} {
		var p page[memberDTO]
		r := x.do("GET", path, x.token, nil)
		x.want(r, 200)
		r.json(t, &p)
		if len(p.Data) != want || (want == 50) != (p.Links.Next == nil) {
			t.Fatalf("page: %d items, next %v", len(p.Data), p.Links.Next)
		}
		for _, m := range p.Data {
			got = append(got, m.ID)
		}
		if p.Links.Next != nil {
			u, _ := url.Parse(*p.Links.Next)
			path = u.RequestURI()
		}
	}
	slices.Sort(got)
	slices.Sort(urns)
	if !slices.Equal(got, urns) {
		t.Errorf("pages do not hold every member once")
	}
}

// ---- AccessListMembershipsController ----

func TestMemberships(t *testing.T) {
	x := start(t)
	adm := x.admin()
	get := func(q string) resp { return x.do("GET", base+"memberships"+q, adm, nil) }
	os := x.orgs(2)
	user1, user2 := "urn:altinn:party:uuid:"+os[0].PartyUUID.String(), "urn:altinn:party:uuid:"+os[1].PartyUUID.String()
	// InvalidPartyUrn_Returns_BadRequest: two errors.
	r := get("?party=invalid")
	x.want(r, 400)
	var vp struct {
		ValidationErrors []struct {
			Code  string   `json:"code"`
			Paths []string `json:"paths"`
		} `json:"validationErrors"`
	}
	r.json(t, &vp)
	if len(vp.ValidationErrors) != 2 || vp.ValidationErrors[0].Code != "RR.VLD-00004" || vp.ValidationErrors[1].Code != "RR.VLD-00003" ||
		vp.ValidationErrors[0].Paths[0] != "/$QUERY/party" {
		t.Errorf("invalid party: %s", r.body)
	}
	for q, want := range map[string]string{
		"?party=" + user1 + "&resource=invalid": "RR.VLD-00005",
		"":                                      "RR.VLD-00003",
		"?party=" + user1 + "," + user2:         "RR.VLD-00006",
		"?party=" + user1 + "&resource=urn:altinn:resource:resource1,urn:altinn:resource:resource2": "RR.VLD-00007",
	} {
		r := get(q)
		x.want(r, 400)
		if _, v := code(t, r); v != want {
			t.Errorf("%q: %s, want %s", q, r.body, want)
		}
	}
	// NonExistingParty_Returns_BadRequest
	r = get("?party=urn:altinn:party:uuid:00000000-0000-0000-0000-000000000000")
	x.want(r, 400)
	if c, _ := code(t, r); c != "RR-00001" {
		t.Errorf("nil uuid: %s", r.body)
	}
	r = get("?party=urn:altinn:organization:identifier-no:999999999")
	x.want(r, 400)
	// By_Party_Returns_Multiple_Memberships_To_Same_Resource
	x.addResource("resource1", "ttd", "991825827", false)
	x.addResource("resource2", "ttd", "991825827", false)
	x.createList("ttd", "access-list1", "Access List 1", "description1")
	x.createList("ttd", "access-list2", "Access List 2", "description2")
	for _, s := range []struct {
		list, res string
		acts      []string
	}{{"access-list1", "resource1", nil}, {"access-list1", "resource2", nil}, {"access-list2", "resource1", []string{"read"}}} {
		x.want(x.do("PUT", base+"ttd/"+s.list+"/resource-connections/"+s.res, adm, map[string]any{"actionFilters": s.acts}), 200)
	}
	x.want(x.do("POST", base+"ttd/access-list1/members", adm, members(user1, user2)), 200)
	x.want(x.do("POST", base+"ttd/access-list2/members", adm, members(user1)), 200)
	type ms struct {
		Data []struct {
			Party         string   `json:"party"`
			Resource      string   `json:"resource"`
			Since         string   `json:"since"`
			ActionFilters []string `json:"actionFilters"`
		} `json:"data"`
	}
	var m ms
	r = get("?party=" + user1 + "&resource=urn:altinn:resource:resource1")
	x.want(r, 200)
	r.json(t, &m)
	if len(m.Data) != 2 || m.Data[0].Party != user1 || m.Data[0].Resource != "urn:altinn:resource:resource1" ||
		(m.Data[0].ActionFilters == nil) == (m.Data[1].ActionFilters == nil) {
		t.Errorf("two lists, one resource: %s", r.body)
	}
	// By_Party_Returns_Multiple_Resources, by organisation number too.
	m = ms{}
	get("?party=urn:altinn:organization:identifier-no:"+os[1].OrgNo).json(t, &m)
	if len(m.Data) != 2 || m.Data[0].Party != user2 {
		t.Errorf("by org number: %+v", m)
	}
	// By_Member_MemberOfOne / MemberOfTwo
	var ls []listDTO
	pat := x.accessToken("platform")
	r = x.do("GET", base+"get-by-member?party="+user2, "", nil, "PlatformAccessToken", pat)
	x.want(r, 200)
	r.json(t, &ls)
	if len(ls) != 1 || ls[0].URN != "urn:altinn:access-list:ttd:access-list1" || ls[0].Description != "description1" {
		t.Errorf("member of one: %s", r.body)
	}
	ls = nil
	x.do("GET", base+"get-by-member?party="+user1, "", nil, "PlatformAccessToken", pat).json(t, &ls)
	if len(ls) != 2 {
		t.Errorf("member of two: %+v", ls)
	}
	x.want(x.do("GET", base+"get-by-member?party=urn:altinn:organization:identifier-no:313725138", "", nil, "PlatformAccessToken", pat), 400)
	// #region Authorization: Unauthenticated_Returns_Unauthorized,
	// MissingScope_Returns_Forbidden, CorrectScopeAndAdmin_Returns_OK; and
	// the platform access token upstream's tests call with.
	x.want(x.do("GET", base+"memberships?party="+user1, "", nil), 401)
	x.want(x.do("GET", base+"memberships?party="+user1, x.tok(orgNo, "some:scope"), nil), 403)
	x.want(x.do("GET", base+"memberships?party="+user1, adm, nil), 200)
	x.want(x.do("GET", base+"memberships?party="+user1, "", nil, "PlatformAccessToken", pat), 200)
	// Only "platform" issues the right token.
	x.want(x.do("GET", base+"memberships?party="+user1, "", nil, "PlatformAccessToken", x.accessToken("ttd")), 401)
	x.want(x.do("GET", base+"memberships?party="+user1, "", nil, "PlatformAccessToken", "garbage"), 401)
	// get-by-member takes the platform's token alone.
	x.want(x.do("GET", base+"get-by-member?party="+user1, "", nil), 401)
	x.want(x.do("GET", base+"get-by-member?party="+user1, adm, nil), 403)
	x.want(x.do("GET", base+"get-by-member?party="+user1, x.token, nil), 403)
}

// accessToken is a platform access token from iss (PrincipalUtil.GetAccessToken).
func (x *h) accessToken(iss string) string {
	return x.srv.TestToken(x.t, map[string]any{"type": "accesstoken", "issuer": iss, "app": "pdp"})
}
