package registry

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/altinn-sim/altinn-sim/internal/clock"
	"github.com/altinn-sim/altinn-sim/internal/db/dbtest"
	"github.com/altinn-sim/altinn-sim/internal/dberr"
	"github.com/altinn-sim/altinn-sim/internal/problem"
	"github.com/altinn-sim/altinn-sim/internal/resources"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

const (
	vendor      = "991825827"
	otherVendor = "313725138"
	client1     = "32ef65ac-6e62-498d-880f-76c85c2052ae"
	client2     = "b2a8d5c3-0000-4000-8000-000000000002"
	foreignCl   = "c3c3c3c3-0000-4000-8000-000000000003"
)

func newService(t *testing.T) *Service {
	t.Helper()
	pool := dbtest.New(t)
	res, err := resources.NewService(context.Background(), pool)
	if err != nil {
		t.Fatal(err)
	}
	return NewService(pool, clock.System{}, res)
}

var owner = Actor{OrgNo: vendor, ClientID: client1}

// theMatrix is the platform tests' canonical body (SystemRegister.json).
func theMatrix() RegisterRequest {
	r := NewRegisterRequest()
	r.ID = "991825827_the_matrix"
	r.Vendor = VendorFor(vendor)
	r.Name = map[string]string{"nb": "The Matrix", "en": "The Matrix", "nn": "The Matrix"}
	r.Description = map[string]string{"nb": "Test system", "en": "Test system", "nn": "Test system"}
	r.Rights = []Right{{Resource: []AttributePair{{ID: "urn:altinn:resource", Value: "ske-krav-og-betalinger"}}}}
	r.ClientID = []string{client1}
	r.AllowedRedirectURLs = []string{"https://vg.no", "https://nrk.no", "https://altinn.no"}
	return r
}

func codes(err error) []string {
	p := problem.From(err)
	var out []string
	for _, v := range p.ValidationErrors {
		out = append(out, v.Code)
	}
	return out
}

