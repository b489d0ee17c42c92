package registry_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/altinn-sim/altinn-sim/internal/app/apptest"
)

type e2e struct {
	t   *testing.T
	srv *apptest.Server
}

func (e e2e) do(method, path, token string, body any, hdr ...string) (int, http.Header, []byte) {
	e.t.Helper()
	return e.srv.Do(e.t, method, path, token, body, hdr...)
}

func (e e2e) token(typ, orgNo string, scopes ...string) string {
	e.t.Helper()
	body := map[string]any{"type": typ, "orgNo": orgNo, "scopes": scopes}
	if typ == "person" {
		body = map[string]any{"type": "person", "pid": "10857841048", "scopes": scopes}
	}
	return e.srv.TestToken(e.t, body)
}

func (e e2e) client(orgNo string) string {
	e.t.Helper()
	id := uuid.NewString()
	st, _, b := e.do("POST", "/sim/api/v1/clients", "", map[string]any{"clientId": id, "orgNo": orgNo, "name": "test", "scopes": []string{"altinn:authentication/systemregister.write"}})
	if st != 201 {
		e.t.Fatalf("client: %d %s", st, b)
	}
	return id
}

func codesOf(b []byte) []string {
	var p struct {
		ValidationErrors []struct {
			Code string `json:"code"`
		} `json:"validationErrors"`
	}
	_ = json.Unmarshal(b, &p)
	var out []string
	for _, v := range p.ValidationErrors {
		out = append(out, v.Code)
	}
	return out
}

// The platform docs' example body, sent verbatim with PascalCase keys.
const docsBody = `{
  "Id": "991825827_smartcloud",
  "Vendor": {"authority": "iso6523-actorid-upis", "ID": "0192:991825827"},
  "Name": {"en": "SmartCloud", "nb": "SmartCloud", "nn": "SmartCloud"},
  "Description": {"en": "SmartCloud Demo System", "nb": "SmartCloud Demo System", "nn": "SmartCloud Demo System"},
  "Rights": [{"Resource": [{"Id": "urn:altinn:resource", "Value": "kravogbetaling"}]}],
  "AccessPackages": [{"Urn": "urn:altinn:accesspackage:skattnaering"}],
  "ClientId": ["%s"],
  "AllowedRedirectUrls": ["https://smartcloudaltinn.azurewebsites.net/receipt"],
  "softDeleted": false
}`

