package pdp

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// BenchmarkDecideBody is parse + decide on the in-package fakes with the
// cache in use: the evaluator's own cost, without a database.
func BenchmarkDecideBody(b *testing.B) {
	w := newWorld()
	w.svc.c.connected()
	body := []byte(req(attr(AttrSystemUserUUID, suAgent.String()), act("read"), res("ttd-accesspackage-resource", attr(AttrOrgID, orgElg.OrgNo))))
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if r := w.svc.DecideBody(ctx, body, External, false); r.Response[0].Decision != Permit {
			b.Fatal(r.Response[0].Decision)
		}
	}
}

// BenchmarkDecide is decide alone on a parsed request.
func BenchmarkDecide(b *testing.B) {
	w := newWorld()
	w.svc.c.connected()
	r := Request{Subject: Subject{SystemUserID: suAgent}, Action: "read", ResourceID: "ttd-accesspackage-resource", Party: PartyRef{OrgNo: orgElg.OrgNo}}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if d := w.svc.Decide(ctx, r).Decision; d != Permit {
			b.Fatal(d)
		}
	}
}

// BenchmarkServe is the /decision handler without the network.
func BenchmarkServe(b *testing.B) {
	w := newWorld()
	w.svc.c.connected()
	body := req(attr(AttrSystemUserUUID, suAgent.String()), act("read"), res("ttd-accesspackage-resource", attr(AttrOrgID, orgElg.OrgNo)))
	h := w.svc.handle(Internal)
	b.ReportAllocs()
	for b.Loop() {
		rq := httptest.NewRequest(http.MethodPost, "/authorization/api/v1/decision", strings.NewReader(body))
		rq.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h(rec, rq)
		if rec.Code != 200 {
			b.Fatal(rec.Code)
		}
	}
}

// multiBody is one request of n decisions in MultiRequests: one subject,
// one action and n resource categories, each referenced with them.
func multiBody(n int) []byte {
	var resCats, refs []string
	for i := range n {
		id := fmt.Sprintf("r%d", i)
		resCats = append(resCats, fmt.Sprintf(`{"Id":%q,"Attribute":[%s]}`, id, res("ttd-accesspackage-resource", attr(AttrOrgID, orgElg.OrgNo))))
		refs = append(refs, fmt.Sprintf(`{"ReferenceId":["s","a",%q]}`, id))
	}
	return fmt.Appendf(nil, `{"Request":{"AccessSubject":[{"Id":"s","Attribute":[%s]}],"Action":[{"Id":"a","Attribute":[%s]}],"Resource":[%s],"MultiRequests":{"RequestReference":[%s]}}}`,
		attr(AttrSystemUserUUID, suAgent.String()), act("read"), strings.Join(resCats, ","), strings.Join(refs, ","))
}

// BenchmarkDecideBodyMulti is BenchmarkDecideBody with n decisions in one
// MultiRequests body; ns/decision is comparable with BenchmarkDecideBody's
// ns/op (the goal: as fast per decision as single requests).
func BenchmarkDecideBodyMulti(b *testing.B) {
	for _, n := range []int{10, 100} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			w := newWorld()
			w.svc.c.connected()
			body := multiBody(n)
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				r := w.svc.DecideBody(ctx, body, External, false)
				if len(r.Response) != n || r.Response[n-1].Decision != Permit {
					b.Fatalf("%d results, last %v", len(r.Response), r.Response[n-1].Decision)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/decision")
		})
	}
}