func TestSystemContract(t *testing.T) {
	t.Parallel()
	s := newService(t)
	ctx := context.Background()
	id, err := s.Create(ctx, owner, theMatrix())
	if err != nil {
		t.Fatal(err)
	}
	sys, err := s.System(ctx, "991825827_the_matrix")
	if err != nil {
		t.Fatal(err)
	}
	if sys.InternalID != id || sys.Vendor != vendor || sys.Name["nb"] != "The Matrix" || len(sys.Rights) != 1 ||
		sys.Rights[0].Resource[0].Value != "ske-krav-og-betalinger" || !sys.IsVisible || sys.IsDeleted ||
		len(sys.ClientIDs) != 1 || len(sys.AllowedRedirectURLs) != 3 || sys.AccessPackages == nil {
		t.Errorf("System = %+v", sys)
	}
	byClient, err := s.SystemByClientID(ctx, client1)
	if err != nil || byClient.ID != sys.ID {
		t.Errorf("SystemByClientID = %+v, %v", byClient, err)
	}
	if _, err := s.System(ctx, "991825827_nope"); !errors.Is(err, dberr.ErrNotFound) {
		t.Errorf("unknown: %v", err)
	}
	if err := s.Delete(ctx, owner, sys.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.System(ctx, sys.ID); !errors.Is(err, dberr.ErrNotFound) {
		t.Errorf("deleted system: %v, want ErrNotFound", err)
	}
	if _, err := s.SystemByClientID(ctx, client1); !errors.Is(err, dberr.ErrNotFound) {
		t.Errorf("client of deleted system: %v", err)
	}
	any, err := s.SystemAny(ctx, sys.ID)
	if err != nil || !any.IsDeleted || len(any.ClientIDs) != 1 {
		t.Errorf("SystemAny = %+v, %v", any, err)
	}
}

// TestCreateValidation replays the platform's valid and invalid register
// bodies (SystemRegisterControllerTests) with their codes.
func TestCreateValidation(t *testing.T) {
	t.Parallel()
	s := newService(t)
	ctx := context.Background()
	if _, err := s.Create(ctx, owner, theMatrix()); err != nil {
		t.Fatal(err)
	}
	type tc struct {
		name   string
		actor  Actor
		mod    func(*RegisterRequest)
		status int
		codes  []string
	}
	fresh := func(r *RegisterRequest) { r.ID = "991825827_fresh"; r.ClientID = nil }
	cases := []tc{
		{"app and resource rights", owner, func(r *RegisterRequest) {
			fresh(r)
			r.Rights = append(r.Rights, Right{Action: "read", Resource: []AttributePair{{"urn:altinn:resource", "kravogbetaling"}}})
		}, 0, nil},
		{"app right", owner, func(r *RegisterRequest) {
			fresh(r)
			r.Rights = []Right{{Resource: []AttributePair{{"urn:altinn:resource", "app_ttd_endring-av-navn-v2"}}}}
		}, 0, nil},
		{"access package", owner, func(r *RegisterRequest) {
			fresh(r)
			r.AccessPackages = []AccessPackageRef{{URN: "urn:altinn:accesspackage:skatt-naering"}}
		}, 0, nil},
		{"agent package on invisible system", owner, func(r *RegisterRequest) {
			fresh(r)
			r.IsVisible = false
			r.AccessPackages = []AccessPackageRef{{URN: "urn:altinn:accesspackage:regnskapsforer-med-signeringsrettighet"}}
		}, 0, nil},
		{"admin for another vendor", Actor{OrgNo: otherVendor, Admin: true}, fresh, 0, nil},
		{"http localhost redirect", owner, func(r *RegisterRequest) {
			fresh(r)
			r.AllowedRedirectURLs = []string{"http://localhost:3000/cb", "http://127.0.0.1/x"}
		}, 0, nil},
		{"invalid org identifier (VLD-00000)", owner, func(r *RegisterRequest) { fresh(r); r.Vendor.ID = "991825827" }, 400, []string{"AUTH.VLD-00000"}},
		{"invalid org identifier wins alone", owner, func(r *RegisterRequest) { r.Vendor.ID = "0193:991825827"; r.AllowedRedirectURLs = []string{"ftp://x"} }, 400, []string{"AUTH.VLD-00000"}},
		{"system id format (VLD-00001)", owner, func(r *RegisterRequest) { fresh(r); r.ID = "123456789_matrix" }, 400, []string{"AUTH.VLD-00001"}},
		{"system id without underscore", owner, func(r *RegisterRequest) { fresh(r); r.ID = "991825827matrix" }, 400, []string{"AUTH.VLD-00001"}},
		{"system id exists (VLD-00002)", owner, func(r *RegisterRequest) { r.ClientID = nil }, 400, []string{"AUTH.VLD-00002"}},
		{"resource not found (VLD-00003)", owner, func(r *RegisterRequest) {
			fresh(r)
			r.Rights = []Right{{Resource: []AttributePair{{"urn:altinn:resource", "finnes-ikke"}}}}
		}, 400, []string{"AUTH.VLD-00003"}},
		{"client id exists (VLD-00004)", owner, func(r *RegisterRequest) { r.ID = "991825827_fresh" }, 400, []string{"AUTH.VLD-00004"}},
		{"redirect url not https (VLD-00005)", owner, func(r *RegisterRequest) {
			fresh(r)
			r.AllowedRedirectURLs = []string{"http://vg.no"}
		}, 400, []string{"AUTH.VLD-00005"}},
		{"relative redirect url", owner, func(r *RegisterRequest) { fresh(r); r.AllowedRedirectURLs = []string{"/callback"} }, 400, []string{"AUTH.VLD-00005"}},
		{"duplicate rights (VLD-00006)", owner, func(r *RegisterRequest) { fresh(r); r.Rights = append(r.Rights, r.Rights[0]) }, 400, []string{"AUTH.VLD-00006"}},
		{"duplicate access package (VLD-00007)", owner, func(r *RegisterRequest) {
			fresh(r)
			r.AccessPackages = []AccessPackageRef{{"urn:altinn:accesspackage:skatt-naering"}, {"urn:altinn:accesspackage:skatt-naering"}}
		}, 400, []string{"AUTH.VLD-00007"}},
		{"unknown access package (VLD-00008)", owner, func(r *RegisterRequest) {
			fresh(r)
			r.AccessPackages = []AccessPackageRef{{"urn:altinn:accesspackage:finnes-ikke"}}
		}, 400, []string{"AUTH.VLD-00008"}},
		{"malformed access package urn (VLD-00008)", owner, func(r *RegisterRequest) {
			fresh(r)
			r.AccessPackages = []AccessPackageRef{{"skatt-naering"}}
		}, 400, []string{"AUTH.VLD-00008"}},
		{"not delegable package (VLD-00008)", owner, func(r *RegisterRequest) {
			fresh(r)
			r.IsVisible = false
			r.AccessPackages = []AccessPackageRef{{"urn:altinn:accesspackage:eksplisitt"}}
		}, 400, []string{"AUTH.VLD-00008"}},
		{"not delegable package on visible system (VLD-00008 and 00018)", owner, func(r *RegisterRequest) {
			fresh(r)
			r.AccessPackages = []AccessPackageRef{{"urn:altinn:accesspackage:eksplisitt"}}
		}, 400, []string{"AUTH.VLD-00008", "AUTH.VLD-00018"}},
		{"resource id format (VLD-00009)", owner, func(r *RegisterRequest) {
			fresh(r)
			r.Rights = []Right{{Resource: []AttributePair{{"urn:altinn:app", "app_ttd_x"}}}}
		}, 400, []string{"AUTH.VLD-00009"}},
		{"duplicate client ids (VLD-00011)", owner, func(r *RegisterRequest) {
			fresh(r)
			r.ClientID = []string{client2, strings.ToUpper(client2)}
		}, 400, []string{"AUTH.VLD-00011"}},
		{"space in system id (VLD-00013)", owner, func(r *RegisterRequest) { fresh(r); r.ID = "991825827_the matrix" }, 400, []string{"AUTH.VLD-00013"}},
		{"space in the org number part (VLD-00013 and 00001)", owner, func(r *RegisterRequest) { fresh(r); r.ID = "99182 5827_x" }, 400, []string{"AUTH.VLD-00013", "AUTH.VLD-00001"}},
		{"leading space is trimmed", owner, func(r *RegisterRequest) { fresh(r); r.ID = "  991825827_trimmed  " }, 0, nil},
		{"maskinporten schema not delegable (VLD-00017)", owner, func(r *RegisterRequest) {
			fresh(r)
			r.Rights = []Right{{Resource: []AttributePair{{"urn:altinn:resource", "ske-maskinportenschema-test"}}}}
		}, 400, []string{"AUTH.VLD-00017"}},
		{"visible with client package (VLD-00018)", owner, func(r *RegisterRequest) {
			fresh(r)
			r.AccessPackages = []AccessPackageRef{{"urn:altinn:accesspackage:regnskapsforer-lonn"}}
		}, 400, []string{"AUTH.VLD-00018"}},
		// As on the platform, a client id is any string not bound to
		// another system; it need not be a Maskinporten client yet.
		{"client id that is no maskinporten client", owner, func(r *RegisterRequest) { fresh(r); r.ClientID = []string{"nope"} }, 0, nil},
		{"random guid client id", owner, func(r *RegisterRequest) { fresh(r); r.ClientID = []string{foreignCl} }, 0, nil},
		{"missing nn name", owner, func(r *RegisterRequest) { fresh(r); r.Name = map[string]string{"nb": "x", "en": "x"} }, 400, []string{"SIM.VLD-00002"}},
		{"several errors together", owner, func(r *RegisterRequest) {
			r.ID = "991825827_the matrix"
			r.AllowedRedirectURLs = []string{"ftp://x"}
			r.Rights = []Right{{Resource: []AttributePair{{"urn:altinn:resource", "finnes-ikke"}}}}
		}, 400, []string{"AUTH.VLD-00013", "AUTH.VLD-00005", "AUTH.VLD-00004", "AUTH.VLD-00003"}},
		{"foreign vendor is forbidden", Actor{OrgNo: otherVendor}, fresh, 403, nil},
		// The platform checks only the attribute pairs it finds, so a
		// right with no resource at all passes.
		{"right with empty resource list", owner, func(r *RegisterRequest) {
			fresh(r)
			r.Rights = []Right{{Resource: []AttributePair{}}}
		}, 0, nil},
		{"403 wins over 400", Actor{OrgNo: otherVendor}, func(r *RegisterRequest) { r.AllowedRedirectURLs = []string{"ftp://x"} }, 403, nil},
	}
	for i, c := range cases {
		req := theMatrix()
		c.mod(&req)
		if c.status == 0 {
			req.ID = fmt.Sprintf("%s_%d", strings.TrimSpace(req.ID), i)
		}
		_, err := s.Create(ctx, c.actor, req)
		if c.status == 0 {
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
			continue
		}
		p := problem.From(err)
		if p.Status != c.status {
			t.Errorf("%s: status %d (%v), want %d", c.name, p.Status, err, c.status)
			continue
		}
		if c.codes != nil && strings.Join(codes(err), ",") != strings.Join(c.codes, ",") {
			t.Errorf("%s: codes %v, want %v", c.name, codes(err), c.codes)
		}
	}
}

func TestUpdateRules(t *testing.T) {
	t.Parallel()
	s := newService(t)
	ctx := context.Background()
	if _, err := s.Create(ctx, owner, theMatrix()); err != nil {
		t.Fatal(err)
	}
	id := "991825827_the_matrix"
	upd := theMatrix()
	upd.Name = map[string]string{"nb": "Ny", "nn": "Ny", "en": "New"}
	upd.ClientID = []string{client2}
	upd.AccessPackages = []AccessPackageRef{{"urn:altinn:accesspackage:skatt-naering"}}
	if err := s.Update(ctx, Actor{OrgNo: otherVendor}, id, upd, ""); problem.From(err).Status != 403 {
		t.Errorf("foreign update: %v", err)
	}
	if err := s.Update(ctx, owner, "991825827_nope", upd, ""); problem.From(err).Status != 404 {
		t.Errorf("unknown: %v", err)
	}
	wrongVendor := upd
	wrongVendor.Vendor = VendorFor(otherVendor)
	if err := s.Update(ctx, owner, id, wrongVendor, ""); problem.From(err).Status != 404 {
		t.Errorf("body vendor differs: %v", err)
	}
	mismatch := upd
	mismatch.ID = "991825827_other"
	if err := s.Update(ctx, owner, id, mismatch, ""); strings.Join(codes(err), ",") != "AUTH.VLD-00012" {
		t.Errorf("id mismatch: %v", err)
	}
	if err := s.Update(ctx, owner, id, upd, ""); err != nil {
		t.Fatal(err)
	}
	sys, _ := s.System(ctx, id)
	if sys.Name["en"] != "New" || sys.ClientIDs[0] != client2 || len(sys.AccessPackages) != 1 || sys.Version != 2 {
		t.Errorf("after update: %+v", sys)
	}
	// client1 is free again: another system may take it.
	other := theMatrix()
	other.ID = "991825827_second"
	if _, err := s.Create(ctx, owner, other); err != nil {
		t.Errorf("freed client id not reusable: %v", err)
	}
	// ... and now it is bound to the second system, so the first cannot take it back.
	back := upd
	back.ClientID = []string{client1}
	if err := s.Update(ctx, owner, id, back, ""); strings.Join(codes(err), ",") != "AUTH.VLD-00004" {
		t.Errorf("taking another system's client: %v", err)
	}
	// Rights only / packages only.
	if err := s.UpdateRights(ctx, owner, id, []Right{{Resource: []AttributePair{{"urn:altinn:resource", "kravogbetaling"}}}}, ""); err != nil {
		t.Fatal(err)
	}
	if err := s.UpdateRights(ctx, owner, id, []Right{{Resource: []AttributePair{{"urn:altinn:resource", "nope"}}}}, ""); strings.Join(codes(err), ",") != "AUTH.VLD-00003" {
		t.Errorf("bad rights update: %v", err)
	}
	if err := s.UpdateAccessPackages(ctx, owner, id, []AccessPackageRef{{"urn:altinn:accesspackage:regnskapsforer-lonn"}}, ""); strings.Join(codes(err), ",") != "AUTH.VLD-00018" {
		t.Errorf("client package on visible system: %v", err)
	}
	if err := s.UpdateAccessPackages(ctx, Actor{OrgNo: vendor}, id, []AccessPackageRef{{"urn:altinn:accesspackage:merverdiavgift"}}, ""); err != nil {
		t.Fatal(err)
	}
	if err := s.UpdateAccessPackages(ctx, Actor{OrgNo: otherVendor, Admin: true}, id, []AccessPackageRef{{"urn:altinn:accesspackage:merverdiavgift"}}, ""); err != nil {
		t.Errorf("admin packages update: %v", err)
	}
	if err := s.UpdateRights(ctx, Actor{OrgNo: otherVendor}, id, nil, ""); problem.From(err).Status != 403 {
		t.Errorf("foreign rights update: %v", err)
	}
	sys, _ = s.System(ctx, id)
	if sys.Rights[0].Resource[0].Value != "kravogbetaling" || sys.AccessPackages[0].URN != "urn:altinn:accesspackage:merverdiavgift" {
		t.Errorf("after partial updates: %+v", sys)
	}
	log, err := s.ChangeLog(ctx, owner, id)
	if err != nil || len(log) != 5 || log[0].ChangeType != ChangeCreate || log[1].ChangeType != ChangeUpdate ||
		log[2].ChangeType != ChangeRightsUpdate || log[3].ChangeType != ChangeAccessPackageUpdate || log[0].ClientID != client1 {
		t.Errorf("change log = %+v, %v", log, err)
	}
	// Deleted systems cannot be updated.
	if err := s.Delete(ctx, Actor{OrgNo: otherVendor}, id); problem.From(err).Status != 403 {
		t.Errorf("foreign delete: %v", err)
	}
	if err := s.Delete(ctx, owner, id); err != nil {
		t.Fatal(err)
	}
	if err := s.Update(ctx, owner, id, upd, ""); problem.From(err).Status != 400 || problem.From(err).Title != "Cannot update a system marked as deleted." {
		t.Errorf("update deleted: %v", err)
	}
	if err := s.UpdateRights(ctx, owner, id, nil, ""); problem.From(err).Status != 400 {
		t.Errorf("rights on deleted: %v", err)
	}
	if err := s.Delete(ctx, owner, "991825827_nope"); problem.From(err).Status != 400 {
		t.Errorf("delete unknown: %v", err)
	}
	// The id stays taken after soft delete.
	again := theMatrix()
	again.ClientID = []string{client2}
	if _, err := s.Create(ctx, owner, again); strings.Join(codes(err), ",") != "AUTH.VLD-00002" {
		t.Errorf("re-create deleted id: %v", err)
	}
	// Its client ids are free.
	again.ID = "991825827_third"
	if _, err := s.Create(ctx, owner, again); err != nil {
		t.Errorf("client of deleted system not freed: %v", err)
	}
	list, _ := s.ForVendor(ctx, vendor)
	if len(list) != 2 {
		t.Errorf("vendor list has %d systems, want 2 (second, third)", len(list))
	}
}

// TestConcurrentUpdates: two racing partial updates both land; two racing
// whole updates that name the same version: one wins, the other gets 412.
func TestConcurrentUpdates(t *testing.T) {
	t.Parallel()
	s := newService(t)
	ctx := context.Background()
	if _, err := s.Create(ctx, owner, theMatrix()); err != nil {
		t.Fatal(err)
	}
	id := "991825827_the_matrix"
	var wg sync.WaitGroup
	errs := make([]error, 2)
	wg.Add(2)
	go func() {
		defer wg.Done()
		errs[0] = s.UpdateRights(ctx, owner, id, []Right{{Resource: []AttributePair{{"urn:altinn:resource", "kravogbetaling"}}}}, "")
	}()
	go func() {
		defer wg.Done()
		errs[1] = s.UpdateAccessPackages(ctx, owner, id, []AccessPackageRef{{"urn:altinn:accesspackage:skatt-naering"}}, "")
	}()
	wg.Wait()
	if errs[0] != nil || errs[1] != nil {
		t.Fatal(errs)
	}
	sys, _ := s.System(ctx, id)
	if sys.Rights[0].Resource[0].Value != "kravogbetaling" || len(sys.AccessPackages) != 1 || sys.Version != 3 {
		t.Errorf("a concurrent partial update was lost: %+v", sys)
	}
	etag := ETag(sys)
	results := make([]error, 8)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req := theMatrix()
			req.Name = map[string]string{"nb": fmt.Sprint(i), "nn": "x", "en": "x"}
			results[i] = s.Update(ctx, owner, id, req, etag)
		}()
	}
	wg.Wait()
	ok, pre := 0, 0
	for _, err := range results {
		switch {
		case err == nil:
			ok++
		case problem.From(err).Status == 412:
			pre++
		default:
			t.Errorf("unexpected: %v", err)
		}
	}
	if ok != 1 || pre != 7 {
		t.Errorf("%d succeeded, %d got 412; want 1 and 7", ok, pre)
	}
}

