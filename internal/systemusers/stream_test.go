package systemusers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/altinn-sim/altinn-sim/internal/app/apptest"
	"github.com/altinn-sim/altinn-sim/internal/db"
	"github.com/altinn-sim/altinn-sim/internal/seed"
	su "github.com/altinn-sim/altinn-sim/internal/systemusers"
)

// TestStreamPages follows SystemUserControllerTest.SystemUser_ListAll_Ok
// (Altinn/altinn-authentication): with STREAM_LIMIT + 2 system users
// the feed gives a full page, then 2, then none; a deleted system user
// comes back at the end of the feed, deleted.
func TestStreamPages(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := context.Background()
	sys, _ := f.systems.System(ctx, "991825827_ledger")
	org, err := f.parties.Org(ctx, firm)
	if err != nil {
		t.Fatal(err)
	}
	n := su.StreamLimit + 2
	for i := range n {
		if err := db.InTx(ctx, f.svc.Pool(), func(q db.Querier) error {
			_, err := f.svc.CreateTx(ctx, q, su.New{ID: uuid.New(), System: sys, ReporteeOrgNo: firm, Owner: org,
				ExternalRef: fmt.Sprintf("ref-%d", i), UserType: su.TypeStandard})
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	page, max, err := f.svc.Stream(ctx, 0)
	if err != nil || len(page) != su.StreamLimit {
		t.Fatalf("first page: %d %v", len(page), err)
	}
	seen := map[uuid.UUID]bool{}
	for i, u := range page {
		if seen[u.ID] || (i > 0 && u.SequenceNo <= page[i-1].SequenceNo) {
			t.Fatalf("page not distinct and in order at %d", i)
		}
		seen[u.ID] = true
	}
	page2, _, err := f.svc.Stream(ctx, page[len(page)-1].SequenceNo)
	if err != nil || len(page2) != n-su.StreamLimit || page2[1].SequenceNo != max {
		t.Fatalf("second page: %d (max %d) %v", len(page2), max, err)
	}
	last := page2[len(page2)-1].SequenceNo
	if page3, _, err := f.svc.Stream(ctx, last); err != nil || len(page3) != 0 {
		t.Fatalf("third page: %d %v", len(page3), err)
	}
	// A deletion is a change: the system user comes again, deleted, with a
	// new sequence number.
	gone := page[0]
	if err := f.svc.Delete(ctx, gone.ID, firm); err != nil {
		t.Fatal(err)
	}
	page4, max4, err := f.svc.Stream(ctx, last)
	if err != nil || len(page4) != 1 || page4[0].ID != gone.ID || !page4[0].IsDeleted || page4[0].SequenceNo != max4 || max4 <= max {
		t.Fatalf("after delete: %+v max %d %v", page4, max4, err)
	}
}

// TestStreamHoldsBackUncommitted: a system user being written in an open
// transaction holds the feed below its sequence number, so a reader never
// steps past a number that commits later.
func TestStreamHoldsBackUncommitted(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := context.Background()
	a := f.create(t, firm, su.TypeStandard)
	tx, err := f.svc.Pool().Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	// An update in the open transaction takes the next number.
	if _, err := tx.Exec(ctx, `UPDATE system_users SET integration_title = 'x' WHERE id = $1`, a.ID); err != nil {
		t.Fatal(err)
	}
	b := f.create(t, client, su.TypeStandard) // committed, after the open one's number
	page, _, err := f.svc.Stream(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range page {
		if u.ID == b.ID {
			t.Fatalf("the feed passed an uncommitted number: %+v", page)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	page, _, err = f.svc.Stream(ctx, 0)
	if err != nil || len(page) != 2 || page[0].ID != a.ID || page[1].ID != b.ID {
		t.Fatalf("after commit: %+v %v", page, err)
	}
}

// streamSeed gives the HTTP tests two system users of Tiger AS.
const streamSeed = `
systems:
  - id: 991825827_stream
    vendor: "991825827"
    name: Strøm
    description: Strøm
    rights: [ske-krav-og-betalinger]
systemUsers:
  - {system: 991825827_stream, org: "313725138", externalRef: a, approvedBy: "12857841016"}
  - {system: 991825827_stream, org: "313725138", externalRef: b, approvedBy: "12857841016"}
`

func seedHTTP(t *testing.T, srv *apptest.Server, file string) {
	t.Helper()
	sf, err := seed.Parse([]byte(file), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := seed.Apply(t.Context(), seed.Deps{Pool: srv.Pool, Parties: srv.Parties, Clients: srv.Clients, Resources: srv.Resources,
		Registry: srv.Registry, SystemUsers: srv.SystemUsers, Requests: srv.Requests, Scopes: srv.Scopes, APIDelegation: srv.APIDelegation, AccessLists: srv.AccessLists}, sf); err != nil {
		t.Fatal(err)
	}
}

// TestStreamHTTP checks the wire shapes, the continuation links and the
// scope of the internal reads.
func TestStreamHTTP(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	seedHTTP(t, srv, streamSeed)
	admin := srv.TestToken(t, map[string]any{"type": "enterprise", "orgNo": "991825827", "scopes": []string{su.ScopeSystemUserAdmin}, "exchange": true})
	const path = "/authentication/api/v1/systemuser/internal/systemusers/stream"

	type page struct {
		Links struct {
			Next *string `json:"next"`
		} `json:"links"`
		Stats map[string]int64 `json:"stats"`
		Data  []map[string]any `json:"data"`
		Extra map[string]any   `json:"-"`
	}
	get := func(u string) page {
		t.Helper()
		st, _, body := srv.Do(t, http.MethodGet, strings.TrimPrefix(u, srv.URL), admin, nil, "X-Forwarded-Host", "platform.example", "X-Forwarded-Proto", "https")
		var p page
		if st != http.StatusOK || json.Unmarshal(body, &p) != nil {
			t.Fatalf("GET %s: %d %s", u, st, body)
		}
		return p
	}
	p := get(path)
	if len(p.Data) != 2 || p.Links.Next == nil {
		t.Fatalf("first page: %+v", p)
	}
	d := p.Data[0]
	for _, k := range []string{"id", "partyOrgNo", "partyId", "integrationTitle", "isDeleted", "lastChanged", "created", "sequenceNo", "systemUserType"} {
		if _, ok := d[k]; !ok {
			t.Errorf("item lacks %s: %v", k, d)
		}
	}
	if d["partyOrgNo"] != "313725138" || d["partyId"] != "50000003" || d["systemUserType"] != "standard" || d["isDeleted"] != false {
		t.Fatalf("item %v", d)
	}
	first, last := int64(d["sequenceNo"].(float64)), int64(p.Data[1]["sequenceNo"].(float64))
	if p.Stats["pageStart"] != first || p.Stats["pageEnd"] != last || p.Stats["sequenceMax"] != last {
		t.Fatalf("stats %v", p.Stats)
	}
	next, err := url.Parse(*p.Links.Next)
	if err != nil || next.Scheme != "https" || next.Host != "platform.example" || next.Path != path || next.Query().Get("token") != su.EncodeToken(last) {
		t.Fatalf("next %s", *p.Links.Next)
	}
	empty := get(next.RequestURI())
	if len(empty.Data) != 0 || empty.Links.Next != nil || empty.Stats["pageStart"] != last || empty.Stats["pageEnd"] != last || empty.Stats["sequenceMax"] != last {
		t.Fatalf("empty page %+v", empty)
	}

	// One system user as Register reads it; deleted, it is 410 Gone.
	id := d["id"].(string)
	var one map[string]any
	if st := srv.DoJSON(t, http.MethodGet, "/authentication/api/v1/systemuser/internal/systemusers/"+id, admin, nil, &one); st != http.StatusOK || one["id"] != id || one["partyOrgNo"] != "313725138" {
		t.Fatalf("by id: %d %v", st, one)
	}
	if err := srv.SystemUsers.Delete(t.Context(), uuid.MustParse(id), "313725138"); err != nil {
		t.Fatal(err)
	}
	st, hdr, body := srv.Do(t, http.MethodGet, "/authentication/api/v1/systemuser/internal/systemusers/"+id, admin, nil)
	if st != http.StatusGone || !strings.HasPrefix(hdr.Get("Content-Type"), "application/problem+json") {
		t.Fatalf("deleted by id: %d %s", st, body)
	}
	if st, _, _ := srv.Do(t, http.MethodGet, "/authentication/api/v1/systemuser/internal/systemusers/"+uuid.NewString(), admin, nil); st != http.StatusGone {
		t.Fatalf("unknown by id: %d", st)
	}
	// The deletion is the next change in the feed.
	after := get(next.RequestURI())
	if len(after.Data) != 1 || after.Data[0]["id"] != id || after.Data[0]["isDeleted"] != true {
		t.Fatalf("feed after delete: %+v", after)
	}

	// A platform access token (Register's) in the PlatformAccessToken
	// header takes the place of the scoped bearer token.
	access := srv.TestToken(t, map[string]any{"type": "accesstoken", "issuer": "platform", "app": "platform.register"})
	if st, _, body := srv.Do(t, http.MethodGet, path, "", nil, "PlatformAccessToken", access); st != http.StatusOK || !strings.Contains(string(body), `"stats"`) {
		t.Fatalf("with a platform access token: %d %s", st, body)
	}
	if st, _, _ := srv.Do(t, http.MethodGet, "/authentication/api/v1/systemuser/internal/systemusers/"+uuid.NewString(), "", nil, "PlatformAccessToken", access); st != http.StatusGone {
		t.Fatalf("by id with a platform access token: %d", st)
	}

	person := srv.TestToken(t, map[string]any{"type": "person", "pid": "12857841016"})
	// An Altinn token is no platform access token: without a bearer token, 401;
	// with a bearer token lacking the scope, 403.
	if st, _, _ := srv.Do(t, http.MethodGet, path, "", nil, "PlatformAccessToken", admin); st != http.StatusUnauthorized {
		t.Fatalf("an Altinn token as the access token: %d", st)
	}
	if st, _, _ := srv.Do(t, http.MethodGet, path, person, nil, "PlatformAccessToken", "garbage"); st != http.StatusForbidden {
		t.Fatalf("a bad access token and a bearer token without the scope: %d", st)
	}
	for name, c := range map[string]struct {
		path, bearer string
		status       int
	}{
		"no token":           {path, "", http.StatusUnauthorized},
		"without the scope":  {path, person, http.StatusForbidden},
		"token not base64":   {path + "?token=!!!", admin, http.StatusBadRequest},
		"token not a number": {path + "?token=" + su.EncodeToken("x"), admin, http.StatusBadRequest},
		"id not a uuid":      {"/authentication/api/v1/systemuser/internal/systemusers/abc", admin, http.StatusNotFound},
	} {
		if st, _, body := srv.Do(t, http.MethodGet, c.path, c.bearer, nil); st != c.status {
			t.Errorf("%s: %d %s", name, st, body)
		}
	}
}

// TestStreamIgnoresOtherDatabases: a writer in another database (whose
// sequence may have the same oid, cloned from one template) does not hold
// this database's feed back; pg_locks is cluster-wide.
func TestStreamIgnoresOtherDatabases(t *testing.T) {
	t.Parallel()
	f, other := setup(t), setup(t)
	ctx := context.Background()
	o := other.create(t, firm, su.TypeStandard)
	tx, err := other.svc.Pool().Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `UPDATE system_users SET integration_title = 'x' WHERE id = $1`, o.ID); err != nil {
		t.Fatal(err)
	}
	a := f.create(t, firm, su.TypeStandard)
	b := f.create(t, client, su.TypeStandard)
	page, _, err := f.svc.Stream(ctx, 0)
	if err != nil || len(page) != 2 || page[0].ID != a.ID || page[1].ID != b.ID {
		t.Fatalf("feed held back by another database's writer: %+v %v", page, err)
	}
}
