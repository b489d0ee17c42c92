package resources_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/altinn-sim/altinn-sim/internal/app/apptest"
	"github.com/altinn-sim/altinn-sim/internal/resources"
)

type e2e struct {
	t   *testing.T
	srv *apptest.Server
}

func (e e2e) do(method, path, token, contentType string, body io.Reader, hdr ...string) (int, http.Header, []byte) {
	e.t.Helper()
	var raw any
	if body != nil {
		b, err := io.ReadAll(body)
		if err != nil {
			e.t.Fatal(err)
		}
		raw = b
	}
	if contentType != "" {
		hdr = append([]string{"Content-Type", contentType}, hdr...)
	}
	return e.srv.Do(e.t, method, path, token, raw, hdr...)
}

func (e e2e) token(orgNo string, scopes ...string) string {
	e.t.Helper()
	return e.srv.TestToken(e.t, map[string]any{"type": "enterprise", "orgNo": orgNo, "scopes": scopes})
}

func multipartPolicy(t *testing.T, xml string) (string, io.Reader) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, err := mw.CreateFormFile("policyFile", "policy.xml")
	if err != nil {
		t.Fatal(err)
	}
	_, _ = fw.Write([]byte(xml))
	_ = mw.Close()
	return mw.FormDataContentType(), &buf
}