// TestConcurrentCreates: racing creates of one id, or of two systems with
// one client id, leave exactly one winner and answer the others with the
// platform's codes (never a 500).
func TestConcurrentCreates(t *testing.T) {
	t.Parallel()
	s := newService(t)
	ctx := context.Background()
	for _, sameID := range []bool{true, false} {
		var wg sync.WaitGroup
		errs := make([]error, 8)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				req := theMatrix()
				req.ClientID = []string{client2}
				if sameID {
					req.ID = "991825827_race"
					req.ClientID = nil
				} else {
					req.ID = fmt.Sprintf("991825827_clientrace_%d", i)
				}
				_, errs[i] = s.Create(ctx, owner, req)
			}()
		}
		wg.Wait()
		won := 0
		for _, err := range errs {
			if err == nil {
				won++
				continue
			}
			p := problem.From(err)
			if p.Status != 400 && p.Status != 409 {
				t.Errorf("sameID=%v: loser got %v", sameID, err)
			}
		}
		if won != 1 {
			t.Errorf("sameID=%v: %d creates won, want 1", sameID, won)
		}
	}
}

func TestOldAppFormat(t *testing.T) {
	in := []Right{
		{Resource: []AttributePair{{"urn:altinn:resource", "app_ttd_endring-av-navn-v2"}}},
		{Action: "read", Resource: []AttributePair{{"urn:altinn:resource", "kravogbetaling"}}},
	}
	got := OldAppFormat(in)
	if len(got) != 2 || len(got[0].Resource) != 2 || got[0].Resource[0] != (AttributePair{"urn:altinn:org", "ttd"}) ||
		got[0].Resource[1] != (AttributePair{"urn:altinn:app", "endring-av-navn-v2"}) || got[1].Resource[0].Value != "kravogbetaling" || got[1].Action != "read" {
		t.Errorf("OldAppFormat = %+v", got)
	}
}

