package apidelegation_test

import (
	"sync"
	"testing"

	"github.com/altinn-sim/altinn-sim/internal/apidelegation"
)

type problemBody struct {
	Status           int    `json:"status"`
	Code             string `json:"code"`
	ValidationErrors []struct {
		Code  string   `json:"code"`
		Paths []string `json:"paths"`
	} `json:"validationErrors"`
}

// TestControlAPI: schemes only with the owner's own scopes; delegations
// only between two different known organisations of an existing scheme;
// delegating twice answers the live delegation; a scheme with live
// delegations cannot be deleted; reset forgets it all.
func TestControlAPI(t *testing.T) {
	j := newJourney(t)
	s := j.s
	const base = "/sim/api/v1/apidelegation"

	var p problemBody
	// Digdir owns altinn:; Skatteetaten cannot offer its scopes.
	if st := s.DoJSON(t, "POST", base+"/schemes", "", apidelegation.NewScheme{Identifier: "not-mine", OwnerOrgNo: provider,
		Scopes: []string{"altinn:serviceowner"}, Title: "x"}, &p); st != 403 || p.Code != "SIM-01502" {
		t.Fatalf("another's scope: %d %+v", st, p)
	}
	if st := s.DoJSON(t, "POST", base+"/schemes", "", apidelegation.NewScheme{Identifier: "unknown", OwnerOrgNo: "991825827",
		Scopes: []string{"altinn:no.such"}, Title: "x"}, &p); st != 400 || p.Code != "SIM-01503" {
		t.Fatalf("unknown scope: %d %+v", st, p)
	}
	if st := s.DoJSON(t, "POST", base+"/schemes", "", apidelegation.NewScheme{Identifier: schemeID, OwnerOrgNo: provider,
		Scopes: []string{apiScope}, Title: "again"}, &p); st != 409 || p.Code != "SIM-01501" {
		t.Fatalf("taken identifier: %d %+v", st, p)
	}
	if st := s.DoJSON(t, "POST", base+"/schemes", "", map[string]any{"identifier": "X"}, &p); st != 400 || len(p.ValidationErrors) != 4 {
		t.Fatalf("bad body: %d %+v", st, p)
	}
	var list []apidelegation.Scheme
	if st := s.DoJSON(t, "GET", base+"/schemes?owner="+provider, "", nil, &list); st != 200 || len(list) != 1 || list[0].Identifier != schemeID {
		t.Fatalf("schemes: %d %+v", st, list)
	}
	if st := s.DoJSON(t, "GET", base+"/schemes/nope", "", nil, &p); st != 404 || p.Code != "SIM-01500" {
		t.Fatalf("no scheme: %d %+v", st, p)
	}

	for name, c := range map[string]struct {
		in   apidelegation.NewDelegation
		st   int
		code string
	}{
		"unknown scheme":   {apidelegation.NewDelegation{Scheme: "nope", ConsumerOrgNo: consumer, SupplierOrgNo: supplier}, 404, "SIM-01500"},
		"unknown supplier": {apidelegation.NewDelegation{Scheme: schemeID, ConsumerOrgNo: consumer, SupplierOrgNo: "999999999"}, 400, "SIM-01504"},
		"to itself":        {apidelegation.NewDelegation{Scheme: schemeID, ConsumerOrgNo: consumer, SupplierOrgNo: consumer}, 400, "SIM.VLD-01506"},
	} {
		p = problemBody{}
		st := s.DoJSON(t, "POST", base+"/delegations", "", c.in, &p)
		got := p.Code
		if len(p.ValidationErrors) > 0 {
			got = p.ValidationErrors[0].Code
		}
		if st != c.st || got != c.code {
			t.Errorf("%s: %d %+v, want %d %s", name, st, p, c.st, c.code)
		}
	}

	// Eight racing delegations of the same: one is created, all answer it.
	var wg sync.WaitGroup
	ids := make([]string, 8)
	created := make([]int, 8)
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var d apidelegation.Delegation
			created[i] = s.DoJSON(t, "POST", base+"/delegations", "", apidelegation.NewDelegation{Scheme: schemeID, ConsumerOrgNo: consumer, SupplierOrgNo: supplier}, &d)
			ids[i] = d.ID.String()
		}()
	}
	wg.Wait()
	n201 := 0
	for i := range ids {
		if ids[i] != ids[0] {
			t.Fatalf("racing delegations answered %v", ids)
		}
		switch created[i] {
		case 201:
			n201++
		case 200:
		default:
			t.Fatalf("racing delegation: %d", created[i])
		}
	}
	if n201 != 1 {
		t.Fatalf("%d of the racing delegations were created", n201)
	}
	var ds []apidelegation.Delegation
	if st := s.DoJSON(t, "GET", base+"/delegations?consumer="+consumer+"&supplier="+supplier, "", nil, &ds); st != 200 || len(ds) != 1 {
		t.Fatalf("list: %d %+v", st, ds)
	}
	if st := s.DoJSON(t, "DELETE", base+"/schemes/"+schemeID, "", nil, &p); st != 409 || p.Code != "SIM-01506" {
		t.Fatalf("delete a scheme in use: %d %+v", st, p)
	}
	if st := s.DoJSON(t, "DELETE", base+"/delegations/not-a-uuid", "", nil, &p); st != 400 {
		t.Fatalf("bad id: %d", st)
	}
	if st := s.DoJSON(t, "DELETE", base+"/delegations/"+ids[0], "", nil, nil); st != 204 {
		t.Fatalf("withdraw: %d", st)
	}
	var d apidelegation.Delegation
	if st := s.DoJSON(t, "GET", base+"/delegations/"+ids[0], "", nil, &d); st != 200 || d.Live() {
		t.Fatalf("withdrawn delegation: %d %+v", st, d)
	}
	if st := s.DoJSON(t, "GET", base+"/delegations?consumer="+consumer, "", nil, &ds); st != 200 || len(ds) != 0 {
		t.Fatalf("live list after withdrawal: %+v", ds)
	}
	if st := s.DoJSON(t, "GET", base+"/delegations?consumer="+consumer+"&withdrawn=true", "", nil, &ds); st != 200 || len(ds) != 1 {
		t.Fatalf("list with withdrawn: %+v", ds)
	}
	if st := s.DoJSON(t, "DELETE", base+"/schemes/"+schemeID, "", nil, nil); st != 204 {
		t.Fatalf("delete scheme: %d", st)
	}
	if st := s.DoJSON(t, "GET", base+"/schemes/"+schemeID, "", nil, nil); st != 404 {
		t.Fatalf("deleted scheme: %d", st)
	}
}

// TestResetForgetsDelegations: /sim/api/v1/reset puts schemes and
// delegations back to the seed (none).
func TestResetForgetsDelegations(t *testing.T) {
	j := newJourney(t)
	j.delegate(t, consumer, supplier)
	if st := j.s.DoJSON(t, "POST", "/sim/api/v1/reset", "", nil, nil); st != 200 && st != 204 {
		t.Fatalf("reset: %d", st)
	}
	var list []apidelegation.Scheme
	if st := j.s.DoJSON(t, "GET", "/sim/api/v1/apidelegation/schemes", "", nil, &list); st != 200 || len(list) != 0 {
		t.Fatalf("schemes after reset: %d %+v", st, list)
	}
	var ds []apidelegation.Delegation
	if st := j.s.DoJSON(t, "GET", "/sim/api/v1/apidelegation/delegations?withdrawn=true", "", nil, &ds); st != 200 || len(ds) != 0 {
		t.Fatalf("delegations after reset: %d %+v", st, ds)
	}
}