func TestResourceRegistryEndToEnd(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	e := e2e{t: t, srv: srv}
	skd := e.token("974761076", resources.ScopeWrite)
	digdir := e.token("991825827", resources.ScopeWrite)
	noScope := e.token("974761076", "altinn:other")

	// Listen for the PDP's invalidation notices.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, srv.Pool.Config().ConnString())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "LISTEN altinn_sim_invalidate"); err != nil {
		t.Fatal(err)
	}

	// Public reads.
	st, _, b := e.do("GET", "/resourceregistry/api/v1/resource/kravogbetaling", "", "", nil)
	var res map[string]any
	_ = json.Unmarshal(b, &res)
	if st != 200 || res["identifier"] != "kravogbetaling" || res["resourceType"] != "GenericAccessResource" || res["delegable"] != true {
		t.Errorf("get: %d %s", st, b)
	}
	if st, _, _ := e.do("GET", "/resourceregistry/api/v1/resource/finnes-ikke", "", "", nil); st != 404 {
		t.Errorf("unknown: %d", st)
	}
	st, _, b = e.do("GET", "/resourceregistry/api/v1/resource/resourcelist", "", "", nil)
	if st != 200 || !strings.Contains(string(b), `"identifier":"altinn_access_management"`) {
		t.Errorf("list: %d %s", st, b)
	}
	st, _, b = e.do("GET", "/resourceregistry/api/v1/resource/Search?title=mva", "", "", nil)
	if st != 200 || !strings.Contains(string(b), `"identifier":"ske-mva-melding"`) || strings.Contains(string(b), "kravogbetaling") {
		t.Errorf("search: %d %s", st, b)
	}
	st, hdr, b := e.do("GET", "/resourceregistry/api/v1/resource/ske-krav-og-betalinger/policy", "", "", nil)
	if st != 200 || !strings.HasPrefix(hdr.Get("Content-Type"), "text/xml") || !strings.Contains(string(b), ">regnskapsforer-med-signeringsrettighet<") ||
		!strings.Contains(string(b), `AttributeId="urn:altinn:accesspackage"`) || !strings.Contains(string(b), ">DAGL<") {
		t.Errorf("policy: %d %s %s", st, hdr.Get("Content-Type"), b)
	}
	exported := string(b)
	if st, _, _ := e.do("GET", "/resourceregistry/api/v1/resource/ske-maskinportenschema-test/policy", "", "", nil); st != 404 {
		t.Errorf("resource without policy: %d", st)
	}

	// Create needs the write scope and ownership.
	body := `{"Identifier":"skd-ny-tjeneste","Title":{"nb":"Ny","nn":"Ny","en":"New"},"Description":{"nb":"x","nn":"x","en":"x"},
	  "ResourceType":"GenericAccessResource","HasCompetentAuthority":{"Organization":"974761076","Orgcode":"skd"}}`
	if st, _, _ := e.do("POST", "/resourceregistry/api/v1/resource", "", "application/json", strings.NewReader(body)); st != 401 {
		t.Errorf("create without token: %d", st)
	}
	if st, _, _ := e.do("POST", "/resourceregistry/api/v1/resource", noScope, "application/json", strings.NewReader(body)); st != 403 {
		t.Errorf("create without scope: %d", st)
	}
	if st, _, _ := e.do("POST", "/resourceregistry/api/v1/resource", digdir, "application/json", strings.NewReader(body)); st != 403 {
		t.Errorf("create for another owner: %d", st)
	}
	st, hdr, b = e.do("POST", "/resourceregistry/api/v1/resource", skd, "application/json", strings.NewReader(body))
	if st != 201 || hdr.Get("Location") != "/resourceregistry/api/v1/resource/skd-ny-tjeneste" {
		t.Fatalf("create: %d %s %v", st, b, hdr)
	}
	if st, _, _ := e.do("POST", "/resourceregistry/api/v1/resource", skd, "application/json", strings.NewReader(body)); st != 409 {
		t.Errorf("create again: %d", st)
	}
	// Policy upload as multipart policyFile; the exported policy of
	// another resource, re-targeted, is accepted.
	xml := strings.ReplaceAll(exported, "ske-krav-og-betalinger", "skd-ny-tjeneste")
	ct, rd := multipartPolicy(t, xml)
	if st, _, b := e.do("PUT", "/resourceregistry/api/v1/resource/skd-ny-tjeneste/policy", digdir, ct, rd); st != 403 {
		t.Errorf("foreign policy upload: %d %s", st, b)
	}
	ct, rd = multipartPolicy(t, xml)
	st, _, b = e.do("PUT", "/resourceregistry/api/v1/resource/skd-ny-tjeneste/policy", skd, ct, rd)
	if st != 201 {
		t.Fatalf("policy upload: %d %s", st, b)
	}
	ct, rd = multipartPolicy(t, "<nope")
	if st, _, _ := e.do("POST", "/resourceregistry/api/v1/resource/skd-ny-tjeneste/policy", skd, ct, rd); st != 400 {
		t.Errorf("bad policy: %d", st)
	}
	ct, rd = multipartPolicy(t, xml)
	if st, _, _ := e.do("POST", "/resourceregistry/api/v1/resource/finnes-ikke/policy", skd, ct, rd); st != 400 {
		t.Errorf("policy for unknown resource: %d", st)
	}
	pol, err := srv.Resources.Policy(context.Background(), "skd-ny-tjeneste")
	if rules := pol.Rules; err != nil || len(rules) != 2 || rules[0].Resources[0][0].Value != "skd-ny-tjeneste" {
		t.Errorf("stored rules: %+v, %v", rules, err)
	}
	st, _, b = e.do("GET", "/resourceregistry/api/v1/resource/skd-ny-tjeneste/policy/rules", "", "", nil)
	if st != 200 || !strings.Contains(string(b), `"subject":[{"type":"urn:altinn:accesspackage","value":"krav-og-utlegg"}],"action":{"type":"urn:oasis:names:tc:xacml:1.0:action:action-id","value":`) {
		t.Errorf("flattened rules: %d %s", st, b)
	}

	// Each change notified the PDP in its transaction.
	want := map[string]bool{"resource:skd-ny-tjeneste": false, "policy:skd-ny-tjeneste": false}
	for !want["resource:skd-ny-tjeneste"] || !want["policy:skd-ny-tjeneste"] {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			t.Fatalf("waiting for notifications %v: %v", want, err)
		}
		if _, ok := want[n.Payload]; ok {
			want[n.Payload] = true
		}
	}

	upd := strings.Replace(body, `"New"`, `"Renamed"`, 1)
	if st, _, b := e.do("PUT", "/resourceregistry/api/v1/resource/skd-ny-tjeneste", skd, "application/json", strings.NewReader(upd)); st != 200 {
		t.Errorf("update: %d %s", st, b)
	}
	if st, _, _ := e.do("PUT", "/resourceregistry/api/v1/resource/other-id", skd, "application/json", strings.NewReader(upd)); st != 404 {
		t.Errorf("update unknown: %d", st)
	}
	if st, _, _ := e.do("PUT", "/resourceregistry/api/v1/resource/kravogbetaling", skd, "application/json", strings.NewReader(upd)); st != 400 {
		t.Errorf("update with mismatching id: %d", st)
	}
	if st, _, _ := e.do("DELETE", "/resourceregistry/api/v1/resource/skd-ny-tjeneste", digdir, "", nil); st != 403 {
		t.Errorf("foreign delete: %d", st)
	}
	if st, _, _ := e.do("DELETE", "/resourceregistry/api/v1/resource/skd-ny-tjeneste", skd, "", nil); st != 204 {
		t.Errorf("delete: %d", st)
	}
	if st, _, _ := e.do("GET", "/resourceregistry/api/v1/resource/skd-ny-tjeneste", "", "", nil); st != 404 {
		t.Errorf("get deleted: %d", st)
	}
}

