package pdp

import (
	"context"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/altinn-sim/altinn-sim/internal/route"
)

type fakeRecorder struct {
	mu    sync.Mutex
	calls []DecisionCall
}

func (f *fakeRecorder) Decision(_ context.Context, d DecisionCall) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, d)
}

func (f *fakeRecorder) take() []DecisionCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := f.calls
	f.calls = nil
	return out
}

// TestDecisionsRecorded: every decision of /authorize and /decision is
// reported with the subject and party in the "Why?" page's forms, one per
// result of a multi-request, and a body that cannot be read as one
// Indeterminate; the control API's explain endpoint is not a platform
// call and is not reported.
func TestDecisionsRecorded(t *testing.T) {
	w := newWorld()
	rec := &fakeRecorder{}
	svc := New(w.policies, w.users, w.parties, fakeRoles{"DAGL": {"urn:altinn:accesspackage:skatt-naering"}}, nil, WithRecorder(rec))
	r := chi.NewRouter()
	route.Mount(r, route.Deps{}, svc.Routes(fakeVerifier{"good": {Scopes: []string{ScopeAuthorize}}}), svc.ControlRoutes())
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)

	body := req(attr(AttrSystemUserUUID, suStandard.String()), act("read"), res("ttd-accesspackage-resource", attr(AttrOrgID, orgTiger.OrgNo)))
	post(t, srv.URL+"/authorization/api/v1/authorize", "good", "application/json", body)
	got := rec.take()
	want := DecisionCall{Path: "/authorization/api/v1/authorize", Subject: AttrSystemUserUUID + ":" + suStandard.String(),
		Resource: "ttd-accesspackage-resource", Action: "read", Party: orgTiger.OrgNo, Decision: Permit}
	if len(got) != 1 || got[0] != want {
		t.Fatalf("authorize: %+v, want %+v", got, want)
	}

	post(t, srv.URL+"/authorization/api/v1/decision", "", "application/json", "not json")
	got = rec.take()
	if len(got) != 1 || got[0].Path != "/authorization/api/v1/decision" || got[0].Decision != Indeterminate || got[0].Status != StatusSyntaxError || got[0].Message == "" {
		t.Fatalf("bad body: %+v", got)
	}
	postRaw(t, srv.URL+"/authorization/api/v1/decision", "application/xml", "<Request/>")
	if got := rec.take(); len(got) != 1 || got[0].Decision != Indeterminate {
		t.Fatalf("xml body: %+v", got)
	}

	multi := `{"Request":{"MultiRequests":{"RequestReference":[{"ReferenceId":["s1","a1","r1"]},{"ReferenceId":["s2","a1","r1"]}]},
		"AccessSubject":[{"Id":"s1","Attribute":[{"AttributeId":"` + AttrSystemUserUUID + `","Value":"` + suStandard.String() + `"}]},
			{"Id":"s2","Attribute":[{"AttributeId":"` + AttrUserID + `","Value":"20000003"}]}],
		"Action":[{"Id":"a1","Attribute":[{"AttributeId":"` + AttrAction + `","Value":"read"}]}],
		"Resource":[{"Id":"r1","Attribute":[{"AttributeId":"` + AttrResource + `","Value":"ttd-accesspackage-resource"},{"AttributeId":"` + AttrPartyID + `","Value":"` + "50000003" + `"}]}]}}`
	post(t, srv.URL+"/authorization/api/v1/decision", "", "application/json", multi)
	got = rec.take()
	if len(got) != 2 || got[0].Subject != AttrSystemUserUUID+":"+suStandard.String() || got[1].Subject != AttrUserID+":20000003" ||
		got[0].Party != "50000003" {
		t.Fatalf("multi-request: %+v", got)
	}

	post(t, srv.URL+"/sim/api/v1/decisions/explain", "", "application/json", body)
	if got := rec.take(); len(got) != 0 {
		t.Fatalf("explain endpoint recorded: %+v", got)
	}
}