func TestSystemRegisterEndToEnd(t *testing.T) {
	t.Parallel()
	e := e2e{t: t, srv: apptest.Start(t)}
	const vendor = "991825827"
	write := e.token("enterprise", vendor, "altinn:authentication/systemregister.write")
	other := e.token("enterprise", "313725138", "altinn:authentication/systemregister.write")
	admin := e.token("enterprise", "974761076", "altinn:authentication/systemregister.admin")
	noScope := e.token("enterprise", vendor, "altinn:something/else")
	portal := e.token("person", "", "altinn:portal/enduser")
	cl := e.client(vendor)

	// No token / wrong scope.
	if st, _, _ := e.do("GET", "/authentication/api/v1/systemregister/vendor", "", nil); st != 401 {
		t.Errorf("no token: %d", st)
	}
	if st, _, _ := e.do("GET", "/authentication/api/v1/systemregister/vendor", noScope, nil); st != 403 {
		t.Errorf("wrong scope: %d", st)
	}

	// The docs' body names a package that does not exist (skattnaering
	// without the dash): the platform answers AUTH.VLD-00008.
	st, _, b := e.do("POST", "/authentication/api/v1/systemregister/vendor", write, fmt.Sprintf(docsBody, cl))
	if st != 400 || strings.Join(codesOf(b), ",") != "AUTH.VLD-00008" {
		t.Fatalf("docs body with unknown package: %d %s", st, b)
	}
	body := strings.Replace(fmt.Sprintf(docsBody, cl), "skattnaering", "skatt-naering", 1)
	if st, _, b := e.do("POST", "/authentication/api/v1/systemregister/vendor", other, body); st != 403 {
		t.Errorf("other vendor create: %d %s", st, b)
	}
	st, hdr, b := e.do("POST", "/authentication/api/v1/systemregister/vendor", write, body)
	if st != 200 {
		t.Fatalf("create: %d %s", st, b)
	}
	var id string
	if err := json.Unmarshal(b, &id); err != nil || uuid.Validate(id) != nil {
		t.Errorf("create answered %s, want a bare JSON uuid string", b)
	}
	if hdr.Get("ETag") != `"1"` {
		t.Errorf("create ETag %q", hdr.Get("ETag"))
	}
	// Same body again: id exists and client id is taken.
	st, _, b = e.do("POST", "/authentication/api/v1/systemregister/vendor", write, body)
	if st != 400 || strings.Join(codesOf(b), ",") != "AUTH.VLD-00002,AUTH.VLD-00004" {
		t.Errorf("duplicate create: %d %s", st, b)
	}
	// A client id that is no Maskinporten client (yet) is accepted, as
	// on the platform, whose own e2e tests register random GUIDs.
	second := strings.Replace(strings.Replace(body, cl, uuid.NewString(), 1), "smartcloud", "other", 1)
	if st, _, b := e.do("POST", "/authentication/api/v1/systemregister/vendor", write, second); st != 200 {
		t.Errorf("unknown client: %d %s", st, b)
	}
	if st, _, b := e.do("DELETE", "/authentication/api/v1/systemregister/vendor/991825827_other", write, nil); st != 200 {
		t.Errorf("delete second system: %d %s", st, b)
	}

	// Vendor GET: exact casing (vendor.ID, clientId, isDeleted...).
	st, hdr, b = e.do("GET", "/authentication/api/v1/systemregister/vendor/991825827_smartcloud", write, nil)
	if st != 200 {
		t.Fatalf("get: %d %s", st, b)
	}
	var got map[string]any
	_ = json.Unmarshal(b, &got)
	vend, _ := got["vendor"].(map[string]any)
	if got["id"] != "991825827_smartcloud" || vend["ID"] != "0192:991825827" || vend["authority"] != "iso6523-actorid-upis" ||
		got["isDeleted"] != false || got["isVisible"] != true || fmt.Sprint(got["clientId"]) != "["+cl+"]" {
		t.Errorf("vendor GET body: %s", b)
	}
	for _, k := range []string{"name", "description", "rights", "accessPackages", "allowedRedirectUrls"} {
		if _, ok := got[k]; !ok {
			t.Errorf("vendor GET lacks %q: %s", k, b)
		}
	}
	etag := hdr.Get("ETag")
	if st, _, _ := e.do("GET", "/authentication/api/v1/systemregister/vendor/991825827_smartcloud", other, nil); st != 403 {
		t.Errorf("other vendor get: %d", st)
	}
	if st, _, _ := e.do("GET", "/authentication/api/v1/systemregister/vendor/991825827_smartcloud", admin, nil); st != 200 {
		t.Errorf("admin get: %d", st)
	}
	if st, _, _ := e.do("GET", "/authentication/api/v1/systemregister/vendor/991825827_nope", write, nil); st != 404 {
		t.Errorf("unknown get: %d", st)
	}

	// Update with the ETag; a second update with the same (now stale) ETag fails.
	upd := strings.Replace(body, "SmartCloud Demo System", "Ny beskrivelse", -1)
	st, hdr, b = e.do("PUT", "/authentication/api/v1/systemregister/vendor/991825827_smartcloud", write, upd, "If-Match", etag)
	if st != 200 || strings.TrimSpace(string(b)) != `{"succeeded":true}` {
		t.Errorf("update: %d %s", st, b)
	}
	// The answer names the new version, as a GET would.
	if _, get, _ := e.do("GET", "/authentication/api/v1/systemregister/vendor/991825827_smartcloud", write, nil); hdr.Get("ETag") == "" || hdr.Get("ETag") == etag || hdr.Get("ETag") != get.Get("ETag") {
		t.Errorf("update's ETag %q, before %q, GET's after %q", hdr.Get("ETag"), etag, get.Get("ETag"))
	}
	if st, _, b := e.do("PUT", "/authentication/api/v1/systemregister/vendor/991825827_smartcloud", write, upd, "If-Match", etag); st != 412 {
		t.Errorf("stale If-Match: %d %s", st, b)
	}
	rights := `[{"resource":[{"id":"urn:altinn:resource","value":"ske-krav-og-betalinger"}]}]`
	if st, _, b := e.do("PUT", "/authentication/api/v1/systemregister/vendor/991825827_smartcloud/rights", write, rights); st != 200 {
		t.Errorf("rights: %d %s", st, b)
	}
	if st, _, b := e.do("PUT", "/authentication/api/v1/systemregister/vendor/991825827_smartcloud/accesspackages", write, `[{"urn":"urn:altinn:accesspackage:regnskapsforer-lonn"}]`); st != 400 || strings.Join(codesOf(b), ",") != "AUTH.VLD-00018" {
		t.Errorf("client package on visible system: %d %s", st, b)
	}
	if st, _, b := e.do("PUT", "/authentication/api/v1/systemregister/vendor/991825827_smartcloud/rights", other, rights); st != 403 {
		t.Errorf("other vendor rights: %d %s", st, b)
	}
	if st, _, b := e.do("PUT", "/authentication/api/v1/systemregister/vendor/991825827_smartcloud/rights", write, `{"not":"an array"}`); st != 400 {
		t.Errorf("wrong body type: %d %s", st, b)
	}

	// Lists.
	st, _, b = e.do("GET", "/authentication/api/v1/systemregister/vendor", write, nil)
	var dtos []map[string]any
	_ = json.Unmarshal(b, &dtos)
	if st != 200 || len(dtos) != 1 || dtos[0]["systemId"] != "991825827_smartcloud" || dtos[0]["systemVendorOrgNumber"] != vendor {
		t.Errorf("vendor list: %d %s", st, b)
	}
	if st, _, b := e.do("GET", "/authentication/api/v1/systemregister/vendor", other, nil); st != 200 || strings.TrimSpace(string(b)) != "[]" {
		t.Errorf("other vendor list: %d %s", st, b)
	}
	st, _, b = e.do("GET", "/authentication/api/v1/systemregister", portal, nil)
	if st != 200 || !strings.Contains(string(b), `"systemId":"991825827_smartcloud"`) {
		t.Errorf("public list: %d %s", st, b)
	}
	if st, _, _ := e.do("GET", "/authentication/api/v1/systemregister", write, nil); st != 403 {
		t.Errorf("public list with vendor scope: %d", st)
	}
	st, _, b = e.do("GET", "/authentication/api/v1/systemregister/991825827_smartcloud/rights", portal, nil)
	if st != 200 || !strings.Contains(string(b), "ske-krav-og-betalinger") {
		t.Errorf("public rights: %d %s", st, b)
	}
	st, _, b = e.do("GET", "/authentication/api/v1/systemregister/991825827_smartcloud/accesspackages", portal, nil)
	if st != 200 || !strings.Contains(string(b), `"urn":"urn:altinn:accesspackage:skatt-naering"`) {
		t.Errorf("public packages: %d %s", st, b)
	}
	st, _, b = e.do("GET", "/authentication/api/v1/systemregister/vendor/991825827_smartcloud/changelog", write, nil)
	if st != 200 || strings.Count(string(b), `"changeType"`) != 3 {
		t.Errorf("changelog: %d %s", st, b)
	}

	// Delete frees the client id.
	if st, _, _ := e.do("DELETE", "/authentication/api/v1/systemregister/vendor/991825827_smartcloud", other, nil); st != 403 {
		t.Errorf("other vendor delete: %d", st)
	}
	if st, _, b := e.do("DELETE", "/authentication/api/v1/systemregister/vendor/991825827_smartcloud", write, nil); st != 200 || strings.TrimSpace(string(b)) != `{"succeeded":true}` {
		t.Errorf("delete: %d %s", st, b)
	}
	st, _, b = e.do("DELETE", "/authentication/api/v1/systemregister/vendor/991825827_nope", write, nil)
	if st != 400 || !strings.Contains(string(b), `"return":["System not found"]`) {
		t.Errorf("delete unknown: %d %s", st, b)
	}
	reuse := strings.Replace(body, "991825827_smartcloud", "991825827_smartcloud2", 1)
	if st, _, b := e.do("POST", "/authentication/api/v1/systemregister/vendor", write, reuse); st != 200 {
		t.Errorf("reuse freed client id: %d %s", st, b)
	}
	if st, _, b := e.do("PUT", "/authentication/api/v1/systemregister/vendor/991825827_smartcloud", write, upd); st != 400 || !strings.Contains(string(b), "Cannot update a system marked as deleted.") {
		t.Errorf("update deleted: %d %s", st, b)
	}
}
