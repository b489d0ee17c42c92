package pdp

import (
	"context"
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