func TestAccessPackageMetadataEndToEnd(t *testing.T) {
	t.Parallel()
	e := e2e{t: t, srv: apptest.Start(t)}
	base := "/accessmanagement/api/v1/meta/info/accesspackages"
	st, _, b := e.do("GET", base+"/package/urn/urn:altinn:accesspackage:regnskapsforer-lonn", "", "", nil)
	var p map[string]any
	_ = json.Unmarshal(b, &p)
	area, _ := p["area"].(map[string]any)
	if st != 200 || p["urn"] != "urn:altinn:accesspackage:regnskapsforer-lonn" || p["isDelegable"] != true || p["isAssignable"] != false ||
		area["urn"] != "accesspackage:area:fullmakter_for_regnskapsforer" {
		t.Errorf("by urn: %d %s", st, b)
	}
	id, _ := p["id"].(string)
	st, _, b = e.do("GET", base+"/package/"+id, "", "", nil, "Accept-Language", "en")
	if st != 200 || !strings.Contains(string(b), `"name":"Accountant salary"`) {
		t.Errorf("by id in English: %d %s", st, b)
	}
	if st, _, _ := e.do("GET", base+"/package/urn/urn:altinn:accesspackage:finnes-ikke", "", "", nil); st != 404 {
		t.Errorf("unknown urn: %d", st)
	}
	st, _, b = e.do("GET", base+"/export", "", "", nil)
	var groups []map[string]any
	_ = json.Unmarshal(b, &groups)
	n := 0
	for _, g := range groups {
		areas, _ := g["areas"].([]any)
		for _, a := range areas {
			pk, _ := a.(map[string]any)["packages"].([]any)
			n += len(pk)
		}
	}
	if st != 200 || len(groups) != 5 || n != 223 {
		t.Errorf("export: %d, %d groups, %d packages", st, len(groups), n)
	}
	st, _, b = e.do("GET", base+"/search?term=regnskapsf", "", "", nil)
	if st != 200 || !strings.Contains(string(b), "regnskapsforer-med-signeringsrettighet") {
		t.Errorf("search: %d %s", st, b)
	}
	// The package's resources are those whose policy names it.
	st, _, b = e.do("GET", base+"/package/"+id+"/resources", "", "", nil)
	if st != 200 || !strings.Contains(string(b), "nav-a-ordningen") {
		t.Errorf("package resources: %d %s", st, b)
	}
	roles := "/accessmanagement/api/v1/meta/info/roles/packages"
	st, _, b = e.do("GET", roles+"?role=regnskapsforer&variant=AS", "", "", nil)
	if st != 200 || strings.Count(string(b), `"urn":"urn:altinn:accesspackage:regnskapsforer-`) != 3 {
		t.Errorf("role packages: %d %s", st, b)
	}
	st, _, b = e.do("GET", roles+"?role=FFOR&variant=ESEK", "", "", nil)
	if st != 200 || !strings.Contains(string(b), "forretningsforer-eiendom") {
		t.Errorf("FFØR at ESEK: %d %s", st, b)
	}
	if st, _, _ := e.do("GET", roles+"?role=nope&variant=AS", "", "", nil); st != 404 {
		t.Errorf("unknown role: %d", st)
	}
	st, _, b = e.do("GET", base+"/group", "", "", nil)
	if st != 200 || !strings.Contains(string(b), `"name":"Allment"`) {
		t.Errorf("groups: %d %s", st, b)
	}
}