// The resource-rights errors name the offending resource values, joined
// with " | ", under the platform's extension keys.
func TestRightsErrorDetails(t *testing.T) {
	t.Parallel()
	s := newService(t)
	req := theMatrix()
	req.Rights = []Right{
		{Resource: []AttributePair{{"urn:altinn:res", "ttd-am-invalidresformat"}}},
		{Resource: []AttributePair{{"urn:altinn:app", "app_ttd_x"}}},
		{Resource: []AttributePair{{"urn:altinn:resource", "finnes-ikke"}}},
	}
	_, err := s.Create(context.Background(), owner, req)
	got := map[string]any{}
	for _, e := range problem.From(err).ValidationErrors {
		for k, v := range e.Extensions {
			got[e.Code+" "+k] = v
		}
	}
	want := map[string]any{
		"AUTH.VLD-00009 Invalid Resource Id Details : ": "ttd-am-invalidresformat | app_ttd_x",
		"AUTH.VLD-00003 ResourceIds Not Found : ":       "finnes-ikke",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("extensions %v, want %v", got, want)
	}
}

// A body without the required id and vendor fails as the platform's model
// binding does: 400, before the system is even looked up (not a 404).
func TestUpdateWithoutRequiredMembers(t *testing.T) {
	t.Parallel()
	s := newService(t)
	ctx := context.Background()
	if _, err := s.Create(ctx, owner, theMatrix()); err != nil {
		t.Fatal(err)
	}
	req := NewRegisterRequest()
	if err := json.Unmarshal([]byte(`{"systemIdd":"991825827_the_matrix","Name":{"nb":"x"},"description":{"nb":"x"},"clientId":[]}`), &req); err != nil {
		t.Fatal(err)
	}
	err := s.Update(ctx, owner, "991825827_the_matrix", req, "")
	p := problem.From(err)
	if p.Status != 400 || !strings.Contains(p.Detail, "'id', 'vendor'.") {
		t.Errorf("update without id and vendor: %d %q", p.Status, p.Detail)
	}
	if _, err := s.Create(ctx, owner, req); problem.From(err).Status != 400 {
		t.Errorf("create without id and vendor: %v", err)
	}
}
